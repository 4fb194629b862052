// SPDX-License-Identifier: MIT
/* VICI codec: bounded encoder, strict pull decoder. */
#include <errno.h>
#include <string.h>

#include "vici.h"
#include "vici_wire.h"

static int name_ok(const uint8_t *s, size_t len)
{
	if (len < 1 || len > VICI_MAX_NAME)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((uint8_t)(s[i] - 0x20) > 0x5e) /* outside 0x20..0x7e */
			return 0;
	return 1;
}

static int named_type(int type)
{
	return type == VICI_CMD_REQUEST || type == VICI_EVENT_REGISTER ||
	       type == VICI_EVENT_UNREGISTER || type == VICI_EVENT;
}

/* Append N bytes; on failure nothing is written and the error sticks. */
static int room(struct vici_buf *b, size_t n)
{
	if (b->err)
		return 0;
	if (n > b->cap - b->len) {
		b->err = -EMSGSIZE;
		return 0;
	}
	return 1;
}

static void put_bytes(struct vici_buf *b, const void *p, size_t n)
{
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

/* Element type followed by an 8-bit length name, all or nothing. */
static int put_named(struct vici_buf *b, int type, const char *name)
{
	size_t n = strlen(name);

	if (b->err)
		return 0;
	if (!name_ok((const uint8_t *)name, n)) {
		b->err = -EINVAL;
		return 0;
	}
	if (!room(b, 2 + n))
		return 0;
	b->data[b->len++] = (uint8_t)type;
	b->data[b->len++] = (uint8_t)n;
	put_bytes(b, name, n);
	return 1;
}

static int put_value(struct vici_buf *b, const void *value, size_t len)
{
	if (len > VICI_MAX_VALUE) {
		b->err = -EMSGSIZE;
		return 0;
	}
	if (!room(b, 2 + len))
		return 0;
	b->data[b->len++] = (uint8_t)(len >> 8);
	b->data[b->len++] = (uint8_t)len;
	put_bytes(b, value, len);
	return 1;
}

void vici_begin(struct vici_buf *b, uint8_t *mem, size_t cap, int type,
		const char *name)
{
	*b = (struct vici_buf){ .data = mem, .cap = cap };
	if (!room(b, 5))
		return;
	b->len = 4; /* length prefix, filled in by vici_end() */
	if (named_type(type)) {
		put_named(b, type, name);
		return;
	}
	b->data[b->len++] = (uint8_t)type;
}

void vici_put_section(struct vici_buf *b, const char *name)
{
	if (b->in_list || b->depth >= VICI_MAX_DEPTH) {
		if (!b->err)
			b->err = -EINVAL;
		return;
	}
	if (put_named(b, VICI_SECTION_START, name))
		b->depth++;
}

void vici_put_section_end(struct vici_buf *b)
{
	if (b->in_list || b->depth == 0) {
		if (!b->err)
			b->err = -EINVAL;
		return;
	}
	if (!room(b, 1))
		return;
	b->data[b->len++] = VICI_SECTION_END;
	b->depth--;
}

void vici_put_kv(struct vici_buf *b, const char *name, const void *value,
		 size_t len)
{
	size_t mark = b->len;

	if (b->in_list) {
		if (!b->err)
			b->err = -EINVAL;
		return;
	}
	if (put_named(b, VICI_KEY_VALUE, name) && !put_value(b, value, len))
		b->len = mark;
}

void vici_put_str(struct vici_buf *b, const char *name, const char *value)
{
	vici_put_kv(b, name, value, strlen(value));
}

void vici_put_u32(struct vici_buf *b, const char *name, uint32_t value)
{
	char digits[10];
	size_t n = sizeof(digits);

	do
		digits[--n] = (char)('0' + value % 10);
	while (value /= 10);
	vici_put_kv(b, name, digits + n, sizeof(digits) - n);
}

void vici_put_list(struct vici_buf *b, const char *name)
{
	if (b->in_list) {
		if (!b->err)
			b->err = -EINVAL;
		return;
	}
	if (put_named(b, VICI_LIST_START, name))
		b->in_list = 1;
}

void vici_put_item(struct vici_buf *b, const void *value, size_t len)
{
	size_t mark = b->len;

	if (!b->in_list) {
		if (!b->err)
			b->err = -EINVAL;
		return;
	}
	if (!room(b, 1))
		return;
	b->data[b->len++] = VICI_LIST_ITEM;
	if (!put_value(b, value, len))
		b->len = mark;
}

void vici_put_list_end(struct vici_buf *b)
{
	if (!b->in_list) {
		if (!b->err)
			b->err = -EINVAL;
		return;
	}
	if (!room(b, 1))
		return;
	b->data[b->len++] = VICI_LIST_END;
	b->in_list = 0;
}

void vici_fail(struct vici_buf *b, int err)
{
	if (!b->err)
		b->err = err;
}

int vici_end(struct vici_buf *b, size_t *len)
{
	size_t body;

	if (!b->err && (b->depth || b->in_list))
		b->err = -EINVAL;
	if (b->err)
		return b->err;
	body = b->len - 4;
	if (body > VICI_MAX_FRAME)
		return b->err = -EMSGSIZE;
	b->data[0] = (uint8_t)(body >> 24);
	b->data[1] = (uint8_t)(body >> 16);
	b->data[2] = (uint8_t)(body >> 8);
	b->data[3] = (uint8_t)body;
	*len = b->len;
	return 0;
}

const char *vici_packet_name(int type)
{
	static const char *const names[] = {
		[VICI_CMD_REQUEST] = "CMD_REQUEST",
		[VICI_CMD_RESPONSE] = "CMD_RESPONSE",
		[VICI_CMD_UNKNOWN] = "CMD_UNKNOWN",
		[VICI_EVENT_REGISTER] = "EVENT_REGISTER",
		[VICI_EVENT_UNREGISTER] = "EVENT_UNREGISTER",
		[VICI_EVENT_CONFIRM] = "EVENT_CONFIRM",
		[VICI_EVENT_UNKNOWN] = "EVENT_UNKNOWN",
		[VICI_EVENT] = "EVENT",
	};

	return type >= 0 && type <= VICI_EVENT ? names[type] : NULL;
}

int vici_packet_parse(const uint8_t *frame, size_t len,
		      struct vici_packet_view *p)
{
	size_t off = 1;

	*p = (struct vici_packet_view){ 0 };
	if (len == 0)
		return -EBADMSG;
	p->type = frame[0];
	if (p->type > VICI_EVENT)
		return -EPROTO;
	if (named_type(p->type)) {
		if (len - off < 1)
			return -EBADMSG;
		p->name_len = frame[off++];
		if (p->name_len > len - off)
			return -EBADMSG;
		p->name = frame + off;
		if (!name_ok(p->name, p->name_len))
			return -EBADMSG;
		off += p->name_len;
	}
	p->body = frame + off;
	p->body_len = len - off;
	return 0;
}

void vici_reader_init(struct vici_reader *r, const uint8_t *body, size_t len)
{
	*r = (struct vici_reader){ .pos = body, .end = body + len };
}

void vici_reader_init_list(struct vici_reader *r, const uint8_t *items,
			   size_t len)
{
	*r = (struct vici_reader){ .pos = items,
				   .end = items + len,
				   .in_list = 1 };
}

static int fail(struct vici_reader *r, const char *why)
{
	r->why = why;
	r->pos = r->end; /* a failed reader stays failed */
	r->depth = -1;
	return -EBADMSG;
}

/* CHECK: the characters too (a constant where next() is inlined). */
static inline int get_name(struct vici_reader *r, struct vici_elem *e,
			   int check)
{
	if (r->end - r->pos < 1)
		return fail(r, "element name missing");
	e->name_len = *r->pos++;
	if (e->name_len == 0)
		return fail(r, "empty element name");
	if (e->name_len > (size_t)(r->end - r->pos))
		return fail(r, "element name runs past the end of the frame");
	e->name = r->pos;
	if (check && !name_ok(e->name, e->name_len))
		return fail(r, "element name is not printable ASCII");
	r->pos += e->name_len;
	return 0;
}

int vici_check_name(struct vici_reader *r, const struct vici_elem *e)
{
	if (!name_ok(e->name, e->name_len))
		return fail(r, "element name is not printable ASCII");
	return 0;
}

static int get_value(struct vici_reader *r, struct vici_elem *e)
{
	if (r->end - r->pos < 2)
		return fail(r, "value length runs past the end of the frame");
	e->value_len = (size_t)r->pos[0] << 8 | r->pos[1];
	r->pos += 2;
	if (e->value_len > (size_t)(r->end - r->pos))
		return fail(r, "value runs past the end of the frame");
	e->value = r->pos;
	r->pos += e->value_len;
	return 0;
}

/* vici_next(), the names' characters checked if CHECK: inlined in both
 * callers, so that each is compiled for its constant (a flag tested for
 * every name cost --wait 3% of its instructions). */
static inline __attribute__((always_inline)) int
next(struct vici_reader *r, struct vici_elem *e, int check)
{
	*e = (struct vici_elem){ 0 };
	if (r->depth < 0)
		return -EBADMSG;
	if (r->pos == r->end) {
		if (r->in_list)
			return fail(r, "list not closed");
		if (r->depth)
			return fail(r, "section not closed");
		return 0;
	}
	e->type = *r->pos++;
	switch (e->type) {
	case VICI_SECTION_START:
		if (r->in_list)
			return fail(r, "section inside a list");
		if (r->depth >= VICI_MAX_DEPTH)
			return fail(r, "sections nested too deeply");
		r->depth++;
		return get_name(r, e, check) ? -EBADMSG : 1;
	case VICI_SECTION_END:
		if (r->in_list)
			return fail(r, "section end inside a list");
		if (r->depth == 0)
			return fail(r, "section end without a section");
		r->depth--;
		return 1;
	case VICI_KEY_VALUE:
		if (r->in_list)
			return fail(r, "key/value inside a list");
		if (get_name(r, e, check) || get_value(r, e))
			return -EBADMSG;
		return 1;
	case VICI_LIST_START:
		if (r->in_list)
			return fail(r, "list inside a list");
		r->in_list = 1;
		return get_name(r, e, check) ? -EBADMSG : 1;
	case VICI_LIST_ITEM:
		if (!r->in_list)
			return fail(r, "list item outside a list");
		return get_value(r, e) ? -EBADMSG : 1;
	case VICI_LIST_END:
		if (!r->in_list)
			return fail(r, "list end without a list");
		r->in_list = 0;
		return 1;
	default:
		return fail(r, "unknown element type");
	}
}

int vici_next(struct vici_reader *r, struct vici_elem *e)
{
	return next(r, e, 1);
}

int vici_next_names_unchecked(struct vici_reader *r, struct vici_elem *e)
{
	return next(r, e, 0);
}

int vici_validate(const uint8_t *body, size_t len, const char **why)
{
	struct vici_reader r;
	struct vici_elem e;
	int rc;

	vici_reader_init(&r, body, len);
	while ((rc = vici_next(&r, &e)) > 0)
		;
	*why = r.why;
	return rc;
}

int vici_depth(const struct vici_reader *r)
{
	return r->depth;
}

const uint8_t *vici_pos(const struct vici_reader *r)
{
	return r->pos;
}

const char *vici_why(const struct vici_reader *r)
{
	return r->why;
}

int vici_is(const uint8_t *s, size_t len, const char *word)
{
	return len == strlen(word) && !memcmp(s, word, len);
}

// SPDX-License-Identifier: MIT
/* Codec tests: the reference byte vectors both ways, and every rejection. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "args.h"
#include "list.h"
#include "request.h"
#include "vici.h"
#include "vici_wire.h"

#define V(...) ((const uint8_t[]){ __VA_ARGS__ })
#define VLEN(...) sizeof((const uint8_t[]){ __VA_ARGS__ })

static uint8_t mem[VICI_MAX_VALUE + 64];

static void expect_frame(long got, const uint8_t *want, size_t want_len)
{
	assert_int_equal(got, (long)want_len);
	assert_memory_equal(mem, want, want_len);
}

/* vici_end() as one number: the frame length, or the error. */
static long end(struct vici_buf *b)
{
	size_t len;
	int rc = vici_end(b, &len);

	return rc ? rc : (long)len;
}

static long list_for(const struct sa_filter *f, int noblock)
{
	size_t len;
	int rc = list_request(f, noblock, mem, sizeof(mem), &len);

	return rc ? rc : (long)len;
}

static long rekey_for(struct sa_filter f, int reauth)
{
	size_t len;
	int rc = rekey_request(&f, reauth, mem, sizeof(mem), &len);

	return rc ? rc : (long)len;
}

static void test_rekey_vectors(void **state)
{
	(void)state;
	expect_frame(rekey_for((struct sa_filter){ .ike = "foo" }, 0),
		     V(0x00, 0x00, 0x00, 0x11, 0x00, 0x05, 'r', 'e', 'k', 'e',
		       'y', 0x03, 0x03, 'i', 'k', 'e', 0x00, 0x03, 'f', 'o',
		       'o'),
		     21);
	expect_frame(rekey_for((struct sa_filter){ .child = "net" }, 0),
		     V(0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x72, 0x65, 0x6b,
		       0x65, 0x79, 0x03, 0x05, 0x63, 0x68, 0x69, 0x6c, 0x64,
		       0x00, 0x03, 0x6e, 0x65, 0x74),
		     23);
	expect_frame(rekey_for((struct sa_filter){ .child_id = 12 }, 0),
		     V(0x00, 0x00, 0x00, 0x15, 0x00, 0x05, 0x72, 0x65, 0x6b,
		       0x65, 0x79, 0x03, 0x08, 0x63, 0x68, 0x69, 0x6c, 0x64,
		       0x2d, 0x69, 0x64, 0x00, 0x02, 0x31, 0x32),
		     25);
	expect_frame(rekey_for((struct sa_filter){ .ike_id = 5 }, 1),
		     V(0x00, 0x00, 0x00, 0x1f, 0x00, 0x05, 0x72, 0x65, 0x6b,
		       0x65, 0x79, 0x03, 0x06, 0x69, 0x6b, 0x65, 0x2d, 0x69,
		       0x64, 0x00, 0x01, 0x35, 0x03, 0x06, 0x72, 0x65, 0x61,
		       0x75, 0x74, 0x68, 0x00, 0x03, 0x79, 0x65, 0x73),
		     35);
	assert_int_equal(rekey_for((struct sa_filter){ 0 }, 0), -EINVAL);
}

static void test_rekey_largest_id_and_name(void **state)
{
	static char name[VICI_MAX_VALUE + 2];

	(void)state;
	assert_int_equal(
		rekey_for((struct sa_filter){ .ike_id = 4294967295u }, 0),
		4 + 1 + 6 + 1 + 7 + 2 + 10);
	assert_memory_equal(mem + 4 + 1 + 6 + 1 + 7 + 2, "4294967295", 10);
	memset(name, 'n', VICI_MAX_VALUE);
	assert_int_equal(rekey_for((struct sa_filter){ .child = name }, 0),
			 4 + 1 + 6 + 1 + 6 + 2 + VICI_MAX_VALUE);
	assert_int_equal(mem[4 + 1 + 6 + 1 + 6], 0xff);
	assert_int_equal(mem[4 + 1 + 6 + 1 + 6 + 1], 0xff);
	name[VICI_MAX_VALUE] = 'n'; /* one byte too many: never truncated */
	assert_int_equal(rekey_for((struct sa_filter){ .child = name }, 0),
			 -EMSGSIZE);
}

static void test_event_vectors(void **state)
{
	struct vici_buf b;

	(void)state;
	vici_begin(&b, mem, sizeof(mem), VICI_EVENT_REGISTER, "ike-rekey");
	expect_frame(end(&b),
		     V(0x00, 0x00, 0x00, 0x0b, 0x03, 0x09, 'i', 'k', 'e', '-',
		       'r', 'e', 'k', 'e', 'y'),
		     15);
	vici_begin(&b, mem, sizeof(mem), VICI_EVENT_REGISTER, "child-rekey");
	expect_frame(end(&b),
		     V(0x00, 0x00, 0x00, 0x0d, 0x03, 0x0b, 'c', 'h', 'i', 'l',
		       'd', '-', 'r', 'e', 'k', 'e', 'y'),
		     17);
	vici_begin(&b, mem, sizeof(mem), VICI_EVENT_REGISTER, "list-sa");
	expect_frame(end(&b),
		     V(0x00, 0x00, 0x00, 0x09, 0x03, 0x07, 'l', 'i', 's', 't',
		       '-', 's', 'a'),
		     13);
	vici_begin(&b, mem, sizeof(mem), VICI_EVENT_UNREGISTER, "list-sa");
	expect_frame(end(&b),
		     V(0x00, 0x00, 0x00, 0x09, 0x04, 0x07, 'l', 'i', 's', 't',
		       '-', 's', 'a'),
		     13);
	/* the listing request of --list-sas --ike foo */
	expect_frame(list_for(&(struct sa_filter){ .ike = "foo" }, 0),
		     V(0x00, 0x00, 0x00, 0x14, 0x00, 0x08, 'l', 'i', 's', 't',
		       '-', 's', 'a', 's', 0x03, 0x03, 'i', 'k', 'e', 0x00,
		       0x03, 'f', 'o', 'o'),
		     24);
	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	expect_frame(end(&b), V(0x00, 0x00, 0x00, 0x01, 0x01), 5);
}

/* The protocol description's own 77-byte example body. */
static const uint8_t example[] = {
	0x03, 0x04, 0x6b, 0x65, 0x79, 0x31, 0x00, 0x06, 0x76, 0x61, 0x6c,
	0x75, 0x65, 0x31, 0x01, 0x08, 0x73, 0x65, 0x63, 0x74, 0x69, 0x6f,
	0x6e, 0x31, 0x01, 0x0b, 0x73, 0x75, 0x62, 0x2d, 0x73, 0x65, 0x63,
	0x74, 0x69, 0x6f, 0x6e, 0x03, 0x04, 0x6b, 0x65, 0x79, 0x32, 0x00,
	0x06, 0x76, 0x61, 0x6c, 0x75, 0x65, 0x32, 0x02, 0x04, 0x05, 0x6c,
	0x69, 0x73, 0x74, 0x31, 0x05, 0x00, 0x05, 0x69, 0x74, 0x65, 0x6d,
	0x31, 0x05, 0x00, 0x05, 0x69, 0x74, 0x65, 0x6d, 0x32, 0x06, 0x02,
};

static void test_example_encode(void **state)
{
	struct vici_buf b;

	(void)state;
	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	vici_put_kv(&b, "key1", "value1", 6);
	vici_put_section(&b, "section1");
	vici_put_section(&b, "sub-section");
	vici_put_kv(&b, "key2", "value2", 6);
	vici_put_section_end(&b);
	vici_put_list(&b, "list1");
	vici_put_item(&b, "item1", 5);
	vici_put_item(&b, "item2", 5);
	vici_put_list_end(&b);
	vici_put_section_end(&b);
	assert_int_equal(end(&b), 4 + 1 + sizeof(example));
	assert_memory_equal(mem + 5, example, sizeof(example));
	assert_memory_equal(mem, V(0, 0, 0, 78, 1), 5);
}

static void expect_elem(struct vici_reader *r, int type, const char *name,
			const char *value)
{
	struct vici_elem e;

	assert_int_equal(vici_next(r, &e), 1);
	assert_int_equal(e.type, type);
	if (name) {
		assert_int_equal(e.name_len, strlen(name));
		assert_memory_equal(e.name, name, e.name_len);
	} else {
		assert_null(e.name);
	}
	if (value) {
		assert_int_equal(e.value_len, strlen(value));
		assert_memory_equal(e.value, value, e.value_len);
	} else {
		assert_null(e.value);
	}
}

static void test_example_decode(void **state)
{
	struct vici_reader r;
	struct vici_elem e;

	(void)state;
	vici_reader_init(&r, example, sizeof(example));
	expect_elem(&r, VICI_KEY_VALUE, "key1", "value1");
	expect_elem(&r, VICI_SECTION_START, "section1", NULL);
	expect_elem(&r, VICI_SECTION_START, "sub-section", NULL);
	expect_elem(&r, VICI_KEY_VALUE, "key2", "value2");
	expect_elem(&r, VICI_SECTION_END, NULL, NULL);
	expect_elem(&r, VICI_LIST_START, "list1", NULL);
	expect_elem(&r, VICI_LIST_ITEM, NULL, "item1");
	expect_elem(&r, VICI_LIST_ITEM, NULL, "item2");
	expect_elem(&r, VICI_LIST_END, NULL, NULL);
	expect_elem(&r, VICI_SECTION_END, NULL, NULL);
	assert_int_equal(vici_next(&r, &e), 0);
	assert_int_equal(vici_next(&r, &e), 0);
}

static void test_reply_decode(void **state)
{
	static const uint8_t frame[] = {
		0x01, 0x03, 0x07, 0x73, 0x75, 0x63, 0x63, 0x65, 0x73, 0x73,
		0x00, 0x02, 0x6e, 0x6f, 0x03, 0x07, 0x6d, 0x61, 0x74, 0x63,
		0x68, 0x65, 0x73, 0x00, 0x01, 0x30, 0x03, 0x06, 0x65, 0x72,
		0x72, 0x6d, 0x73, 0x67, 0x00, 0x1e, 0x6e, 0x6f, 0x20, 0x6d,
		0x61, 0x74, 0x63, 0x68, 0x69, 0x6e, 0x67, 0x20, 0x53, 0x41,
		0x73, 0x20, 0x74, 0x6f, 0x20, 0x72, 0x65, 0x6b, 0x65, 0x79,
		0x20, 0x66, 0x6f, 0x75, 0x6e, 0x64,
	};
	struct vici_packet_view p;
	struct vici_reader r;
	struct vici_elem e;

	(void)state;
	assert_int_equal(sizeof(frame), 0x42);
	assert_int_equal(vici_packet_parse(frame, sizeof(frame), &p), 0);
	assert_int_equal(p.type, VICI_CMD_RESPONSE);
	assert_null(p.name);
	vici_reader_init(&r, p.body, p.body_len);
	expect_elem(&r, VICI_KEY_VALUE, "success", "no");
	expect_elem(&r, VICI_KEY_VALUE, "matches", "0");
	expect_elem(&r, VICI_KEY_VALUE, "errmsg",
		    "no matching SAs to rekey found");
	assert_int_equal(vici_next(&r, &e), 0);
}

static void test_packet_parse(void **state)
{
	struct vici_packet_view p;

	(void)state;
	assert_int_equal(vici_packet_parse(V(0x07, 0x05, 0x61), 3, &p),
			 -EBADMSG);
	assert_int_equal(vici_packet_parse(V(0x07), 1, &p), -EBADMSG);
	assert_int_equal(vici_packet_parse(V(0x07, 0x00), 2, &p), -EBADMSG);
	assert_int_equal(vici_packet_parse(V(0x07, 0x01, 0x1b), 3, &p),
			 -EBADMSG);
	assert_int_equal(vici_packet_parse(V(0x00), 0, &p), -EBADMSG);
	assert_int_equal(vici_packet_parse(V(0x08), 1, &p), -EPROTO);
	assert_int_equal(vici_packet_parse(V(0xff), 1, &p), -EPROTO);
	assert_int_equal(vici_packet_parse(V(0x07, 0x01, 'e', 0x02), 4, &p), 0);
	assert_int_equal(p.type, VICI_EVENT);
	assert_int_equal(p.name_len, 1);
	assert_int_equal(p.name[0], 'e');
	assert_int_equal(p.body_len, 1);
	assert_int_equal(vici_packet_parse(V(0x02), 1, &p), 0);
	assert_int_equal(p.type, VICI_CMD_UNKNOWN);
	assert_int_equal(p.body_len, 0);
}

struct bad {
	const uint8_t *body;
	size_t len;
	const char *why;
};

#define BAD(why, ...)                                                          \
	{                                                                      \
		V(__VA_ARGS__), VLEN(__VA_ARGS__), why                         \
	}

static void test_rejects(void **state)
{
	const struct bad bad[] = {
		BAD("value runs past the end of the frame", 0x03, 0x03, 0x6b,
		    0x65, 0x79, 0x00, 0x05, 0x76, 0x61),
		BAD("value length runs past the end of the frame", 0x03, 0x01,
		    'k', 0x00),
		BAD("element name runs past the end of the frame", 0x03, 0x05,
		    'k'),
		BAD("element name missing", 0x01),
		BAD("unknown element type", 0x09, 0x00),
		BAD("unknown element type", 0x00),
		BAD("unknown element type", 0x07),
		BAD("empty element name", 0x03, 0x00, 0x00, 0x00),
		BAD("element name is not printable ASCII", 0x03, 0x01, 0x1b,
		    0x00, 0x00),
		BAD("section not closed", 0x01, 0x01, 's'),
		BAD("list not closed", 0x04, 0x01, 'l'),
		BAD("list item outside a list", 0x05, 0x00, 0x00),
		BAD("key/value inside a list", 0x04, 0x01, 'l', 0x03, 0x01, 'k',
		    0x00, 0x00, 0x06),
		BAD("list inside a list", 0x04, 0x01, 'l', 0x04, 0x01, 'm'),
		BAD("section inside a list", 0x04, 0x01, 'l', 0x01, 0x01, 's'),
		BAD("section end inside a list", 0x01, 0x01, 's', 0x04, 0x01,
		    'l', 0x02),
		BAD("section end without a section", 0x02),
		BAD("list end without a list", 0x06),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		assert_int_equal(vici_validate(bad[i].body, bad[i].len, &why),
				 -EBADMSG);
		assert_string_equal(why, bad[i].why);
	}
}

/* Without the check of their characters names come as they are; the
 * caller's check fails the reader as vici_next() would have. */
static void test_deferred_names(void **state)
{
	const uint8_t body[] = { 0x03, 0x02, 'k', 0x1b, 0x00, 0x01, 'v' };
	struct vici_reader r;
	struct vici_elem e;

	(void)state;
	vici_reader_init(&r, body, sizeof(body));
	assert_int_equal(vici_next_names_unchecked(&r, &e), 1);
	assert_int_equal(e.name_len, 2);
	assert_int_equal(e.value_len, 1);
	assert_int_equal(vici_check_name(&r, &e), -EBADMSG);
	assert_string_equal(vici_why(&r),
			    "element name is not printable ASCII");
	assert_int_equal(vici_next(&r, &e), -EBADMSG);

	vici_reader_init(&r, body, 3); /* "k": printable */
	assert_int_equal(vici_next_names_unchecked(&r, &e), -EBADMSG);
	vici_reader_init(&r, (const uint8_t[]){ 0x01, 0x01, 's', 0x02 }, 4);
	assert_int_equal(vici_next_names_unchecked(&r, &e), 1);
	assert_int_equal(vici_check_name(&r, &e), 0);
	assert_int_equal(vici_next_names_unchecked(&r, &e), 1);
	assert_int_equal(vici_next_names_unchecked(&r, &e), 0);
}

static void test_depth_cap(void **state)
{
	uint8_t body[(VICI_MAX_DEPTH + 1) * 4];
	const char *why = NULL;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < VICI_MAX_DEPTH; i++) {
		body[n++] = VICI_SECTION_START;
		body[n++] = 1;
		body[n++] = 's';
	}
	memset(body + n, VICI_SECTION_END, VICI_MAX_DEPTH);
	assert_int_equal(vici_validate(body, n + VICI_MAX_DEPTH, &why), 0);
	/* one level more is refused */
	memmove(body + 3, body, n + VICI_MAX_DEPTH);
	n += 3;
	body[n + VICI_MAX_DEPTH] = VICI_SECTION_END;
	assert_int_equal(vici_validate(body, n + VICI_MAX_DEPTH + 1, &why),
			 -EBADMSG);
	assert_string_equal(why, "sections nested too deeply");
}

static void test_numbers_and_listing(void **state)
{
	struct sa_filter f = { .child_id = 12 };
	struct vici_buf b;

	(void)state;
	/* --wait learns through list-sas with the same one selector */
	expect_frame(list_for(&f, 0),
		     V(0x00, 0x00, 0x00, 0x18, 0x00, 0x08, 'l', 'i', 's', 't',
		       '-', 's', 'a', 's', 0x03, 0x08, 'c', 'h', 'i', 'l', 'd',
		       '-', 'i', 'd', 0x00, 0x02, '1', '2'),
		     28);
	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	vici_put_u32(&b, "z", 0);
	vici_put_u32(&b, "m", 4294967295u);
	expect_frame(end(&b),
		     V(0x00, 0x00, 0x00, 0x16, 0x01, 0x03, 0x01, 'z', 0x00,
		       0x01, '0', 0x03, 0x01, 'm', 0x00, 0x0a, '4', '2', '9',
		       '4', '9', '6', '7', '2', '9', '5'),
		     26);
	/* every filter of --list-sas, in strongSwan's order: noblock last */
	f = (struct sa_filter){
		.ike = "i", .ike_id = 1, .child = "c", .child_id = 2
	};
	expect_frame(list_for(&f, 1),
		     V(0x00, 0x00, 0x00, 0x42, 0x00, 0x08, 'l', 'i', 's', 't',
		       '-', 's', 'a', 's', 0x03, 0x03, 'i', 'k', 'e', 0x00,
		       0x01, 'i', 0x03, 0x06, 'i', 'k', 'e', '-', 'i', 'd',
		       0x00, 0x01, '1', 0x03, 0x05, 'c', 'h', 'i', 'l', 'd',
		       0x00, 0x01, 'c', 0x03, 0x08, 'c', 'h', 'i', 'l', 'd',
		       '-', 'i', 'd', 0x00, 0x01, '2', 0x03, 0x07, 'n', 'o',
		       'b', 'l', 'o', 'c', 'k', 0x00, 0x03, 'y', 'e', 's'),
		     70);
}

static void test_encoder_errors(void **state)
{
	static char big[300];
	struct vici_buf b;
	uint8_t small[16];

	(void)state;
	memset(big, 'a', 256);
	vici_begin(&b, mem, sizeof(mem), VICI_CMD_REQUEST, "rekey");
	vici_put_kv(&b, big, "v", 1);
	assert_int_equal(b.len, 11);
	assert_int_equal(end(&b), -EINVAL);

	vici_begin(&b, mem, sizeof(mem), VICI_CMD_REQUEST, "");
	assert_int_equal(end(&b), -EINVAL);

	/* a put that does not fit leaves the buffer as it was */
	vici_begin(&b, small, sizeof(small), VICI_CMD_REQUEST, "rekey");
	vici_put_kv(&b, "ike", "foo", 3);
	assert_int_equal(b.len, 11);
	assert_int_equal(b.err, -EMSGSIZE);
	vici_put_section_end(&b);
	assert_int_equal(b.err, -EMSGSIZE);
	assert_int_equal(end(&b), -EMSGSIZE);

	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	vici_put_section(&b, "s");
	assert_int_equal(end(&b), -EINVAL);

	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	vici_put_item(&b, "x", 1);
	assert_int_equal(end(&b), -EINVAL);

	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	vici_put_list(&b, "l");
	vici_put_kv(&b, "k", "v", 1);
	assert_int_equal(end(&b), -EINVAL);

	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	vici_put_list(&b, "l");
	vici_put_item(&b, big, VICI_MAX_VALUE + 1);
	assert_int_equal(b.len, 8);
	assert_int_equal(end(&b), -EMSGSIZE);

	vici_begin(&b, mem, 4, VICI_CMD_RESPONSE, NULL);
	assert_int_equal(end(&b), -EMSGSIZE);
}

static void test_verdict_read(void **state)
{
	struct verdict res;
	const char *why = NULL;

	(void)state;
	assert_int_equal(verdict_read(V(0x03, 0x07, 's', 'u', 'c', 'c', 'e',
					's', 's', 0x00, 0x03, 'y', 'e', 's'),
				      14, &res, &why),
			 0);
	assert_true(res.success);
	assert_null(res.errmsg);
	/* case-sensitive, as swanctl: "YES" is a refusal */
	assert_int_equal(verdict_read(V(0x03, 0x07, 's', 'u', 'c', 'c', 'e',
					's', 's', 0x00, 0x03, 'Y', 'E', 'S'),
				      14, &res, &why),
			 0);
	assert_false(res.success);
	/* a nested success key is not the verdict */
	assert_int_equal(
		verdict_read(V(0x01, 0x01, 'x', 0x03, 0x07, 's', 'u', 'c', 'c',
			       'e', 's', 's', 0x00, 0x03, 'y', 'e', 's', 0x02),
			     18, &res, &why),
		0);
	assert_false(res.success);
	assert_int_equal(
		verdict_read(V(0x03, 0x07, 's', 'u', 'c', 'c', 'e', 's', 's',
			       0x00, 0x03, 'y', 'e', 's', 0x03, 0x07, 's', 'u',
			       'c', 'c', 'e', 's', 's', 0x00, 0x02, 'n', 'o'),
			     27, &res, &why),
		-EBADMSG);
	assert_string_equal(why, "a key is given twice at the top level");
	assert_int_equal(verdict_read(V(0x03, 0x06, 'e', 'r', 'r', 'm', 's',
					'g', 0x00, 0x01, 'a', 0x03, 0x06, 'e',
					'r', 'r', 'm', 's', 'g', 0x00, 0x00),
				      21, &res, &why),
			 -EBADMSG);
}

/*
 * What another word size or byte order could change (run on every
 * architecture by tests/cross.sh): the frame length at the 512 KiB cap,
 * lengths that would wrap a size_t, and wire integers read from and written
 * to addresses of every alignment.
 */
static uint8_t huge[VICI_MAX_FRAME + 64];

/* A CMD_RESPONSE whose body is VICI_MAX_FRAME + EXTRA bytes: seven keys of
 * the largest value (5 + 65535 bytes each), then one that fills it up. */
static long frame_at_cap(long extra)
{
	static uint8_t value[VICI_MAX_VALUE];
	struct vici_buf b;
	size_t last = VICI_MAX_FRAME - 1 - 7 * (5 + VICI_MAX_VALUE) - 5;

	vici_begin(&b, huge, sizeof(huge), VICI_CMD_RESPONSE, NULL);
	for (int i = 0; i < 7; i++)
		vici_put_kv(&b, "k", value, VICI_MAX_VALUE);
	vici_put_kv(&b, "k", value, last + (size_t)extra);
	return end(&b);
}

static void test_frame_cap(void **state)
{
	const char *why = NULL;

	(void)state;
	/* the length prefix is big-endian whatever the host's order */
	assert_int_equal(frame_at_cap(0), 4 + VICI_MAX_FRAME);
	assert_memory_equal(huge, V(0x00, 0x08, 0x00, 0x00, 0x01), 5);
	assert_int_equal(vici_validate(huge + 5, VICI_MAX_FRAME - 1, &why), 0);
	assert_int_equal(frame_at_cap(-1), 4 + VICI_MAX_FRAME - 1);
	assert_memory_equal(huge, V(0x00, 0x07, 0xff, 0xff), 4);
	assert_int_equal(frame_at_cap(1), -EMSGSIZE);
}

static void test_size_overflow(void **state)
{
	struct vici_buf b;
	struct vici_packet_view p;
	const char *why = NULL;

	(void)state;
	/* lengths near SIZE_MAX are refused before any sum could wrap */
	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	vici_put_kv(&b, "k", mem, SIZE_MAX);
	assert_int_equal(b.len, 5);
	assert_int_equal(b.err, -EMSGSIZE);
	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	vici_put_kv(&b, "k", mem, SIZE_MAX - 3);
	assert_int_equal(b.err, -EMSGSIZE);
	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	vici_put_list(&b, "l");
	vici_put_item(&b, mem, SIZE_MAX);
	assert_int_equal(b.len, 8);
	assert_int_equal(b.err, -EMSGSIZE);
	/* a buffer that is full to the byte takes nothing more */
	vici_begin(&b, mem, 8, VICI_CMD_RESPONSE, NULL);
	vici_put_kv(&b, "k", "", 0);
	assert_int_equal(b.len, 5);
	assert_int_equal(b.err, -EMSGSIZE);
	vici_begin(&b, mem, 10, VICI_CMD_RESPONSE, NULL);
	vici_put_kv(&b, "k", "", 0);
	assert_int_equal(end(&b), 10);
	/* the largest lengths the wire can state, with nothing behind them */
	assert_int_equal(vici_validate(V(0x03, 0x01, 'k', 0xff, 0xff), 5, &why),
			 -EBADMSG);
	assert_string_equal(why, "value runs past the end of the frame");
	assert_int_equal(
		vici_validate(V(0x04, 0x01, 'l', 0x05, 0xff, 0xff, 'x'), 7,
			      &why),
		-EBADMSG);
	assert_string_equal(why, "value runs past the end of the frame");
	assert_int_equal(vici_validate(V(0x01, 0xff, 's'), 3, &why), -EBADMSG);
	assert_string_equal(why, "element name runs past the end of the frame");
	assert_int_equal(vici_packet_parse(V(0x07, 0xff, 'e'), 3, &p),
			 -EBADMSG);
}

/* The example body, a value of 0x0102 bytes and a list item of 0x0100,
 * decoded at every offset from an aligned address: the lengths are read
 * byte by byte, never as a (possibly misaligned) wider load. */
static void test_unaligned(void **state)
{
	static _Alignas(16) uint8_t at[16 + sizeof(example) + 600];
	uint8_t big[0x102];

	(void)state;
	memset(big, 'v', sizeof(big));
	for (size_t off = 0; off < 16; off++) {
		struct vici_reader r;
		struct vici_elem e;
		struct vici_buf b;
		size_t n = sizeof(example);

		memcpy(at + off, example, n);
		memcpy(at + off + n, V(0x03, 0x01, 'k', 0x01, 0x02),
		       5); /* 258 bytes */
		memcpy(at + off + n + 5, big, 0x102);
		memcpy(at + off + n + 5 + 0x102,
		       V(0x04, 0x01, 'l', 0x05, 0x01, 0x00), 6);
		memcpy(at + off + n + 11 + 0x102, big, 0x100);
		at[off + n + 11 + 0x202] = VICI_LIST_END;
		vici_reader_init(&r, at + off, n + 12 + 0x202);
		expect_elem(&r, VICI_KEY_VALUE, "key1", "value1");
		for (int i = 0; i < 9; i++)
			assert_int_equal(vici_next(&r, &e), 1);
		assert_int_equal(vici_next(&r, &e), 1);
		assert_int_equal(e.value_len, 0x102);
		assert_ptr_equal(e.value, at + off + n + 5);
		assert_int_equal(vici_next(&r, &e), 1);
		assert_int_equal(vici_next(&r, &e), 1);
		assert_int_equal(e.value_len, 0x100);
		assert_int_equal(vici_next(&r, &e), 1);
		assert_int_equal(e.type, VICI_LIST_END);
		assert_int_equal(vici_next(&r, &e), 0);
		/* and written there: the same bytes, the length big-endian */
		vici_begin(&b, at + off, 5 + 0x107, VICI_CMD_RESPONSE, NULL);
		vici_put_kv(&b, "k", big, 0x102);
		assert_int_equal(end(&b), 5 + 0x107);
		assert_memory_equal(at + off,
				    V(0x00, 0x00, 0x01, 0x08, 0x01, 0x03, 0x01,
				      'k', 0x01, 0x02),
				    10);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rekey_vectors),
		cmocka_unit_test(test_rekey_largest_id_and_name),
		cmocka_unit_test(test_event_vectors),
		cmocka_unit_test(test_example_encode),
		cmocka_unit_test(test_example_decode),
		cmocka_unit_test(test_reply_decode),
		cmocka_unit_test(test_packet_parse),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_deferred_names),
		cmocka_unit_test(test_depth_cap),
		cmocka_unit_test(test_numbers_and_listing),
		cmocka_unit_test(test_encoder_errors),
		cmocka_unit_test(test_verdict_read),
		cmocka_unit_test(test_frame_cap),
		cmocka_unit_test(test_size_overflow),
		cmocka_unit_test(test_unaligned),
	};

	return cmocka_run_group_tests_name("vici", tests, NULL, NULL);
}

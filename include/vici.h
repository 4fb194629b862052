/* SPDX-License-Identifier: MIT */
/* VICI message codec: a bounded encoder and a strict pull decoder. */
#ifndef VICI_H
#define VICI_H

#include <stddef.h>
#include <stdint.h>

/*
 * Encoder over caller-owned memory.  Each put either succeeds completely or
 * leaves the buffer as it was and records a sticky error, so a sequence of
 * puts is checked once, by vici_end().
 */
struct vici_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	int err;   /* 0 or the first negative errno of a failed put */
	int depth; /* open sections, to refuse an unbalanced message */
	int in_list;
};

/* Start a frame of packet type TYPE; NAME is required for named types. */
void vici_begin(struct vici_buf *b, uint8_t *mem, size_t cap, int type,
		const char *name);
void vici_put_section(struct vici_buf *b, const char *name);
void vici_put_section_end(struct vici_buf *b);
void vici_put_kv(struct vici_buf *b, const char *name, const void *value,
		 size_t len);
/* Key/value with a C string, or an unsigned number in decimal. */
void vici_put_str(struct vici_buf *b, const char *name, const char *value);
void vici_put_u32(struct vici_buf *b, const char *name, uint32_t value);
void vici_put_list(struct vici_buf *b, const char *name);
void vici_put_item(struct vici_buf *b, const void *value, size_t len);
void vici_put_list_end(struct vici_buf *b);
/* Record ERR (negative errno) as the sticky error unless one is set. */
void vici_fail(struct vici_buf *b, int err);
/* Fill in the length prefix; 0 and the frame size in *LEN, or the sticky
 * error. */
int vici_end(struct vici_buf *b, size_t *len);

/* A received frame split into its parts; pointers alias the frame. */
struct vici_packet_view {
	int type;
	const uint8_t *name; /* NULL unless the type carries a name */
	size_t name_len;
	const uint8_t *body;
	size_t body_len;
};

/* "CMD_RESPONSE" for VICI_CMD_RESPONSE..., NULL for an unknown type. */
const char *vici_packet_name(int type);
/* Split a frame body (without length prefix); 0 or -EBADMSG/-EPROTO. */
int vici_packet_parse(const uint8_t *frame, size_t len,
		      struct vici_packet_view *p);

struct vici_elem {
	int type;	     /* enum vici_element */
	const uint8_t *name; /* section, key and list names */
	size_t name_len;
	const uint8_t *value; /* key values and list items */
	size_t value_len;
};

/* Pull decoder over a message body; it owns nothing. */
struct vici_reader {
	const uint8_t *pos;
	const uint8_t *end;
	int depth;
	int in_list;
	const char *why; /* what was wrong, after a negative return */
};

void vici_reader_init(struct vici_reader *r, const uint8_t *body, size_t len);
/* Read again the items of a list captured with vici_pos(): from the
 * position after its LIST_START to the one before its LIST_END. */
void vici_reader_init_list(struct vici_reader *r, const uint8_t *items,
			   size_t len);
/* 1 and an element in *E, 0 at a well-formed end, or -EBADMSG with r->why. */
int vici_next(struct vici_reader *r, struct vici_elem *e);
/* As vici_next(), but the characters of names are left to the caller, who
 * matches most names against known ones anyway: it calls
 * vici_check_name() at once on each name it does not find equal to a
 * printable one. */
int vici_next_names_unchecked(struct vici_reader *r, struct vici_elem *e);
/* 0 if the name of E (from vici_next_names_unchecked) is printable ASCII,
 * else -EBADMSG with R failed as vici_next() fails it. */
int vici_check_name(struct vici_reader *r, const struct vici_elem *e);
/* Walk the whole body once; 0 if it is well formed, else as vici_next. */
int vici_validate(const uint8_t *body, size_t len, const char **why);
/* Sections open where the reader stands; 0 at the top level. */
int vici_depth(const struct vici_reader *r);
/* The next byte the reader will decode. */
const uint8_t *vici_pos(const struct vici_reader *r);
/* What was malformed, after a negative vici_next(); else NULL. */
const char *vici_why(const struct vici_reader *r);
/* 1 if the LEN bytes at S (a name or value) are exactly WORD. */
int vici_is(const uint8_t *s, size_t len, const char *word);

#endif

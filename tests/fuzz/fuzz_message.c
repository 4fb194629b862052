// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the message decoder: a frame body (packet type,
 * name, elements) goes through every consumer of decoded messages, and
 * whatever the decoder accepts must re-encode to the very same bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"
#include "list.h"
#include "print.h"
#include "outcome.h"
#include "request.h"
#include "track.h"
#include "vici.h"
#include "vici_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;
static uint8_t out[VICI_MAX_FRAME + 8];

static void cstr(char *dst, const uint8_t *s, size_t len)
{
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* Re-encode an accepted packet with the encoder; abort if bytes differ. */
static void round_trip(const uint8_t *data, size_t size,
		       const struct vici_packet_view *p)
{
	char name[VICI_MAX_NAME + 1] = "";
	struct vici_reader r;
	struct vici_elem e;
	struct vici_buf b;
	size_t n;

	if (p->name)
		cstr(name, p->name, p->name_len);
	vici_begin(&b, out, sizeof(out), p->type, name);
	vici_reader_init(&r, p->body, p->body_len);
	while (vici_next(&r, &e) > 0) {
		char key[VICI_MAX_NAME + 1] = "";

		if (e.name)
			cstr(key, e.name, e.name_len);
		switch (e.type) {
		case VICI_SECTION_START:
			vici_put_section(&b, key);
			break;
		case VICI_SECTION_END:
			vici_put_section_end(&b);
			break;
		case VICI_KEY_VALUE:
			vici_put_kv(&b, key, e.value, e.value_len);
			break;
		case VICI_LIST_START:
			vici_put_list(&b, key);
			break;
		case VICI_LIST_ITEM:
			vici_put_item(&b, e.value, e.value_len);
			break;
		case VICI_LIST_END:
			vici_put_list_end(&b);
			break;
		}
	}
	if (vici_end(&b, &n) || n != size + 4 || memcmp(out + 4, data, size))
		abort();
}

static struct outcome out_rec;

static void report(void *ctx, const struct track_sa *sa)
{
	if (sa->state == TRACK_DONE)
		outcome_done(&out_rec, ctx, sa);
	else
		outcome_fail(&out_rec, ctx, sa, OUTCOME_TRACKED, NULL, 0);
}

/* The tracker's learning and event following, for every selector kind,
 * and the outcome records of what it finishes. */
static void follow(const struct vici_packet_view *p)
{
	static const char *const events[] = { "ike-rekey", "child-rekey",
					      "ike-updown", "child-updown",
					      "log" };

	static const struct sa_filter filters[] = {
		{ .child = "net" },
		{ .ike = "net" },
		{ .child_id = 1 },
		{ .ike_id = 1 },
	};

	out_rec = (struct outcome){ .out = sink, .err = sink, .json = 1 };
	for (size_t s = 0; s < 4; s++) {
		struct track w;

		track_init(&w, &filters[s], filters[s].ike != NULL);
		w.report = report;
		w.ctx = &w;
		track_learn(&w, p->body, p->body_len);
		for (size_t i = 0; i < w.count; i++)
			track_start(&w, &w.sa[i]);
		for (size_t i = 0; i < 5; i++)
			track_event(&w, (const uint8_t *)events[i],
				    strlen(events[i]), p->body, p->body_len);
		for (size_t i = 0; i < w.count; i++)
			if (w.sa[i].state == TRACK_PENDING)
				outcome_fail(&out_rec, &w, &w.sa[i],
					     OUTCOME_TIMED_OUT, NULL, 0);
		track_free(&w);
	}
}

/* JSON is printed whole or not at all: for a well-formed body one line
 * that parses with no key twice in an object, for a malformed one
 * nothing and -EBADMSG. */
static void json_whole(const struct vici_packet_view *p, int malformed)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int rc;

	if (!mem)
		abort();
	rc = print_json(mem, p->body, p->body_len);
	fclose(mem);
	if (malformed ? rc != -EBADMSG || len
		      : rc || json_check_lines(text, len))
		abort();
	free(text);
}

/* The printers that decode as they print agree with vici_validate: 0 for
 * a well-formed body (the callers count on it), else -EBADMSG. */
static void printers_agree(const struct vici_packet_view *p, int malformed)
{
	int want = malformed ? -EBADMSG : 0;

	if (print_dump(sink, "fuzz", p->body, p->body_len, 0) != want ||
	    print_dump(sink, "fuzz", p->body, p->body_len, 1) != want ||
	    list_print_event(sink, p->body, p->body_len) != want)
		abort();
}

/* The human view of a list-sa event printed as it decodes (a small buffer
 * written out when full) and printed whole by list_event (a buffer of its
 * own): the same bytes, and nothing at all of a malformed one. */
static void list_paths(const struct vici_packet_view *p, int malformed)
{
	char *direct = NULL, *whole = NULL;
	size_t direct_len = 0, whole_len = 0;
	FILE *d = open_memstream(&direct, &direct_len);
	struct listing l = { .output = OUTPUT_HUMAN,
			     .out = open_memstream(&whole, &whole_len) };
	struct vici_packet_view ev = *p;
	struct failure f = { 0 };
	int rc;

	ev.name = (const uint8_t *)"list-sa";
	ev.name_len = 7;
	if (!d || !l.out || list_scratch_open(&l))
		abort();
	rc = list_print_event(d, p->body, p->body_len);
	if (list_event(&l, &ev, &f) != rc)
		abort();
	fclose(d);
	fclose(l.out);
	list_scratch_close(&l);
	if (malformed ? whole_len != 0
		      : whole_len != direct_len ||
				memcmp(whole, direct, whole_len))
		abort();
	free(direct);
	free(whole);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vici_packet_view p;
	struct verdict res;
	const char *why;
	int malformed;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (size > VICI_MAX_FRAME || vici_packet_parse(data, size, &p))
		return 0;
	malformed = vici_validate(p.body, p.body_len, &why);
	if (malformed && !why)
		abort(); /* every rejection says why */
	json_whole(&p, malformed);
	printers_agree(&p, malformed);
	list_paths(&p, malformed);
	if (malformed)
		return 0;
	verdict_read(p.body, p.body_len, &res, &why);
	for (int m = 0; m < MESSAGE_COUNT; m++)
		for (int o = OUTPUT_HUMAN; o <= OUTPUT_JSON; o++)
			if (print_body(sink, (enum message)m, (enum output)o,
				       p.body, p.body_len, NULL, NULL))
				abort();
	for (int o = OUTPUT_HUMAN; o <= OUTPUT_JSON; o++)
		if (print_reply(sink, "rekey reply", (enum output)o, p.body,
				p.body_len, NULL, NULL))
			abort();
	follow(&p);
	round_trip(data, size, &p);
	return 0;
}

// SPDX-License-Identifier: MIT
/* Printer tests: swanctl 5.9.8's raw and pretty bytes, JSON, escaping. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "print.h"
#include "vici.h"
#include "vici_wire.h"

static char *text;
static size_t text_len;
static FILE *f;

static int setup(void **state)
{
	(void)state;
	f = open_memstream(&text, &text_len);
	return f ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fclose(f);
	free(text);
	return 0;
}

static void expect_text(const char *want)
{
	fclose(f);
	assert_string_equal(text, want);
	free(text);
	f = open_memstream(&text, &text_len);
	assert_non_null(f);
}

static uint8_t mem[4096];

/* The body of the reference's mixed example, built with our encoder. */
static size_t mixed(void)
{
	struct vici_buf b;
	size_t n;

	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	vici_put_kv(&b, "success", "yes", 3);
	vici_put_section(&b, "sec1");
	vici_put_kv(&b, "a", "b", 1);
	vici_put_section(&b, "sub");
	vici_put_kv(&b, "c", "d", 1);
	vici_put_section_end(&b);
	vici_put_list(&b, "l1");
	vici_put_item(&b, "x", 1);
	vici_put_item(&b, "y z", 3);
	vici_put_list_end(&b);
	vici_put_section_end(&b);
	vici_put_kv(&b, "bin", "\x00\x01\xff", 3);
	vici_put_kv(&b, "tab", "a\tb", 3);
	vici_put_kv(&b, "utf", "\xc3\xa4", 2);
	vici_put_kv(&b, "emptyv", "", 0);
	vici_put_list(&b, "el");
	vici_put_list_end(&b);
	vici_put_section(&b, "es");
	vici_put_section_end(&b);
	vici_put_kv(&b, "last", "1", 1);
	assert_int_equal(vici_end(&b, &n), 0);
	assert_true(n > 5);
	return n - 5;
}

static void test_raw(void **state)
{
	size_t n = mixed();

	(void)state;
	assert_int_equal(print_dump(f, "rekey reply", mem + 5, n, 0), 0);
	expect_text("rekey reply {success=yes sec1 {a=b sub {c=d} l1=[x y z]} "
		    "bin=0x0001ff tab=0x610962 utf=0xc3a4 emptyv= el=[] es {} "
		    "last=1}\n");
	assert_int_equal(print_dump(f, "rekey reply", mem, 0, 0), 0);
	expect_text("rekey reply {}\n");
	assert_int_equal(print_dump(f, "rekey reply", mem, 0, 1), 0);
	expect_text("rekey reply {\n}\n");
}

static void test_pretty(void **state)
{
	size_t n = mixed();

	(void)state;
	assert_int_equal(print_dump(f, "rekey reply", mem + 5, n, 1), 0);
	expect_text("rekey reply {\n"
		    "  success = yes\n"
		    "  sec1 {\n"
		    "    a = b\n"
		    "    sub {\n"
		    "      c = d\n"
		    "    }\n"
		    "    l1 = [\n"
		    "      x\n"
		    "      y z\n"
		    "    ]\n"
		    "  }\n"
		    "  bin = 0x0001ff\n"
		    "  tab = 0x610962\n"
		    "  utf = 0xc3a4\n"
		    "  emptyv = \n"
		    "  el = [\n"
		    "  ]\n"
		    "  es {\n"
		    "  }\n"
		    "  last = 1\n"
		    "}\n");
}

static void test_json(void **state)
{
	size_t n = mixed();

	(void)state;
	assert_int_equal(print_json(f, mem + 5, n), 0);
	expect_text("{\"success\":\"yes\",\"sec1\":{\"a\":\"b\",\"sub\":{\"c\":"
		    "\"d\"},\"l1\":[\"x\",\"y z\"]},\"bin\":{\"\":\"0001ff\"},"
		    "\"tab\":\"a\\tb\",\"utf\":\"\xc3\xa4\",\"emptyv\":\"\","
		    "\"el\":[],\"es\":{},\"last\":\"1\"}\n");
	assert_int_equal(print_json(f, mem, 0), 0);
	expect_text("{}\n");
}

static void test_json_escapes(void **state)
{
	struct vici_buf b;
	size_t n;

	(void)state;
	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	vici_put_kv(&b, "q", "\"\\\n\x1b\x7f", 5);
	vici_put_kv(&b, "bad", "\xc3\x28", 2);
	vici_put_kv(&b, "overlong", "\xc0\xaf", 2);
	vici_put_kv(&b, "surrogate", "\xed\xa0\x80", 3);
	assert_int_equal(vici_end(&b, &n), 0);
	assert_int_equal(print_json(f, mem + 5, n - 5), 0);
	expect_text(
		"{\"q\":\"\\\"\\\\\\n\\u001b\\u007f\",\"bad\":{\"\":\"c328\"},"
		"\"overlong\":{\"\":\"c0af\"},\"surrogate\":{\"\":\"eda080\"}}"
		"\n");
}

/* A key given twice in one section: {"":[...]} where it first appears,
 * whatever its values are; the same name in another section is another
 * key.  A malformed body prints nothing. */
static void test_json_repeated(void **state)
{
	static const struct {
		const char *raw; /* fakevici's notation, as blackbox.sh */
		const uint8_t body[64];
		size_t len;
		const char *want;
	} rows
		[] = {
			{ "k=a k=b",
			  { 3, 1, 'k', 0, 1, 'a', 3, 1, 'k', 0, 1, 'b' },
			  12,
			  "{\"k\":{\"\":[\"a\",\"b\"]}}\n" },
			{ "k=a x=1 k=[c] k{} k=\\xff",
			  { 3, 1,   'k', 0, 1,	 'a', 3,   1, 'x', 0,
			    1, '1', 4,	 1, 'k', 5,   0,   1, 'c', 6,
			    1, 1,   'k', 2, 3,	 1,   'k', 0, 1,   0xff },
			  30,
			  "{\"k\":{\"\":[\"a\",[\"c\"],{},{\"\":\"ff\"}]},"
			  "\"x\":\"1\"}\n" },
			{ "s{k=a} s{k=b k=c} k=d",
			  { 1, 1,   's', 3, 1,	 'k', 0,   1,	'a', 2,	 1,
			    1, 's', 3,	 1, 'k', 0,   1,   'b', 3,   1,	 'k',
			    0, 1,   'c', 2, 3,	 1,   'k', 0,	1,   'd' },
			  32,
			  "{\"s\":{\"\":[{\"k\":\"a\"},{\"k\":{\"\":[\"b\","
			  "\"c\"]}}]},"
			  "\"k\":\"d\"}\n" },
			{ "ab=1 a=2 ab=3",
			  { 3, 2, 'a', 'b', 0, 1,   '1', 3, 1, 'a',
			    0, 1, '2', 3,   2, 'a', 'b', 0, 1, '3' },
			  20,
			  "{\"ab\":{\"\":[\"1\",\"3\"]},\"a\":\"2\"}\n" },
			{ "l=[\\xff x]",
			  { 4, 1, 'l', 5, 0, 1, 0xff, 5, 0, 1, 'x', 6 },
			  12,
			  "{\"l\":[{\"\":\"ff\"},\"x\"]}\n" },
			{ "s{k=a", { 1, 1, 's', 3, 1, 'k', 0, 1, 'a' }, 9, "" },
			{ "k=a k=b s{",
			  { 3, 1, 'k', 0, 1, 'a', 3, 1, 'k', 0, 1, 'b', 1, 1,
			    's' },
			  15,
			  "" },
		};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(print_json(f, rows[i].body, rows[i].len),
				 rows[i].want[0] ? 0 : -EBADMSG);
		expect_text(rows[i].want);
	}
}

static void test_escaped(void **state)
{
	const uint8_t hostile[] = "\x1b[31mred\x00 \xc3\xa4 \xff\\ \xc2\x9b"
				  "x\x7f\n";

	(void)state;
	print_escaped(f, hostile, sizeof(hostile) - 1);
	expect_text("\\x1b[31mred\\x00 \xc3\xa4 \\xff\\\\ \\xc2\\x9bx\\x7f"
		    "\\x0a");
	/* bidi controls and zero-width characters are escaped byte by byte,
	 * as is all of Unicode's Cf, Zl, Zp and Default_Ignorable_Code_Point
	 * (U+2065 is unassigned but default ignorable); their neighbours
	 * (U+200A, U+2030, U+061B, U+FEFE, U+2027, U+202F, U+FFFC) pass */
	static const struct {
		const char *in, *want;
	} rows[] = {
		{ "a\u202eb", "a\\xe2\\x80\\xaeb" },
		{ "\u202a\u202b\u202c\u202d", "\\xe2\\x80\\xaa\\xe2\\x80\\xab\\"
					      "xe2\\x80\\xac\\xe2\\x80\\xad" },
		{ "\u2066\u2069", "\\xe2\\x81\\xa6\\xe2\\x81\\xa9" },
		{ "\u2067\u2068", "\\xe2\\x81\\xa7\\xe2\\x81\\xa8" },
		{ "\u200e\u200f", "\\xe2\\x80\\x8e\\xe2\\x80\\x8f" },
		{ "\u061c", "\\xd8\\x9c" },
		{ "\u200b\u200c\u200d",
		  "\\xe2\\x80\\x8b\\xe2\\x80\\x8c\\xe2\\x80\\x8d" },
		{ "\u2060", "\\xe2\\x81\\xa0" },
		{ "\ufeffx", "\\xef\\xbb\\xbfx" },
		{ "\u2065\u206a", "\\xe2\\x81\\xa5\\xe2\\x81\\xaa" },
		{ "\u2028\u00ad\U000e0041",
		  "\\xe2\\x80\\xa8\\xc2\\xad\\xf3\\xa0\\x81\\x81" },
		{ "\u200a\u2030\u061b\ufefe\u2027\u202f\ufffc",
		  "\u200a\u2030\u061b\ufefe\u2027\u202f\ufffc" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_escaped(f, (const uint8_t *)rows[i].in,
			      strlen(rows[i].in));
		expect_text(rows[i].want);
	}
}

static int human(FILE *out, const uint8_t *body, size_t len, const void *ctx)
{
	(void)body;
	(void)len;
	fprintf(out, "human view of %s\n", (const char *)ctx);
	return 0;
}

/* A one-shot reply (print_reply) in the tables below. */
#define REPLY MESSAGE_COUNT

static int view(enum message m, enum output o, const uint8_t *body, size_t len,
		print_human_fn fn)
{
	if (m == REPLY)
		return print_reply(f, "rekey reply", o, body, len, fn, "x");
	return print_body(f, m, o, body, len, fn, "x");
}

/* Every message has a view in every output mode: a row left out of
 * print.c's table would print nothing. */
static void test_views_complete(void **state)
{
	(void)state;
	for (int m = 0; m < MESSAGE_COUNT; m++)
		for (int o = OUTPUT_HUMAN; o <= OUTPUT_JSON; o++)
			assert_int_not_equal(
				print_view((enum message)m, (enum output)o),
				VIEW_UNSET);
}

/* The output table: what each mode prints of each message. */
static void test_views(void **state)
{
	static const struct {
		enum message m;
		enum output o;
		const char *want;
	} rows[] = {
		{ REPLY, OUTPUT_HUMAN, "human view of x\n" },
		{ REPLY, OUTPUT_RAW, "rekey reply {a=b}\n" },
		{ REPLY, OUTPUT_PRETTY, "rekey reply {\n  a = b\n}\n" },
		{ REPLY, OUTPUT_JSON, "{\"a\":\"b\"}\n" },
		{ MESSAGE_REKEY_REPLY_WAIT, OUTPUT_HUMAN, "" },
		{ MESSAGE_REKEY_REPLY_WAIT, OUTPUT_RAW, "rekey reply {a=b}\n" },
		{ MESSAGE_REKEY_REPLY_WAIT, OUTPUT_JSON, "" },
		{ MESSAGE_LIST_EVENT, OUTPUT_HUMAN, "human view of x\n" },
		{ MESSAGE_LIST_EVENT, OUTPUT_RAW, "list-sa event {a=b}\n" },
		{ MESSAGE_LIST_EVENT, OUTPUT_JSON, "{\"a\":\"b\"}\n" },
		{ MESSAGE_LIST_REPLY, OUTPUT_HUMAN, "" },
		{ MESSAGE_LIST_REPLY, OUTPUT_PRETTY,
		  "list-sas reply {\n  a = b\n}\n" },
		{ MESSAGE_LIST_REPLY, OUTPUT_JSON, "" },
	};
	const uint8_t body[] = { VICI_KEY_VALUE, 1, 'a', 0, 1, 'b' };

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(
			view(rows[i].m, rows[i].o, body, sizeof(body), human),
			0);
		expect_text(rows[i].want);
	}
	/* --wait prints successors: JSON objects in --json, else lines */
	assert_int_equal(print_view(MESSAGE_SUCCESSOR, OUTPUT_JSON), VIEW_JSON);
	assert_int_equal(print_view(MESSAGE_SUCCESSOR, OUTPUT_RAW), VIEW_HUMAN);
	assert_int_equal(print_view(MESSAGE_SUCCESSOR, OUTPUT_HUMAN),
			 VIEW_HUMAN);
}

static int list_view(FILE *out, const uint8_t *body, size_t len,
		     const void *ctx)
{
	(void)ctx;
	return list_print_event(out, body, len);
}

/* A list-sa event with these names, in order: a key before the IKE_SA,
 * the IKE_SA, a key and a list of it, a section of it and a key in
 * there, child-sas, a CHILD_SA, a key and a list of that.  A '!' in a
 * name becomes a control byte.  The body's length. */
static size_t sa_event(const char *const names[10])
{
	struct vici_buf b;
	size_t n;

	vici_begin(&b, mem, sizeof(mem), VICI_CMD_RESPONSE, NULL);
	vici_put_kv(&b, names[0], "x", 1);
	vici_put_section(&b, names[1]);
	vici_put_kv(&b, names[2], "1", 1);
	vici_put_list(&b, names[3]);
	vici_put_item(&b, "a", 1);
	vici_put_list_end(&b);
	vici_put_section(&b, names[4]);
	vici_put_kv(&b, names[5], "y", 1);
	vici_put_section_end(&b);
	vici_put_section(&b, names[6]);
	vici_put_section(&b, names[7]);
	vici_put_kv(&b, names[8], "net", 3);
	vici_put_list(&b, names[9]);
	vici_put_item(&b, "b", 1);
	vici_put_list_end(&b);
	vici_put_section_end(&b);
	vici_put_section_end(&b);
	vici_put_section_end(&b);
	assert_int_equal(vici_end(&b, &n), 0);
	for (size_t i = 5; i < n; i++)
		if (mem[i] == '!')
			mem[i] = 0x01;
	return n - 5;
}

/* The human view checks only the names it does not know (a known one is
 * printable): one that is not printable is refused wherever it is. */
static void test_list_names(void **state)
{
	const char *names[10] = { "top",   "gw",      "uniqueid",  "local-vips",
				  "other", "k",	      "child-sas", "net-1",
				  "name",  "local-ts" };
	const char *why;
	size_t len = sa_event(names);

	(void)state;
	assert_int_equal(list_print_event(f, mem + 5, len), 0);
	expect_text("gw: #1, (null), IKEv(null), (null)_i (null)_r*\n"
		    "  local  '(null)' @ (null)[(null)] [a]\n"
		    "  remote '(null)' @ (null)[(null)]\n"
		    "  net: #(null), reqid (null), (null), (null), (null):\n"
		    "    installed (null)s ago\n"
		    "    in  (null), (null) bytes, (null) packets\n"
		    "    out (null), (null) bytes, (null) packets\n"
		    "    local  b\n"
		    "    remote (null)\n");
	for (size_t i = 0; i < 10; i++) {
		const char *bad[10];
		char name[32];

		memcpy(bad, names, sizeof(bad));
		snprintf(name, sizeof(name), "%s!", names[i]);
		bad[i] = name;
		len = sa_event(bad);
		assert_int_equal(vici_validate(mem + 5, len, &why), -EBADMSG);
		assert_int_equal(list_print_event(f, mem + 5, len), -EBADMSG);
		/* the first name of a known one's length, one byte changed */
		name[strlen(names[i]) - 1] = '!';
		name[strlen(names[i])] = '\0';
		len = sa_event(bad);
		assert_int_equal(list_print_event(f, mem + 5, len), -EBADMSG);
	}
}

/* The human view printed as it decodes (through a 4 KiB buffer) and
 * printed whole by list_event (a buffer grown for it): the same bytes,
 * with values longer than 4 KiB, escaped or not. */
static void test_list_paths(void **state)
{
	static uint8_t big[20000], ev[50000];
	struct vici_buf b;
	struct vici_packet_view v = { VICI_EVENT, (const uint8_t *)"list-sa", 7,
				      ev + 5, 0 };
	struct failure fail = { 0 };
	struct listing l = { .output = OUTPUT_HUMAN };
	char *whole = NULL;
	size_t whole_len = 0, n;

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++) /* every 7th escaped */
		big[i] = i % 7 ? (uint8_t)('a' + i % 26) : 0x01;
	vici_begin(&b, ev, sizeof(ev), VICI_CMD_RESPONSE, NULL);
	vici_put_section(&b, "gw");
	vici_put_kv(&b, "local-id", big, sizeof(big));
	vici_put_kv(&b, "remote-id", big + 1, 6); /* plain */
	vici_put_kv(&b, "remote-eap-id", "x", 1);
	vici_put_section(&b, "child-sas");
	vici_put_section(&b, "c");
	vici_put_kv(&b, "name", big + 1, 5000);
	vici_put_section_end(&b);
	vici_put_section_end(&b);
	vici_put_section_end(&b);
	assert_int_equal(vici_end(&b, &n), 0);
	v.body_len = n - 5;

	assert_int_equal(list_print_event(f, v.body, v.body_len), 0);
	fflush(f);
	l.out = open_memstream(&whole, &whole_len);
	assert_non_null(l.out);
	assert_int_equal(list_scratch_open(&l), 0);
	assert_int_equal(list_event(&l, &v, &fail), 0);
	fclose(l.out);
	list_scratch_close(&l);
	assert_true(text_len > 20000 + 3 * 20000 / 7);
	assert_int_equal(whole_len, text_len);
	assert_memory_equal(whole, text, text_len);
	assert_non_null(strstr(text, "\\x01bcdefg\\x01ijk"));
	free(whole);
}

/* A malformed body: each view prints what it does of it and says where it
 * stopped with -EBADMSG; the human view's code comes through as it is. */
static void test_views_malformed(void **state)
{
	static const struct {
		enum message m;
		enum output o;
		print_human_fn human;
		int rc;
		const char *want;
	} rows[] = {
		{ REPLY, OUTPUT_HUMAN, human, 0, "human view of x\n" },
		{ REPLY, OUTPUT_RAW, NULL, -EBADMSG,
		  "rekey reply {a=b s {}\n" },
		{ REPLY, OUTPUT_PRETTY, NULL, -EBADMSG,
		  "rekey reply {\n  a = b\n  s {\n}\n" },
		{ REPLY, OUTPUT_JSON, NULL, -EBADMSG, "" },
		{ MESSAGE_REKEY_REPLY_WAIT, OUTPUT_JSON, NULL, 0, "" },
		{ MESSAGE_LIST_EVENT, OUTPUT_HUMAN, list_view, -EBADMSG, "" },
		{ MESSAGE_LIST_EVENT, OUTPUT_JSON, list_view, -EBADMSG, "" },
		{ MESSAGE_LIST_REPLY, OUTPUT_HUMAN, list_view, 0, "" },
	};
	/* a=b s{ with the section never closed */
	const uint8_t body[] = { VICI_KEY_VALUE,     1, 'a', 0, 1, 'b',
				 VICI_SECTION_START, 1, 's' };

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(view(rows[i].m, rows[i].o, body, sizeof(body),
				      rows[i].human),
				 rows[i].rc);
		expect_text(rows[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pretty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_escapes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_json_repeated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_escaped, setup, teardown),
		cmocka_unit_test(test_views_complete),
		cmocka_unit_test_setup_teardown(test_views, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_list_paths, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_views_malformed, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}

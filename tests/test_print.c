// SPDX-License-Identifier: MIT
/* Printer tests: swanctl 5.9.8's raw and pretty bytes, JSON, escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	print_dump(f, "rekey reply", mem + 5, n, 0);
	expect_text("rekey reply {success=yes sec1 {a=b sub {c=d} l1=[x y z]} "
		    "bin=0x0001ff tab=0x610962 utf=0xc3a4 emptyv= el=[] es {} "
		    "last=1}\n");
	print_dump(f, "rekey reply", mem, 0, 0);
	expect_text("rekey reply {}\n");
	print_dump(f, "rekey reply", mem, 0, 1);
	expect_text("rekey reply {\n}\n");
}

static void test_pretty(void **state)
{
	size_t n = mixed();

	(void)state;
	print_dump(f, "rekey reply", mem + 5, n, 1);
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
	print_json(f, mem + 5, n);
	expect_text("{\"success\":\"yes\",\"sec1\":{\"a\":\"b\",\"sub\":{\"c\":"
		    "\"d\"},\"l1\":[\"x\",\"y z\"]},\"bin\":\"0x0001ff\","
		    "\"tab\":\"a\\tb\",\"utf\":\"\xc3\xa4\",\"emptyv\":\"\","
		    "\"el\":[],\"es\":{},\"last\":\"1\"}\n");
	print_json(f, mem, 0);
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
	print_json(f, mem + 5, n - 5);
	expect_text("{\"q\":\"\\\"\\\\\\n\\u001b\\u007f\",\"bad\":\"0xc328\","
		    "\"overlong\":\"0xc0af\",\"surrogate\":\"0xeda080\"}\n");
}

static void test_escaped(void **state)
{
	const uint8_t hostile[] = "\x1b[31mred\x00 \xc3\xa4 \xff\\ \xc2\x9b"
				  "x\x7f\n";

	(void)state;
	print_escaped(f, hostile, sizeof(hostile) - 1);
	expect_text("\\x1b[31mred\\x00 \xc3\xa4 \\xff\\\\ \\xc2\\x9bx\\x7f"
		    "\\x0a");
}

static const char *human(FILE *out, const uint8_t *body, size_t len,
			 const void *ctx)
{
	(void)body;
	(void)len;
	fprintf(out, "human view of %s\n", (const char *)ctx);
	return NULL;
}

/* The output table: what each mode prints of each message. */
static void test_views(void **state)
{
	static const struct {
		enum message m;
		enum output o;
		const char *want;
	} rows[] = {
		{ MESSAGE_REKEY_REPLY, OUTPUT_HUMAN, "human view of x\n" },
		{ MESSAGE_REKEY_REPLY, OUTPUT_RAW, "rekey reply {a=b}\n" },
		{ MESSAGE_REKEY_REPLY, OUTPUT_PRETTY,
		  "rekey reply {\n  a = b\n}\n" },
		{ MESSAGE_REKEY_REPLY, OUTPUT_JSON, "{\"a\":\"b\"}\n" },
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
		assert_null(print_body(f, rows[i].m, rows[i].o, body,
				       sizeof(body), human, "x"));
		expect_text(rows[i].want);
	}
	/* --wait prints successors: JSON objects in --json, else lines */
	assert_int_equal(print_view(MESSAGE_SUCCESSOR, OUTPUT_JSON), VIEW_JSON);
	assert_int_equal(print_view(MESSAGE_SUCCESSOR, OUTPUT_RAW), VIEW_HUMAN);
	assert_int_equal(print_view(MESSAGE_SUCCESSOR, OUTPUT_HUMAN),
			 VIEW_HUMAN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pretty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_escapes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_views, setup, teardown),
	};

	return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}

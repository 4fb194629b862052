// SPDX-License-Identifier: MIT
/* Argument parser tests: every validation rule, with its exact message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "vici_wire.h"

static struct args a;
static char msg[512];

/* Parse a NULL-terminated list of words after "swanctl". */
static int parse(const char *first, ...)
{
	char *argv[64] = { "swanctl" };
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *w = first; w; w = va_arg(ap, const char *))
		argv[argc++] = (char *)(uintptr_t)w;
	va_end(ap);
	args_free(&a);
	return args_parse(&a, argc, argv, msg, sizeof(msg));
}

static void expect_error(const char *want)
{
	assert_string_equal(msg, want);
}

static int teardown(void **state)
{
	(void)state;
	args_free(&a);
	return 0;
}

static void test_selectors(void **state)
{
	(void)state;
	assert_int_equal(parse("--rekey", "--ike", "home", NULL), 0);
	assert_int_equal(a.command, COMMAND_REKEY);
	assert_int_equal(a.selector, SELECTOR_IKE);
	assert_string_equal(a.name, "home");
	assert_int_equal(a.output, OUTPUT_HUMAN);
	assert_null(a.uri);
	assert_int_equal(a.timeout_ms, 30000);

	assert_int_equal(parse("-R", "-c", "net", NULL), 0);
	assert_int_equal(a.selector, SELECTOR_CHILD);
	assert_string_equal(a.name, "net");

	assert_int_equal(parse("-R", "-C12", NULL), 0);
	assert_int_equal(a.selector, SELECTOR_CHILD_ID);
	assert_int_equal(a.id, 12);

	assert_int_equal(parse("--rekey", "--ike-id=4294967295", "-a", NULL),
			 0);
	assert_int_equal(a.selector, SELECTOR_IKE_ID);
	assert_int_equal(a.id, 4294967295u);
	assert_true(a.reauth);

	/* unique prefixes, as getopt_long */
	assert_int_equal(parse("--rek", "--child-i", "7", "--pre", NULL), 0);
	assert_int_equal(a.selector, SELECTOR_CHILD_ID);
	assert_int_equal(a.output, OUTPUT_PRETTY);
	assert_int_equal(parse("--rekey", "--chi", "x", NULL), -EINVAL);
	expect_error("option '--chi' is ambiguous");
}

static void test_selector_count(void **state)
{
	(void)state;
	assert_int_equal(parse("--rekey", NULL), -EINVAL);
	expect_error("--rekey needs a selector: --child, --ike, --child-id or "
		     "--ike-id");
	assert_int_equal(parse("--rekey", "--ike", "a", "--child", "b", NULL),
			 -EINVAL);
	expect_error("--ike and --child given: give exactly one selector");
	assert_int_equal(parse("--rekey", "--ike", "a", "--ike", "b", NULL),
			 -EINVAL);
	expect_error("--ike given twice: give exactly one selector");
	assert_int_equal(parse("-R", "-I", "1", "-C", "2", NULL), -EINVAL);
	expect_error("--ike-id and --child-id given: give exactly one "
		     "selector");
}

static void test_ids(void **state)
{
	const char *bad[] = { "0",     "abc",  "-3",	     "4294967296",
			      "",      "0x10", " 1",	     "1 ",
			      "12abc", "+1",   "99999999999" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[128];

		assert_int_equal(parse("--rekey", "--ike-id", bad[i], NULL),
				 -EINVAL);
		snprintf(want, sizeof(want),
			 "invalid --ike-id '%s': expected a unique id from 1 "
			 "to 4294967295",
			 bad[i]);
		expect_error(want);
	}
	assert_int_equal(parse("--rekey", "--child-id", "007", NULL), 0);
	assert_int_equal(a.id, 7);
}

static void test_names(void **state)
{
	char *big = malloc(VICI_MAX_VALUE + 2);

	(void)state;
	assert_non_null(big);
	assert_int_equal(parse("--rekey", "--ike", "", NULL), -EINVAL);
	expect_error("--ike needs a non-empty name");
	memset(big, 'n', VICI_MAX_VALUE);
	big[VICI_MAX_VALUE] = '\0';
	assert_int_equal(parse("--rekey", "--child", big, NULL), 0);
	big[VICI_MAX_VALUE] = 'n';
	big[VICI_MAX_VALUE + 1] = '\0';
	assert_int_equal(parse("--rekey", "--child", big, NULL), -EINVAL);
	expect_error("--child name is longer than 65535 bytes");
	free(big);
}

static void test_flag_rules(void **state)
{
	(void)state;
	assert_int_equal(parse("--rekey", "--child", "x", "--reauth", NULL),
			 -EINVAL);
	expect_error("--reauth applies to IKE_SAs: use it with --ike or "
		     "--ike-id, not --child");
	assert_int_equal(parse("--rekey", "-a", "-C", "3", NULL), -EINVAL);
	assert_int_equal(
		parse("--rekey", "--ike", "x", "--json", "--raw", NULL),
		-EINVAL);
	expect_error("--json cannot be combined with --raw");
	assert_int_equal(parse("--rekey", "--ike", "x", "-P", "--json", NULL),
			 -EINVAL);
	expect_error("--json cannot be combined with --pretty");
	assert_int_equal(parse("--rekey", "--ike", "x", "-rP", NULL), 0);
	assert_int_equal(a.output, OUTPUT_PRETTY);
	assert_int_equal(parse("--rekey", "--ike", "x", "--raw", NULL), 0);
	assert_int_equal(a.output, OUTPUT_RAW);
	assert_int_equal(parse("--rekey", "--ike", "x", "--json", NULL), 0);
	assert_int_equal(a.output, OUTPUT_JSON);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	assert_int_equal(parse("--rekey", "--bogus", NULL), -EINVAL);
	expect_error("unrecognized option '--bogus'");
	assert_int_equal(parse("--rekey", "-z", NULL), -EINVAL);
	expect_error("invalid option -- 'z'");
	assert_int_equal(parse("--rekey", "--ike", NULL), -EINVAL);
	expect_error("option '--ike' requires an argument");
	assert_int_equal(parse("--rekey", "-i", NULL), -EINVAL);
	expect_error("option '--ike' requires an argument");
	assert_int_equal(parse("--rekey", "--raw=1", NULL), -EINVAL);
	expect_error("option '--raw' doesn't allow an argument");
	assert_int_equal(parse("--rekey", "--ike", "x", "stray", NULL),
			 -EINVAL);
	expect_error("unexpected argument 'stray'");
	assert_int_equal(parse(NULL), -EINVAL);
	expect_error("no command given");
	assert_int_equal(parse("--load-all", NULL), -EINVAL);
	expect_error("--load-all is not implemented by this client, only "
		     "--rekey and --list-sas");
	assert_int_equal(parse("-i", NULL), -EINVAL);
	expect_error("--initiate is not implemented by this client, only "
		     "--rekey and --list-sas");
}

static void test_globals(void **state)
{
	(void)state;
	assert_int_equal(parse("-u", "unix:///x", "--timeout", "2.5", "--rekey",
			       "--ike", "a", "-v", "2", NULL),
			 0);
	assert_string_equal(a.uri, "unix:///x");
	assert_int_equal(a.timeout_ms, 2500);
	assert_int_equal(a.debug, 2);
	assert_int_equal(parse("--rekey", "--ike", "a", "--timeout=0", NULL),
			 0);
	assert_int_equal(a.timeout_ms, 0);
	assert_int_equal(
		parse("--rekey", "--ike", "a", "--timeout", "0.0001", NULL), 0);
	assert_int_equal(a.timeout_ms, 1);
	assert_int_equal(
		parse("--rekey", "--ike", "a", "--timeout", ".5", NULL), 0);
	assert_int_equal(a.timeout_ms, 500);
	assert_int_equal(
		parse("--rekey", "--ike", "a", "--timeout", "1.", NULL),
		-EINVAL);
	expect_error("invalid --timeout '1.': expected seconds, for example "
		     "2.5, or 0 for no limit");
	assert_int_equal(
		parse("--rekey", "--ike", "a", "--timeout", "-1", NULL),
		-EINVAL);
	assert_int_equal(
		parse("--rekey", "--ike", "a", "--timeout", "1e3", NULL),
		-EINVAL);
	assert_int_equal(
		parse("--rekey", "--ike", "a", "--timeout", "99999999", NULL),
		-EINVAL);
	assert_int_equal(parse("--rekey", "--ike", "a", "-v", "x", NULL),
			 -EINVAL);
	expect_error("invalid --debug 'x': expected a level from -1 to 4");
}

static void test_help_and_version(void **state)
{
	(void)state;
	assert_int_equal(parse("--help", NULL), 0);
	assert_int_equal(a.command, COMMAND_HELP);
	assert_int_equal(parse("--rekey", "--help", NULL), 0);
	assert_int_equal(a.command, COMMAND_REKEY);
	assert_true(a.help);
	assert_int_equal(parse("-R", "-h", NULL), 0);
	assert_true(a.help);
	assert_int_equal(parse("-V", NULL), 0);
	assert_int_equal(a.command, COMMAND_VERSION);
	assert_false(a.daemon);
	assert_int_equal(parse("--version", "--daemon", NULL), 0);
	assert_true(a.daemon);
}

static void test_list_sas(void **state)
{
	(void)state;
	assert_int_equal(parse("--list-sas", NULL), 0);
	assert_int_equal(a.command, COMMAND_LIST_SAS);
	assert_null(a.list_ike);
	assert_int_equal(a.output, OUTPUT_HUMAN);
	/* filters combine, as swanctl's do */
	assert_int_equal(parse("-l", "-i", "home", "-C", "7", "-n", "-P", NULL),
			 0);
	assert_string_equal(a.list_ike, "home");
	assert_int_equal(a.list_child_id, 7);
	assert_true(a.noblock);
	assert_int_equal(a.output, OUTPUT_PRETTY);
	assert_int_equal(parse("--list-sas", "--child", "a", "--ike-id", "3",
			       "--json", NULL),
			 0);
	assert_string_equal(a.list_child, "a");
	assert_int_equal(a.list_ike_id, 3);
	assert_int_equal(a.output, OUTPUT_JSON);
	assert_int_equal(parse("-l", "--ike", "a", "--ike", "b", NULL),
			 -EINVAL);
	expect_error("--ike given twice");
	assert_int_equal(parse("-l", "--child-id", "0", NULL), -EINVAL);
	assert_int_equal(parse("-l", "--child", "", NULL), -EINVAL);
	assert_int_equal(parse("-l", "--raw", "--json", NULL), -EINVAL);
	assert_int_equal(parse("-l", "--reauth", NULL), -EINVAL);
	expect_error("unrecognized option '--reauth'");
	assert_int_equal(parse("-l", "-h", NULL), 0);
	assert_true(a.help);
}

static void test_options_file(void **state)
{
	char path[] = "/tmp/test_args_XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "# rekey the home tunnel\n"
			    "--ike \"my home\"  # trailing comment\n"
			    "--raw\n";

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1),
			 (ssize_t)sizeof(text) - 1);
	close(fd);
	assert_int_equal(parse("--rekey", "--options", path, NULL), 0);
	assert_int_equal(a.selector, SELECTOR_IKE);
	assert_string_equal(a.name, "my home");
	assert_int_equal(a.output, OUTPUT_RAW);
	/* options from the file count like the command line's */
	assert_int_equal(parse("--rekey", "-+", path, "--child", "x", NULL),
			 -EINVAL);
	expect_error("--ike and --child given: give exactly one selector");
	unlink(path);
	assert_int_equal(parse("--rekey", "--options", path, NULL), -EINVAL);
	assert_non_null(strstr(msg, "cannot read options file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_selectors, teardown),
		cmocka_unit_test_teardown(test_selector_count, teardown),
		cmocka_unit_test_teardown(test_ids, teardown),
		cmocka_unit_test_teardown(test_names, teardown),
		cmocka_unit_test_teardown(test_flag_rules, teardown),
		cmocka_unit_test_teardown(test_syntax_errors, teardown),
		cmocka_unit_test_teardown(test_globals, teardown),
		cmocka_unit_test_teardown(test_help_and_version, teardown),
		cmocka_unit_test_teardown(test_list_sas, teardown),
		cmocka_unit_test_teardown(test_options_file, teardown),
	};

	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}

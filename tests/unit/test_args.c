// SPDX-License-Identifier: MIT
/*
 * Argument parser tests as a table: each row is a command line and either
 * the parse it must give (summarised by describe()) or its exact error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "command.h"
#include "vici_wire.h"

#define MAX_WORDS 12

struct row {
	const char *argv[MAX_WORDS]; /* after "swanctl", NULL-terminated */
	const char *want; /* describe() of the result, or "error: MESSAGE" */
};

/* clang-format off */
static const struct row rows[] = {
	/* selectors, short and long, and the defaults */
	{ { "--rekey", "--ike", "home" },
	  "rekey ike=home out=human timeout=30000 debug=1" },
	{ { "-R", "-c", "net" }, "rekey child=net out=human timeout=30000 debug=1" },
	{ { "-R", "-C12" }, "rekey child-id=12 out=human timeout=30000 debug=1" },
	{ { "--rekey", "--ike-id=4294967295", "-a" },
	  "rekey ike-id=4294967295 reauth out=human timeout=30000 debug=1" },
	{ { "--rekey", "--child-id", "007" },
	  "rekey child-id=7 out=human timeout=30000 debug=1" },
	/* any number of leading zeros, as atoi reads them */
	{ { "--rekey", "--ike-id", "0000000000000004294967295" },
	  "rekey ike-id=4294967295 out=human timeout=30000 debug=1" },
	{ { "--rekey", "--ike-id", "00000000000" },
	  "error: invalid --ike-id '00000000000': expected a unique id from 1 to 4294967295" },
	/* unique prefixes, as getopt_long */
	{ { "--rek", "--child-i", "7", "--pre" },
	  "rekey child-id=7 out=pretty timeout=30000 debug=1" },
	{ { "--rekey", "--chi", "x" },
	  "error: option '--chi' is ambiguous; possibilities: '--child' '--child-id'" },
	{ { "--list" },
	  "error: option '--list' is ambiguous; possibilities: '--list-sas' '--list-pols' '--list-authorities' '--list-conns' '--list-certs' '--list-pools' '--list-algs'" },
	/* exactly one selector */
	{ { "--rekey" },
	  "error: --rekey needs a selector: --child, --ike, --child-id or --ike-id" },
	{ { "--rekey", "--ike", "a", "--child", "b" },
	  "error: --ike and --child given: give exactly one selector" },
	{ { "--rekey", "--ike", "a", "--ike", "b" },
	  "error: --ike given twice: give exactly one selector" },
	{ { "-R", "-I", "1", "-C", "2" },
	  "error: --ike-id and --child-id given: give exactly one selector" },
	{ { "--rekey", "--ike", "" }, "error: --ike needs a non-empty name" },
	/* flags and output modes */
	{ { "--rekey", "--child", "x", "--reauth" },
	  "error: --reauth applies to IKE_SAs: use it with --ike or --ike-id, not --child" },
	{ { "--rekey", "-a", "-C", "3" },
	  "error: --reauth applies to IKE_SAs: use it with --ike or --ike-id, not --child-id" },
	{ { "--rekey", "--ike", "x", "--json", "--raw" },
	  "error: --json cannot be combined with --raw" },
	{ { "--rekey", "--ike", "x", "-P", "--json" },
	  "error: --json cannot be combined with --pretty" },
	{ { "--rekey", "--ike", "x", "-rP" },
	  "rekey ike=x out=pretty timeout=30000 debug=1" },
	{ { "--rekey", "--ike", "x", "--raw" },
	  "rekey ike=x out=raw timeout=30000 debug=1" },
	{ { "--rekey", "--ike", "x", "--json", "--wait" },
	  "rekey-wait ike=x wait out=json timeout=30000 debug=1" },
	/* --batch implies --wait; --sa-timeout belongs to it */
	{ { "--rekey", "--ike", "rw", "--batch", "10" },
	  "rekey-batch ike=rw wait batch=10 sa-timeout=60000 out=human timeout=30000 debug=1" },
	{ { "--rekey", "-I", "7", "--batch=1", "--sa-timeout", "2.5", "--json" },
	  "rekey-batch ike-id=7 wait batch=1 sa-timeout=2500 out=json timeout=30000 debug=1" },
	{ { "--rekey", "--child", "c", "--batch", "100000", "--sa-timeout=0", "--timeout", "0" },
	  "rekey-batch child=c wait batch=100000 sa-timeout=0 out=human timeout=0 debug=1" },
	{ { "--rekey", "--ike", "rw", "--batch", "0" },
	  "error: invalid --batch '0': expected a number of rekeys in flight from 1 to 100000" },
	{ { "--rekey", "--ike", "rw", "--batch", "100001" },
	  "error: invalid --batch '100001': expected a number of rekeys in flight from 1 to 100000" },
	{ { "--rekey", "--ike", "rw", "--batch", "-1" },
	  "error: invalid --batch '-1': expected a number of rekeys in flight from 1 to 100000" },
	{ { "--rekey", "--ike", "rw", "--batch", "1x" },
	  "error: invalid --batch '1x': expected a number of rekeys in flight from 1 to 100000" },
	{ { "--rekey", "--ike", "rw", "--batch" },
	  "error: option '--batch' requires an argument" },
	{ { "--rekey", "--ike", "rw", "--sa-timeout", "5" },
	  "error: --sa-timeout applies to --batch" },
	{ { "--rekey", "--ike", "rw", "--batch", "2", "--sa-timeout", "5s" },
	  "error: invalid --sa-timeout '5s': expected seconds, for example 2.5, or 0 for no limit" },
	{ { "-l", "--batch", "2" }, "error: unrecognized option '--batch'" },
	/* syntax */
	{ { "--rekey", "--bogus" }, "error: unrecognized option '--bogus'" },
	{ { "--rekey", "-z" }, "error: invalid option -- 'z'" },
	{ { "--rekey", "--ike" }, "error: option '--ike' requires an argument" },
	{ { "--rekey", "-i" }, "error: option '--ike' requires an argument" },
	{ { "--rekey", "--raw=1" },
	  "error: option '--raw' doesn't allow an argument" },
	{ { "--rekey", "--ike", "x", "stray" },
	  "error: unexpected argument 'stray'" },
	{ { NULL }, "error: no command given" },
	/* strongSwan's other commands: the rest of the line is theirs */
	{ { "--load-all" }, "other=load-all out=human timeout=30000 debug=1" },
	{ { "--uri", "unix:///x", "-i", "--child", "net", "--bogus" },
	  "other=initiate out=human uri=unix:///x timeout=30000 debug=1" },
	/* -u as the first option is strongSwan's --uninstall, later --uri */
	{ { "-u", "--child", "lan" },
	  "other=uninstall out=human timeout=30000 debug=1" },
	{ { "-u", "unix:///x", "--rekey", "--ike", "a" },
	  "other=uninstall out=human timeout=30000 debug=1" },
	{ { "-uc", "lan" }, "other=uninstall out=human timeout=30000 debug=1" },
	{ { "--uninstall", "--child", "lan" },
	  "other=uninstall out=human timeout=30000 debug=1" },
	{ { "--rekey", "-u", "unix:///x", "--ike", "a" },
	  "rekey ike=a out=human uri=unix:///x timeout=30000 debug=1" },
	{ { "--timeout", "3", "-u", "unix:///x", "--rekey", "--ike", "a" },
	  "rekey ike=a out=human uri=unix:///x timeout=3000 debug=1" },
	{ { "-gx" }, "other=list-algs out=human timeout=30000 debug=1" },
	{ { "--timeout", "3", "--load-all" },
	  "error: --timeout is this client's own option: strongSwan's swanctl, which runs --load-all, does not take it" },
	{ { "--list-c" },
	  "error: option '--list-c' is ambiguous; possibilities: '--list-conns' '--list-certs'" },
	/* global options, before or after the command */
	{ { "--uri", "unix:///x", "--timeout", "2.5", "--rekey", "--ike", "a", "-v", "2" },
	  "rekey ike=a out=human uri=unix:///x timeout=2500 debug=2" },
	{ { "--rekey", "--ike", "a", "--timeout=0" },
	  "rekey ike=a out=human timeout=0 debug=1" },
	{ { "--rekey", "--ike", "a", "--timeout", "0.0001" },
	  "rekey ike=a out=human timeout=1 debug=1" },
	{ { "--rekey", "--ike", "a", "--timeout", ".5" },
	  "rekey ike=a out=human timeout=500 debug=1" },
	{ { "--rekey", "--ike", "a", "--timeout", "1." },
	  "error: invalid --timeout '1.': expected seconds, for example 2.5, or 0 for no limit" },
	{ { "--rekey", "--ike", "a", "--timeout", "-1" },
	  "error: invalid --timeout '-1': expected seconds, for example 2.5, or 0 for no limit" },
	{ { "--rekey", "--ike", "a", "--timeout", "1e3" },
	  "error: invalid --timeout '1e3': expected seconds, for example 2.5, or 0 for no limit" },
	{ { "--rekey", "--ike", "a", "--timeout", "99999999" },
	  "error: invalid --timeout '99999999': at most 1000000 seconds" },
	{ { "--rekey", "--ike", "a", "--timeout", "99999999999999999999999" },
	  "error: invalid --timeout '99999999999999999999999': at most 1000000 seconds" },
	{ { "--rekey", "--ike", "a", "--timeout", "99999999999x" },
	  "error: invalid --timeout '99999999999x': expected seconds, for example 2.5, or 0 for no limit" },
	{ { "--rekey", "--ike", "a", "--timeout", "000000000002.5" },
	  "rekey ike=a out=human timeout=2500 debug=1" },
	{ { "--rekey", "--ike", "a", "--timeout", "1000000" },
	  "rekey ike=a out=human timeout=1000000000 debug=1" },
	{ { "--rekey", "--ike", "a", "--timeout", "999999.999" },
	  "rekey ike=a out=human timeout=999999999 debug=1" },
	{ { "--rekey", "--ike", "a", "--timeout", "1000000.001" },
	  "error: invalid --timeout '1000000.001': at most 1000000 seconds" },
	{ { "--rekey", "--ike", "a", "--timeout", "2147483.648" },
	  "error: invalid --timeout '2147483.648': at most 1000000 seconds" },
	{ { "--rekey", "--ike", "a", "--timeout", "4294968" },
	  "error: invalid --timeout '4294968': at most 1000000 seconds" },
	{ { "--rekey", "--ike", "a", "--timeout", "9999999" },
	  "error: invalid --timeout '9999999': at most 1000000 seconds" },
	/* milliseconds that would wrap 32 bits (2^32, 2^32 + 1, 2^64 + 1) or
	 * a signed int (2^31) are refused, not taken modulo */
	{ { "--rekey", "--ike", "a", "--timeout", "4294967.296" },
	  "error: invalid --timeout '4294967.296': at most 1000000 seconds" },
	{ { "--rekey", "--ike", "a", "--timeout", "4294967.297" },
	  "error: invalid --timeout '4294967.297': at most 1000000 seconds" },
	{ { "--rekey", "--ike", "a", "--timeout", "18446744073709551.617" },
	  "error: invalid --timeout '18446744073709551.617': at most 1000000 seconds" },
	{ { "--rekey", "--ike", "a", "--timeout", "1000000.0009" },
	  "rekey ike=a out=human timeout=1000000000 debug=1" },
	{ { "--rekey", "--ike", "rw", "--batch", "1", "--sa-timeout", "1000000" },
	  "rekey-batch ike=rw wait batch=1 sa-timeout=1000000000 out=human timeout=30000 debug=1" },
	{ { "--rekey", "--ike", "rw", "--batch", "1", "--sa-timeout", "2147483.648" },
	  "error: invalid --sa-timeout '2147483.648': at most 1000000 seconds" },
	/* the largest id in every selector and filter */
	{ { "--rekey", "--child-id", "4294967295" },
	  "rekey child-id=4294967295 out=human timeout=30000 debug=1" },
	{ { "-l", "-I", "4294967295", "-C", "4294967295" },
	  "list-sas ike-id=4294967295 child-id=4294967295 out=human timeout=30000 debug=1" },
	{ { "--rekey", "--ike", "a", "-v", "x" },
	  "error: invalid --debug 'x': expected a level, for example 1" },
	/* any level, as strongSwan's swanctl takes (issue 22) */
	{ { "--rekey", "--ike", "a", "-v", "5" },
	  "rekey ike=a out=human timeout=30000 debug=5" },
	{ { "--rekey", "--ike", "a", "--debug", "-7" },
	  "rekey ike=a out=human timeout=30000 debug=-7" },
	{ { "--rekey", "--ike", "a", "--debug", "2147483648" },
	  "error: invalid --debug '2147483648': expected a level, for example 1" },
	/* help and version */
	{ { "--help" }, "help out=human timeout=30000 debug=1" },
	{ { "--rekey", "--help" }, "rekey help out=human timeout=30000 debug=1" },
	/* the help command ignores what follows it, as strongSwan's does */
	{ { "--help", "--rekey" }, "help out=human timeout=30000 debug=1" },
	{ { "-h", "-h" }, "help out=human timeout=30000 debug=1" },
	{ { "-hh" }, "help out=human timeout=30000 debug=1" },
	{ { "-h", "--bogus", "x" }, "help out=human timeout=30000 debug=1" },
	{ { "-R", "-h", "-h" }, "rekey help out=human timeout=30000 debug=1" },
	{ { "-R", "-h" }, "rekey help out=human timeout=30000 debug=1" },
	{ { "-V" }, "version out=human timeout=30000 debug=1" },
	/* before a command, -v is strongSwan's version command */
	{ { "-v" }, "version out=human timeout=30000 debug=1" },
	{ { "-vd" }, "version daemon out=human timeout=30000 debug=1" },
	{ { "--version", "--daemon" },
	  "version daemon out=human timeout=30000 debug=1" },
	{ { "--version", "-d", "--raw" },
	  "version daemon out=raw timeout=30000 debug=1" },
	{ { "-V", "-P" }, "version out=pretty timeout=30000 debug=1" },
	{ { "-V", "--json" }, "error: unrecognized option '--json'" },
	/* --list-sas: filters combine, as swanctl's do */
	{ { "--list-sas" }, "list-sas out=human timeout=30000 debug=1" },
	{ { "-l", "-i", "home", "-C", "7", "-n", "-P" },
	  "list-sas ike=home child-id=7 noblock out=pretty timeout=30000 debug=1" },
	{ { "--list-sas", "--child", "a", "--ike-id", "3", "--json" },
	  "list-sas ike-id=3 child=a out=json timeout=30000 debug=1" },
	/* the last of each filter counts, as in strongSwan's swanctl */
	{ { "-l", "--ike", "a", "--ike", "b" },
	  "list-sas ike=b out=human timeout=30000 debug=1" },
	{ { "-l", "-I", "1", "-c", "x", "-I", "2", "-c", "y" },
	  "list-sas ike-id=2 child=y out=human timeout=30000 debug=1" },
	{ { "-l", "--ike-id", "0", "--ike-id", "2" },
	  "error: invalid --ike-id '0': expected a unique id from 1 to 4294967295" },
	{ { "-l", "--child-id", "0" },
	  "error: invalid --child-id '0': expected a unique id from 1 to 4294967295" },
	{ { "-l", "--child", "" }, "error: --child needs a non-empty name" },
	{ { "-l", "--raw", "--json" },
	  "error: --json cannot be combined with --raw" },
	{ { "-l", "--reauth" }, "error: unrecognized option '--reauth'" },
	{ { "-l", "-h" }, "list-sas help out=human timeout=30000 debug=1" },
};
/* clang-format on */

static struct args a;
static char msg[512];

/* The parse in one line: command, filters, flags, output, globals. */
static void describe(char *out, size_t size)
{
	static const char *const names[COMMAND_COUNT] = {
		[COMMAND_NONE] = "none",
		[COMMAND_REKEY] = "rekey",
		[COMMAND_REKEY_WAIT] = "rekey-wait",
		[COMMAND_REKEY_BATCH] = "rekey-batch",
		[COMMAND_LIST_SAS] = "list-sas",
		[COMMAND_VERSION] = "version",
		[COMMAND_HELP] = "help",
		[COMMAND_OTHER] = "other",
	};
	static const char *const outputs[] = { "human", "raw", "pretty",
					       "json" };
	FILE *f = fmemopen(out, size, "w");

	assert_non_null(f);
	/* a command without a label here is called by its row's name */
	fputs(names[a.command] ? names[a.command] : commands[a.command].name,
	      f);
	if (a.other)
		fprintf(f, "=%s", a.other);
	if (a.help)
		fputs(" help", f);
	if (a.filter.ike)
		fprintf(f, " ike=%s", a.filter.ike);
	if (a.filter.ike_id)
		fprintf(f, " ike-id=%u", (unsigned)a.filter.ike_id);
	if (a.filter.child)
		fprintf(f, " child=%s", a.filter.child);
	if (a.filter.child_id)
		fprintf(f, " child-id=%u", (unsigned)a.filter.child_id);
	/* the flags the command took, from its rows */
	for (const struct opt *o = commands[a.command].opts; o && o->name; o++)
		if (o->kind == OPT_FLAG &&
		    *(const int *)(const void *)((const char *)&a + o->field))
			fprintf(f, " %s", o->name);
	if (a.batch)
		fprintf(f, " batch=%u sa-timeout=%d", a.batch, a.sa_timeout_ms);
	fprintf(f, " out=%s", outputs[a.output]);
	if (a.uri)
		fprintf(f, " uri=%s", a.uri);
	fprintf(f, " timeout=%d debug=%d", a.timeout_ms, a.debug);
	fclose(f);
}

/* Parse WORDS after "swanctl"; describe() of the result or the error. */
static const char *parse(const char *const *words, char *out, size_t size)
{
	char *argv[MAX_WORDS + 1] = { "swanctl" };
	int argc = 1, rc;

	for (; argc <= MAX_WORDS && words[argc - 1]; argc++)
		argv[argc] = (char *)(uintptr_t)words[argc - 1];
	args_free(&a);
	rc = args_parse(&a, argc, argv, msg, sizeof(msg));
	if (rc) {
		assert_int_equal(rc, -EINVAL);
		snprintf(out, size, "error: %s", msg);
	} else {
		describe(out, size);
	}
	return out;
}

static int teardown(void **state)
{
	(void)state;
	args_free(&a);
	return 0;
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char got[1024];

		parse(rows[i].argv, got, sizeof(got));
		if (strcmp(got, rows[i].want))
			print_error("row %zu:\n  got  %s\n  want %s\n", i, got,
				    rows[i].want);
		assert_string_equal(got, rows[i].want);
	}
}

static void test_ids(void **state)
{
	/* 2^32, 2^33 + 1 and 2^64 + 1 would wrap to 0 or 1 in 32 or 64 bits */
	const char *bad[] = { "0",
			      "abc",
			      "-3",
			      "4294967296",
			      "",
			      "0x10",
			      " 1",
			      "1 ",
			      "12abc",
			      "+1",
			      "99999999999",
			      "8589934593",
			      "18446744073709551617",
			      "0004294967296" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *words[] = { "--rekey", "--ike-id", bad[i], NULL };
		char want[128], got[256];

		snprintf(want, sizeof(want),
			 "error: invalid --ike-id '%s': expected a unique id "
			 "from 1 to 4294967295",
			 bad[i]);
		assert_string_equal(parse(words, got, sizeof(got)), want);
	}
}

static void test_names(void **state)
{
	char *big = malloc(VICI_MAX_VALUE + 2);
	const char *words[] = { "--rekey", "--child", big, NULL };
	char got[256];

	(void)state;
	assert_non_null(big);
	memset(big, 'n', VICI_MAX_VALUE);
	big[VICI_MAX_VALUE] = '\0';
	parse(words, got, sizeof(got));
	assert_string_equal(a.filter.child, big);
	big[VICI_MAX_VALUE] = 'n';
	big[VICI_MAX_VALUE + 1] = '\0';
	assert_string_equal(parse(words, got, sizeof(got)),
			    "error: --child name is longer than 65535 bytes");
	free(big);
}

static void test_options_file(void **state)
{
	char path[] = "/tmp/test_args_XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "# rekey the home tunnel\n"
			    "--ike \"my home\"  # trailing comment\n"
			    "--raw\n";
	const char *file[] = { "--rekey", "--options", path, NULL };
	const char *more[] = { "--rekey", "-+", path, "--child", "x", NULL };
	char got[256];

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1),
			 (ssize_t)sizeof(text) - 1);
	close(fd);
	assert_string_equal(parse(file, got, sizeof(got)),
			    "rekey ike=my home out=raw timeout=30000 debug=1");
	/* options from the file count like the command line's */
	assert_string_equal(
		parse(more, got, sizeof(got)),
		"error: --ike and --child given: give exactly one selector");
	unlink(path);
	parse(file, got, sizeof(got));
	assert_non_null(strstr(got, "error: cannot read options file"));
}

/* Options files as strongSwan's swanctl reads them: single or double
 * quotes around a whole word, '#' only where a word would start, CRLF,
 * an --options inside one (at most 19 in all), never a FIFO. */
static void test_options_nested(void **state)
{
	char inner[] = "/tmp/test_args_XXXXXX",
	     outer[] = "/tmp/test_args_XXXXXX";
	char self[] = "/tmp/test_args_XXXXXX", fifo[] = "/tmp/test_args_XXXXXX";
	int fd_inner = mkstemp(inner), fd_outer = mkstemp(outer);
	int fd_self = mkstemp(self), fd_fifo = mkstemp(fifo);
	char text[128], got[256];
	const char *nested[] = { "--rekey", "--options", outer, NULL };
	const char *loop[] = { "--rekey", "--options", self, NULL };
	const char *not_regular[] = { "--rekey", "--options", fifo, NULL };

	(void)state;
	assert_true(fd_inner >= 0 && fd_outer >= 0 && fd_self >= 0 &&
		    fd_fifo >= 0);
	dprintf(fd_inner, "--ike 'a \"b\" #c'\r\n-P");
	dprintf(fd_outer, "--options %s # then\n--debug#2 2\n", inner);
	dprintf(fd_self, "--options %s\n", self);
	close(fd_inner);
	close(fd_outer);
	close(fd_self);
	close(fd_fifo);
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_string_equal(parse(nested, got, sizeof(got)),
			    "error: unrecognized option '--debug#2'");
	fd_outer = open(outer, O_WRONLY | O_TRUNC);
	dprintf(fd_outer, "--options %s # then\n--debug 2\n", inner);
	close(fd_outer);
	assert_string_equal(parse(nested, got, sizeof(got)),
			    "rekey ike=a \"b\" #c out=pretty timeout=30000 "
			    "debug=2");
	assert_string_equal(parse(loop, got, sizeof(got)),
			    "error: --options given more than 19 times");
	snprintf(text, sizeof(text),
		 "error: options file '%s' is not a regular file", fifo);
	assert_string_equal(parse(not_regular, got, sizeof(got)), text);
	unlink(inner);
	unlink(outer);
	unlink(self);
	unlink(fifo);
}

/* Every command row says what the command takes and what it runs: a row
 * left out or half filled fails here, not on a user's command line. */
static void test_command_rows(void **state)
{
	const struct opt *set[64];

	(void)state;
	for (int c = COMMAND_NONE + 1; c < COMMAND_COUNT; c++) {
		const struct command_def *d = &commands[c];
		int options = 0;

		assert_int_not_equal(d->selectors, SELECTORS_UNSET);
		/* it runs (main's RUN or CALL), or it prints a usage */
		assert_true(d->run || d->call || c == COMMAND_HELP);
		assert_false(d->run && d->call);
		assert_true(d->call == NULL ||
			    (d->call->name && d->call->encode));
		/* the option that picks it, unless it is a variant of --rekey
		 * or strongSwan's */
		for (const struct opt *o = command_opts; o->name; o++)
			options += o->command == (enum command)c;
		if (c == COMMAND_REKEY_WAIT || c == COMMAND_REKEY_BATCH)
			assert_string_equal(d->name, "rekey");
		else if (c != COMMAND_OTHER)
			assert_int_equal(options, 1);
		/* its option set fits the parser's (SET_MAX, args.c) */
		assert_true(command_options((enum command)c, set, 64) < 64);
	}
}

/* The request a one-shot command sends for WORDS after "swanctl --NAME",
 * into BUF; its length, or 0 if they parse to another command. */
static size_t request(const struct command_def *d, const char *const *words,
		      uint8_t *buf, size_t size)
{
	char *argv[MAX_WORDS + 2] = { "swanctl", NULL };
	char name[64];
	struct vici_buf b;
	size_t len = 0;
	int argc = 2;

	snprintf(name, sizeof(name), "--%s", d->name);
	argv[1] = name;
	for (; argc <= MAX_WORDS && words[argc - 2]; argc++)
		argv[argc] = (char *)(uintptr_t)words[argc - 2];
	args_free(&a);
	if (args_parse(&a, argc, argv, msg, sizeof(msg)))
		fail_msg("%s %s: %s", name, words[0] ? words[0] : "", msg);
	if (&commands[a.command] != d)
		return 0;
	vici_begin(&b, buf, size, VICI_CMD_REQUEST, d->call->name);
	d->call->encode(&b, &a);
	assert_int_equal(vici_end(&b, &len), 0);
	return len;
}

/* Every flag a one-shot command takes changes its request: a flag the
 * parser accepts and the encoder forgets fails here (one that picks
 * another command, as --wait does, is that command's). */
static void test_flags_encoded(void **state)
{
	uint8_t plain[512], flagged[512];

	(void)state;
	for (int c = COMMAND_NONE + 1; c < COMMAND_COUNT; c++) {
		const struct command_def *d = &commands[c];
		/* a selector where it needs one (--reauth: of an IKE_SA) */
		const char *words[4] = { NULL };
		size_t n = 0, len;
		char flag[64];

		if (!d->call)
			continue;
		if (d->selectors == SELECTORS_ONE) {
			words[n++] = "--ike";
			words[n++] = "x";
		}
		len = request(d, words, plain, sizeof(plain));
		assert_int_not_equal(len, 0);
		for (const struct opt *o = d->opts; o->name; o++) {
			size_t flen;

			if (o->kind != OPT_FLAG)
				continue;
			snprintf(flag, sizeof(flag), "--%s", o->name);
			words[n] = flag;
			flen = request(d, words, flagged, sizeof(flagged));
			words[n] = NULL;
			if (flen && flen == len && !memcmp(plain, flagged, len))
				fail_msg("--%s: %s changes nothing in the "
					 "request",
					 d->name, flag);
		}
	}
}

/* No option of ours shares a name with one of strongSwan's handed over,
 * and no two options of a set share a short name or a long one. */
static void test_option_sets(void **state)
{
	const struct opt *set[64];

	(void)state;
	for (int c = COMMAND_NONE; c < COMMAND_COUNT; c++) {
		size_t n = command_options((enum command)c, set, 64);

		for (size_t i = 0; i < n; i++) {
			assert_non_null(set[i]->name);
			assert_true(set[i]->kind != OPT_COMMAND ||
				    set[i]->summary);
			for (size_t j = i + 1; j < n; j++) {
				assert_string_not_equal(set[i]->name,
							set[j]->name);
				/* -u first is strongSwan's --uninstall, later
				 * --uri: the parser's one exception */
				if (c == COMMAND_NONE &&
				    set[i]->short_name == 'u')
					continue;
				assert_true(!set[i]->short_name ||
					    set[i]->short_name !=
						    set[j]->short_name);
			}
		}
	}
}

/* 1 if TEXT names option NAME ("--NAME" not followed by more of a name). */
static int names(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = text; (p = strstr(p, "--")); p += 2)
		if (!strncmp(p + 2, name, len) &&
		    !(p[2 + len] == '-' ||
		      (p[2 + len] >= 'a' && p[2 + len] <= 'z')))
			return 1;
	return 0;
}

/* The row of option O in a usage text: "    --NAME  (-X) ARG  summary",
 * the letter there exactly when O has one, and an upper-case ARG exactly
 * when O takes an argument (the shell completions read these rows). */
static int row_ok(const char *usage, const struct opt *o)
{
	size_t len = strlen(o->name), n;
	const char *p = usage;

	for (; (p = strstr(p, "\n    --")); p++)
		if (!strncmp(p + 7, o->name, len) && p[7 + len] == ' ')
			break;
	if (!p)
		return 0;
	p += 7 + len + strspn(p + 7 + len, " ");
	if (o->short_name) {
		if (p[0] != '(' || p[1] != '-' || p[2] != o->short_name ||
		    p[3] != ')')
			return 0;
		p += 4 + strspn(p + 4, " ");
	}
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	return (n && (p[n] == ' ' || p[n] == '\n')) == !!o->has_arg &&
	       p[0] != '(';
}

/* A command's usage text names every option it takes, and no other, each
 * in a row of its own. */
static void test_usage_rows(void **state)
{
	const struct opt *set[64];

	(void)state;
	for (int c = COMMAND_NONE + 1; c < COMMAND_COUNT; c++) {
		const char *usage = commands[c].usage;
		size_t n = command_options((enum command)c, set, 64);

		if (!usage)
			continue; /* --help's, built from the rows */
		for (size_t i = 0; i < n; i++)
			if (!names(usage, set[i]->name))
				fail_msg("--%s --help lacks --%s",
					 commands[c].name, set[i]->name);
			else if (!row_ok(usage, set[i]))
				fail_msg("--%s --help: the row of --%s does "
					 "not show its letter and argument",
					 commands[c].name, set[i]->name);
		for (const char *p = usage; (p = strstr(p, "--")); p += 2) {
			size_t len =
				strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
			size_t i;

			for (i = 0; i < n; i++)
				if (strlen(set[i]->name) == len &&
				    !strncmp(set[i]->name, p + 2, len))
					break;
			/* the command itself is no option of its set */
			if (i == n && (strlen(commands[c].name) != len ||
				       strncmp(commands[c].name, p + 2, len)))
				fail_msg("--%s --help names --%.*s, which it "
					 "does not take",
					 commands[c].name, (int)len, p + 2);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_rows, teardown),
		cmocka_unit_test_teardown(test_ids, teardown),
		cmocka_unit_test_teardown(test_names, teardown),
		cmocka_unit_test_teardown(test_options_file, teardown),
		cmocka_unit_test_teardown(test_options_nested, teardown),
		cmocka_unit_test(test_command_rows),
		cmocka_unit_test(test_option_sets),
		cmocka_unit_test(test_usage_rows),
		cmocka_unit_test_teardown(test_flags_encoded, teardown),
	};

	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}

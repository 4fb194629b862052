// SPDX-License-Identifier: MIT
/*
 * strongswan.conf reader: the scans that read the text a word or sixteen
 * bytes at a time, with runs of blanks of every length at every offset, in
 * files with and without CRs (which take different scans).  A scan that
 * counts bytes from the wrong end of the word (a big-endian machine, s390x)
 * finds the wrong byte; tests/cross.sh runs this on every architecture.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

static char path[64];
static struct conf conf;

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_conf.%d", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void put_blanks(FILE *f, int n, int tabs)
{
	for (int i = 0; i < n; i++)
		fputc(tabs && i % 3 == 1 ? '\t' : ' ', f);
}

/* A file whose socket is unix:///s/A.B, with A blanks before the key, B
 * around '=', a comment of blanks, and lines ended by EOL; the URI read. */
static const char *read_with(int a, int b, int tabs, const char *eol)
{
	FILE *f = fopen(path, "w");
	int rc;

	assert_non_null(f);
	fprintf(f, "# a comment%s", eol);
	put_blanks(f, b, tabs);
	fprintf(f, "#%s", eol);
	put_blanks(f, a, tabs);
	fputs("swanctl", f);
	put_blanks(f, b % 9, tabs);
	fprintf(f, "{%s", eol);
	put_blanks(f, a, tabs);
	fputs("socket", f);
	put_blanks(f, b, tabs);
	fputc('=', f);
	put_blanks(f, (a + b) % 11, tabs);
	fprintf(f, "unix:///s/%d.%d", a, b);
	put_blanks(f, (a * b) % 10, 0);
	fprintf(f, "%s", eol);
	put_blanks(f, b, tabs);
	fprintf(f, "}%s", eol);
	put_blanks(f, a, tabs);
	assert_int_equal(fclose(f), 0);
	rc = conf_socket(&conf, path);
	if (rc)
		print_error("a=%d b=%d tabs=%d: %s\n", a, b, tabs, conf.error);
	assert_int_equal(rc, 0);
	assert_non_null(conf.uri);
	return conf.uri;
}

static void test_blank_runs(void **state)
{
	static const char *const eols[] = { "\n", "\r\n" };

	(void)state;
	for (size_t e = 0; e < 2; e++)
		for (int tabs = 0; tabs < 2; tabs++)
			for (int a = 0; a < 25; a++)
				for (int b = 0; b < 25; b++) {
					char want[32];

					snprintf(want, sizeof(want),
						 "unix:///s/%d.%d", a, b);
					assert_string_equal(
						read_with(a, b, tabs, eols[e]),
						want);
				}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_blank_runs, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}

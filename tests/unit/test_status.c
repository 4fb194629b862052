// SPDX-License-Identifier: MIT
/* Exit status table (contract section 4). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>

#include "status.h"

static void test_table(void **state)
{
	(void)state;
	assert_int_equal(status_of(STAGE_RESULT, 0), 0);
	assert_int_equal(status_of(STAGE_EXCHANGE, 0), 0);
	assert_int_equal(status_of(STAGE_RESULT, -1), 1);
	assert_int_equal(status_of(STAGE_USAGE, -EINVAL), 2);
	assert_int_equal(status_of(STAGE_USAGE, -ENAMETOOLONG), 2);
	/* a usage error never reads as a timeout */
	assert_int_equal(status_of(STAGE_USAGE, -ETIMEDOUT), 2);
	assert_int_equal(status_of(STAGE_CONNECT, -ENOENT), 3);
	assert_int_equal(status_of(STAGE_CONNECT, -ECONNREFUSED), 3);
	assert_int_equal(status_of(STAGE_CONNECT, -EACCES), 3);
	assert_int_equal(status_of(STAGE_CONNECT, -EADDRNOTAVAIL), 3);
	assert_int_equal(status_of(STAGE_EXCHANGE, -ECONNRESET), 4);
	assert_int_equal(status_of(STAGE_EXCHANGE, -EPIPE), 4);
	assert_int_equal(status_of(STAGE_EXCHANGE, -EMSGSIZE), 4);
	assert_int_equal(status_of(STAGE_EXCHANGE, -EBADMSG), 4);
	assert_int_equal(status_of(STAGE_EXCHANGE, -EPROTO), 4);
	assert_int_equal(status_of(STAGE_EXCHANGE, -ENOSYS), 4);
	/* ENOENT is "no socket" only while connecting */
	assert_int_equal(status_of(STAGE_EXCHANGE, -ENOENT), 4);
	assert_int_equal(status_of(STAGE_CONF, -EINVAL), 2);
	assert_int_equal(status_of(STAGE_URI, -ENAMETOOLONG), 2);
	assert_int_equal(status_of(STAGE_ENCODE, -EMSGSIZE), 2);
	assert_int_equal(status_of(STAGE_REGISTER, -ENOTSUP), 4);
	assert_int_equal(status_of(STAGE_REGISTER, -ETIMEDOUT), 5);
	assert_int_equal(status_of(STAGE_RESULT, -ECANCELED), 1);
	assert_int_equal(status_of(STAGE_RESULT, -ETIMEDOUT), 5);
	assert_int_equal(status_of(STAGE_CONNECT, -ETIMEDOUT), 5);
	assert_int_equal(status_of(STAGE_EXCHANGE, -ETIMEDOUT), 5);
	/* a write error on stdout is never the daemon's refusal */
	assert_int_equal(status_of(STAGE_OUTPUT, -EPIPE), 6);
	assert_int_equal(status_of(STAGE_OUTPUT, -ENOSPC), 6);
	/* --batch stopped by a signal: 128 + its number, as a shell says */
	assert_int_equal(status_of(STAGE_SIGNAL, -EINTR), 130);
	assert_int_equal(status_of(STAGE_SIGNAL, -ESHUTDOWN), 143);
	assert_int_equal(status_of(STAGE_SIGNAL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}

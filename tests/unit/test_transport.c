// SPDX-License-Identifier: MIT
/* Transport and client tests against the scripted fake daemon. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "client.h"
#include "transport.h"
#include "vici_wire.h"

static char sock[64];
static char uri[80];
static uint8_t buf[VICI_MAX_FRAME];

/* Start the fake daemon with the given actions; returns once it listens. */
static void fake(const char *first, ...)
{
	const char *path = getenv("FAKEVICI");
	char *argv[32] = { "fakevici", sock };
	int argc = 2, status;
	va_list ap;
	pid_t pid;

	assert_non_null(path);
	va_start(ap, first);
	for (const char *w = first; w; w = va_arg(ap, const char *))
		argv[argc++] = (char *)(uintptr_t)w;
	va_end(ap);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execv(path, argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
}

static void open_fake(struct transport *t, int timeout_ms)
{
	struct endpoint ep;

	assert_int_equal(transport_parse_uri(uri, &ep), 0);
	assert_int_equal(transport_connect(t, &ep, timeout_ms), 0);
}

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 +
	       (now.tv_nsec - since->tv_nsec) / 1000000;
}

static int setup(void **state)
{
	(void)state;
	snprintf(sock, sizeof(sock), "/tmp/test_transport.%d", (int)getpid());
	snprintf(uri, sizeof(uri), "unix://%s", sock);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(sock);
	return 0;
}

static void test_parse_uri(void **state)
{
	struct endpoint ep;
	char longpath[140] = "unix:///";

	(void)state;
	assert_int_equal(
		transport_parse_uri("unix:///var/run/charon.vici", &ep), 0);
	assert_true(ep.unix_path);
	assert_string_equal(ep.host, "/var/run/charon.vici");
	assert_int_equal(transport_parse_uri("tcp://127.0.0.1:4502", &ep), 0);
	assert_false(ep.unix_path);
	assert_string_equal(ep.host, "127.0.0.1");
	assert_string_equal(ep.port, "4502");
	assert_int_equal(transport_parse_uri("tcp://[::1]:65535", &ep), 0);
	assert_string_equal(ep.host, "::1");
	assert_string_equal(ep.port, "65535");
	assert_int_equal(transport_parse_uri("tcp://gw.example:1", &ep), 0);
	assert_string_equal(ep.host, "gw.example");

	const char *bad[] = { "foo://x",
			      "unix://",
			      "tcp://host",
			      "tcp://host:",
			      "tcp://host:0",
			      "tcp://:80",
			      "tcp://h:65536",
			      "tcp://h:80x",
			      "tcp://::1:80",
			      "tcp://[::1]",
			      "tcp://[::1]80",
			      "tcp://h:123456",
			      "/var/run/charon.vici" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(transport_parse_uri(bad[i], &ep), -EINVAL);
	/* sun_path holds 107 bytes and the NUL */
	memset(longpath + 8, 'p', 106);
	assert_int_equal(transport_parse_uri(longpath, &ep), 0);
	assert_int_equal(strlen(ep.host), 107);
	longpath[8 + 106] = 'p';
	assert_int_equal(transport_parse_uri(longpath, &ep), -ENAMETOOLONG);
}

static void test_connect_errors(void **state)
{
	struct endpoint ep;
	struct transport t;

	(void)state;
	assert_int_equal(transport_parse_uri("unix:///nonexistent/x", &ep), 0);
	assert_int_equal(transport_connect(&t, &ep, 1000), -ENOENT);
	transport_close(&t);
	/* a file that is not a listening socket */
	assert_int_equal(transport_parse_uri("unix:///dev/null", &ep), 0);
	assert_int_equal(transport_connect(&t, &ep, 1000), -ECONNREFUSED);
	transport_close(&t);
	assert_int_equal(
		transport_parse_uri("tcp://no-such-host.invalid:1", &ep), 0);
	assert_int_equal(transport_connect(&t, &ep, 1000), -EADDRNOTAVAIL);
	transport_close(&t);
}

/* The reference's reassembly stream, in pieces of 1, 2, 3 and 7 bytes. */
static void test_reassembly(void **state)
{
	static const char *chunks[] = { "chunk:1", "chunk:2", "chunk:3",
					"chunk:7" };
	const char *stream = "hex:00000000 0000000101 000000051112131415 "
			     "0000000a 2122232425262728292a";

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		struct transport t;
		size_t len;

		fake(chunks[i], stream, "close", NULL);
		open_fake(&t, 5000);
		assert_int_equal(transport_recv(&t, buf, sizeof(buf), &len),
				 -EBADMSG);
		assert_int_equal(transport_recv(&t, buf, sizeof(buf), &len), 0);
		assert_int_equal(len, 1);
		assert_int_equal(buf[0], 0x01);
		assert_int_equal(transport_recv(&t, buf, sizeof(buf), &len), 0);
		assert_int_equal(len, 5);
		assert_memory_equal(buf, "\x11\x12\x13\x14\x15", 5);
		assert_int_equal(transport_recv(&t, buf, sizeof(buf), &len), 0);
		assert_int_equal(len, 10);
		assert_memory_equal(buf,
				    "\x21\x22\x23\x24\x25\x26\x27\x28\x29"
				    "\x2a",
				    10);
		assert_int_equal(transport_recv(&t, buf, sizeof(buf), &len),
				 -ECONNRESET);
		transport_close(&t);
	}
}

static void test_timeout(void **state)
{
	struct transport t;
	struct timespec start;
	size_t len;
	long ms;

	(void)state;
	fake("drain", NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	open_fake(&t, 300);
	assert_int_equal(transport_recv(&t, buf, sizeof(buf), &len),
			 -ETIMEDOUT);
	ms = elapsed_ms(&start);
	assert_true(ms >= 290 && ms < 600);
	transport_close(&t);

	/* the deadline covers the whole exchange, not each read */
	fake("hex:000000", "sleep:200", "hex:05", "sleep:200", "hex:01",
	     "drain", NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	open_fake(&t, 300);
	assert_int_equal(transport_recv(&t, buf, sizeof(buf), &len),
			 -ETIMEDOUT);
	ms = elapsed_ms(&start);
	assert_true(ms >= 290 && ms < 600);
	transport_close(&t);
}

static void test_truncated(void **state)
{
	struct transport t;
	size_t len;

	(void)state;
	fake("hex:0000", "close", NULL);
	open_fake(&t, 5000);
	assert_int_equal(transport_recv(&t, buf, sizeof(buf), &len), -EPIPE);
	assert_int_equal(t.frame_len, 0);
	transport_close(&t);

	fake("hex:0000000a 010203", "close", NULL);
	open_fake(&t, 5000);
	assert_int_equal(transport_recv(&t, buf, sizeof(buf), &len), -EPIPE);
	assert_int_equal(t.frame_len, 10);
	assert_int_equal(t.frame_got, 3);
	transport_close(&t);
}

static void test_oversized(void **state)
{
	static const char *lengths[] = { "hex:ffffffff", "hex:80000000",
					 "hex:00080001" };
	struct transport t;
	struct timespec start;
	size_t len;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		fake(lengths[i], "drain", NULL);
		clock_gettime(CLOCK_MONOTONIC, &start);
		open_fake(&t, 5000);
		assert_int_equal(transport_recv(&t, buf, sizeof(buf), &len),
				 -EMSGSIZE);
		assert_true(elapsed_ms(&start) < 1000);
		transport_close(&t);
	}
	/* exactly the limit is accepted */
	fake("frame:524288", "close", NULL);
	open_fake(&t, 5000);
	assert_int_equal(transport_recv(&t, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, VICI_MAX_FRAME);
	transport_close(&t);
}

/* Frames at and next to the cap, received at every alignment and into a
 * buffer smaller than the cap: the length prefix is assembled byte by
 * byte, and compared before anything is read. */
static void test_frame_cap_aligned(void **state)
{
	static _Alignas(16) uint8_t at[VICI_MAX_FRAME + 16];
	struct transport t;
	size_t len;

	(void)state;
	for (size_t off = 0; off < 4; off++) {
		fake("frame:524287", "frame:524288", "hex:00080001", "drain",
		     NULL);
		open_fake(&t, 5000);
		assert_int_equal(
			transport_recv(&t, at + off, sizeof(at) - off, &len),
			0);
		assert_int_equal(len, VICI_MAX_FRAME - 1);
		assert_int_equal(at[off], VICI_CMD_RESPONSE);
		assert_int_equal(
			transport_recv(&t, at + off, sizeof(at) - off, &len),
			0);
		assert_int_equal(len, VICI_MAX_FRAME);
		assert_int_equal(at[off], VICI_CMD_RESPONSE);
		assert_int_equal(
			transport_recv(&t, at + off, sizeof(at) - off, &len),
			-EMSGSIZE);
		assert_int_equal(t.frame_len, VICI_MAX_FRAME + 1);
		transport_close(&t);
	}
	fake("frame:1000", "frame:1001", "drain", NULL);
	open_fake(&t, 5000);
	assert_int_equal(transport_recv(&t, at + 1, 1000, &len), 0);
	assert_int_equal(len, 1000);
	assert_int_equal(transport_recv(&t, at + 1, 1000, &len), -EMSGSIZE);
	transport_close(&t);
}

/* The longest --timeout (1000000 s) as a deadline and a poll
 * bound: no sum overflows with a 32-bit long or time_t (i386, armhf). */
static void test_longest_deadline(void **state)
{
	const int longest = ARGS_MAX_TIMEOUT * 1000;
	struct transport t;
	struct timespec now;
	uint8_t got[8];
	size_t len;
	int sv[2];

	(void)state;
	print_message("time_t %d bits, long %d bits, size_t %d bits\n",
		      (int)sizeof(time_t) * 8, (int)sizeof(long) * 8,
		      (int)sizeof(size_t) * 8);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	transport_attach(&t, sv[0], longest);
	clock_gettime(CLOCK_MONOTONIC, &now);
	assert_true(t.deadline_ms - ((int64_t)now.tv_sec * 1000 +
				     now.tv_nsec / 1000000) >
		    longest - 1000);
	/* a send and a receive under it neither time out nor wait */
	assert_int_equal(transport_send(&t, (const uint8_t *)"\0\0\0\1\1", 5),
			 0);
	assert_int_equal(read(sv[1], got, sizeof(got)), 5);
	assert_int_equal(write(sv[1], "\0\0\0\2\1\2", 6), 6);
	assert_int_equal(transport_recv(&t, got + 1, 2, &len), 0);
	assert_int_equal(len, 2);
	assert_memory_equal(got + 1, "\1\2", 2);
	transport_close(&t);
	close(sv[1]);
}

static const uint8_t request[] = { 0,	0,   0,	   0x11, 0x00, 0x05, 'r',
				   'e', 'k', 'e',  'y',	 0x03, 0x03, 'i',
				   'k', 'e', 0x00, 0x03, 'f',  'o',  'o' };

static int call(const char *first, ...)
{
	struct vici_packet_view reply;
	static struct client c;
	struct failure f = { 0 };
	char *argv[8];
	int n = 0, rc;
	va_list ap;

	va_start(ap, first);
	for (const char *w = first; w; w = va_arg(ap, const char *))
		argv[n++] = (char *)(uintptr_t)w;
	va_end(ap);
	argv[n] = NULL;
	fake("read", n > 0 ? argv[0] : "close", n > 1 ? argv[1] : NULL,
	     n > 2 ? argv[2] : NULL, NULL);
	client_init(&c, uri, 5000, NULL);
	assert_int_equal(client_open(&c, &f), 0);
	rc = client_call(&c, "rekey", request, sizeof(request), &reply, NULL,
			 NULL, &f);
	if (rc)
		assert_int_equal(f.stage, STAGE_EXCHANGE);
	if (rc == 0) {
		assert_int_equal(reply.type, VICI_CMD_RESPONSE);
		assert_int_equal(reply.body_len, 14);
	}
	if (rc == -EPROTO)
		rc = -1000 - f.packet_type;
	client_close(&c);
	return rc;
}

static void test_client(void **state)
{
	const char *yes = "hex:0000000f 01 03 07 73756363657373 0003 796573";

	(void)state;
	assert_int_equal(call(yes, "close", NULL), 0);
	/* events before the reply are skipped, even a malformed body */
	assert_int_equal(call("hex:00000004 07 01 65 09", yes, "close", NULL),
			 0);
	assert_int_equal(call("hex:0000000102", "close", NULL), -ENOSYS);
	assert_int_equal(call("hex:0000000105", "close", NULL), -1005);
	assert_int_equal(call("hex:0000000106", "close", NULL), -1006);
	assert_int_equal(call("hex:0000000109", "close", NULL), -1009);
	/* a daemon never sends a request, named or not */
	assert_int_equal(call("hex:0000000100", "close", NULL), -1000);
	assert_int_equal(call("hex:00000002 00 00", "close", NULL), -1000);
	assert_int_equal(call("hex:00000003 03 01 61", "close", NULL), -1003);
	assert_int_equal(call("hex:00000003 07 05 61", "close", NULL),
			 -EBADMSG);
	assert_int_equal(
		call("hex:00000009 01 03 03 6b6579 0005 7661", "close", NULL),
		-EBADMSG);
	assert_int_equal(call("close", NULL), -ECONNRESET);
}

static void test_tcp(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t slen = sizeof(sin);
	struct transport t;
	struct endpoint ep;
	char tcp_uri[64];
	size_t len;
	int lfd, cfd;

	(void)state;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &slen), 0);
	snprintf(tcp_uri, sizeof(tcp_uri), "tcp://localhost:%u",
		 ntohs(sin.sin_port));
	assert_int_equal(transport_parse_uri(tcp_uri, &ep), 0);
	assert_int_equal(transport_connect(&t, &ep, 2000), 0);
	cfd = accept(lfd, NULL, NULL);
	assert_true(cfd >= 0);
	assert_int_equal(write(cfd, "\0\0\0\1\1", 5), 5);
	assert_int_equal(transport_recv(&t, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 1);
	transport_close(&t);
	close(cfd);
	close(lfd);
	/* nothing listens there any more */
	assert_int_equal(transport_connect(&t, &ep, 2000), -ECONNREFUSED);
	transport_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_uri),
		cmocka_unit_test(test_connect_errors),
		cmocka_unit_test_setup_teardown(test_reassembly, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_oversized, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_client, setup, teardown),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test_setup_teardown(test_frame_cap_aligned, setup,
						teardown),
		cmocka_unit_test(test_longest_deadline),
	};

	return cmocka_run_group_tests_name("transport", tests, NULL, NULL);
}

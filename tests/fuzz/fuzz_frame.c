// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the frame reader: the input is the byte stream a
 * daemon sends after our request, delivered through a real socket and
 * followed by EOF.  client_call must end with a reply or an error, never
 * hang, over-read or loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "vici_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t request[] = { 0,	0,   0,	   0x11, 0x00, 0x05, 'r',
				   'e', 'k', 'e',  'y',	 0x03, 0x03, 'i',
				   'k', 'e', 0x00, 0x03, 'f',  'o',  'o' };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct client c;
	struct failure f = { 0 };
	struct vici_packet_view reply;
	int sv[2], rc;

	/* stays below the socket buffer, so one write never blocks */
	if (size > 65536 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 0;
	if (size && write(sv[1], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[1], SHUT_WR);
	client_attach(&c, sv[0], 0, NULL);
	rc = client_call(&c, "rekey", request, sizeof(request), &reply, NULL,
			 NULL, &f);
	if (rc == 0 && (reply.type != VICI_CMD_RESPONSE ||
			reply.body + reply.body_len > c.buf + sizeof(c.buf)))
		abort();
	if (rc == -EBADMSG && !f.why)
		abort();
	if (rc && (f.err != rc || f.stage != STAGE_EXCHANGE))
		abort(); /* every failure is recorded where it happened */
	close(sv[0]);
	close(sv[1]);
	return 0;
}

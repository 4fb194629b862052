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
#include "json_check.h"
#include "list.h"
#include "vici_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t request[] = { 0,	0,   0,	   0x11, 0x00, 0x05, 'r',
				   'e', 'k', 'e',  'y',	 0x03, 0x03, 'i',
				   'k', 'e', 0x00, 0x03, 'f',  'o',  'o' };

struct watched {
	struct listing l;
	size_t *len; /* of the output so far */
};

/* list_event, checking that an event it refuses printed nothing. */
static int watch(void *ctx, const struct vici_packet_view *ev,
		 struct failure *f)
{
	struct watched *w = ctx;
	size_t before;
	int rc;

	fflush(w->l.out);
	before = *w->len;
	rc = list_event(&w->l, ev, f);
	fflush(w->l.out);
	if (rc && (*w->len != before || rc != -EBADMSG || !f->why ||
		   f->stage != STAGE_EXCHANGE))
		abort();
	return rc;
}

/*
 * The same stream as the events and reply of --list-sas, in each output
 * mode: list-sa events are printed whole or not at all, so with --json
 * the output is always lines of JSON, whatever the stream ends with.
 */
static void listing(const uint8_t *data, size_t size, enum output mode)
{
	static struct client c;
	struct failure f = { 0 };
	struct vici_packet_view reply;
	char *text = NULL;
	size_t len = 0;
	struct watched w = {
		{ .output = mode, .out = open_memstream(&text, &len) }, &len
	};
	int sv[2];

	if (!w.l.out || list_scratch_open(&w.l) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		abort();
	if (size && write(sv[1], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[1], SHUT_WR);
	client_attach(&c, sv[0], 0, NULL);
	client_call(&c, "list-sas", request, sizeof(request), &reply, watch, &w,
		    &f);
	fclose(w.l.out);
	list_scratch_close(&w.l);
	if (mode == OUTPUT_JSON && json_check_lines(text, len))
		abort();
	free(text);
	close(sv[0]);
	close(sv[1]);
}

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
	for (int m = OUTPUT_HUMAN; m <= OUTPUT_JSON; m++)
		listing(data, size, (enum output)m);
	return 0;
}

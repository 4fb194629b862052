// SPDX-License-Identifier: MIT
/* Request/response over VICI, with events skipped and packets traced. */
#include <errno.h>

#include "client.h"
#include "vici_wire.h"

static void trace(struct client *c, const char *dir, const uint8_t *p,
		  size_t len)
{
	fprintf(c->trace, "vici %s %zu bytes:", dir, len);
	for (size_t i = 0; i < len; i++)
		fprintf(c->trace, " %02x", p[i]);
	fputc('\n', c->trace);
}

int client_call(struct client *c, const uint8_t *req, size_t len,
		struct vici_packet_view *reply)
{
	int rc;

	if (c->trace)
		trace(c, "sent", req + 4, len - 4);
	rc = transport_send(&c->t, req, len);
	if (rc)
		return rc;
	for (;;) {
		size_t n;

		rc = transport_recv(&c->t, c->buf, c->cap, &n);
		if (rc == -EBADMSG)
			c->why = "empty frame";
		if (rc)
			return rc;
		if (c->trace)
			trace(c, "received", c->buf, n);
		rc = vici_packet_parse(c->buf, n, reply);
		if (rc == -EBADMSG)
			c->why = "packet name runs past the end of the frame "
				 "or is not printable";
		if (rc == -EPROTO)
			c->bad_type = c->buf[0];
		if (rc)
			return rc;
		switch (reply->type) {
		case VICI_EVENT:
			continue;
		case VICI_CMD_RESPONSE:
			rc = vici_validate(reply->body, reply->body_len,
					   &c->why);
			return rc;
		case VICI_CMD_UNKNOWN:
			return -ENOSYS;
		default:
			c->bad_type = reply->type;
			return -EPROTO;
		}
	}
}

// SPDX-License-Identifier: MIT
/* Commands and event registrations over VICI, with packets traced. */
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

static int send_frame(struct client *c, const uint8_t *req, size_t len)
{
	if (c->trace)
		trace(c, "sent", req + 4, len - 4);
	return transport_send(&c->t, req, len);
}

int client_recv(struct client *c, struct vici_packet_view *p)
{
	size_t n;
	int rc;

	rc = transport_recv(&c->t, c->buf, c->cap, &n);
	if (rc == -EBADMSG)
		c->why = "empty frame";
	if (rc)
		return rc;
	if (c->trace)
		trace(c, "received", c->buf, n);
	rc = vici_packet_parse(c->buf, n, p);
	if (rc == -EBADMSG)
		c->why = "packet name runs past the end of the frame or is "
			 "not printable";
	if (rc == -EPROTO)
		c->bad_type = c->buf[0];
	return rc;
}

int client_call(struct client *c, const uint8_t *req, size_t len,
		struct vici_packet_view *reply, client_event_fn on_event,
		void *ctx)
{
	int rc = send_frame(c, req, len);

	while (rc == 0) {
		rc = client_recv(c, reply);
		if (rc)
			break;
		switch (reply->type) {
		case VICI_EVENT:
			if (on_event)
				rc = on_event(ctx, reply);
			if (rc > 0)
				rc = 0;
			continue;
		case VICI_CMD_RESPONSE:
			return vici_validate(reply->body, reply->body_len,
					     &c->why);
		case VICI_CMD_UNKNOWN:
			return -ENOSYS;
		default:
			c->bad_type = reply->type;
			return -EPROTO;
		}
	}
	return rc;
}

int client_register(struct client *c, int type, const char *name)
{
	uint8_t req[4 + 2 + VICI_MAX_NAME];
	struct vici_packet_view p;
	struct vici_buf b;
	long len;
	int rc;

	vici_begin(&b, req, sizeof(req), type, name);
	len = vici_end(&b);
	if (len < 0)
		return (int)len;
	rc = send_frame(c, req, (size_t)len);
	while (rc == 0) {
		rc = client_recv(c, &p);
		if (rc)
			break;
		switch (p.type) {
		case VICI_EVENT:
			continue; /* of an earlier registration */
		case VICI_EVENT_CONFIRM:
			return 0;
		case VICI_EVENT_UNKNOWN:
			return -ENOTSUP;
		default:
			c->bad_type = p.type;
			return -EPROTO;
		}
	}
	return rc;
}

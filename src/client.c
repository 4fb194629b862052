// SPDX-License-Identifier: MIT
/* Commands and event registrations over VICI, with packets traced. */
#include <errno.h>
#include <stdlib.h>

#include "client.h"
#include "conf.h"

/* The socket strongswan.conf names, else the built-in one. */
static int conf_uri(struct client *c, const char **uri, struct failure *f)
{
	int rc = conf_socket(&c->conf, NULL);

	if (rc) {
		f->why = c->conf.error;
		return status_fail(f, STAGE_CONF, NULL, rc);
	}
	*uri = c->conf.uri ? c->conf.uri : CLIENT_DEFAULT_URI;
	return 0;
}

void client_init(struct client *c, const char *uri, int timeout_ms, FILE *trace)
{
	c->uri = uri;
	client_attach(c, -1, timeout_ms, trace);
}

int client_open(struct client *c, struct failure *f)
{
	const char *uri = c->uri;
	struct endpoint ep;
	int rc;

	if (!uri && (rc = conf_uri(c, &uri, f)))
		return rc;
	f->uri = uri;
	rc = transport_parse_uri(uri, &ep);
	if (rc)
		return status_fail(f, STAGE_URI, NULL, rc);
	rc = transport_connect(&c->t, &ep, c->timeout_ms);
	if (rc) {
		transport_close(&c->t);
		return status_fail(f, STAGE_CONNECT, NULL, rc);
	}
	return 0;
}

void client_attach(struct client *c, int fd, int timeout_ms, FILE *trace)
{
	transport_attach(&c->t, fd, timeout_ms);
	c->timeout_ms = timeout_ms;
	c->trace = trace;
}

void client_close(struct client *c)
{
	transport_close(&c->t);
}

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
	int rc;

	if (c->trace)
		trace(c, "sent", req + 4, len - 4);
	rc = transport_send(&c->t, req, len);
	/* closed before it read our request: it never replied */
	return rc == -EPIPE ? -ECONNRESET : rc;
}

/* The step (STAGE_EXCHANGE or STAGE_REGISTER) is the caller's to set. */
static int recv_packet(struct client *c, struct vici_packet_view *p,
		       struct failure *f)
{
	size_t n;
	int rc;

	rc = transport_recv(&c->t, c->buf, sizeof(c->buf), &n);
	if (rc == -EBADMSG)
		f->why = "empty frame";
	if (rc == -EPIPE || rc == -EMSGSIZE) {
		f->got = c->t.frame_got;
		f->expected = c->t.frame_len;
	}
	if (rc)
		return rc;
	if (c->trace)
		trace(c, "received", c->buf, n);
	rc = vici_packet_parse(c->buf, n, p);
	/* a daemon never sends a request: whatever its name, say what came */
	if (rc == -EBADMSG && (c->buf[0] == VICI_CMD_REQUEST ||
			       c->buf[0] == VICI_EVENT_REGISTER ||
			       c->buf[0] == VICI_EVENT_UNREGISTER))
		rc = -EPROTO;
	if (rc == -EBADMSG)
		f->why = "packet name runs past the end of the frame or is "
			 "not printable";
	if (rc == -EPROTO)
		f->packet_type = c->buf[0];
	return rc;
}

int client_recv(struct client *c, const char *step, struct vici_packet_view *p,
		struct failure *f)
{
	int rc = recv_packet(c, p, f);

	return rc ? status_fail(f, STAGE_EXCHANGE, step, rc) : 0;
}

/* Send REQ and read packets until one that is not an EVENT; 0 and *P,
 * or -errno; *BY_EVENT set when ON_EVENT ended it (F filled by it). */
static int exchange(struct client *c, const uint8_t *req, size_t len,
		    struct vici_packet_view *p, client_event_fn on_event,
		    void *ctx, struct failure *f, int *by_event)
{
	int rc = send_frame(c, req, len);

	while (rc == 0) {
		rc = recv_packet(c, p, f);
		if (rc || p->type != VICI_EVENT)
			return rc;
		if (on_event)
			rc = on_event(ctx, p, f);
		if (rc > 0)
			rc = 0;
		*by_event = rc < 0;
	}
	return rc;
}

int client_call(struct client *c, const char *step, const uint8_t *req,
		size_t len, struct vici_packet_view *reply,
		client_event_fn on_event, void *ctx, struct failure *f)
{
	int by_event = 0;
	int rc = exchange(c, req, len, reply, on_event, ctx, f, &by_event);

	if (by_event)
		return rc;
	if (rc == 0) {
		switch (reply->type) {
		case VICI_CMD_RESPONSE:
			rc = vici_validate(reply->body, reply->body_len,
					   &f->why);
			break;
		case VICI_CMD_UNKNOWN:
			rc = -ENOSYS;
			break;
		default:
			f->packet_type = reply->type;
			rc = -EPROTO;
		}
	}
	return rc ? status_fail(f, STAGE_EXCHANGE, step, rc) : 0;
}

int client_register(struct client *c, int type, const char *name,
		    client_event_fn on_event, void *ctx, struct failure *f)
{
	uint8_t req[4 + 2 + VICI_MAX_NAME];
	struct vici_packet_view p;
	struct vici_buf b;
	int by_event = 0;
	size_t len;
	int rc;

	vici_begin(&b, req, sizeof(req), type, name);
	rc = vici_end(&b, &len);
	if (rc)
		return status_fail(f, STAGE_ENCODE, name, rc);
	/* events before the confirmation belong to earlier registrations */
	rc = exchange(c, req, len, &p, on_event, ctx, f, &by_event);
	if (by_event)
		return rc;
	if (rc == 0 && p.type == VICI_EVENT_UNKNOWN)
		rc = -ENOTSUP;
	else if (rc == 0 && p.type != VICI_EVENT_CONFIRM) {
		f->packet_type = p.type;
		rc = -EPROTO;
	}
	return rc ? status_fail(f, STAGE_REGISTER, name, rc) : 0;
}

int client_send(struct client *c, const char *step, const uint8_t *req,
		size_t len, struct failure *f)
{
	int rc = send_frame(c, req, len);

	return rc ? status_fail(f, STAGE_EXCHANGE, step, rc) : 0;
}

int client_wait(struct client *c, int64_t until_ms, const sigset_t *mask)
{
	return transport_ready(&c->t, until_ms, mask);
}

int client_buffered(const struct client *c)
{
	return c->t.ahead_pos < c->t.ahead_len;
}

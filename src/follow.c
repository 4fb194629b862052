// SPDX-License-Identifier: MIT
/* The dialogue of --wait and --batch with charon, fed to the tracker. */
#include <errno.h>

#include "follow.h"
#include "request.h"
#include "vici.h"

/* One event for the tracker; a malformed one ends the exchange. */
static int feed(void *ctx, const struct vici_packet_view *ev, struct failure *f)
{
	struct track *w = ctx;
	int rc = vici_validate(ev->body, ev->body_len, &f->why);

	if (rc)
		return status_fail(f, STAGE_EXCHANGE, "rekey", rc);
	if (vici_is(ev->name, ev->name_len, "list-sa")) {
		rc = track_learn(w, ev->body, ev->body_len);
		return rc ? status_fail(f, STAGE_EXCHANGE, "list-sas", rc) : 0;
	}
	track_event(w, ev->name, ev->name_len, ev->body, ev->body_len);
	return 0;
}

int follow_open(struct client *c, struct track *w, struct failure *f)
{
	static const char *const events[] = { "ike-rekey", "child-rekey",
					      "ike-updown", "child-updown" };
	uint8_t req[VICI_MAX_REQUEST];
	struct vici_packet_view p;
	size_t len;
	int rc = 0;

	for (size_t i = 0; i < 4 && !rc; i++)
		rc = client_register(c, VICI_EVENT_REGISTER, events[i], feed, w,
				     f);
	if (rc)
		return rc;
	/* charon's reasons; a daemon without them still rekeys */
	rc = client_register(c, VICI_EVENT_REGISTER, "log", feed, w, f);
	w->logs = rc == 0;
	if (rc && rc != -ENOTSUP)
		return rc;
	rc = list_request(&w->filter, 0, req, sizeof(req), &len);
	if (rc)
		return status_fail(f, STAGE_ENCODE, "list-sas", rc);
	rc = client_register(c, VICI_EVENT_REGISTER, "list-sa", feed, w, f);
	if (!rc)
		rc = client_call(c, "list-sas", req, len, &p, feed, w, f);
	if (!rc)
		rc = client_register(c, VICI_EVENT_UNREGISTER, "list-sa", feed,
				     w, f);
	return rc;
}

int follow_rekey(struct client *c, const struct sa_filter *sel, int reauth,
		 struct failure *f)
{
	uint8_t req[VICI_MAX_REQUEST];
	size_t len;
	int rc = rekey_request(sel, reauth, req, sizeof(req), &len);

	if (rc)
		return status_fail(f, STAGE_ENCODE, "rekey", rc);
	return client_send(c, "rekey", req, len, f);
}

int follow_next(struct client *c, struct track *w, int64_t until_ms,
		const sigset_t *mask, struct vici_packet_view *reply,
		struct failure *f)
{
	int rc = client_wait(c, until_ms, mask);

	if (rc < 0)
		return status_fail(f, STAGE_EXCHANGE, "rekey", rc);
	if (rc == 0)
		return 0;
	rc = client_recv(c, "rekey", reply, f);
	if (rc == -ETIMEDOUT)
		return 0; /* the run's deadline: the caller says so */
	if (rc)
		return rc;
	switch (reply->type) {
	case VICI_EVENT:
		return feed(w, reply, f);
	case VICI_CMD_RESPONSE:
		rc = vici_validate(reply->body, reply->body_len, &f->why);
		return rc ? status_fail(f, STAGE_EXCHANGE, "rekey", rc) : 1;
	case VICI_CMD_UNKNOWN:
		return status_fail(f, STAGE_EXCHANGE, "rekey", -ENOSYS);
	default:
		f->packet_type = reply->type;
		return status_fail(f, STAGE_EXCHANGE, "rekey", -EPROTO);
	}
}

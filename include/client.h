/* SPDX-License-Identifier: MIT */
/* VICI exchanges over a connected transport: commands and events. */
#ifndef CLIENT_H
#define CLIENT_H

#include <stdio.h>

#include "transport.h"
#include "vici.h"

struct client {
	struct transport t;
	uint8_t *buf; /* receive buffer, caller-owned, VICI_MAX_FRAME bytes */
	size_t cap;
	FILE *trace;	 /* packets are traced here when not NULL */
	int bad_type;	 /* after -EPROTO: the unexpected packet type */
	const char *why; /* after -EBADMSG: what was malformed */
};

/* Called for each EVENT while waiting for a reply; a negative return
 * ends the exchange with that error. */
typedef int (*client_event_fn)(void *ctx, const struct vici_packet_view *ev);

/* Receive one packet into c->buf; 0 and *P, or as transport_recv, or
 * -EBADMSG (malformed frame; c->why), -EPROTO (unknown type). */
int client_recv(struct client *c, struct vici_packet_view *p);
/*
 * Send the request frame REQ and wait for its reply.  EVENTs before it go
 * to ON_EVENT, or are skipped when it is NULL.  0 with the validated reply
 * (aliasing c->buf) in *REPLY; -ENOSYS for CMD_UNKNOWN, -EPROTO for any
 * other packet, -EBADMSG for a malformed reply, or a transport error.
 */
int client_call(struct client *c, const uint8_t *req, size_t len,
		struct vici_packet_view *reply, client_event_fn on_event,
		void *ctx);
/* (Un)register for event NAME (TYPE VICI_EVENT_REGISTER or _UNREGISTER);
 * 0 on EVENT_CONFIRM, -ENOTSUP on EVENT_UNKNOWN, else as client_call. */
int client_register(struct client *c, int type, const char *name);

#endif

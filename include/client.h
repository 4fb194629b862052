/* SPDX-License-Identifier: MIT */
/* One VICI command exchange over a connected transport. */
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

/*
 * Send the request frame REQ and wait for its reply, skipping EVENTs.
 * 0 with the reply (aliasing c->buf) in *REPLY; -ENOSYS for CMD_UNKNOWN,
 * -EPROTO for any other packet, -EBADMSG for a malformed frame or body,
 * or a transport error.
 */
int client_call(struct client *c, const uint8_t *req, size_t len,
		struct vici_packet_view *reply);

#endif

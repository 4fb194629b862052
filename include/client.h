/* SPDX-License-Identifier: MIT */
/* The one network door of a command: a VICI connection to charon. */
#ifndef CLIENT_H
#define CLIENT_H

#include <stdio.h>

#include "conf.h"
#include "status.h"
#include "transport.h"
#include "vici.h"
#include "vici_wire.h"

#define CLIENT_DEFAULT_URI "unix:///var/run/charon.vici"

struct client {
	const char *uri; /* NULL: from strongswan.conf */
	int timeout_ms;
	struct transport t;
	struct conf conf;	     /* strongswan.conf, when no URI is given */
	FILE *trace;		     /* packets are traced here when not NULL */
	uint8_t buf[VICI_MAX_FRAME]; /* the last packet received */
};

/* Called for each EVENT while waiting for a reply; a negative return
 * ends the exchange, with F filled by the callback (status_fail). */
typedef int (*client_event_fn)(void *ctx, const struct vici_packet_view *ev,
			       struct failure *f);

/* Set C up for URI (NULL: the socket strongswan.conf names, else the
 * built-in one) with TIMEOUT_MS (0: none) from the connection on, on
 * clock_ms(): time blocked writing output does not count. */
void client_init(struct client *c, const char *uri, int timeout_ms,
		 FILE *trace);
/* Connect as set up; 0, or -errno with F filled. */
int client_open(struct client *c, struct failure *f);
/* Take FD, already connected (tests, fuzzers), as client_open would. */
void client_attach(struct client *c, int fd, int timeout_ms, FILE *trace);
/* Close the connection; the last packet received stays readable. */
void client_close(struct client *c);
/* Receive one packet of exchange STEP into c->buf; 0 and *P, or -errno
 * with F filled (-EBADMSG malformed frame, -EPROTO unknown type, or a
 * transport error). */
int client_recv(struct client *c, const char *step, struct vici_packet_view *p,
		struct failure *f);
/*
 * Send the request frame REQ for command STEP and wait for its reply.
 * EVENTs before it go to ON_EVENT, or are skipped when it is NULL.  0 with
 * the validated reply (aliasing c->buf) in *REPLY; -ENOSYS for
 * CMD_UNKNOWN, -EPROTO for any other packet, -EBADMSG for a malformed
 * reply, or a transport error; F filled.
 */
int client_call(struct client *c, const char *step, const uint8_t *req,
		size_t len, struct vici_packet_view *reply,
		client_event_fn on_event, void *ctx, struct failure *f);
/* (Un)register for event NAME (TYPE VICI_EVENT_REGISTER or _UNREGISTER);
 * events of earlier registrations that come first go to ON_EVENT (NULL:
 * skipped).  0 on EVENT_CONFIRM, -ENOTSUP on EVENT_UNKNOWN, else as
 * client_call. */
int client_register(struct client *c, int type, const char *name,
		    client_event_fn on_event, void *ctx, struct failure *f);
/* Send the request frame REQ of command STEP without waiting for its
 * reply; 0 or -errno with F filled. */
int client_send(struct client *c, const char *step, const uint8_t *req,
		size_t len, struct failure *f);
/* 1 when a packet (or part of one) is read ahead already: client_wait
 * would not wait. */
int client_buffered(const struct client *c);
/* Wait until a packet comes, UNTIL_MS passes (-1: never) or a signal that
 * MASK lets through is caught: as transport_ready. */
int client_wait(struct client *c, int64_t until_ms, const sigset_t *mask);

#endif

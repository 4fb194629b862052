/* SPDX-License-Identifier: MIT */
/* The dialogue that --wait and --batch share with charon: register for the
 * events that finish SAs, list the SAs a selector matches, send rekeys,
 * and take what comes, feeding a tracker. */
#ifndef FOLLOW_H
#define FOLLOW_H

#include <signal.h>
#include <stdint.h>

#include "client.h"
#include "track.h"

/* Over C (connected): register for ike-rekey, child-rekey, ike-updown,
 * child-updown and charon's log (w->logs says whether charon has one),
 * then list the SAs W's selector matches and learn them; events that come
 * meanwhile are fed to W.  0 or -errno with F filled. */
int follow_open(struct client *c, struct track *w, struct failure *f);
/* Send the rekey request for SEL without waiting for its reply (it comes
 * from follow_next); 0 or -errno with F filled. */
int follow_rekey(struct client *c, const struct sa_filter *sel, int reauth,
		 struct failure *f);
/* Take the next packet, waiting until UNTIL_MS (-1: no limit) or a signal
 * MASK lets through: an event is fed to W (0); a command's reply is
 * validated and left in *REPLY (1); 0 too when nothing came.  -errno with
 * F filled for a broken exchange (a malformed event ends it). */
int follow_next(struct client *c, struct track *w, int64_t until_ms,
		const sigset_t *mask, struct vici_packet_view *reply,
		struct failure *f);

#endif

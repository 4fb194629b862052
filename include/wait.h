/* SPDX-License-Identifier: MIT */
/* --wait: which SAs a selector matches, and the events that finish them. */
#ifndef WAIT_H
#define WAIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "args.h"
#include "client.h"

/* charon's SPIs are 8 (ESP) or 16 (IKE) hex digits; an SA whose SPI is
 * longer is not waited for. */
#define WAIT_SPI 17

enum wait_state {
	WAIT_PENDING,
	WAIT_DONE,   /* rekeyed (or reauthenticated): new_id is set, or
		      * candidates when it cannot be told apart */
	WAIT_DOWN,   /* went down instead */
	WAIT_FAILED, /* charon logged that the rekey failed: said is why */
};

/* The other end of a reauthenticated IKE_SA, and a new IKE_SA of one
 * (opaque). */
struct wait_peer;
struct wait_new;

struct wait_sa {
	int child; /* a CHILD_SA, else an IKE_SA */
	enum wait_state state;
	int went_down; /* reauthentication: the old IKE_SA is gone */
	int ikev1;     /* an IKEv1 IKE_SA: a rekey reauthenticates it */
	uint32_t id;
	uint32_t new_id;
	uint32_t ike_id; /* its IKE_SA's unique id (an IKE_SA's own) */
	/* WAIT_DONE with new_id 0: the peer's new IKE_SAs could not be told
	 * apart; the successor is one of this many */
	uint32_t candidates;
	uint32_t hint; /* charon logged this IKE_SA as its successor */
	uint32_t
		next; /* index + 1 of the next SA of the same IKE_SA (CHILD_SAs)
		       * or of the same peer (reauthenticated IKE_SAs) */
	const char
		*name;	 /* config name of the SA (shared, owned by the wait) */
	const char *ike; /* config name of its IKE_SA */
	struct wait_peer *peer; /* reauthentication: local-id, remote-id,
				 * remote-host */
	char *said;  /* charon's last log line about it; WAIT_FAILED: why */
	char *cause; /* the first error charon logged since the rekey */
	char spi[2][WAIT_SPI]; /* in/out, or initiator/responder */
	char new_spi[2][WAIT_SPI];
};

/* Called for each charon log line about one of the SAs (or a successor
 * of one), once per line: its group ("IKE") and message, unescaped. */
typedef void (*wait_log_fn)(void *ctx, const uint8_t *group, size_t group_len,
			    const uint8_t *msg, size_t msg_len);

struct wait {
	struct sa_filter filter; /* exactly one selector */
	int reauth;
	int logs;  /* registered for charon's "log" events: silence speaks */
	int heard; /* a log event has come */
	struct wait_sa *sa; /* owned, wait_free() */
	size_t count;
	size_t cap;
	size_t pending;	 /* SAs still WAIT_PENDING */
	wait_log_fn log; /* optional: stream the involved log lines */
	void *log_ctx;
	/* the rest is wait.c's own: unique ids -> SAs, shared strings, peers,
	 * the last SA each charon thread logged about */
	uint32_t *slot;
	size_t slots, used;
	char **names;
	size_t names_cap, names_count;
	struct wait_peer **peers;
	size_t peers_cap, peers_count;
	struct wait_new *fresh; /* new IKE_SAs of our peers, not paired */
	size_t fresh_count, fresh_cap;
	uint32_t *seen; /* new IKE_SAs the log showed established, set */
	size_t seen_count, seen_cap;
	struct {
		uint32_t thread, ike_id;
	} threads[64];
};

/* Called once for each SA that leaves WAIT_PENDING. */
typedef void (*wait_report_fn)(void *ctx, const struct wait_sa *sa);

/*
 * --rekey --wait over C, connected: learn the SAs A's selector matches,
 * subscribe to their events and charon's log, rekey, and print each
 * successor as it comes; 0 when all rekeyed, or -errno with F filled
 * (STAGE_RESULT -ETIMEDOUT when some did not finish, -ECANCELED when some
 * went down or failed instead).
 */
int wait_run(const struct args *a, struct client *c, struct failure *f);

/* Set up W for selector F (one unique id or name). */
void wait_init(struct wait *w, const struct sa_filter *f, int reauth);
void wait_free(struct wait *w);
/* Learn the matching SAs that are up from one validated list-sa event;
 * 0 or -ENOMEM. */
int wait_learn(struct wait *w, const uint8_t *body, size_t len);
/* List the SAs W's selector matches over C (connected) and learn them;
 * 0 or -errno with F filled. */
int wait_list(struct wait *w, struct client *c, struct failure *f);
/* Register over C for the events that finish SAs, and for charon's log
 * when it has one (w->logs); 0 or -errno with F filled. */
int wait_subscribe(struct wait *w, struct client *c, struct failure *f);
/* Start following a copy of SA (as learned elsewhere), pending again;
 * 0, -EEXIST when W follows it already, or -ENOMEM. */
int wait_add(struct wait *w, const struct wait_sa *sa);
/* Stop following the SA of kind CHILD with unique id ID: a later event
 * finishes it no more (it is counted as down, without a report). */
void wait_drop(struct wait *w, int child, uint32_t id);
/* Apply one validated event (ike-rekey, child-rekey, ike-updown,
 * child-updown, log); REPORT (when not NULL) is called for each SA it
 * finishes.  Each event costs one pass over its body and hash look-ups,
 * whatever the number of SAs. */
void wait_event(struct wait *w, const uint8_t *name, size_t name_len,
		const uint8_t *body, size_t len, wait_report_fn report,
		void *ctx);
/* The SA with unique id ID of kind CHILD that W waits for, or NULL. */
struct wait_sa *wait_find(const struct wait *w, int child, uint32_t id);
/* "CHILD_SA net #1 rekeyed, new CHILD_SA #3", or the JSON object. */
void wait_print(FILE *f, const struct wait_sa *sa, int reauth, int json);
/* "CHILD_SA net #1", names escaped. */
void wait_print_sa(FILE *f, const struct wait_sa *sa);
/* How SA ended when not WAIT_DONE, after "swanctl: " and wait_print_sa():
 * " went down instead of rekeying", " rekey failed: why", or for a
 * pending one " did not finish rekeying within T s" and what charon last
 * said about it (or that it started nothing for it). */
void wait_print_end(FILE *f, const struct wait *w, const struct wait_sa *sa,
		    double timeout_s);

#endif

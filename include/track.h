/* SPDX-License-Identifier: MIT */
/*
 * The tracker of --wait and --batch: which SAs a selector matches, and the
 * events and log lines that finish each one.  No I/O: it is fed listings
 * and events, and calls back once for each SA that finishes.
 */
#ifndef TRACK_H
#define TRACK_H

#include <stddef.h>
#include <stdint.h>

#include "sa.h"

/* charon's SPIs are 8 (ESP) or 16 (IKE) hex digits; an SA whose SPI is
 * longer is not tracked. */
#define TRACK_SPI 17
/* Room for a successor's algorithms, "AES_CBC-128/HMAC_SHA2_256_128/...". */
#define TRACK_ALGS 160

enum track_state {
	TRACK_PENDING,
	TRACK_DONE,   /* its successor is up: w->done_id while it is
		       * reported, or candidates when it cannot be told
		       * apart */
	TRACK_DOWN,   /* went down instead */
	TRACK_FAILED, /* charon logged that the rekey failed: track_said()
		       * is why */
};

/* The other end of a reauthenticated IKE_SA, and a new IKE_SA of one
 * (the tracker's own). */
struct track_peer;
struct track_new;
struct track_kid;

struct track_more;

/* One SA followed, small as there can be tens of thousands: 72 bytes on
 * x86-64 (track.c asserts at most 80).  What only some SAs need is in
 * their struct track_more, what only a report needs in struct track
 * (done_id...), the flags are bits, and this order leaves no padding. */
struct track_sa {
	uint32_t id;
	uint32_t ike_id;	 /* its IKE_SA's unique id (an IKE_SA's own) */
	uint32_t next;		 /* index + 1 of the next SA of the same IKE_SA
				  * (CHILD_SAs) or of the same peer
				  * (reauthentications) */
	unsigned child : 1;	 /* a CHILD_SA, else an IKE_SA */
	unsigned state : 2;	 /* enum track_state */
	unsigned reauth : 1;	 /* an IKE_SA that is reauthenticated: --reauth,
				  * or IKEv1, where charon reauthenticates */
	unsigned ikev1 : 1;	 /* an IKEv1 IKE_SA */
	unsigned started : 1;	 /* our rekey request for it is sent */
	unsigned by_other : 1;	 /* finished before that: charon or the peer
				  * rekeyed it on its own */
	char spi[2][TRACK_SPI];	 /* in/out, or initiator/responder */
	const char *name;	 /* config name of the SA (shared, the
				  * tracker's) */
	const char *ike;	 /* config name of its IKE_SA */
	struct track_more *more; /* what charon logged about it and a
				  * reauthentication's pairing (the
				  * tracker's), NULL: none yet */
};

/* Called for each charon log line about one of the SAs (or a successor
 * of one), once per line: its group ("IKE") and message, unescaped. */
typedef void (*track_log_fn)(void *ctx, const uint8_t *group, size_t group_len,
			     const uint8_t *msg, size_t msg_len);
/* Called once for each SA that leaves TRACK_PENDING. */
typedef void (*track_report_fn)(void *ctx, const struct track_sa *sa);

struct track {
	struct sa_filter filter; /* exactly one selector */
	int reauth;		 /* --reauth */
	int logs;  /* registered for charon's "log" events: silence speaks */
	int heard; /* a log event has come */
	struct track_sa *sa; /* in the order listed */
	size_t count;
	size_t pending; /* SAs still TRACK_PENDING */
	size_t reauths; /* SAs with reauth set */
	/* while w->report is called for a TRACK_DONE SA: its successor's
	 * unique id (0: not told apart, see track_candidates()), SPIs, and
	 * algorithms (NULL: unknown) */
	uint32_t done_id;
	char done_spi[2][TRACK_SPI];
	const char *done_algs;
	track_report_fn report; /* optional */
	track_log_fn log;	/* optional: stream the involved log lines */
	void *ctx;		/* for both */
	/* the rest is track.c's own: unique ids -> SAs, shared strings,
	 * peers, new IKE_SAs, the CHILD_SAs of the IKE_SA being read, the
	 * last SA each charon thread logged about */
	size_t cap;
	uint32_t *slot;
	size_t slots, used;
	char **names;
	size_t names_cap, names_count;
	struct track_peer **peers;
	size_t peers_cap, peers_count;
	struct track_new *news;
	size_t news_count, news_cap;
	uint32_t *seen; /* new IKE_SAs the log showed established, set */
	size_t seen_count, seen_cap;
	struct track_kid *kid;
	size_t kid_count, kid_cap;
	struct {
		uint32_t thread, ike_id;
	} threads[64];
};

/* Set up W for selector F (one unique id or name). */
void track_init(struct track *w, const struct sa_filter *f, int reauth);
void track_free(struct track *w);
/* Learn the matching SAs that are up (ESTABLISHED or INSTALLED, or being
 * rekeyed) from one validated list-sa event; 0 or -ENOMEM. */
int track_learn(struct track *w, const uint8_t *body, size_t len);
/* Apply one validated event (ike-rekey, child-rekey, ike-updown,
 * child-updown, log); w->report is called for each SA it finishes.  Each
 * event costs one pass over its body and hash look-ups, whatever the
 * number of SAs. */
void track_event(struct track *w, const uint8_t *name, size_t name_len,
		 const uint8_t *body, size_t len);
/* Our rekey request for SA is sent: from now on a successor is ours. */
void track_start(struct track *w, struct track_sa *sa);
/* Stop following SA, pending: a later event finishes it no more; its
 * state is STATE, without a report (the caller says how it ended). */
void track_drop(struct track *w, struct track_sa *sa, enum track_state state);
/* The SA with unique id ID of kind CHILD that W tracks, or NULL. */
struct track_sa *track_find(const struct track *w, int child, uint32_t id);
/* For a reauthenticated SA still pending: the unique id of the new IKE_SA
 * paired to it as its successor, or 0. */
uint32_t track_successor(const struct track *w, const struct track_sa *sa);
/* For a reauthenticated SA with a successor: the CHILD_SAs it carried
 * that are not installed under it yet, joined by ", " into OUT (SIZE
 * bytes); how many. */
size_t track_missing(const struct track *w, const struct track_sa *sa,
		     char *out, size_t size);
/* For an SA done without a successor told apart: among how many new
 * IKE_SAs of its peer it is (0: its successor is w->done_id). */
uint32_t track_candidates(const struct track_sa *sa);
/* Charon's last telling log line about SA (TRACK_FAILED: why), or NULL. */
const char *track_said(const struct track_sa *sa);
/* A reauthenticated SA whose old IKE_SA is gone already. */
int track_went_down(const struct track_sa *sa);
/* For an SA still pending: how many new IKE_SAs of its peer are up and
 * not told apart (0 when that does not explain the wait). */
uint32_t track_untold(const struct track *w, const struct track_sa *sa);

#endif

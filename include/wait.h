/* SPDX-License-Identifier: MIT */
/* --wait: which SAs a selector matches, and the events that finish them. */
#ifndef WAIT_H
#define WAIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "args.h"
#include "client.h"

/* Config names are VICI section names in charon, at most VICI_MAX_NAME
 * bytes; SPIs are at most 16 hex digits. */
#define WAIT_NAME 256
#define WAIT_SPI 40

enum wait_state {
	WAIT_PENDING,
	WAIT_DONE, /* rekeyed (or reauthenticated): new_id is set */
	WAIT_DOWN, /* went down instead */
};

struct wait_sa {
	int child; /* a CHILD_SA, else an IKE_SA */
	enum wait_state state;
	int went_down; /* reauthentication: the old IKE_SA is gone */
	uint32_t id;
	uint32_t new_id;
	char name[WAIT_NAME];  /* config name of the SA */
	char ike[WAIT_NAME];   /* config name of its IKE_SA */
	char spi[2][WAIT_SPI]; /* in/out, or initiator/responder */
	char new_spi[2][WAIT_SPI];
};

struct wait {
	struct sa_filter filter; /* exactly one selector */
	int reauth;
	struct wait_sa *sa; /* owned, wait_free() */
	size_t count;
	size_t cap;
	size_t pending; /* SAs still WAIT_PENDING */
};

/* Called once for each SA that leaves WAIT_PENDING. */
typedef void (*wait_report_fn)(void *ctx, const struct wait_sa *sa);

/*
 * --rekey --wait over C, connected: learn the SAs A's selector matches,
 * subscribe to their events, rekey, and print each successor as it comes;
 * 0 when all rekeyed, or -errno with F filled (STAGE_RESULT -ETIMEDOUT
 * when some did not finish, -ECANCELED when some went down instead).
 */
int wait_run(const struct args *a, struct client *c, struct failure *f);

/* Set up W for selector F. */
void wait_init(struct wait *w, const struct sa_filter *f, int reauth);
void wait_free(struct wait *w);
/* Learn the matching SAs that are up from one validated list-sa event;
 * 0 or -ENOMEM. */
int wait_learn(struct wait *w, const uint8_t *body, size_t len);
/* List the SAs W's selector matches over C (connected) and learn them;
 * 0 or -errno with F filled. */
int wait_list(struct wait *w, struct client *c, struct failure *f);
/* Start following a copy of SA (as learned elsewhere), pending again;
 * 0, -EEXIST when W follows it already, or -ENOMEM. */
int wait_add(struct wait *w, const struct wait_sa *sa);
/* Stop following the SA of kind CHILD with unique id ID: a later event
 * finishes it no more (it is counted as down, without a report). */
void wait_drop(struct wait *w, int child, uint32_t id);
/* Apply one validated event (ike-rekey, child-rekey, ike-updown,
 * child-updown); REPORT is called for each SA it finishes. */
void wait_event(struct wait *w, const uint8_t *name, size_t name_len,
		const uint8_t *body, size_t len, wait_report_fn report,
		void *ctx);
/* "CHILD_SA net #1 rekeyed, new CHILD_SA #3", or the JSON object. */
void wait_print(FILE *f, const struct wait_sa *sa, int reauth, int json);
/* "CHILD_SA net #1", names escaped. */
void wait_print_sa(FILE *f, const struct wait_sa *sa);

#endif

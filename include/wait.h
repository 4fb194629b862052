/* SPDX-License-Identifier: MIT */
/* --wait: which SAs a selector matches, and the events that finish them. */
#ifndef WAIT_H
#define WAIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "args.h"

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
	int ikev1;     /* an IKEv1 IKE_SA: a rekey reauthenticates it */
	uint32_t id;
	uint32_t new_id;
	char name[WAIT_NAME];  /* config name of the SA */
	char ike[WAIT_NAME];   /* config name of its IKE_SA */
	char spi[2][WAIT_SPI]; /* in/out, or initiator/responder */
	char new_spi[2][WAIT_SPI];
};

struct wait {
	enum selector selector;
	const char *name;
	uint32_t id;
	int reauth;
	struct wait_sa *sa; /* owned, wait_free() */
	size_t count;
	size_t cap;
};

/* Called once for each SA that leaves WAIT_PENDING. */
typedef void (*wait_report_fn)(void *ctx, const struct wait_sa *sa);

/* Set up W for the selector of A. */
void wait_init(struct wait *w, const struct args *a);
void wait_free(struct wait *w);
/* The list-sas request that finds the SAs of A's selector; frame length
 * or -errno. */
long wait_list_request(const struct args *a, uint8_t *mem, size_t cap);
/* Learn the matching SAs that are up from one validated list-sa event;
 * 0 or -ENOMEM. */
int wait_learn(struct wait *w, const uint8_t *body, size_t len);
/* Apply one validated event (ike-rekey, child-rekey, ike-updown,
 * child-updown); REPORT is called for each SA it finishes. */
void wait_event(struct wait *w, const uint8_t *name, size_t name_len,
		const uint8_t *body, size_t len, wait_report_fn report,
		void *ctx);
size_t wait_pending(const struct wait *w);
/* "CHILD_SA net #1 rekeyed, new CHILD_SA #3", or the JSON object. */
void wait_print(FILE *f, const struct wait_sa *sa, int reauth, int json);
/* "CHILD_SA net #1", names escaped. */
void wait_print_sa(FILE *f, const struct wait_sa *sa);

#endif

/* SPDX-License-Identifier: MIT */
/* The rekey command: its request, the meaning of its reply, its run. */
#ifndef REKEY_H
#define REKEY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "args.h"
#include "client.h"
#include "print.h"

struct rekey_result {
	int success;	       /* success=yes, exactly (case-sensitive) */
	const uint8_t *errmsg; /* NULL when absent; aliases the reply */
	size_t errmsg_len;
};

/* --rekey: connect C, send the request, print the verdict as A asks, and
 * with --wait follow the SAs to their successors.  0 or -errno, F filled. */
int rekey_run(const struct args *a, struct client *c, struct failure *f);
/* Send the rekey request of A over C and judge the reply, printed as
 * message M; 0 when the daemon accepted, or -errno with F filled. */
int rekey_call(const struct args *a, struct client *c, enum message m,
	       struct failure *f);
/* As rekey_call, with each EVENT that comes before the reply passed to
 * ON_EVENT (see client_call). */
int rekey_call_with(const struct args *a, struct client *c, enum message m,
		    client_event_fn on_event, void *ctx, struct failure *f);
/* Encode the rekey request for selector F into MEM; 0 and the frame
 * length in *LEN, or -errno. */
int rekey_request(const struct sa_filter *f, int reauth, uint8_t *mem,
		  size_t cap, size_t *len);
/* Read the verdict from a validated reply body; 0, or -EBADMSG with *WHY
 * when a top-level key the verdict depends on is given twice. */
int rekey_result(const uint8_t *body, size_t len, struct rekey_result *res,
		 const char **why);

#endif

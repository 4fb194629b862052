/* SPDX-License-Identifier: MIT */
/* The list-sas command: swanctl's human view, its run. */
#ifndef LIST_H
#define LIST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "args.h"
#include "client.h"

/* --list-sas: connect C and print each list-sa event as it arrives, in
 * the output mode of A.  0 or -errno with F filled. */
int list_run(const struct args *a, struct client *c, struct failure *f);
/* Where and how list_event prints. */
struct listing {
	enum output output;
	FILE *out;
	/* each event is printed to buf first (list_scratch_open) and copied
	 * to out whole: one pass over it.  The human view appends to buf
	 * itself, the dumps and JSON go through this stdio stream; NULL:
	 * validated first, then printed to out */
	FILE *scratch;
	char *buf; /* the human text, or what the scratch stream handed over */
	size_t size, cap;
};

/* Open L's scratch stream (L stays where it is until it is closed); 0,
 * or -ENOMEM and events are validated before they are printed. */
int list_scratch_open(struct listing *l);
void list_scratch_close(struct listing *l);

/* A client_event_fn: print a list-sa event to the listing CTX, whole or
 * not at all (a malformed one is -EBADMSG with F filled, a failed write
 * -errno at STAGE_OUTPUT); other events are skipped. */
int list_event(void *ctx, const struct vici_packet_view *ev, struct failure *f);
/* Print one list-sa event body the way swanctl 5.9.8 and 6.0.6 do,
 * decoding as it prints: 0, or -EBADMSG where it stopped at what was
 * malformed (a print_human_fn, as print_dump). */
int list_print_event(FILE *f, const uint8_t *body, size_t len);

#endif

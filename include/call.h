/* SPDX-License-Identifier: MIT */
/* One request, one verdict: the whole of a one-shot command but its
 * request's elements. */
#ifndef CALL_H
#define CALL_H

#include "args.h"
#include "client.h"
#include "print.h"
#include "status.h"
#include "vici.h"

struct call {
	/* the request's command name ("rekey"); its reply is dumped as
	 * "NAME reply", a refusal reported as "NAME failed" */
	const char *name;
	/* the request's elements for A, put into B (a failure is kept in B
	 * and reported as an encoding error) */
	void (*encode)(struct vici_buf *b, const struct args *a);
	/* 1: the reply carries success and errmsg, and "no" is a refusal
	 * (exit 1); 0: the reply is the answer (version) */
	int verdict;
	/* the human view of the reply, given the struct verdict; NULL:
	 * "NAME completed successfully" */
	print_human_fn human;
};

/* Connect C, send CALL's request for A, print the reply in A's output
 * mode, close; 0, or -errno with F filled (STAGE_RESULT: refused). */
int call_run(const struct call *call, const struct args *a, struct client *c,
	     struct failure *f);
/* As call_run on a connection already open, left open. */
int call_once(const struct call *call, const struct args *a, struct client *c,
	      struct failure *f);

#endif

/* SPDX-License-Identifier: MIT */
/* How each SA of --wait and --batch ended: its line or JSON record, the
 * only place that prints one, and the summary. */
#ifndef OUTCOME_H
#define OUTCOME_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "track.h"

/* Why an SA did not rekey, beyond what the tracker saw (TRACK_DOWN,
 * TRACK_FAILED: OUTCOME_TRACKED). */
enum outcome_end {
	OUTCOME_TRACKED,
	OUTCOME_REFUSED,     /* charon refused its rekey request: TEXT */
	OUTCOME_TIMED_OUT,   /* --sa-timeout or --timeout ran out */
	OUTCOME_NO_REPLY,    /* its rekey request got no reply in time */
	OUTCOME_STOPPED,     /* SIGINT or SIGTERM came while it rekeyed */
	OUTCOME_NOT_STARTED, /* the run ended before its turn */
};

struct outcome {
	FILE *out;	    /* lines for a person, or JSON records */
	FILE *err;	    /* failures, for a person */
	int json;	    /* JSON records on out */
	int signal;	    /* OUTCOME_STOPPED, OUTCOME_NOT_STARTED: which */
	double timeout_s;   /* OUTCOME_TIMED_OUT, OUTCOME_NO_REPLY: which
			     * limit ran out */
	size_t matched;	    /* SAs the selector matched */
	size_t rekeyed;	    /* of them, with a successor */
	size_t failed;	    /* down, failed or refused */
	size_t timed_out;   /* no successor in time */
	size_t stopped;	    /* in flight when a signal came */
	size_t not_started; /* never started */
	char why[1024];	    /* the last failure's words */
};

/* SA has its successor (TRACK_DONE), reported by W (w->done_spi and
 * w->done_algs are its successor's): its line or record. */
void outcome_done(struct outcome *o, const struct track *w,
		  const struct track_sa *sa);
/* SA did not rekey, for END (TEXT: charon's refusal, unescaped): a line
 * on o->err, and under --json its record on o->out, "ok": false. */
void outcome_fail(struct outcome *o, const struct track *w,
		  const struct track_sa *sa, enum outcome_end end,
		  const uint8_t *text, size_t text_len);
/* The counts: a {"summary": ...} record under --json, and on o->err a
 * line unless every SA rekeyed. */
void outcome_summary(struct outcome *o);

#endif

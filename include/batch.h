/* SPDX-License-Identifier: MIT */
/* --rekey --batch N: a paced rekey of every SA a selector matches. */
#ifndef BATCH_H
#define BATCH_H

#include "args.h"
#include "client.h"

/*
 * Over C, connected: list the SAs A's selector matches, then rekey them one
 * by one by unique id, at most A->batch in flight, each followed to its
 * successor (or failure, or A->sa_timeout_ms); one line per SA on stdout as
 * it finishes, a progress line when stderr is a terminal.  0 when all
 * rekeyed, else -errno with F filled: STAGE_RESULT -ECANCELED (some failed),
 * -ETIMEDOUT (--timeout ran out), -ENOENT (nothing matched), STAGE_SIGNAL
 * -EINTR/-ESHUTDOWN (SIGINT/SIGTERM), or an exchange failure.
 */
int batch_run(const struct args *a, struct client *c, struct failure *f);

#endif

/* SPDX-License-Identifier: MIT */
/* --rekey --wait and --rekey --batch N: rekey the SAs a selector matches
 * and follow each to its successor. */
#ifndef BATCH_H
#define BATCH_H

#include "args.h"
#include "client.h"

/*
 * Connect C, list the SAs A's selector matches, rekey them (--wait: in one
 * request by the selector; --batch: one by one by unique id, at most
 * A->batch in flight, each bounded by A->sa_timeout_ms), and follow each
 * to its successor; one outcome per SA as it finishes, then the summary.
 * 0 when all rekeyed, else -errno with F filled: STAGE_RESULT -ECANCELED
 * (some failed), -ETIMEDOUT (time ran out), -ENOENT (nothing matched),
 * STAGE_SIGNAL -EINTR/-ESHUTDOWN (SIGINT/SIGTERM), or an exchange failure.
 */
int batch_run(const struct args *a, struct client *c, struct failure *f);

#endif

/* SPDX-License-Identifier: MIT */
/* The rekey command on its own: one request, charon's verdict. */
#ifndef REKEY_H
#define REKEY_H

#include "args.h"
#include "client.h"

/* --rekey: connect C, send the request, print the verdict as A asks; 0
 * when charon accepted, or -errno with F filled. */
int rekey_run(const struct args *a, struct client *c, struct failure *f);

#endif

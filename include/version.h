/* SPDX-License-Identifier: MIT */
/* The version command: ours, and charon's through VICI "version". */
#ifndef VERSION_H
#define VERSION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "args.h"
#include "client.h"

/* --version: print ours, and with --daemon connect C and print charon's.
 * 0 or -errno with F filled. */
int version_run(const struct args *a, struct client *c, struct failure *f);
/* Print the daemon's version line from a validated reply body (a
 * print_human_fn); 0: a value it cannot find is left out. */
int version_print_daemon(FILE *f, const uint8_t *body, size_t len,
			 const void *ctx);

#endif

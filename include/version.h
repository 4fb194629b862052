/* SPDX-License-Identifier: MIT */
/* The version command: ours, and charon's through VICI "version". */
#ifndef VERSION_H
#define VERSION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Encode the VICI "version" request into MEM; frame length or -errno. */
long version_request(uint8_t *mem, size_t cap);
/* Print the daemon's version line from a validated reply body. */
void version_print_daemon(FILE *f, const uint8_t *body, size_t len);

#endif

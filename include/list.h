/* SPDX-License-Identifier: MIT */
/* The list-sas command: its request and swanctl's human view. */
#ifndef LIST_H
#define LIST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "args.h"

/* Encode list-sas with the filters of A into MEM; frame length or -errno. */
long list_request(const struct args *a, uint8_t *mem, size_t cap);
/* Print one list-sa event body the way swanctl 5.9.8 and 6.0.6 do,
 * decoding as it prints: NULL, or what was malformed where it stopped. */
const char *list_print_event(FILE *f, const uint8_t *body, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/* Printers for a validated VICI message body. */
#ifndef PRINT_H
#define PRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* swanctl's raw dump (PRETTY 0) or pretty dump (PRETTY 1) under LABEL.
 * Decodes as it prints: NULL, or what was malformed where it stopped. */
const char *print_dump(FILE *f, const char *label, const uint8_t *body,
		       size_t len, int pretty);
/* One JSON object on one line: sections objects, lists arrays.  Returns
 * as print_dump. */
const char *print_json(FILE *f, const uint8_t *body, size_t len);
/* S as a JSON string; invalid UTF-8 as "0x" and hex, as the dumps do. */
void print_json_string(FILE *f, const uint8_t *s, size_t len);
/* Daemon text for a person: control bytes, backslash and invalid UTF-8
 * escaped as \xNN, so it cannot drive a terminal. */
void print_escaped(FILE *f, const uint8_t *s, size_t len);

#endif

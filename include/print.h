/* SPDX-License-Identifier: MIT */
/* Printers for a validated VICI message body. */
#ifndef PRINT_H
#define PRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sa.h"
#include "status.h"

/* The messages whose views differ from a one-shot reply's (print_reply),
 * and what each output mode shows of them. */
enum message {
	MESSAGE_REKEY_REPLY_WAIT, /* --wait: the successors are the result */
	MESSAGE_SUCCESSOR,	  /* --wait: one per rekeyed SA */
	MESSAGE_LIST_EVENT,
	MESSAGE_LIST_REPLY,
	MESSAGE_COUNT,
};

enum view {
	VIEW_UNSET, /* a row of the table left out: test_print fails on it */
	VIEW_NONE,
	VIEW_HUMAN,
	VIEW_RAW,
	VIEW_PRETTY,
	VIEW_JSON,
};

/* A human view: prints BODY, given the printer's CTX; returns as
 * print_dump. */
typedef int (*print_human_fn)(FILE *f, const uint8_t *body, size_t len,
			      const void *ctx);

/* The view of message M in output mode O: the one table that decides. */
enum view print_view(enum message m, enum output o);
/* Print BODY of message M as O asks, the human view with HUMAN (and CTX);
 * 0 or -errno of the view: -EBADMSG where BODY was malformed, -ENOMEM
 * (JSON) with nothing printed.  Of a validated body only -ENOMEM. */
int print_body(FILE *f, enum message m, enum output o, const uint8_t *body,
	       size_t len, print_human_fn human, const void *ctx);

/* A one-shot command's reply under LABEL ("rekey reply"): the human view
 * with HUMAN (and CTX), swanctl's dumps, or JSON; returns as print_body. */
int print_reply(FILE *f, const char *label, enum output o, const uint8_t *body,
		size_t len, print_human_fn human, const void *ctx);

/* swanctl's raw dump (PRETTY 0) or pretty dump (PRETTY 1) under LABEL.
 * Decodes as it prints: 0, or -EBADMSG where it stopped at what was
 * malformed (vici_validate() says what). */
int print_dump(FILE *f, const char *label, const uint8_t *body, size_t len,
	       int pretty);
/* One JSON object on one line: sections objects, lists arrays.  Printed
 * whole or not at all: 0, -EBADMSG (as print_dump) or -ENOMEM. */
int print_json(FILE *f, const uint8_t *body, size_t len);
/* S as a JSON string; invalid UTF-8 as "0x" and hex, as the dumps do. */
void print_json_string(FILE *f, const uint8_t *s, size_t len);
/* Daemon text for a person: control bytes, backslash, invalid UTF-8 and
 * the code points print_invisible() names escaped as \xNN (each byte), so
 * it can neither drive a terminal nor hide or reorder text. */
void print_escaped(FILE *f, const uint8_t *s, size_t len);
/* How many of the LEN bytes at S print_escaped() writes as they are before
 * the first one it escapes (LEN: none), for printers with buffers of
 * their own. */
size_t print_plain_len(const uint8_t *s, size_t len);
/* 1 if code point CP renders as nothing or moves text: C1 controls, and
 * Unicode's Cf, Zl, Zp and Default_Ignorable_Code_Point sets (the table
 * src/unicode/invisible.h, generated from the Unicode data files). */
int print_invisible(uint32_t cp);

/* 0 if every write to OUT so far succeeded; else -errno of the failure
 * recorded in F (STAGE_OUTPUT).  Call it right after printing, while
 * errno still holds the cause. */
int print_check(FILE *out, struct failure *f);
/* Flush OUT, then as print_check. */
int print_flush(FILE *out, struct failure *f);
/* Open /dev/null on each of the descriptors 0, 1 and 2 that is closed
 * (without /dev/null: a pipe's read end, where writes fail with EBADF as
 * on the closed descriptor), so that no file or socket opened later takes
 * one of them. */
void print_std_fds(void);
/* Put stdout and stderr on descriptors 1 and 2 through writes that stop
 * the deadline's clock while they block (clock.h): a slow reader never
 * counts against --timeout.  0 or -ENOMEM (the streams stay as they
 * were); -ENOTSUP where stdout cannot be assigned (musl). */
int print_std_streams(void);
/* Flush and close those streams, and put the original ones back. */
void print_std_close(void);

#endif

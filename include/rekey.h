/* SPDX-License-Identifier: MIT */
/* The rekey command: its request and the meaning of its reply. */
#ifndef REKEY_H
#define REKEY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "args.h"
#include "vici.h"

struct rekey_result {
	int success;	       /* success=yes, exactly (case-sensitive) */
	const uint8_t *errmsg; /* NULL when absent; aliases the reply */
	size_t errmsg_len;
};

/* The one selector key of A (-EINVAL sticks in B when there is none). */
void rekey_put_selector(struct vici_buf *b, const struct args *a);
/* Encode the rekey request of A into MEM; frame length or -errno. */
long rekey_request(const struct args *a, uint8_t *mem, size_t cap);
/* Read the verdict from a validated reply body; 0, or -EBADMSG with *WHY
 * when a top-level key the verdict depends on is given twice. */
int rekey_result(const uint8_t *body, size_t len, struct rekey_result *res,
		 const char **why);
/* swanctl's human lines: success on OUT, failure (escaped) on ERR. */
void rekey_print(const struct rekey_result *res, FILE *out, FILE *err);

#endif

/* SPDX-License-Identifier: MIT */
/* Every request this client sends, encoded in one place, and the verdict
 * of a reply. */
#ifndef REQUEST_H
#define REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "sa.h"
#include "vici.h"
#include "vici_wire.h"

/* The verdict of a reply that carries one (rekey, and every request of
 * call.h that says so). */
struct verdict {
	int success;	       /* success=yes, exactly (case-sensitive) */
	const uint8_t *errmsg; /* NULL when absent; aliases the reply */
	size_t errmsg_len;
};

/* Put the keys F gives ("ike", "ike-id", "child", "child-id", in that
 * order) into B. */
void filter_put(struct vici_buf *b, const struct sa_filter *f);
/* Put the rekey request's elements for selector F into B (fails B with
 * -EINVAL when F selects nothing). */
void rekey_put(struct vici_buf *b, const struct sa_filter *f, int reauth);
/* Encode the rekey request for selector F into MEM; 0 and the frame
 * length in *LEN, or -errno (-EINVAL: F selects nothing). */
int rekey_request(const struct sa_filter *f, int reauth, uint8_t *mem,
		  size_t cap, size_t *len);
/* Encode the list-sas request for F (any combination) into MEM. */
int list_request(const struct sa_filter *f, int noblock, uint8_t *mem,
		 size_t cap, size_t *len);
/* Read the verdict from a validated reply body; 0, or -EBADMSG with *WHY
 * when a top-level key the verdict depends on is given twice. */
int verdict_read(const uint8_t *body, size_t len, struct verdict *res,
		 const char **why);

#endif

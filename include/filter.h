/* SPDX-License-Identifier: MIT */
/* The one encoding of a struct sa_filter, shared by every request. */
#ifndef FILTER_H
#define FILTER_H

#include "sa.h"
#include "vici.h"

/* Put the keys F gives ("ike", "ike-id", "child", "child-id", in that
 * order) into B. */
void filter_put(struct vici_buf *b, const struct sa_filter *f);

#endif

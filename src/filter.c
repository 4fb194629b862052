// SPDX-License-Identifier: MIT
/* Selector keys of rekey, list-sas and --wait's listing. */
#include "filter.h"

void filter_put(struct vici_buf *b, const struct sa_filter *f)
{
	if (f->ike)
		vici_put_str(b, "ike", f->ike);
	if (f->ike_id)
		vici_put_u32(b, "ike-id", f->ike_id);
	if (f->child)
		vici_put_str(b, "child", f->child);
	if (f->child_id)
		vici_put_u32(b, "child-id", f->child_id);
}

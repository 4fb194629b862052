// SPDX-License-Identifier: MIT
/* The requests: rekey and list-sas with their selector keys, and the
 * verdict of a reply. */
#include <errno.h>

#include "request.h"

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

void rekey_put(struct vici_buf *b, const struct sa_filter *f, int reauth)
{
	if (!f->ike && !f->ike_id && !f->child && !f->child_id)
		vici_fail(b, -EINVAL); /* the daemon would say "missing" */
	filter_put(b, f);
	if (reauth)
		vici_put_str(b, "reauth", "yes");
}

int rekey_request(const struct sa_filter *f, int reauth, uint8_t *mem,
		  size_t cap, size_t *len)
{
	struct vici_buf b;

	vici_begin(&b, mem, cap, VICI_CMD_REQUEST, "rekey");
	rekey_put(&b, f, reauth);
	return vici_end(&b, len);
}

int list_request(const struct sa_filter *f, int noblock, uint8_t *mem,
		 size_t cap, size_t *len)
{
	struct vici_buf b;

	vici_begin(&b, mem, cap, VICI_CMD_REQUEST, "list-sas");
	filter_put(&b, f);
	if (noblock) /* last, as strongSwan's swanctl sends it */
		vici_put_str(&b, "noblock", "yes");
	return vici_end(&b, len);
}

static int is_key(const struct vici_elem *e, const char *name)
{
	return e->type == VICI_KEY_VALUE && vici_is(e->name, e->name_len, name);
}

int verdict_read(const uint8_t *body, size_t len, struct verdict *res,
		 const char **why)
{
	struct vici_reader r;
	struct vici_elem e;
	int seen_success = 0, rc;

	*res = (struct verdict){ 0 };
	vici_reader_init(&r, body, len);
	while ((rc = vici_next(&r, &e)) > 0) {
		if (vici_depth(&r) || e.type == VICI_SECTION_END)
			continue;
		/* A repeated key would make the verdict ambiguous. */
		if (is_key(&e, "success")) {
			if (seen_success++)
				goto twice;
			res->success = vici_is(e.value, e.value_len, "yes");
		} else if (is_key(&e, "errmsg")) {
			if (res->errmsg)
				goto twice;
			res->errmsg = e.value;
			res->errmsg_len = e.value_len;
		}
	}
	*why = vici_why(&r);
	return rc;
twice:
	*why = "a key is given twice at the top level";
	return -EBADMSG;
}

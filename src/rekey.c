// SPDX-License-Identifier: MIT
/* rekey: one selector in, success or errmsg out. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "print.h"
#include "rekey.h"
#include "vici.h"
#include "vici_wire.h"

void rekey_put_selector(struct vici_buf *b, const struct args *a)
{
	const char *key = args_selector_key(a->selector);

	if (!key) {
		if (!b->err)
			b->err = -EINVAL;
		return;
	}
	if (a->selector == SELECTOR_CHILD_ID || a->selector == SELECTOR_IKE_ID)
		vici_put_u32(b, key, a->id);
	else
		vici_put_str(b, key, a->name);
}

long rekey_request(const struct args *a, uint8_t *mem, size_t cap)
{
	struct vici_buf b;

	vici_begin(&b, mem, cap, VICI_CMD_REQUEST, "rekey");
	rekey_put_selector(&b, a);
	if (a->reauth)
		vici_put_str(&b, "reauth", "yes");
	return vici_end(&b);
}

static int is_key(const struct vici_elem *e, const char *name)
{
	size_t n = strlen(name);

	return e->type == VICI_KEY_VALUE && e->name_len == n &&
	       !memcmp(e->name, name, n);
}

int rekey_result(const uint8_t *body, size_t len, struct rekey_result *res,
		 const char **why)
{
	struct vici_reader r;
	struct vici_elem e;
	int seen_success = 0, depth = 0, rc;

	*res = (struct rekey_result){ 0 };
	vici_reader_init(&r, body, len);
	while ((rc = vici_next(&r, &e)) > 0) {
		if (e.type == VICI_SECTION_START)
			depth++;
		if (e.type == VICI_SECTION_END)
			depth--;
		if (depth)
			continue;
		/* A repeated key would make the verdict ambiguous. */
		if (is_key(&e, "success")) {
			if (seen_success++)
				goto twice;
			res->success =
				e.value_len == 3 && !memcmp(e.value, "yes", 3);
		} else if (is_key(&e, "errmsg")) {
			if (res->errmsg)
				goto twice;
			res->errmsg = e.value;
			res->errmsg_len = e.value_len;
		}
	}
	*why = r.why;
	return rc;
twice:
	*why = "a key is given twice at the top level";
	return -EBADMSG;
}

void rekey_print(const struct rekey_result *res, FILE *out, FILE *err)
{
	if (res->success) {
		fputs("rekey completed successfully\n", out);
		return;
	}
	fputs("rekey failed: ", err);
	if (res->errmsg)
		print_escaped(err, res->errmsg, res->errmsg_len);
	fputc('\n', err);
}

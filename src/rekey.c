// SPDX-License-Identifier: MIT
/* rekey: one selector in, success or errmsg out. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "filter.h"
#include "print.h"
#include "rekey.h"
#include "vici.h"
#include "wait.h"

int rekey_request(const struct sa_filter *f, int reauth, uint8_t *mem,
		  size_t cap, size_t *len)
{
	struct vici_buf b;

	vici_begin(&b, mem, cap, VICI_CMD_REQUEST, "rekey");
	if (!f->ike && !f->ike_id && !f->child && !f->child_id)
		vici_fail(&b, -EINVAL); /* the daemon would say "missing" */
	filter_put(&b, f);
	if (reauth)
		vici_put_str(&b, "reauth", "yes");
	return vici_end(&b, len);
}

static int is_key(const struct vici_elem *e, const char *name)
{
	return e->type == VICI_KEY_VALUE && vici_is(e->name, e->name_len, name);
}

int rekey_result(const uint8_t *body, size_t len, struct rekey_result *res,
		 const char **why)
{
	struct vici_reader r;
	struct vici_elem e;
	int seen_success = 0, rc;

	*res = (struct rekey_result){ 0 };
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

/* swanctl's human line for an accepted rekey (a refusal is a failure). */
static int human(FILE *f, const uint8_t *body, size_t len, const void *ctx)
{
	const struct rekey_result *res = ctx;

	(void)body;
	(void)len;
	if (res->success)
		fputs("rekey completed successfully\n", f);
	return 0;
}

int rekey_call(const struct args *a, struct client *c, enum message m,
	       struct failure *f)
{
	return rekey_call_with(a, c, m, NULL, NULL, f);
}

int rekey_call_with(const struct args *a, struct client *c, enum message m,
		    client_event_fn on_event, void *ctx, struct failure *f)
{
	uint8_t req[VICI_MAX_REQUEST];
	struct vici_packet_view reply;
	struct rekey_result res;
	size_t len;
	int rc;

	rc = rekey_request(&a->filter, a->reauth, req, sizeof(req), &len);
	if (rc)
		return status_fail(f, STAGE_ENCODE, "rekey", rc);
	rc = client_call(c, "rekey", req, len, &reply, on_event, ctx, f);
	if (rc)
		return rc;
	rc = rekey_result(reply.body, reply.body_len, &res, &f->why);
	if (rc)
		return status_fail(f, STAGE_EXCHANGE, "rekey", rc);
	/* decoded by rekey_result: only the JSON view can fail, for want of
	 * memory */
	rc = print_body(stdout, m, a->output, reply.body, reply.body_len, human,
			&res);
	if (rc)
		return status_fail(f, STAGE_OUTPUT, "rekey", rc);
	rc = print_check(stdout, f);
	if (rc)
		return rc;
	if (res.success)
		return 0;
	f->text = res.errmsg;
	f->text_len = res.errmsg_len;
	return status_fail(f, STAGE_RESULT, "rekey", -EPERM);
}

int rekey_run(const struct args *a, struct client *c, struct failure *f)
{
	int rc = client_open(c, f);

	if (rc)
		return rc;
	if (a->batch)
		rc = batch_run(a, c, f);
	else if (a->wait)
		rc = wait_run(a, c, f);
	else
		rc = rekey_call(a, c, MESSAGE_REKEY_REPLY, f);
	/* the deadline guards the output until the connection closes */
	if (!rc)
		rc = print_flush(stdout, f);
	client_close(c);
	return rc;
}

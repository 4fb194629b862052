// SPDX-License-Identifier: MIT
/* --rekey without --wait: one selector in, success or errmsg out. */
#include <errno.h>
#include <stdio.h>

#include "print.h"
#include "rekey.h"
#include "request.h"

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

static int call(const struct args *a, struct client *c, struct failure *f)
{
	uint8_t req[VICI_MAX_REQUEST];
	struct vici_packet_view reply;
	struct rekey_result res;
	size_t len;
	int rc;

	rc = rekey_request(&a->filter, a->reauth, req, sizeof(req), &len);
	if (rc)
		return status_fail(f, STAGE_ENCODE, "rekey", rc);
	rc = client_call(c, "rekey", req, len, &reply, NULL, NULL, f);
	if (rc)
		return rc;
	rc = rekey_result(reply.body, reply.body_len, &res, &f->why);
	if (rc)
		return status_fail(f, STAGE_EXCHANGE, "rekey", rc);
	/* decoded by rekey_result: only the JSON view can fail, for want of
	 * memory */
	rc = print_body(stdout, MESSAGE_REKEY_REPLY, a->output, reply.body,
			reply.body_len, human, &res);
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
	rc = call(a, c, f);
	/* a write that fails is reported before the connection closes */
	if (!rc)
		rc = print_flush(stdout, f);
	client_close(c);
	return rc;
}

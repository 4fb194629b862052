// SPDX-License-Identifier: MIT
/* One request, one verdict (call.h). */
#include <errno.h>
#include <stdio.h>

#include "call.h"
#include "request.h"

int call_once(const struct call *call, const struct args *a, struct client *c,
	      struct failure *f)
{
	uint8_t req[VICI_MAX_REQUEST];
	struct vici_packet_view reply;
	struct verdict v = { 0 };
	struct vici_buf b;
	char label[64];
	size_t len;
	int rc;

	vici_begin(&b, req, sizeof(req), VICI_CMD_REQUEST, call->name);
	call->encode(&b, a);
	rc = vici_end(&b, &len);
	if (rc)
		return status_fail(f, STAGE_ENCODE, call->name, rc);
	rc = client_call(c, call->name, req, len, &reply, NULL, NULL, f);
	if (rc)
		return rc;
	if (call->verdict) {
		rc = verdict_read(reply.body, reply.body_len, &v, &f->why);
		if (rc)
			return status_fail(f, STAGE_EXCHANGE, call->name, rc);
	}
	/* validated: only the JSON view can fail, for want of memory */
	snprintf(label, sizeof(label), "%s reply", call->name);
	if (a->output == OUTPUT_HUMAN && !call->human) {
		if (v.success) /* a refusal is reported as a failure */
			printf("%s completed successfully\n", call->name);
	} else {
		rc = print_reply(stdout, label, a->output, reply.body,
				 reply.body_len, call->human, &v);
	}
	if (rc)
		return status_fail(f, STAGE_OUTPUT, call->name, rc);
	rc = print_check(stdout, f);
	if (rc || !call->verdict || v.success)
		return rc;
	f->text = v.errmsg;
	f->text_len = v.errmsg_len;
	return status_fail(f, STAGE_RESULT, call->name, -EPERM);
}

int call_run(const struct call *call, const struct args *a, struct client *c,
	     struct failure *f)
{
	int rc = client_open(c, f);

	if (rc)
		return rc;
	rc = call_once(call, a, c, f);
	/* a write that fails is reported before the connection closes */
	if (!rc)
		rc = print_flush(stdout, f);
	client_close(c);
	return rc;
}

// SPDX-License-Identifier: MIT
/* --rekey without --wait or --batch: one selector in, charon's verdict out
 * (call.c does the rest). */
#include "call.h"
#include "rekey.h"
#include "request.h"
#include "usage.h"

static void encode(struct vici_buf *b, const struct args *a)
{
	rekey_put(b, &a->filter, a->reauth);
}

const struct call rekey_call = { .name = "rekey",
				 .encode = encode,
				 .verdict = 1 };

const char usage_rekey[] =
	"usage:\n"
	"  swanctl --rekey --child <name> | --ike <name> |\n"
	"                  --child-id <id> | --ike-id <id>\n"
	"                 [--reauth] [--wait] [--raw|--pretty|--json]\n"
	"                 [--batch <n> [--sa-timeout <seconds>]]\n"
	"                 [--uri <uri>] [--timeout <seconds>]\n"
	"    --child     (-c) NAME  every CHILD_SA of config NAME\n"
	"    --ike       (-i) NAME  every IKE_SA of config NAME\n"
	"    --child-id  (-C) ID    the CHILD_SA with unique id ID\n"
	"    --ike-id    (-I) ID    the IKE_SA with unique id ID\n"
	"    --reauth    (-a)       reauthenticate the IKE_SA instead\n"
	"    --raw       (-r)       print the reply as a raw dump\n"
	"    --pretty    (-P)       print the reply as an indented dump\n"
	"    --json                 print the reply as one JSON object\n"
	"    --wait                 return when every matched SA has "
	"rekeyed\n"
	"    --batch     N          rekey the matched SAs one by one by id, "
	"at most\n"
	"                           N at once (implies --wait)\n"
	"    --sa-timeout SECONDS   with --batch: give up on one SA after "
	"this long,\n"
	"                           default 60, 0: none\n" COMMON_OPTIONS;

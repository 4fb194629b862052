// SPDX-License-Identifier: MIT
/* version: ours, and the daemon's line in swanctl's words. */
#include <errno.h>
#include <string.h>

#include "call.h"
#include "delegate.h"
#include "print.h"
#include "usage.h"
#include "version.h"
#include "vici.h"

#ifndef SWANCTL_VERSION
#define SWANCTL_VERSION "unknown"
#endif

static void put_key(FILE *f, const uint8_t *body, size_t len, const char *key)
{
	struct vici_reader r;
	struct vici_elem e;

	vici_reader_init(&r, body, len);
	while (vici_next(&r, &e) > 0)
		if (e.type == VICI_KEY_VALUE && vici_depth(&r) == 0 &&
		    vici_is(e.name, e.name_len, key)) {
			print_escaped(f, e.value, e.value_len);
			return;
		}
}

int version_print_daemon(FILE *f, const uint8_t *body, size_t len,
			 const void *ctx)
{
	(void)ctx;
	fputs("strongSwan ", f);
	put_key(f, body, len, "version");
	fputc(' ', f);
	put_key(f, body, len, "daemon");
	fputs(" (", f);
	put_key(f, body, len, "sysname");
	fputs(", ", f);
	put_key(f, body, len, "release");
	fputs(", ", f);
	put_key(f, body, len, "machine");
	fputs(")\n", f);
	return 0;
}

/* strongSwan's swanctl, which runs the commands handed over: its own
 * version line and its path, when it is installed (inventory scripts look
 * for "strongSwan swanctl 5.9.8"). */
static void their_version(int timeout_ms)
{
	char v[64];
	int rc = delegate_version(v, sizeof(v), timeout_ms);

	if (rc == -ENOENT || rc == -ELOOP)
		return;
	if (rc) {
		printf("strongSwan swanctl, version unknown (%s: %s), runs the "
		       "commands handed over\n",
		       delegate_program(),
		       rc == -ENODATA ? "it printed none" : strerror(-rc));
		return;
	}
	fputs("strongSwan swanctl ", stdout);
	print_escaped(stdout, (const uint8_t *)v, strlen(v));
	printf(" (%s), runs the commands handed over\n", delegate_program());
}

static void encode(struct vici_buf *b, const struct args *a)
{
	(void)b; /* the request has no elements */
	(void)a;
}

static const struct call daemon_call = { .name = "version",
					 .encode = encode,
					 .human = version_print_daemon };

int version_run(const struct args *a, struct client *c, struct failure *f)
{
	int rc;

	printf("swanctl %s (libc-only VICI client)\n", SWANCTL_VERSION);
	their_version(a->timeout_ms);
	if (!a->daemon)
		return 0;
	/* ours is out before charon is asked */
	rc = print_flush(stdout, f);
	if (rc)
		return rc;
	return call_run(&daemon_call, a, c, f);
}

const char usage_version[] =
	"usage:\n"
	"  swanctl --version [--daemon] [--raw|--pretty]\n"
	"    --daemon    (-d)       also ask charon for its version\n"
	"    --raw       (-r)       print charon's reply as a raw dump\n"
	"    --pretty    (-P)       print charon's reply as an indented "
	"dump\n" COMMON_OPTIONS;

// SPDX-License-Identifier: MIT
/* version: the daemon's line, in swanctl's words. */
#include <string.h>

#include "print.h"
#include "version.h"
#include "vici.h"
#include "vici_wire.h"

long version_request(uint8_t *mem, size_t cap)
{
	struct vici_buf b;

	vici_begin(&b, mem, cap, VICI_CMD_REQUEST, "version");
	return vici_end(&b);
}

static void put_key(FILE *f, const uint8_t *body, size_t len, const char *key)
{
	struct vici_reader r;
	struct vici_elem e;
	size_t n = strlen(key);

	vici_reader_init(&r, body, len);
	while (vici_next(&r, &e) > 0)
		if (e.type == VICI_KEY_VALUE && r.depth == 0 &&
		    e.name_len == n && !memcmp(e.name, key, n)) {
			print_escaped(f, e.value, e.value_len);
			return;
		}
}

void version_print_daemon(FILE *f, const uint8_t *body, size_t len)
{
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
}

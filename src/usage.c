// SPDX-License-Identifier: MIT
/* The usage texts of --help. */
#include <string.h>

#include "client.h"
#include "command.h"
#include "usage.h"

static const char usage_globals[] =
	"global options, before or after the command:\n"
	"  --uri      (-u) URI      VICI socket; default from "
	"strongswan.conf,\n"
	"                           else " CLIENT_DEFAULT_URI "\n"
	"  --timeout  SECONDS       limit for the whole command, default 30, "
	"0: none\n"
	"  --debug    (-v) LEVEL    2: charon's log lines about the SAs on "
	"stderr,\n"
	"                           3: and every packet in hex\n"
	"  --options  (-+) FILE     read more options from FILE\n";

/* The rows of command_opts that are ours (THEIRS 0) or strongSwan's, the
 * names padded to the longest, each further line of a summary indented to
 * its first. */
static void commands_of(FILE *f, int theirs)
{
	int width = 0, len;

	for (const struct opt *o = command_opts; o->name; o++)
		if ((o->command == COMMAND_OTHER) == theirs &&
		    (len = (int)strlen(o->name)) > width)
			width = len;
	for (const struct opt *o = command_opts; o->name; o++) {
		if ((o->command == COMMAND_OTHER) != theirs)
			continue;
		fprintf(f, "  swanctl --%-*s (-%c)  ", width, o->name,
			o->short_name);
		for (const char *s = o->summary; *s; s++) {
			fputc(*s, f);
			if (*s == '\n') /* under the summary's first column */
				fprintf(f, "%*s", width + 19, "");
		}
		fputc('\n', f);
	}
}

/* One of our commands that the hand-over's message names (not --help). */
static int listed(const struct opt *o)
{
	return o->command != COMMAND_OTHER && o->command != COMMAND_HELP;
}

void usage_ours(FILE *f)
{
	size_t n = 0, i = 0;

	for (const struct opt *o = command_opts; o->name; o++)
		n += (size_t)listed(o);
	for (const struct opt *o = command_opts; o->name; o++) {
		if (!listed(o))
			continue;
		if (++i > 1)
			fputs(i == n ? " and " : ", ", f);
		fprintf(f, "--%s", o->name);
	}
}

void usage_help(FILE *f, const char *strongswan, int installed)
{
	fputs("usage:\n", f);
	commands_of(f, 0);
	/* so that --load-all is found on a box where we replaced theirs */
	fprintf(f, "handed to strongSwan's swanctl (%s%s):\n", strongswan,
		installed ? "" : ", not installed: these exit 2");
	commands_of(f, 1);
	fputs(usage_globals, f);
}

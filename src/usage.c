// SPDX-License-Identifier: MIT
/* The usage texts of --help. */
#include "client.h"
#include "usage.h"

const char usage_main[] =
	"usage:\n"
	"  swanctl --rekey    (-R)  rekey or reauthenticate IKE_SAs or "
	"CHILD_SAs\n"
	"  swanctl --list-sas (-l)  list IKE_SAs and CHILD_SAs with their "
	"ids\n"
	"  swanctl --version  (-V)  print this client's version and "
	"strongSwan's\n"
	"                           swanctl's; --daemon adds charon's\n"
	"                           (--raw, --pretty: its reply as a dump)\n"
	"  swanctl --help     (-h)  print this text\n";

/* strongSwan swanctl's other commands, in its order, in our words. */
static const char usage_handed_list[] =
	"  swanctl --counters         (-C)  list or reset IKE event counters\n"
	"  swanctl --initiate         (-i)  bring a connection up\n"
	"  swanctl --terminate        (-t)  take a connection down\n"
	"  swanctl --redirect         (-d)  send an IKE_SA to another gateway\n"
	"  swanctl --uninstall        (-u)  remove a trap or shunt policy "
	"(-u first)\n"
	"  swanctl --install          (-p)  add a trap or shunt policy\n"
	"  swanctl --monitor-sa       (-m)  follow IKE_SA and CHILD_SA "
	"changes\n"
	"  swanctl --list-pols        (-P)  the installed policies\n"
	"  swanctl --list-authorities (-B)  the loaded authorities\n"
	"  swanctl --list-conns       (-L)  the loaded connections\n"
	"  swanctl --list-certs       (-x)  the stored certificates\n"
	"  swanctl --list-pools       (-A)  the loaded address pools\n"
	"  swanctl --list-algs        (-g)  the loaded algorithms\n"
	"  swanctl --flush-certs      (-f)  drop the cached certificates\n"
	"  swanctl --load-all         (-q)  load creds, authorities, pools and "
	"conns\n"
	"  swanctl --load-authorities (-b)  load the authorities again\n"
	"  swanctl --load-conns       (-c)  load the connections again\n"
	"  swanctl --load-creds       (-s)  load the credentials again\n"
	"  swanctl --load-pools       (-a)  load the address pools again\n"
	"  swanctl --log              (-T)  follow charon's log\n"
	"  swanctl --reload-settings  (-r)  make charon read strongswan.conf "
	"again\n"
	"  swanctl --stats            (-S)  charon's statistics\n";

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

/* The global options and --help, as every command's usage lists them. */
#define COMMON_OPTIONS                                                         \
	"    --uri       (-u) URI   VICI socket; default from "                \
	"strongswan.conf,\n"                                                   \
	"                           else " CLIENT_DEFAULT_URI "\n"             \
	"    --timeout   SECONDS    limit for the whole command, default 30, " \
	"0: none\n"                                                            \
	"    --debug     (-v) LEVEL 2: charon's log lines about the SAs, 3: "  \
	"and packets\n"                                                        \
	"    --options   (-+) FILE  read more options from FILE\n"             \
	"    --help      (-h)       print this text\n"

const char usage_list[] =
	"usage:\n"
	"  swanctl --list-sas [--ike <name>] [--ike-id <id>] [--child <name>]\n"
	"                     [--child-id <id>] [--noblock] "
	"[--raw|--pretty|--json]\n"
	"    --ike       (-i) NAME  only IKE_SAs of config NAME\n"
	"    --ike-id    (-I) ID    only the IKE_SA with unique id ID\n"
	"    --child     (-c) NAME  only CHILD_SAs of config NAME\n"
	"    --child-id  (-C) ID    only the CHILD_SA with unique id ID\n"
	"    --noblock   (-n)       do not wait for SAs that are busy\n"
	"    --raw       (-r)       print each event as a raw dump\n"
	"    --pretty    (-P)       print each event as an indented dump\n"
	"    --json                 print one JSON object per "
	"IKE_SA\n" COMMON_OPTIONS;

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

void usage_help(FILE *f, const char *strongswan, int installed)
{
	fputs(usage_main, f);
	/* so that --load-all is found on a box where we replaced theirs */
	fprintf(f, "handed to strongSwan's swanctl (%s%s):\n", strongswan,
		installed ? "" : ", not installed: these exit 2");
	fputs(usage_handed_list, f);
	fputs(usage_globals, f);
}

/* SPDX-License-Identifier: MIT */
/* The usage texts of --help: the commands, and each command's options. */
#ifndef USAGE_H
#define USAGE_H

#include <stdio.h>

#include "client.h"

/* Each command's usage (its --help), in the command's own file */
extern const char usage_rekey[];
extern const char usage_list[];
extern const char usage_version[];

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

/* Our commands but --help, as a list: "--rekey, --list-sas and
 * --version". */
void usage_ours(FILE *f);
/* --help: our commands, the ones handed to STRONGSWAN's swanctl (with
 * its path, and whether it is INSTALLED), both from command_opts, and the
 * global options. */
void usage_help(FILE *f, const char *strongswan, int installed);

#endif

/* SPDX-License-Identifier: MIT */
/* Command line: the command, its options and the global options. */
#ifndef ARGS_H
#define ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "sa.h"

enum command {
	COMMAND_NONE,
	COMMAND_REKEY,
	COMMAND_REKEY_WAIT,  /* --rekey --wait */
	COMMAND_REKEY_BATCH, /* --rekey --batch N (waits too) */
	COMMAND_LIST_SAS,
	COMMAND_VERSION,
	COMMAND_HELP,
	COMMAND_OTHER, /* one of strongSwan's that this client hands over */
	COMMAND_COUNT,
};

#define ARGS_DEFAULT_TIMEOUT_MS 30000
/* The largest --timeout in seconds (11.6 days): its milliseconds fit an
 * int and the monotonic clock plus it an int64_t. */
#define ARGS_MAX_TIMEOUT 1000000
#define ARGS_DEFAULT_SA_TIMEOUT_MS 60000
#define ARGS_MAX_BATCH 100000

struct args {
	enum command command;
	const char *other; /* COMMAND_OTHER: its long name, "load-all" */
	char **argv;	   /* the command line, as main() got it */
	int help;	   /* --help after a command: that command's usage */
	/* --rekey: exactly one selector; --list-sas: any combination */
	struct sa_filter filter;
	int reauth;
	int noblock;
	int wait;	   /* --wait: until every matched SA has rekeyed */
	unsigned batch;	   /* --batch N: at most N rekeys in flight (implies
			      wait); 0: all at once */
	int sa_timeout_ms; /* --sa-timeout: per SA under --batch, 0: none */
	int daemon;	   /* --version --daemon */
	enum output output;
	const char *uri;
	int timeout_ms; /* 0: no limit */
	int debug;
	char *file_text;  /* owned: --options file contents, words point here */
	char **file_argv; /* owned */
};

/*
 * Parse ARGV into A.  Returns 0, or -EINVAL with a one-line message (no
 * prefix, no newline) in MSG.  Pointers in A alias ARGV or memory that
 * args_free() releases.
 */
int args_parse(struct args *a, int argc, char **argv, char *msg,
	       size_t msg_size);
void args_free(struct args *a);

#endif

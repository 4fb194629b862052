/* SPDX-License-Identifier: MIT */
/*
 * The commands and their options, as rows: the parser, main and --help all
 * read these tables, so a new command is a file of its own (its run
 * function or its request, its usage text) and rows here and in
 * src/commands.c.  test_args fails on a row left half filled.
 */
#ifndef COMMAND_H
#define COMMAND_H

#include <stddef.h>

#include "args.h"
#include "call.h"
#include "client.h"
#include "status.h"

/* What an option does when given. */
enum opt_kind {
	OPT_COMMAND, /* a command of ours, or one handed over (command row) */
	OPT_HELP,    /* --help: the usage of the command before it */
	OPT_FLAG,    /* sets the int at FIELD of struct args to 1 */
	OPT_URI,     /* the global options */
	OPT_TIMEOUT,
	OPT_DEBUG,
	OPT_OPTIONS,
	OPT_NAME, /* --child, --ike: a config name at FIELD */
	OPT_ID,	  /* --child-id, --ike-id: a unique id at FIELD */
	OPT_RAW,
	OPT_PRETTY,
	OPT_JSON,
	OPT_BATCH,
	OPT_SA_TIMEOUT,
};

struct opt {
	const char *name; /* the long name, without "--" */
	char short_name;  /* 0: none */
	char has_arg;
	enum opt_kind kind;
	size_t field; /* OPT_FLAG, OPT_NAME, OPT_ID: offset in struct args */
	/* OPT_COMMAND: the command it picks (COMMAND_OTHER: strongSwan's),
	 * and its line in --help */
	enum command command;
	const char *summary;
};

/* Rows of the tables: an option, one with a FIELD, a command */
#define OPT(n, c, arg, k)                                                      \
	{                                                                      \
		.name = n, .short_name = c, .has_arg = arg, .kind = k          \
	}
#define OPT_AT(n, c, arg, k, f)                                                \
	{                                                                      \
		.name = n, .short_name = c, .has_arg = arg, .kind = k,         \
		.field = f                                                     \
	}

/* How a command takes --child, --ike, --child-id and --ike-id. */
enum selectors {
	SELECTORS_UNSET, /* a row that forgot to say: test_args fails */
	SELECTORS_NONE,
	SELECTORS_ONE, /* exactly one, in rekey's order */
	SELECTORS_ANY, /* any combination, the last of each kind counting, in
			  list-sas's order */
};

/* Option groups a command takes besides its own (the global options and
 * --help it always takes). */
enum {
	OPTS_DUMPS = 1 << 0, /* --raw, --pretty */
	OPTS_JSON = 1 << 1,  /* --json */
};

typedef int (*command_run_fn)(const struct args *a, struct client *c,
			      struct failure *f);

struct command_def {
	/* the long name ("rekey"), for "Try 'swanctl --NAME --help'"; NULL
	 * for the rows that are no option (none, other) */
	const char *name;
	enum selectors selectors;
	unsigned groups;	/* OPTS_* */
	const struct opt *opts; /* its own options (ending in a NULL name) */
	/* one of: RUN, its whole dialogue; CALL, one request and its verdict
	 * (call.c); neither: it prints its usage (--help) */
	command_run_fn run;
	const struct call *call;
	const char *usage; /* NULL: --help's (usage_help()) */
};

/* The options COMMAND takes, in the parser's order (the global options
 * first; COMMAND_NONE: the commands) into SET; how many, at most MAX. */
size_t command_options(enum command command, const struct opt **set,
		       size_t max);

/* By enum command; every row filled (test_args checks). */
extern const struct command_def commands[COMMAND_COUNT];
/* Every command option: ours, then strongSwan's that are handed over, in
 * --help's order; ends in a row with a NULL name. */
extern const struct opt command_opts[];

#endif

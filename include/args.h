/* SPDX-License-Identifier: MIT */
/* Command line: the command, its options and the global options. */
#ifndef ARGS_H
#define ARGS_H

#include <stddef.h>
#include <stdint.h>

enum command {
	COMMAND_NONE,
	COMMAND_REKEY,
	COMMAND_LIST_SAS,
	COMMAND_VERSION,
	COMMAND_HELP,
};

enum selector {
	SELECTOR_NONE,
	SELECTOR_CHILD,
	SELECTOR_IKE,
	SELECTOR_CHILD_ID,
	SELECTOR_IKE_ID,
};

enum output {
	OUTPUT_HUMAN,
	OUTPUT_RAW,
	OUTPUT_PRETTY,
	OUTPUT_JSON,
};

#define ARGS_DEFAULT_URI "unix:///var/run/charon.vici"
#define ARGS_DEFAULT_TIMEOUT_MS 30000

struct args {
	enum command command;
	int help; /* --help after a command: that command's usage */
	enum selector selector;
	const char *name; /* --child/--ike value */
	uint32_t id;	  /* --child-id/--ike-id value */
	int reauth;
	/* --list-sas filters, any combination */
	const char *list_ike, *list_child;
	uint32_t list_ike_id, list_child_id;
	int noblock;
	int wait;   /* --wait: until every matched SA has rekeyed */
	int daemon; /* --version --daemon */
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
/* Name of a selector's request key: "child", "ike", "child-id", "ike-id". */
const char *args_selector_key(enum selector s);

#endif

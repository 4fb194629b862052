// SPDX-License-Identifier: MIT
/* The command tables (command.h): what each command takes and runs. */
#include <stddef.h>

#include "batch.h"
#include "command.h"
#include "delegate.h"
#include "list.h"
#include "rekey.h"
#include "usage.h"
#include "version.h"

#define FIELD(name) offsetof(struct args, name)

/* clang-format off */
static const struct opt rekey_opts[] = {
	OPT_AT("reauth", 'a', 0, OPT_FLAG, FIELD(reauth)),
	OPT_AT("wait", 0, 0, OPT_FLAG, FIELD(wait)),
	OPT("batch", 0, 1, OPT_BATCH),
	OPT("sa-timeout", 0, 1, OPT_SA_TIMEOUT),
	{ .name = NULL },
};

static const struct opt list_opts[] = {
	OPT_AT("noblock", 'n', 0, OPT_FLAG, FIELD(noblock)),
	{ .name = NULL },
};

static const struct opt version_opts[] = {
	OPT_AT("daemon", 'd', 0, OPT_FLAG, FIELD(daemon)),
	{ .name = NULL },
};

#define REKEY_ROW(how)                                                   \
	{ .name = "rekey", .selectors = SELECTORS_ONE,                   \
	  .groups = OPTS_DUMPS | OPTS_JSON, .opts = rekey_opts, how,     \
	  .usage = usage_rekey }

const struct command_def commands[COMMAND_COUNT] = {
	[COMMAND_NONE] = { .selectors = SELECTORS_NONE },
	[COMMAND_REKEY] = REKEY_ROW(.call = &rekey_call),
	/* --rekey --wait and --batch: chosen by the parser after the rest */
	[COMMAND_REKEY_WAIT] = REKEY_ROW(.run = batch_run),
	[COMMAND_REKEY_BATCH] = REKEY_ROW(.run = batch_run),
	[COMMAND_LIST_SAS] = { .name = "list-sas",
		.selectors = SELECTORS_ANY, .groups = OPTS_DUMPS | OPTS_JSON,
		.opts = list_opts, .run = list_run, .usage = usage_list },
	[COMMAND_VERSION] = { .name = "version", .selectors = SELECTORS_NONE,
		.groups = OPTS_DUMPS, .opts = version_opts,
		.run = version_run, .usage = usage_version },
	[COMMAND_HELP] = { .name = "help", .selectors = SELECTORS_NONE },
	[COMMAND_OTHER] = { .selectors = SELECTORS_NONE, .run = delegate_run },
};

#define OURS(n, c, cmd, text)                                        \
	{ .name = n, .short_name = c, .kind = OPT_COMMAND, .command = cmd, \
	  .summary = text }
#define THEIRS(n, c, text) OURS(n, c, COMMAND_OTHER, text)

/* --help indents each further line of a summary under its first. */
const struct opt command_opts[] = {
	OURS("rekey", 'R', COMMAND_REKEY,
	     "rekey or reauthenticate IKE_SAs or CHILD_SAs"),
	OURS("list-sas", 'l', COMMAND_LIST_SAS,
	     "list IKE_SAs and CHILD_SAs with their ids"),
	OURS("version", 'V', COMMAND_VERSION,
	     "print this client's version and strongSwan's\n"
	     "swanctl's; --daemon adds charon's\n"
	     "(--raw, --pretty: its reply as a dump)"),
	OURS("help", 'h', COMMAND_HELP, "print this text"),
	/* strongSwan swanctl's other commands, in its order, in our words */
	THEIRS("counters", 'C', "list or reset IKE event counters"),
	THEIRS("initiate", 'i', "bring a connection up"),
	THEIRS("terminate", 't', "take a connection down"),
	THEIRS("redirect", 'd', "send an IKE_SA to another gateway"),
	THEIRS("uninstall", 'u', "remove a trap or shunt policy (-u first)"),
	THEIRS("install", 'p', "add a trap or shunt policy"),
	THEIRS("monitor-sa", 'm', "follow IKE_SA and CHILD_SA changes"),
	THEIRS("list-pols", 'P', "the installed policies"),
	THEIRS("list-authorities", 'B', "the loaded authorities"),
	THEIRS("list-conns", 'L', "the loaded connections"),
	THEIRS("list-certs", 'x', "the stored certificates"),
	THEIRS("list-pools", 'A', "the loaded address pools"),
	THEIRS("list-algs", 'g', "the loaded algorithms"),
	THEIRS("flush-certs", 'f', "drop the cached certificates"),
	THEIRS("load-all", 'q', "load creds, authorities, pools and conns"),
	THEIRS("load-authorities", 'b', "load the authorities again"),
	THEIRS("load-conns", 'c', "load the connections again"),
	THEIRS("load-creds", 's', "load the credentials again"),
	THEIRS("load-pools", 'a', "load the address pools again"),
	THEIRS("log", 'T', "follow charon's log"),
	THEIRS("reload-settings", 'r', "make charon read strongswan.conf again"),
	THEIRS("stats", 'S', "charon's statistics"),
	{ .name = NULL },
};
/* clang-format on */

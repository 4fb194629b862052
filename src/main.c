// SPDX-License-Identifier: MIT
/*
 * swanctl --rekey, --list-sas and --version over VICI: parse the command
 * line, take the command's row of the table (command.h), run it (its own
 * dialogue with charon, or one request and its verdict through call.c),
 * word the one failure it reports, exit with its status.  Main words every
 * failure but one kind: --wait and --batch word each SA's outcome
 * themselves (outcome.c) and say so (f->reported); main still picks the
 * exit status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "call.h"
#include "client.h"
#include "command.h"
#include "delegate.h"
#include "print.h"
#include "status.h"
#include "usage.h"

static void connect_failed(const struct failure *f, double timeout)
{
	const char *hint = "";

	fprintf(stderr, "swanctl: cannot connect to '%s': ", f->uri);
	if (f->err == -ENOENT || f->err == -ECONNREFUSED)
		hint = " (is charon running?)";
	if (f->err == -EACCES || f->err == -EPERM)
		fputs("permission denied: run as root or use a group that can "
		      "open the socket\n",
		      stderr);
	else if (f->err == -EADDRNOTAVAIL)
		fputs("host unknown\n", stderr);
	else if (f->err == -ENODATA)
		fputs("the host name cannot be resolved now (name server "
		      "failure or no answer)\n",
		      stderr);
	else if (f->err == -ETIMEDOUT)
		fprintf(stderr, "no answer within %g s\n", timeout);
	else
		fprintf(stderr, "%s%s\n", strerror(-f->err), hint);
}

static void exchange_failed(const struct failure *f, double timeout)
{
	fprintf(stderr, "swanctl: %s request failed: ",
		f->stage == STAGE_REGISTER ? "event registration" : f->step);
	if (f->err == -ETIMEDOUT)
		fprintf(stderr, "no reply within %g s\n", timeout);
	else if (f->err == -ECONNRESET)
		fputs("the daemon closed the connection without replying\n",
		      stderr);
	else if (f->err == -EPIPE && f->expected)
		fprintf(stderr,
			"the daemon closed the connection inside a frame "
			"(%zu of %zu bytes)\n",
			f->got, f->expected);
	else if (f->err == -EPIPE)
		fputs("the daemon closed the connection inside a frame "
		      "length\n",
		      stderr);
	else if (f->err == -EMSGSIZE)
		fprintf(stderr,
			"reply frame of %zu bytes exceeds the limit of %u\n",
			f->expected, VICI_MAX_FRAME);
	else if (f->err == -EBADMSG)
		fprintf(stderr, "malformed reply: %s\n",
			f->why ? f->why : "unknown");
	else if (f->err == -EPROTO && !vici_packet_name(f->packet_type))
		fprintf(stderr, "unknown packet type %d from the daemon\n",
			f->packet_type);
	else if (f->err == -EPROTO)
		fprintf(stderr, "unexpected %s packet from the daemon\n",
			vici_packet_name(f->packet_type));
	else if (f->err == -ENOSYS)
		fprintf(stderr, "the daemon does not know the %s command\n",
			f->step);
	else
		fprintf(stderr, "%s\n", strerror(-f->err));
}

/* One line (or none, when the command has reported it) for F. */
static void report(const struct failure *f, const struct args *a)
{
	double timeout = a->timeout_ms / 1000.0;

	if (f->reported)
		return;
	switch (f->stage) {
	case STAGE_NONE:
		fprintf(stderr, "swanctl: internal error: %s\n",
			strerror(-f->err));
		break;
	case STAGE_USAGE:
	case STAGE_CONF:
		fprintf(stderr, "swanctl: %s\n", f->why);
		break;
	case STAGE_URI:
		if (f->err == -ENAMETOOLONG)
			fprintf(stderr,
				"swanctl: invalid URI '%s': socket path "
				"longer than %zu bytes\n",
				f->uri, (size_t)TRANSPORT_MAX_PATH);
		else
			fprintf(stderr,
				"swanctl: invalid URI '%s': expected "
				"unix://PATH or tcp://HOST:PORT\n",
				f->uri);
		break;
	case STAGE_ENCODE:
		fprintf(stderr, "swanctl: cannot encode the %s request: %s\n",
			f->step, strerror(-f->err));
		break;
	case STAGE_CONNECT:
		connect_failed(f, timeout);
		break;
	case STAGE_REGISTER:
		if (f->err == -ENOTSUP) {
			fprintf(stderr,
				"swanctl: the daemon does not know the %s "
				"event\n",
				f->step);
			break;
		}
		/* fall through */
	case STAGE_EXCHANGE:
		exchange_failed(f, timeout);
		break;
	case STAGE_DELEGATE:
		fprintf(stderr,
			"swanctl: --%s is not implemented by this client, "
			"only ",
			f->step);
		usage_ours(stderr);
		fprintf(stderr, "; strongSwan's swanctl (%s) %s\n", f->why,
			f->err == -ENOENT || f->err == -ENOTDIR
				? "is not installed"
			: f->err == -ELOOP ? "is this client itself"
					   : strerror(-f->err));
		break;
	case STAGE_RESULT:
		/* the daemon's refusal in its own words, as swanctl does */
		if (f->why) {
			fprintf(stderr, "swanctl: %s\n", f->why);
		} else {
			fprintf(stderr, "%s failed: ", f->step);
			if (f->text)
				print_escaped(stderr, f->text, f->text_len);
			fputc('\n', stderr);
		}
		break;
	case STAGE_OUTPUT:
		/* never a timeout: a reader still there is waited for */
		fprintf(stderr, "swanctl: writing output: %s\n",
			strerror(-f->err));
		break;
	case STAGE_SIGNAL:
		break; /* the command has said what finished */
	}
}

int main(int argc, char **argv)
{
	static struct client client; /* holds the 512 KiB receive buffer */
	const struct command_def *cmd;
	struct failure f = { 0 };
	int status = STATUS_OK, rc;
	char msg[512];
	struct args a;

	/* nothing printed may reach a socket that took fd 1 or 2 */
	print_std_fds();
	/* a pager that has not read yet never counts against --timeout */
	print_std_streams();
	/* a peer or a reader that goes away must never kill us silently */
	signal(SIGPIPE, SIG_IGN);
	rc = args_parse(&a, argc, argv, msg, sizeof(msg));
	cmd = &commands[a.command];
	if (rc) {
		/* a command with a usage of its own names it */
		fprintf(stderr, "swanctl: %s\nTry 'swanctl%s%s --help'.\n", msg,
			cmd->usage ? " --" : "", cmd->usage ? cmd->name : "");
		status = status_of(STAGE_USAGE, rc);
	} else if (a.help || (!cmd->run && !cmd->call)) {
		if (cmd->usage)
			fputs(cmd->usage, stdout);
		else
			usage_help(stdout, delegate_program(),
				   delegate_installed());
	} else {
		/* -v 3 and more trace every packet (-v 2: charon's lines) */
		client_init(&client, a.uri, a.timeout_ms,
			    a.debug >= 3 ? stderr : NULL);
		if (cmd->call)
			rc = call_run(cmd->call, &a, &client, &f);
		else
			rc = cmd->run(&a, &client, &f);
		if (rc) {
			report(&f, &a);
			status = status_of(f.stage, rc);
		}
	}
	/* output that could not be written is a failure of its own */
	if (status == STATUS_OK && print_flush(stdout, &f)) {
		report(&f, &a);
		status = status_of(f.stage, f.err);
	}
	args_free(&a);
	print_std_close();
	return status;
}

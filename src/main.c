// SPDX-License-Identifier: MIT
/*
 * swanctl --rekey over VICI: parse -> connect -> send -> receive -> print
 * -> exit status.  The only file that prints diagnostics, shows usage and
 * picks the exit status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "args.h"
#include "client.h"
#include "conf.h"
#include "print.h"
#include "rekey.h"
#include "status.h"
#include "version.h"
#include "vici_wire.h"

#ifndef SWANCTL_VERSION
#define SWANCTL_VERSION "unknown"
#endif

static const char usage_text[] =
	"usage:\n"
	"  swanctl --rekey    (-R)  rekey or reauthenticate IKE_SAs or "
	"CHILD_SAs\n"
	"  swanctl --version  (-V)  print the version; --daemon adds "
	"charon's\n"
	"  swanctl --help     (-h)  print this text\n"
	"global options, before or after the command:\n"
	"  --uri      (-u) URI      VICI socket; default from "
	"strongswan.conf,\n"
	"                           else " ARGS_DEFAULT_URI "\n"
	"  --timeout  SECONDS       limit for the whole command, default 30, "
	"0: none\n"
	"  --debug    (-v) LEVEL    2 or more traces every packet on stderr\n"
	"  --options  (-+) FILE     read more options from FILE\n";

static const char rekey_usage_text[] =
	"usage:\n"
	"  swanctl --rekey --child <name> | --ike <name> | --child-id <id> | "
	"--ike-id <id>\n"
	"                 [--reauth] [--raw|--pretty|--json]\n"
	"                 [--uri <uri>] [--timeout <seconds>]\n"
	"    --child     (-c) NAME  every CHILD_SA of config NAME\n"
	"    --ike       (-i) NAME  every IKE_SA of config NAME\n"
	"    --child-id  (-C) ID    the CHILD_SA with unique id ID\n"
	"    --ike-id    (-I) ID    the IKE_SA with unique id ID\n"
	"    --reauth    (-a)       reauthenticate the IKE_SA instead\n"
	"    --raw       (-r)       print the reply as a raw dump\n"
	"    --pretty    (-P)       print the reply as an indented dump\n"
	"    --json                 print the reply as one JSON object\n"
	"    --uri       (-u) URI   VICI socket; default from "
	"strongswan.conf,\n"
	"                           else " ARGS_DEFAULT_URI "\n"
	"    --timeout   SECONDS    limit for the whole command, default 30, "
	"0: none\n"
	"    --debug     (-v) LEVEL 2 or more traces every packet on stderr\n"
	"    --options   (-+) FILE  read more options from FILE\n"
	"    --help      (-h)       print this text\n";

/* Room for the largest request: a 65535-byte name plus framing. */
static uint8_t request[VICI_MAX_VALUE + 64];
static uint8_t reply_buf[VICI_MAX_FRAME];

static const char *const packet_names[] = {
	[VICI_CMD_REQUEST] = "CMD_REQUEST",
	[VICI_CMD_RESPONSE] = "CMD_RESPONSE",
	[VICI_CMD_UNKNOWN] = "CMD_UNKNOWN",
	[VICI_EVENT_REGISTER] = "EVENT_REGISTER",
	[VICI_EVENT_UNREGISTER] = "EVENT_UNREGISTER",
	[VICI_EVENT_CONFIRM] = "EVENT_CONFIRM",
	[VICI_EVENT_UNKNOWN] = "EVENT_UNKNOWN",
	[VICI_EVENT] = "EVENT",
};

static int connect_failed(const char *uri, int err, int timeout_ms)
{
	const char *hint = "";

	if (err == -ENOENT || err == -ECONNREFUSED)
		hint = " (is charon running?)";
	if (err == -EACCES || err == -EPERM)
		fprintf(stderr,
			"swanctl: cannot connect to '%s': permission denied: "
			"run as root or use a group that can open the socket\n",
			uri);
	else if (err == -EADDRNOTAVAIL)
		fprintf(stderr,
			"swanctl: cannot connect to '%s': host unknown\n", uri);
	else if (err == -ETIMEDOUT)
		fprintf(stderr,
			"swanctl: cannot connect to '%s': no answer within "
			"%g s\n",
			uri, timeout_ms / 1000.0);
	else
		fprintf(stderr, "swanctl: cannot connect to '%s': %s%s\n", uri,
			strerror(-err), hint);
	return status_of(STAGE_CONNECT, err);
}

static int exchange_failed(const char *cmd, const struct client *c, int err,
			   int timeout_ms)
{
	fprintf(stderr, "swanctl: %s request failed: ", cmd);
	switch (err) {
	case -ETIMEDOUT:
		fprintf(stderr, "no reply within %g s\n", timeout_ms / 1000.0);
		break;
	case -ECONNRESET:
		fputs("the daemon closed the connection without replying\n",
		      stderr);
		break;
	case -EPIPE:
		if (c->t.frame_len)
			fprintf(stderr,
				"the daemon closed the connection inside a "
				"frame (%zu of %zu bytes)\n",
				c->t.frame_got, c->t.frame_len);
		else
			fputs("the daemon closed the connection inside a "
			      "frame length\n",
			      stderr);
		break;
	case -EMSGSIZE:
		fprintf(stderr,
			"reply frame of %zu bytes exceeds the limit of %u\n",
			c->t.frame_len, VICI_MAX_FRAME);
		break;
	case -EBADMSG:
		fprintf(stderr, "malformed reply: %s\n",
			c->why ? c->why : "unknown");
		break;
	case -EPROTO:
		if (c->bad_type > VICI_EVENT)
			fprintf(stderr,
				"unknown packet type %d from the daemon\n",
				c->bad_type);
		else
			fprintf(stderr,
				"unexpected %s packet from the daemon\n",
				packet_names[c->bad_type]);
		break;
	case -ENOSYS:
		fprintf(stderr, "the daemon does not know the %s command\n",
			cmd);
		break;
	default:
		fprintf(stderr, "%s\n", strerror(-err));
	}
	return status_of(STAGE_EXCHANGE, err);
}

/* Connect to the URI of A and run one request; 0 or an exit status. */
static int call(const struct args *a, const char *cmd, const uint8_t *req,
		long len, struct client *c, struct vici_packet_view *reply)
{
	const char *uri = a->uri;
	struct endpoint ep;
	int rc;

	if (!uri) {
		const char *file = getenv("STRONGSWAN_CONF");
		static struct conf conf;

		rc = conf_socket(&conf, file ? file : CONF_DEFAULT_FILE);
		if (rc) {
			fprintf(stderr, "swanctl: %s\n", conf.error);
			return status_of(STAGE_USAGE, rc);
		}
		uri = conf.uri ? conf.uri : ARGS_DEFAULT_URI;
	}
	rc = transport_parse_uri(uri, &ep);
	if (rc == -ENAMETOOLONG) {
		fprintf(stderr,
			"swanctl: invalid URI '%s': socket path longer than "
			"%zu bytes\n",
			uri, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		return status_of(STAGE_USAGE, rc);
	}
	if (rc) {
		fprintf(stderr,
			"swanctl: invalid URI '%s': expected unix://PATH or "
			"tcp://HOST:PORT\n",
			uri);
		return status_of(STAGE_USAGE, rc);
	}
	if (len < 0) {
		fprintf(stderr, "swanctl: cannot encode the %s request: %s\n",
			cmd, strerror((int)-len));
		return status_of(STAGE_USAGE, (int)len);
	}
	*c = (struct client){ .buf = reply_buf,
			      .cap = sizeof(reply_buf),
			      .trace = a->debug >= 2 ? stderr : NULL };
	rc = transport_connect(&c->t, &ep, a->timeout_ms);
	if (rc) {
		transport_close(&c->t);
		return connect_failed(uri, rc, a->timeout_ms);
	}
	rc = client_call(c, req, (size_t)len, reply);
	transport_close(&c->t);
	if (rc)
		return exchange_failed(cmd, c, rc, a->timeout_ms);
	return 0;
}

static int rekey(const struct args *a)
{
	struct vici_packet_view reply;
	struct rekey_result res;
	struct client c;
	int rc;

	rc = call(a, "rekey", request,
		  rekey_request(a, request, sizeof(request)), &c, &reply);
	if (rc)
		return rc;
	rc = rekey_result(reply.body, reply.body_len, &res, &c.why);
	if (rc)
		return exchange_failed("rekey", &c, rc, a->timeout_ms);
	switch (a->output) {
	case OUTPUT_RAW:
	case OUTPUT_PRETTY:
		print_dump(stdout, "rekey reply", reply.body, reply.body_len,
			   a->output == OUTPUT_PRETTY);
		break;
	case OUTPUT_JSON:
		print_json(stdout, reply.body, reply.body_len);
		break;
	case OUTPUT_HUMAN:
		break;
	}
	if (a->output == OUTPUT_HUMAN || !res.success)
		rekey_print(&res, stdout, stderr);
	return status_of(STAGE_RESULT, res.success ? 0 : -1);
}

static int version(const struct args *a)
{
	struct vici_packet_view reply;
	struct client c;
	int rc;

	printf("swanctl %s (libc-only VICI client)\n", SWANCTL_VERSION);
	if (!a->daemon)
		return STATUS_OK;
	fflush(stdout);
	rc = call(a, "version", request,
		  version_request(request, sizeof(request)), &c, &reply);
	if (rc)
		return rc;
	version_print_daemon(stdout, reply.body, reply.body_len);
	return STATUS_OK;
}

int main(int argc, char **argv)
{
	char msg[512];
	struct args a;
	int status;

	/* a peer or a reader that goes away must never kill us silently */
	signal(SIGPIPE, SIG_IGN);
	if (args_parse(&a, argc, argv, msg, sizeof(msg))) {
		fprintf(stderr, "swanctl: %s\nTry 'swanctl%s --help'.\n", msg,
			a.command == COMMAND_REKEY ? " --rekey" : "");
		status = STATUS_USAGE;
	} else if (a.command == COMMAND_HELP) {
		fputs(usage_text, stdout);
		status = STATUS_OK;
	} else if (a.help) {
		fputs(a.command == COMMAND_REKEY ? rekey_usage_text
						 : usage_text,
		      stdout);
		status = STATUS_OK;
	} else if (a.command == COMMAND_VERSION) {
		status = version(&a);
	} else {
		status = rekey(&a);
	}
	args_free(&a);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "swanctl: writing output: %s\n",
			strerror(errno));
		if (status == STATUS_OK)
			status = STATUS_REFUSED;
	}
	return status;
}

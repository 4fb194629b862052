// SPDX-License-Identifier: MIT
/*
 * swanctl --rekey and --list-sas over VICI: parse -> connect -> send ->
 * receive -> print -> exit status.  The only file that prints diagnostics,
 * shows usage and picks the exit status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "args.h"
#include "client.h"
#include "conf.h"
#include "list.h"
#include "print.h"
#include "rekey.h"
#include "status.h"
#include "version.h"
#include "wait.h"
#include "vici_wire.h"

#ifndef SWANCTL_VERSION
#define SWANCTL_VERSION "unknown"
#endif

static const char usage_text[] =
	"usage:\n"
	"  swanctl --rekey    (-R)  rekey or reauthenticate IKE_SAs or "
	"CHILD_SAs\n"
	"  swanctl --list-sas (-l)  list IKE_SAs and CHILD_SAs with their "
	"ids\n"
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

/* The global options and --help, as every command's usage lists them. */
#define COMMON_OPTIONS                                                         \
	"    --uri       (-u) URI   VICI socket; default from "                \
	"strongswan.conf,\n"                                                   \
	"                           else " ARGS_DEFAULT_URI "\n"               \
	"    --timeout   SECONDS    limit for the whole command, default 30, " \
	"0: none\n"                                                            \
	"    --debug     (-v) LEVEL 2 or more traces every packet on stderr\n" \
	"    --options   (-+) FILE  read more options from FILE\n"             \
	"    --help      (-h)       print this text\n"

static const char list_usage_text[] =
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

static const char rekey_usage_text[] =
	"usage:\n"
	"  swanctl --rekey --child <name> | --ike <name> | --child-id <id> | "
	"--ike-id <id>\n"
	"                 [--reauth] [--wait] [--raw|--pretty|--json]\n"
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
	"rekeyed\n" COMMON_OPTIONS;

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

/* Find the socket (A's --uri, else strongswan.conf) and connect C to it;
 * 0 or an exit status. */
static int open_client(const struct args *a, struct client *c)
{
	static struct conf conf;
	const char *uri = a->uri;
	struct endpoint ep;
	int rc;

	if (!uri) {
		const char *file = getenv("STRONGSWAN_CONF");

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
	*c = (struct client){ .buf = reply_buf,
			      .cap = sizeof(reply_buf),
			      .trace = a->debug >= 2 ? stderr : NULL };
	rc = transport_connect(&c->t, &ep, a->timeout_ms);
	if (rc) {
		transport_close(&c->t);
		return connect_failed(uri, rc, a->timeout_ms);
	}
	return 0;
}

/* Send the request of LEN bytes in `request` and take its validated reply;
 * 0 or an exit status. */
static int call(const struct args *a, const char *cmd, long len,
		struct client *c, struct vici_packet_view *reply,
		client_event_fn on_event, void *ctx)
{
	int rc;

	if (len < 0) {
		fprintf(stderr, "swanctl: cannot encode the %s request: %s\n",
			cmd, strerror((int)-len));
		return status_of(STAGE_USAGE, (int)len);
	}
	rc = client_call(c, request, (size_t)len, reply, on_event, ctx);
	return rc ? exchange_failed(cmd, c, rc, a->timeout_ms) : 0;
}

static int subscribe(const struct args *a, struct client *c, int type,
		     const char *event)
{
	int rc = client_register(c, type, event);

	if (rc == -ENOTSUP) {
		fprintf(stderr,
			"swanctl: the daemon does not know the %s "
			"event\n",
			event);
		return status_of(STAGE_EXCHANGE, rc);
	}
	return rc ? exchange_failed("event registration", c, rc, a->timeout_ms)
		  : 0;
}

/* Print the reply as asked; 0 if the daemon accepted, else the status. */
static int rekey_verdict(const struct args *a, struct client *c,
			 const struct vici_packet_view *reply)
{
	struct rekey_result res;
	int rc;

	rc = rekey_result(reply->body, reply->body_len, &res, &c->why);
	if (rc)
		return exchange_failed("rekey", c, rc, a->timeout_ms);
	if (a->output == OUTPUT_RAW || a->output == OUTPUT_PRETTY)
		print_dump(stdout, "rekey reply", reply->body, reply->body_len,
			   a->output == OUTPUT_PRETTY);
	if (a->output == OUTPUT_JSON && !a->wait)
		print_json(stdout, reply->body, reply->body_len);
	if ((a->output == OUTPUT_HUMAN && !a->wait) || !res.success)
		rekey_print(&res, stdout, stderr);
	return status_of(STAGE_RESULT, res.success ? 0 : -1);
}

struct waiting {
	const struct args *a;
	struct wait w;
	int down;
};

static int is_list_sa(const struct vici_packet_view *ev)
{
	return ev->name && ev->name_len == 7 && !memcmp(ev->name, "list-sa", 7);
}

static int learn(void *ctx, const struct vici_packet_view *ev)
{
	struct waiting *wt = ctx;
	const char *why;

	if (!is_list_sa(ev) || vici_validate(ev->body, ev->body_len, &why))
		return 0; /* a broken listing teaches nothing */
	return wait_learn(&wt->w, ev->body, ev->body_len);
}

static void report(void *ctx, const struct wait_sa *sa)
{
	struct waiting *wt = ctx;

	if (sa->state == WAIT_DONE) {
		wait_print(stdout, sa, wt->a->reauth,
			   wt->a->output == OUTPUT_JSON);
		fflush(stdout);
		return;
	}
	wt->down = 1;
	fputs("swanctl: ", stderr);
	wait_print_sa(stderr, sa);
	fputs(" went down instead of rekeying\n", stderr);
}

/* --wait: learn the matched SAs, subscribe, rekey, follow the events. */
static int rekey_wait(const struct args *a, struct client *c,
		      struct waiting *wt)
{
	static const char *const events[] = { "ike-rekey", "child-rekey",
					      "ike-updown", "child-updown" };
	struct vici_packet_view p;
	int rc;

	rc = subscribe(a, c, VICI_EVENT_REGISTER, "list-sa");
	if (!rc)
		rc = call(a, "list-sas",
			  wait_list_request(a, request, sizeof(request)), c, &p,
			  learn, wt);
	if (!rc)
		rc = subscribe(a, c, VICI_EVENT_UNREGISTER, "list-sa");
	for (size_t i = 0; i < 4 && !rc; i++)
		rc = subscribe(a, c, VICI_EVENT_REGISTER, events[i]);
	/* events before the reply belong to earlier work: never counted */
	if (!rc)
		rc = call(a, "rekey",
			  rekey_request(a, request, sizeof(request)), c, &p,
			  NULL, NULL);
	if (!rc)
		rc = rekey_verdict(a, c, &p);
	if (rc)
		return rc;
	if (wt->w.count == 0) {
		fputs("swanctl: no matching SA was up before the rekey: "
		      "nothing to wait for\n",
		      stderr);
		return STATUS_REFUSED;
	}
	while (wait_pending(&wt->w)) {
		const char *why;

		rc = client_recv(c, &p);
		if (rc == -ETIMEDOUT)
			break;
		if (rc)
			return exchange_failed("rekey", c, rc, a->timeout_ms);
		if (p.type != VICI_EVENT) {
			c->bad_type = p.type;
			return exchange_failed("rekey", c, -EPROTO,
					       a->timeout_ms);
		}
		rc = vici_validate(p.body, p.body_len, &why);
		if (rc) {
			c->why = why;
			return exchange_failed("rekey", c, rc, a->timeout_ms);
		}
		wait_event(&wt->w, p.name, p.name_len, p.body, p.body_len,
			   report, wt);
	}
	for (size_t i = 0; i < wt->w.count; i++) {
		if (wt->w.sa[i].state != WAIT_PENDING)
			continue;
		fputs("swanctl: ", stderr);
		wait_print_sa(stderr, &wt->w.sa[i]);
		fprintf(stderr, " did not finish rekeying within %g s\n",
			a->timeout_ms / 1000.0);
	}
	if (wait_pending(&wt->w))
		return STATUS_TIMEOUT;
	return wt->down ? STATUS_REFUSED : STATUS_OK;
}

static int rekey(const struct args *a)
{
	struct vici_packet_view reply;
	struct client c;
	int rc;

	rc = open_client(a, &c);
	if (rc)
		return rc;
	if (a->wait) {
		struct waiting wt = { .a = a };

		wait_init(&wt.w, a);
		rc = rekey_wait(a, &c, &wt);
		wait_free(&wt.w);
	} else {
		rc = call(a, "rekey",
			  rekey_request(a, request, sizeof(request)), &c,
			  &reply, NULL, NULL);
		if (!rc)
			rc = rekey_verdict(a, &c, &reply);
	}
	transport_close(&c.t);
	return rc;
}

struct listing {
	const struct args *a;
	struct client *c;
};

static int list_event(void *ctx, const struct vici_packet_view *ev)
{
	const struct listing *l = ctx;
	const struct args *a = l->a;
	const char *why = NULL;

	if (!is_list_sa(ev))
		return 0;
	/* one pass: a malformed event ends the listing where it breaks */
	switch (a->output) {
	case OUTPUT_RAW:
	case OUTPUT_PRETTY:
		why = print_dump(stdout, "list-sa event", ev->body,
				 ev->body_len, a->output == OUTPUT_PRETTY);
		break;
	case OUTPUT_JSON:
		why = print_json(stdout, ev->body, ev->body_len);
		break;
	case OUTPUT_HUMAN:
		why = list_print_event(stdout, ev->body, ev->body_len);
		break;
	}
	l->c->why = why;
	return why ? -EBADMSG : 0;
}

/* --list-sas: each list-sa event printed as it arrives, then the reply. */
static int list_sas(const struct args *a)
{
	struct vici_packet_view reply;
	struct client c;
	struct listing l = { a, &c };
	int rc;

	rc = open_client(a, &c);
	if (rc)
		return rc;
	/* only this thread writes: skip stdio's lock on every call */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	rc = subscribe(a, &c, VICI_EVENT_REGISTER, "list-sa");
	if (!rc)
		rc = call(a, "list-sas",
			  list_request(a, request, sizeof(request)), &c, &reply,
			  list_event, &l);
	if (!rc && (a->output == OUTPUT_RAW || a->output == OUTPUT_PRETTY))
		print_dump(stdout, "list-sas reply", reply.body, reply.body_len,
			   a->output == OUTPUT_PRETTY);
	if (!rc)
		rc = subscribe(a, &c, VICI_EVENT_UNREGISTER, "list-sa");
	transport_close(&c.t);
	return rc;
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
	rc = open_client(a, &c);
	if (rc)
		return rc;
	rc = call(a, "version", version_request(request, sizeof(request)), &c,
		  &reply, NULL, NULL);
	if (!rc)
		version_print_daemon(stdout, reply.body, reply.body_len);
	transport_close(&c.t);
	return rc;
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
			a.command == COMMAND_REKEY	? " --rekey"
			: a.command == COMMAND_LIST_SAS ? " --list-sas"
							: "");
		status = STATUS_USAGE;
	} else if (a.command == COMMAND_HELP) {
		fputs(usage_text, stdout);
		status = STATUS_OK;
	} else if (a.help) {
		fputs(a.command == COMMAND_REKEY      ? rekey_usage_text
		      : a.command == COMMAND_LIST_SAS ? list_usage_text
						      : usage_text,
		      stdout);
		status = STATUS_OK;
	} else if (a.command == COMMAND_LIST_SAS) {
		status = list_sas(&a);
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

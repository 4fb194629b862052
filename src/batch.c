// SPDX-License-Identifier: MIT
/*
 * --rekey --wait and --rekey --batch N: one run for both.  List the SAs the
 * selector matches, then rekey them, with --wait in one request by the
 * selector, with --batch by unique id with at most N in flight, starting
 * the next as each one finishes; the tracker judges every SA alike and the
 * outcome writer words it.  --sa-timeout bounds each SA of a batch,
 * --timeout the whole run.  SIGINT and SIGTERM stop it at once: nothing
 * new starts, and every SA not finished is reported.  SAs that come up
 * after the listing are never touched: the list is fixed before the first
 * rekey.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "batch.h"
#include "clock.h"
#include "follow.h"
#include "outcome.h"
#include "print.h"
#include "request.h"
#include "track.h"

/* The progress line is redrawn at most this often (and once a second). */
#define BATCH_REDRAW_MS 200

struct run {
	const struct args *a;
	struct client *c;
	struct failure *f;
	struct track w;
	struct outcome o;
	size_t next;	  /* --batch: the next SA of the listing to start */
	size_t head;	  /* --batch: the oldest started that may be in
			   * flight (--sa-timeout runs out in start order) */
	size_t in_flight; /* started and pending */
	int64_t *due;	  /* --batch: each SA's --sa-timeout deadline */
	int sent;	  /* --wait: the one rekey request is sent */
	int asked;	  /* a rekey request awaits its reply */
	size_t asked_sa;  /* --batch: the SA it names */
	int tty;     /* stderr is a terminal: a progress line lives there */
	int out_tty; /* so is stdout: its lines clear the progress line */
	int shown;   /* the progress line is on the screen */
	int64_t start_ms, drawn_ms;
	int64_t deadline_ms; /* --timeout for the whole run, or -1 */
	sigset_t wait_mask;  /* while waiting: SIGINT and SIGTERM let through */
	int out;	     /* -errno of a failed write to stdout */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* Flush stdout; the first write that fails ends the run (F filled). */
static void flush_out(struct run *r)
{
	if (!r->out)
		r->out = print_flush(stdout, r->f);
}

/* Take the progress line off the screen before anything else is printed. */
static void unshow(struct run *r)
{
	if (r->shown)
		fputs("\r\033[K", stderr);
	r->shown = 0;
}

/* charon's "unable to reauthenticate in CHILD_SA DELETED state, delaying
 * for 14s" in a person's words into OUT: "charon delays the
 * reauthentication by 14 s: a CHILD_SA is still being deleted"; 0 when
 * SAID is not that line. */
static int plain_delay(const char *said, char *out, size_t size)
{
	char what[32], state[32];
	unsigned secs;
	const char *doing;

	if (sscanf(said,
		   "unable to %31s in CHILD_SA %31s state, delaying for %us",
		   what, state, &secs) != 3)
		return 0;
	if (!strncmp(state, "DELET", 5))
		doing = "being deleted";
	else if (!strncmp(state, "REKEY", 5))
		doing = "being rekeyed";
	else if (!strcmp(state, "CREATED") || !strcmp(state, "INSTALLING"))
		doing = "being set up";
	else
		doing = NULL;
	snprintf(out, size, "charon delays the %s by %u s: a CHILD_SA is %s%s",
		 !strcmp(what, "reauthenticate") ? "reauthentication"
		 : !strcmp(what, "rekey")	 ? "rekeying"
						 : what,
		 secs, doing ? "still " : "in state ", doing ? doing : state);
	return 1;
}

/* Terminal columns of stderr, 80 when it does not say. */
static size_t columns(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) || ws.ws_col < 20)
		return 80;
	return ws.ws_col;
}

/* --wait on a terminal: what it waits for and charon's latest word about
 * it, on one line that never wraps (so that \r can take it back). */
static void waiting(struct run *r, int64_t elapsed)
{
	const struct track_sa *sa = NULL;
	char line[512], plain[160];
	const char *said = NULL;
	size_t len, cols = columns();
	FILE *m;

	/* the first SA pending that charon has said something about */
	for (size_t i = 0; i < r->w.count; i++) {
		const struct track_sa *s = &r->w.sa[i];

		if (s->state != TRACK_PENDING)
			continue;
		if (!sa)
			sa = s;
		if (track_said(s)) {
			sa = s;
			said = track_said(s);
			break;
		}
	}
	if (!sa)
		return;
	m = fmemopen(line, sizeof(line), "w");
	if (!m)
		return;
	fprintf(m, "swanctl: waiting %lld s for ", (long long)(elapsed / 1000));
	if (r->w.pending > 1)
		fprintf(m, "%zu of %zu SAs, ", r->w.pending, r->w.count);
	fputs(sa->child ? "CHILD_SA " : "IKE_SA ", m);
	if (sa->name)
		print_escaped(m, (const uint8_t *)sa->name, strlen(sa->name));
	fprintf(m, " #%u: ", sa->id);
	if (!said)
		fprintf(m, "charon has said nothing about its %s yet",
			sa->reauth ? "reauthentication" : "rekeying");
	else if (plain_delay(said, plain, sizeof(plain)))
		fputs(plain, m);
	else {
		fputs("charon: ", m);
		print_escaped(m, (const uint8_t *)said, strlen(said));
	}
	fflush(m);
	len = (size_t)ftell(m);
	fclose(m);
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	/* one column short of the edge, cut between characters */
	if (len > cols - 1) {
		len = cols - 1;
		while (len && ((unsigned char)line[len] & 0xc0) == 0x80)
			len--;
	}
	fprintf(stderr, "\r%.*s\033[K", (int)len, line);
	r->shown = 1;
}

static void progress(struct run *r, int force)
{
	int64_t now = clock_ms(), elapsed = now - r->start_ms;
	size_t finished = r->o.rekeyed + r->o.failed + r->o.timed_out;
	size_t left = r->w.count - finished - r->in_flight;

	if (!r->tty || (!force && now - r->drawn_ms < BATCH_REDRAW_MS))
		return;
	r->drawn_ms = now;
	if (!r->a->batch) {
		waiting(r, elapsed);
		return;
	}
	fprintf(stderr,
		"\rswanctl: %zu rekeyed, %zu failed, %zu in flight, %zu left, "
		"%.1f/s",
		r->o.rekeyed, r->o.failed + r->o.timed_out, r->in_flight, left,
		elapsed > 0 ? (double)finished * 1000.0 / (double)elapsed
			    : 0.0);
	/* in whole numbers: no rate of zero or infinity to convert */
	if (finished && elapsed > 0) {
		uint64_t eta = ((uint64_t)(left + r->in_flight) *
					(uint64_t)elapsed / finished +
				500) /
			       1000;

		fprintf(stderr, ", about %llu:%02llu to go",
			(unsigned long long)(eta / 60),
			(unsigned long long)(eta % 60));
	}
	fputs("\033[K", stderr);
	r->shown = 1;
}

/* The tracker's word on an SA that finished. */
static void report(void *ctx, const struct track_sa *sa)
{
	struct run *r = ctx;

	if (sa->started)
		r->in_flight--;
	if (sa->state == TRACK_DONE) {
		if (r->out_tty)
			unshow(r);
		outcome_done(&r->o, &r->w, sa);
	} else {
		unshow(r);
		outcome_fail(&r->o, &r->w, sa, OUTCOME_TRACKED, NULL, 0);
	}
	progress(r, 0);
}

/* -v 2 and more: charon's lines about the SAs, as swanctl --initiate
 * prints its own (-v 3 adds main.c's packet trace). */
static void stream(void *ctx, const uint8_t *group, size_t group_len,
		   const uint8_t *msg, size_t msg_len)
{
	unshow(ctx);
	fputc('[', stderr);
	if (group)
		print_escaped(stderr, group, group_len);
	else
		fputs("   ", stderr);
	fputs("] ", stderr);
	if (msg)
		print_escaped(stderr, msg, msg_len);
	fputc('\n', stderr);
}

/* SA will not finish: say why (END), and stop following it. */
static void give_up(struct run *r, struct track_sa *sa, enum outcome_end end,
		    double timeout_s, const uint8_t *text, size_t text_len)
{
	if (sa->state != TRACK_PENDING)
		return;
	if (sa->started)
		r->in_flight--;
	unshow(r);
	r->o.timeout_s = timeout_s;
	outcome_fail(&r->o, &r->w, sa, end, text, text_len);
	track_drop(&r->w, sa, TRACK_DOWN);
}

/* Send the next rekey: --wait's one request, or --batch's next SA by its
 * unique id. */
static int start(struct run *r)
{
	struct sa_filter one = { 0 };
	struct track_sa *sa;

	if (!r->a->batch) {
		for (size_t i = 0; i < r->w.count; i++) {
			if (r->w.sa[i].state != TRACK_PENDING)
				continue;
			track_start(&r->w, &r->w.sa[i]);
			r->in_flight++;
		}
		r->sent = r->asked = 1;
		return follow_rekey(r->c, &r->a->filter, r->a->reauth, r->f);
	}
	sa = &r->w.sa[r->next];
	if (sa->child)
		one.child_id = sa->id;
	else
		one.ike_id = sa->id;
	track_start(&r->w, sa);
	r->in_flight++;
	if (r->a->sa_timeout_ms)
		r->due[r->next] = clock_ms() + r->a->sa_timeout_ms;
	r->asked = 1;
	r->asked_sa = r->next++;
	return follow_rekey(r->c, &one, r->a->reauth, r->f);
}

/* A rekey can start now: nothing awaits a reply, and there is room. */
static int can_start(struct run *r)
{
	if (r->asked || stop_signal)
		return 0;
	if (!r->a->batch) /* nothing to ask for when all finished first */
		return !r->sent && r->w.pending;
	while (r->next < r->w.count && r->w.sa[r->next].state != TRACK_PENDING)
		r->next++; /* finished before its turn */
	return r->next < r->w.count && r->in_flight < r->a->batch;
}

/* The reply to our rekey request: charon queued the rekey, or refused. */
static int replied(struct run *r, const struct vici_packet_view *p)
{
	struct verdict res;
	int rc = verdict_read(p->body, p->body_len, &res, &r->f->why);

	if (rc)
		return status_fail(r->f, STAGE_EXCHANGE, "rekey", rc);
	r->asked = 0;
	if (print_view(MESSAGE_REKEY_REPLY_WAIT, r->a->output) != VIEW_NONE) {
		unshow(r);
		/* validated by follow_next: a dump of it cannot fail */
		(void)print_body(stdout, MESSAGE_REKEY_REPLY_WAIT, r->a->output,
				 p->body, p->body_len, NULL, NULL);
		flush_out(r);
	}
	if (res.success)
		return 0;
	/* refused, most often because the SA is gone by now */
	if (r->a->batch) {
		give_up(r, &r->w.sa[r->asked_sa], OUTCOME_REFUSED, 0,
			res.errmsg, res.errmsg_len);
		return 0;
	}
	for (size_t i = 0; i < r->w.count; i++)
		if (r->w.sa[i].started)
			give_up(r, &r->w.sa[i], OUTCOME_REFUSED, 0, res.errmsg,
				res.errmsg_len);
	return 0;
}

/* Give up on the SAs in flight whose --sa-timeout has passed; the next
 * deadline among them, or -1. */
static int64_t expire(struct run *r, int64_t now)
{
	if (!r->a->batch || !r->a->sa_timeout_ms)
		return -1;
	for (; r->head < r->next; r->head++) {
		struct track_sa *sa = &r->w.sa[r->head];

		if (sa->state != TRACK_PENDING)
			continue;
		if (now < r->due[r->head])
			return r->due[r->head];
		give_up(r, sa, OUTCOME_TIMED_OUT, r->a->sa_timeout_ms / 1000.0,
			NULL, 0);
	}
	return -1;
}

static int64_t earlier(int64_t a, int64_t b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

/* Every SA still pending when the run ends early: stopped by a signal,
 * or LATE (--timeout). */
static void leftovers(struct run *r, int late)
{
	double t = r->a->timeout_ms / 1000.0;

	r->o.signal = stop_signal;
	for (size_t i = 0; i < r->w.count; i++) {
		struct track_sa *sa = &r->w.sa[i];
		enum outcome_end end = OUTCOME_NOT_STARTED;

		if (sa->started && !late)
			end = OUTCOME_STOPPED;
		else if (sa->started && r->asked &&
			 (!r->a->batch || r->asked_sa == i))
			end = OUTCOME_NO_REPLY;
		else if (sa->started)
			end = OUTCOME_TIMED_OUT;
		give_up(r, sa, end, t, NULL, 0);
	}
}

/* Start, follow and finish SAs until all are done, time is up, or a
 * signal has stopped the run. */
static int loop(struct run *r)
{
	struct vici_packet_view p;
	int64_t now, until;
	int rc, late = 0;

	r->start_ms = clock_ms();
	while (!stop_signal) {
		if (can_start(r)) {
			rc = start(r);
			if (rc)
				return rc;
			continue;
		}
		progress(r, 0);
		if (!r->w.pending && !r->asked)
			break;
		now = clock_ms();
		if (r->deadline_ms >= 0 && now >= r->deadline_ms) {
			late = 1;
			break;
		}
		until = earlier(r->deadline_ms, expire(r, now));
		if (!r->w.pending && !r->asked)
			continue; /* the last ones just ran out */
		if (r->tty) /* the line's clock and charon's word move on */
			until = earlier(until, now + 1000);
		/* the lines so far go out before we wait: one write for all
		 * that one read brought, not one per SA */
		if (!client_buffered(r->c))
			flush_out(r);
		if (r->out)
			return r->out; /* nobody reads what we report */
		rc = follow_next(r->c, &r->w, until, &r->wait_mask, &p, r->f);
		if (rc == 1)
			rc = replied(r, &p);
		if (rc)
			return rc;
		if (r->out)
			return r->out; /* nobody reads what we report */
	}
	if (stop_signal || late)
		leftovers(r, late);
	unshow(r);
	outcome_summary(&r->o);
	flush_out(r);
	if (r->out)
		return r->out;
	/* each SA's outcome is printed: nothing left for main to say */
	r->f->reported = 1;
	if (stop_signal)
		return status_fail(r->f, STAGE_SIGNAL, NULL,
				   stop_signal == SIGTERM ? -ESHUTDOWN
							  : -EINTR);
	if (late) /* --sa-timeout alone is a failure of its SA: exit 1 */
		return status_fail(r->f, STAGE_RESULT, NULL, -ETIMEDOUT);
	if (r->o.rekeyed < r->o.matched)
		return status_fail(r->f, STAGE_RESULT, NULL, -ECANCELED);
	return 0;
}

/* SIGINT and SIGTERM set stop_signal, and reach us only while we wait. */
static void catch_signals(struct run *r, sigset_t *saved,
			  struct sigaction old[2])
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	stop_signal = 0;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, saved);
	r->wait_mask = *saved;
	sigdelset(&r->wait_mask, SIGINT);
	sigdelset(&r->wait_mask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
}

static void release_signals(const sigset_t *saved,
			    const struct sigaction old[2])
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	sigprocmask(SIG_SETMASK, saved, NULL);
}

int batch_run(const struct args *a, struct client *c, struct failure *f)
{
	struct run r = { .a = a,
			 .c = c,
			 .f = f,
			 .o = { .out = stdout,
				.err = stderr,
				.json = print_view(MESSAGE_SUCCESSOR,
						   a->output) == VIEW_JSON },
			 .tty = isatty(STDERR_FILENO),
			 .out_tty = isatty(STDOUT_FILENO) };
	struct sigaction old[2];
	sigset_t saved;
	int rc;

	track_init(&r.w, &a->filter, a->reauth);
	r.w.report = report;
	r.w.ctx = &r;
	if (a->debug >= 2)
		r.w.log = stream;
	rc = client_open(c, f);
	if (rc)
		goto out;
	r.deadline_ms = c->t.deadline_ms;
	rc = follow_open(c, &r.w, f);
	if (rc)
		goto out;
	/* SAs that finished while the list came are done already */
	r.o.matched = r.w.count;
	if (r.w.count == 0) {
		/* --json says so in its own words too: a summary of nothing */
		outcome_summary(&r.o);
		flush_out(&r);
		rc = r.out; /* could not say it: exit 6 */
		if (!rc) {
			f->why = "no matching SA was up: nothing to rekey";
			rc = status_fail(f, STAGE_RESULT, NULL, -ENOENT);
		}
		goto out;
	}
	if (a->batch && a->sa_timeout_ms &&
	    !(r.due = calloc(r.w.count, sizeof(*r.due)))) {
		rc = status_fail(f, STAGE_EXCHANGE, "rekey", -ENOMEM);
		goto out;
	}
	catch_signals(&r, &saved, old);
	rc = loop(&r);
	unshow(&r);
	release_signals(&saved, old);
	/* a write that fails is reported before the connection closes */
	if (!rc)
		rc = print_flush(stdout, f);
out:
	client_close(c);
	free(r.due);
	track_free(&r.w);
	return rc;
}

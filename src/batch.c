// SPDX-License-Identifier: MIT
/*
 * --rekey --batch N: list the SAs the selector matches, then rekey them by
 * unique id, at most N in flight, starting the next as each one finishes
 * (its successor reported, a failure, or gone).  --sa-timeout bounds each
 * one, --timeout the whole run.  SIGINT and SIGTERM stop the starting and
 * give what is in flight a short grace to finish.  SAs that come up after
 * the listing are never touched: the list is fixed before the first rekey.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "print.h"
#include "rekey.h"
#include "vici.h"
#include "wait.h"

/* How long SAs in flight may still finish after SIGINT or SIGTERM. */
#define BATCH_GRACE_MS 2000
/* The progress line is redrawn at most this often (and once a second). */
#define BATCH_REDRAW_MS 200
/* A rekey request by unique id: a few keys, never near VICI's limits. */
#define BATCH_REQUEST 128

/* A rekey in flight. */
struct slot {
	int used;
	int child;
	uint32_t id;
	size_t index;	     /* in the listing */
	int64_t deadline_ms; /* --sa-timeout, or -1 */
};

struct batch {
	const struct args *a;
	struct client *c;
	struct wait list;   /* the SAs matched before the first rekey */
	struct wait follow; /* those started, followed until each finishes */
	struct slot *slot;  /* a->batch of them */
	size_t next;	    /* the next SA of the listing to start */
	size_t in_flight;
	size_t rekeyed, failed, timed_out, stopped;
	int json;
	int tty;     /* stderr is a terminal: a progress line lives there */
	int out_tty; /* so is stdout: its lines clear the progress line */
	int shown;   /* the progress line is on the screen */
	int64_t start_ms, drawn_ms;
	int64_t deadline_ms; /* --timeout for the whole run, or -1 */
	sigset_t wait_mask;  /* while waiting: SIGINT and SIGTERM let through */
	char why[1024];	     /* reason() */
	struct failure *f;   /* where a failed write to stdout is recorded */
	int out;	     /* that write's -errno */
};

static volatile sig_atomic_t stop_signal, signals;

static void on_signal(int sig)
{
	stop_signal = sig;
	signals++;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Flush stdout; the first write that fails ends the run (F filled). */
static void flush_out(struct batch *b)
{
	if (!b->out)
		b->out = print_flush(stdout, b->f);
}

/* Take the progress line off the screen before anything else is printed. */
static void unshow(struct batch *b)
{
	if (b->shown)
		fputs("\r\033[K", stderr);
	b->shown = 0;
}

static void progress(struct batch *b, int force)
{
	int64_t now = now_ms(), eta;
	size_t finished = b->rekeyed + b->failed + b->timed_out;
	size_t left = b->list.count - b->next;
	double secs = (double)(now - b->start_ms) / 1000.0;
	double rate = secs > 0 ? (double)finished / secs : 0;

	if (!b->tty || (!force && now - b->drawn_ms < BATCH_REDRAW_MS))
		return;
	b->drawn_ms = now;
	fprintf(stderr,
		"\rswanctl: %zu rekeyed, %zu failed, %zu in flight, %zu left, "
		"%.1f/s",
		b->rekeyed, b->failed + b->timed_out, b->in_flight, left, rate);
	if (finished) {
		eta = (int64_t)((double)(left + b->in_flight) / rate + 0.5);
		fprintf(stderr, ", about %lld:%02lld to go",
			(long long)(eta / 60), (long long)(eta % 60));
	}
	fputs("\033[K", stderr);
	b->shown = 1;
}

/* The old SA's ids as wait_print's JSON gives them. */
static void json_old(const struct wait_sa *sa)
{
	fprintf(stdout,
		"\"old\":{\"uniqueid\":\"%u\",\"%s\":", (unsigned)sa->id,
		sa->child ? "spi-in" : "initiator-spi");
	print_json_string(stdout, (const uint8_t *)sa->spi[0],
			  strlen(sa->spi[0]));
	fprintf(stdout, ",\"%s\":", sa->child ? "spi-out" : "responder-spi");
	print_json_string(stdout, (const uint8_t *)sa->spi[1],
			  strlen(sa->spi[1]));
	fputc('}', stdout);
}

/* SA did not rekey: REASON after its name on stderr, and under --json
 * its object on stdout with REASON as "error". */
static void fail_line(struct batch *b, const struct wait_sa *sa,
		      const char *reason)
{
	unshow(b);
	fputs("swanctl: ", stderr);
	wait_print_sa(stderr, sa);
	fprintf(stderr, " %s\n", reason);
	if (!b->json)
		return;
	fprintf(stdout,
		"{\"sa\":\"%s\",\"name\":", sa->child ? "CHILD_SA" : "IKE_SA");
	print_json_string(stdout, (const uint8_t *)sa->name, strlen(sa->name));
	fputs(",\"ike\":", stdout);
	print_json_string(stdout, (const uint8_t *)sa->ike, strlen(sa->ike));
	fprintf(stdout, ",\"%s\":false,",
		b->a->reauth && !sa->child ? "reauthenticated" : "rekeyed");
	json_old(sa);
	fputs(",\"error\":", stdout);
	print_json_string(stdout, (const uint8_t *)reason, strlen(reason));
	fputs("}\n", stdout);
	flush_out(b);
}

/* PREFIX, then how SA ended as wait.c words it (for one still pending:
 * not within TIMEOUT_S, and what charon last logged about it), or TEXT
 * (the daemon's words, escaped) when not NULL; in b->why. */
static const char *reason(struct batch *b, const struct wait_sa *sa,
			  const char *prefix, double timeout_s,
			  const uint8_t *text, size_t text_len)
{
	FILE *f = fmemopen(b->why, sizeof(b->why), "w");
	char *s = b->why;
	size_t n;

	b->why[0] = '\0';
	if (!f)
		return prefix;
	fputs(prefix, f);
	if (text)
		print_escaped(f, text, text_len);
	else
		wait_print_end(f, &b->follow, sa, timeout_s);
	fclose(f);
	b->why[sizeof(b->why) - 1] = '\0';
	n = strlen(s);
	while (n && s[n - 1] == '\n')
		s[--n] = '\0';
	return s[0] == ' ' ? s + 1 : s;
}

static struct slot *slot_of(struct batch *b, int child, uint32_t id)
{
	for (size_t i = 0; i < b->a->batch; i++)
		if (b->slot[i].used && b->slot[i].child == child &&
		    b->slot[i].id == id)
			return &b->slot[i];
	return NULL;
}

static struct slot *free_slot(struct batch *b)
{
	for (size_t i = 0; i < b->a->batch; i++)
		if (!b->slot[i].used)
			return &b->slot[i];
	return NULL; /* never: called with fewer than a->batch in flight */
}

static void release(struct batch *b, struct slot *s)
{
	s->used = 0;
	b->in_flight--;
}

/* Called by wait_event for each SA in flight that finishes. */
static void report(void *ctx, const struct wait_sa *sa)
{
	struct batch *b = ctx;
	struct slot *s = slot_of(b, sa->child, sa->id);

	if (!s)
		return;
	release(b, s);
	if (sa->state == WAIT_DONE) {
		b->rekeyed++;
		if (b->out_tty)
			unshow(b);
		wait_print(stdout, sa, b->a->reauth, b->json);
		flush_out(b);
	} else {
		b->failed++;
		fail_line(b, sa, reason(b, sa, "", 0, NULL, 0));
	}
	progress(b, 0);
}

static int on_event(void *ctx, const struct vici_packet_view *ev,
		    struct failure *f)
{
	struct batch *b = ctx;
	int rc = vici_validate(ev->body, ev->body_len, &f->why);

	if (rc)
		return status_fail(f, STAGE_EXCHANGE, "rekey", rc);
	wait_event(&b->follow, ev->name, ev->name_len, ev->body, ev->body_len,
		   report, b);
	return 0;
}

/* Rekey the next SA of the listing by its unique id. */
static int start(struct batch *b, struct failure *f)
{
	const struct wait_sa *sa = &b->list.sa[b->next];
	struct sa_filter one = { 0 };
	uint8_t req[BATCH_REQUEST];
	struct vici_packet_view reply;
	struct rekey_result res;
	struct slot *s = free_slot(b);
	size_t len;
	int rc;

	if (sa->child)
		one.child_id = sa->id;
	else
		one.ike_id = sa->id;
	rc = rekey_request(&one, b->a->reauth, req, sizeof(req), &len);
	if (rc)
		return status_fail(f, STAGE_ENCODE, "rekey", rc);
	/* followed from before the request: its events may come first */
	rc = wait_add(&b->follow, sa);
	if (rc)
		return status_fail(f, STAGE_EXCHANGE, "rekey", rc);
	*s = (struct slot){ .used = 1,
			    .child = sa->child,
			    .id = sa->id,
			    .index = b->next++,
			    .deadline_ms = -1 };
	if (b->a->sa_timeout_ms)
		s->deadline_ms = now_ms() + b->a->sa_timeout_ms;
	b->in_flight++;
	rc = client_call(b->c, "rekey", req, len, &reply, on_event, b, f);
	if (rc)
		return rc;
	rc = rekey_result(reply.body, reply.body_len, &res, &f->why);
	if (rc)
		return status_fail(f, STAGE_EXCHANGE, "rekey", rc);
	if (print_view(MESSAGE_REKEY_REPLY_WAIT, b->a->output) != VIEW_NONE) {
		unshow(b);
		/* decoded by rekey_result: a dump of it cannot fail */
		(void)print_body(stdout, MESSAGE_REKEY_REPLY_WAIT, b->a->output,
				 reply.body, reply.body_len, NULL, NULL);
	}
	if (res.success || !s->used)
		return 0; /* followed, or already finished by an event */
	/* refused, most often because the SA is gone by now */
	fail_line(b, sa,
		  reason(b, sa, "rekey failed: ", 0,
			 res.errmsg ? res.errmsg : (const uint8_t *)"",
			 res.errmsg_len));
	wait_drop(&b->follow, sa->child, sa->id);
	release(b, s);
	b->failed++;
	return 0;
}

/* Stop following the SA in flight in S, reported with PREFIX: what it has
 * not done within TIMEOUT_S (0: PREFIX alone). */
static void give_up(struct batch *b, struct slot *s, const char *prefix,
		    double timeout_s)
{
	const struct wait_sa *sa = wait_find(&b->follow, s->child, s->id);

	if (!sa)
		sa = &b->list.sa[s->index];
	if (timeout_s > 0)
		fail_line(b, sa, reason(b, sa, prefix, timeout_s, NULL, 0));
	else
		fail_line(b, sa, prefix);
	wait_drop(&b->follow, s->child, s->id);
	release(b, s);
}

/* Give up on the SAs in flight whose --sa-timeout has passed. */
static void expire(struct batch *b, int64_t now)
{
	for (size_t i = 0; i < b->a->batch; i++) {
		struct slot *s = &b->slot[i];

		if (!s->used || s->deadline_ms < 0 || now < s->deadline_ms)
			continue;
		give_up(b, s, "timed out:", b->a->sa_timeout_ms / 1000.0);
		b->timed_out++;
	}
}

/* Give up on every SA still in flight, reported as give_up() does;
 * counted in *COUNT. */
static void abandon(struct batch *b, const char *prefix, double timeout_s,
		    size_t *count)
{
	for (size_t i = 0; i < b->a->batch; i++) {
		if (!b->slot[i].used)
			continue;
		give_up(b, &b->slot[i], prefix, timeout_s);
		++*count;
	}
}

static int64_t earlier(int64_t a, int64_t b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

/* Wait until a packet comes (and take it), a signal, or UNTIL (-1: none). */
static int wait_packet(struct batch *b, int64_t until, struct failure *f)
{
	struct pollfd pfd = { .fd = b->c->t.fd, .events = POLLIN };
	struct vici_packet_view p;
	struct timespec ts, *tsp = NULL;
	int n, rc;

	if (until >= 0) {
		int64_t left = until - now_ms();

		if (left < 0)
			left = 0;
		ts = (struct timespec){ left / 1000, (left % 1000) * 1000000 };
		tsp = &ts;
	}
	n = ppoll(&pfd, 1, tsp, &b->wait_mask);
	if (n < 0 && errno != EINTR)
		return status_fail(f, STAGE_EXCHANGE, "rekey", -errno);
	if (n <= 0)
		return 0;
	rc = client_recv(b->c, "rekey", &p, f);
	if (rc == -ETIMEDOUT)
		return 0; /* the run's deadline: the loop says so */
	if (rc)
		return rc;
	if (p.type != VICI_EVENT) {
		f->packet_type = p.type;
		return status_fail(f, STAGE_EXCHANGE, "rekey", -EPROTO);
	}
	return on_event(b, &p, f);
}

static void summary(struct batch *b)
{
	static const char *const words[] = { "failed", "timed out",
					     "stopped in flight",
					     "not started" };
	size_t n[] = { b->failed, b->timed_out, b->stopped,
		       b->list.count - b->next };

	unshow(b);
	if (b->json) {
		printf("{\"summary\":{\"matched\":%zu,\"rekeyed\":%zu,"
		       "\"failed\":%zu,\"timed_out\":%zu,\"stopped\":%zu,"
		       "\"not_started\":%zu}}\n",
		       b->list.count, b->rekeyed, n[0], n[1], n[2], n[3]);
		flush_out(b);
	}
	if (b->rekeyed == b->list.count)
		return;
	fprintf(stderr, "swanctl: %zu of %zu SAs rekeyed", b->rekeyed,
		b->list.count);
	for (size_t i = 0; i < 4; i++)
		if (n[i])
			fprintf(stderr, ", %zu %s", n[i], words[i]);
	fputc('\n', stderr);
}

/* Start, follow and finish SAs until all are done, time is up, or a
 * signal has stopped the run. */
static int run(struct batch *b, struct failure *f)
{
	int64_t grace = -1, now, until;
	int rc, late;

	b->start_ms = now_ms();
	for (;;) {
		while (!stop_signal && b->in_flight < b->a->batch &&
		       b->next < b->list.count) {
			rc = start(b, f);
			if (rc || b->out)
				return rc ? rc : b->out;
		}
		progress(b, 0);
		if (!b->in_flight && (stop_signal || b->next == b->list.count))
			break;
		now = now_ms();
		if (stop_signal && grace < 0)
			grace = now + BATCH_GRACE_MS;
		if (b->deadline_ms >= 0 && now >= b->deadline_ms)
			break;
		if (grace >= 0 && (now >= grace || signals > 1))
			break;
		expire(b, now);
		until = earlier(b->deadline_ms, grace);
		for (size_t i = 0; i < b->a->batch; i++)
			if (b->slot[i].used)
				until = earlier(until, b->slot[i].deadline_ms);
		if (b->tty)
			until = earlier(until, now + 1000);
		if (b->in_flight) {
			rc = wait_packet(b, until, f);
			if (rc || b->out)
				return rc ? rc : b->out;
		}
	}
	late = !stop_signal && (b->in_flight || b->next < b->list.count);
	if (stop_signal)
		abandon(b,
			stop_signal == SIGTERM
				? "still rekeying when stopped by SIGTERM"
				: "still rekeying when stopped by SIGINT",
			0, &b->stopped);
	else if (late)
		abandon(b, "", b->a->timeout_ms / 1000.0, &b->timed_out);
	summary(b);
	if (b->out)
		return b->out; /* nobody reads what we report */
	/* each SA's outcome is printed: nothing left for main to say */
	f->reported = 1;
	if (stop_signal)
		return status_fail(f, STAGE_SIGNAL, NULL,
				   stop_signal == SIGTERM ? -ESHUTDOWN
							  : -EINTR);
	if (late)
		return status_fail(f, STAGE_RESULT, NULL, -ETIMEDOUT);
	if (b->rekeyed < b->list.count)
		return status_fail(f, STAGE_RESULT, NULL, -ECANCELED);
	return 0;
}

/* SIGINT and SIGTERM set stop_signal, and reach us only while we wait. */
static void catch_signals(struct batch *b, sigset_t *saved,
			  struct sigaction old[2])
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	stop_signal = signals = 0;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, saved);
	b->wait_mask = *saved;
	sigdelset(&b->wait_mask, SIGINT);
	sigdelset(&b->wait_mask, SIGTERM);
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
	struct batch b = { .a = a,
			   .c = c,
			   .f = f,
			   .json = a->output == OUTPUT_JSON,
			   .tty = isatty(STDERR_FILENO),
			   .out_tty = isatty(STDOUT_FILENO),
			   .deadline_ms = c->t.deadline_ms };
	struct sigaction old[2];
	sigset_t saved;
	int rc = 0;

	wait_init(&b.list, &a->filter, a->reauth);
	wait_init(&b.follow, &a->filter, a->reauth);
	b.slot = calloc(a->batch, sizeof(*b.slot));
	if (!b.slot)
		rc = status_fail(f, STAGE_EXCHANGE, "rekey", -ENOMEM);
	if (!rc)
		rc = wait_list(&b.list, c, f);
	if (!rc)
		rc = wait_subscribe(&b.follow, c, f);
	if (!rc && b.list.count == 0) {
		/* --json says so in its own words too: a summary of nothing */
		summary(&b);
		rc = b.out; /* could not say it: exit 6 */
		if (!rc) {
			f->why = "no matching SA was up: nothing to rekey";
			rc = status_fail(f, STAGE_RESULT, NULL, -ENOENT);
		}
	}
	if (!rc) {
		catch_signals(&b, &saved, old);
		rc = run(&b, f);
		unshow(&b);
		release_signals(&saved, old);
	}
	free(b.slot);
	wait_free(&b.list);
	wait_free(&b.follow);
	return rc;
}

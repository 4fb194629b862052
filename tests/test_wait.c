// SPDX-License-Identifier: MIT
/*
 * --wait's matching as a table: each row is a selector, the listing that
 * teaches it the SAs, the events that follow, and the report lines they
 * must give.  Messages are written in a small notation and encoded with
 * the project's encoder: "name{" opens a section, "}" closes it, "k=v" is
 * a key/value, words are separated by blanks; %XX in a value is that byte
 * (%20 a blank).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vici.h"
#include "wait.h"

#define MAX_EVENTS 8

struct row {
	const char *what;
	struct sa_filter filter;
	int reauth;
	const char *listing;		/* one list-sa event body */
	const char *events[MAX_EVENTS]; /* "event-name: body" */
	const char *want;		/* report lines, then "pending N" */
};

#define NET1                                                                   \
	"home{ uniqueid=1 state=ESTABLISHED child-sas{ net-1{ name=net "       \
	"uniqueid=1 state=INSTALLED spi-in=c1 spi-out=c2 } net2-2{ "           \
	"name=net2 uniqueid=2 state=INSTALLED } } }"

/* clang-format off */
static const struct row rows[] = {
	{ "a CHILD_SA rekey names its successor", { .child = "net" }, 0, NET1,
	  { "child-rekey: home{ uniqueid=1 child-sas{ net{ name=net "
	    "old{ uniqueid=1 spi-in=c1 spi-out=c2 } new{ uniqueid=3 "
	    "spi-in=d1 spi-out=d2 } } } }" },
	  "CHILD_SA net #1 rekeyed, new CHILD_SA #3\npending 0\n" },
	{ "another CHILD_SA's rekey changes nothing", { .child = "net" }, 0,
	  NET1,
	  { "child-rekey: home{ child-sas{ net2{ name=net2 "
	    "old{ uniqueid=2 } new{ uniqueid=4 } } } }" },
	  "pending 1\n" },
	{ "a successor is paired by config names too", { .child = "net" }, 0,
	  NET1,
	  { "child-rekey: office{ child-sas{ net{ old{ uniqueid=1 } "
	    "new{ uniqueid=3 } } } }" },
	  "pending 1\n" },
	{ "a CHILD_SA that goes down", { .child_id = 1 }, 0, NET1,
	  { "child-updown: home{ uniqueid=1 child-sas{ net-1{ name=net "
	    "uniqueid=1 } } }" },
	  "end CHILD_SA net #1 went down instead of rekeying\npending 0\n" },
	{ "a CHILD_SA coming up is not ours going down", { .child_id = 1 }, 0,
	  NET1,
	  { "child-updown: up=yes home{ uniqueid=1 child-sas{ net-1{ "
	    "name=net uniqueid=1 } } }" },
	  "pending 1\n" },
	{ "an IKE_SA rekey", { .ike = "home" }, 0, NET1,
	  { "ike-rekey: home{ old{ uniqueid=1 } new{ uniqueid=5 "
	    "initiator-spi=i responder-spi=r } }" },
	  "IKE_SA home #1 rekeyed, new IKE_SA #5\npending 0\n" },
	{ "a reauthentication: down, then a new IKE_SA of the config",
	  { .ike_id = 1 }, 1, NET1,
	  { "ike-updown: home{ uniqueid=1 }",
	    "ike-updown: up=yes home{ uniqueid=6 }" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #6\npending 0\n" },
	{ "a reauthentication: the new IKE_SA first", { .ike = "home" }, 1,
	  NET1,
	  { "ike-updown: up=yes home{ uniqueid=6 }",
	    "ike-updown: home{ uniqueid=1 }" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #6\npending 0\n" },
	{ "an IKE_SA of another config is no successor", { .ike = "home" }, 1,
	  NET1,
	  { "ike-updown: home{ uniqueid=1 }",
	    "ike-updown: up=yes office{ uniqueid=7 }" },
	  "pending 1\nend IKE_SA home #1 did not finish rekeying within 1 s\n" },
	{ "SAs not up when listed are not waited for", { .child = "net" }, 0,
	  "home{ uniqueid=1 state=CONNECTING child-sas{ net-1{ name=net "
	  "uniqueid=1 state=REKEYED } } }",
	  { NULL },
	  "pending 0\n" },
	{ "ids of both kinds can coincide", { .ike_id = 2 }, 0,
	  "home{ uniqueid=2 state=ESTABLISHED child-sas{ net-2{ name=net "
	  "uniqueid=2 state=INSTALLED } } }",
	  { "child-rekey: home{ child-sas{ net{ name=net old{ uniqueid=2 } "
	    "new{ uniqueid=8 } } } }",
	    "ike-rekey: home{ old{ uniqueid=2 } new{ uniqueid=9 } }" },
	  "IKE_SA home #2 rekeyed, new IKE_SA #9\npending 0\n" },
	/* issue 15 */
	{ "a CHILD_SA's IKE_SA going down takes it along", { .child = "net" },
	  0, NET1, { "ike-updown: home{ uniqueid=1 }" },
	  "end CHILD_SA net #1 went down instead of rekeying\npending 0\n" },
	{ "a refused rekey fails with charon's reason", { .child = "net" }, 0,
	  NET1,
	  { "log: group=IKE level=1 thread=4 ikesa-name=home ikesa-uniqueid=1 "
	    "msg=received%20NO_PROPOSAL_CHOSEN%20notify,%20no%20CHILD_SA%20built",
	    "log: group=IKE thread=4 ikesa-uniqueid=1 "
	    "msg=failed%20to%20establish%20CHILD_SA,%20keeping%20IKE_SA",
	    "log: group=IKE thread=4 ikesa-uniqueid=1 msg=CHILD_SA%20rekeying"
	    "%20failed,%20trying%20again%20in%208%20seconds" },
	  "end CHILD_SA net #1 rekey failed: received NO_PROPOSAL_CHOSEN "
	  "notify, no CHILD_SA built (charon retries in 8 s)\npending 0\n" },
	{ "another IKE_SA's failure is not ours", { .child = "net" }, 0, NET1,
	  { "log: thread=4 ikesa-uniqueid=2 msg=CHILD_SA%20rekeying%20failed" },
	  "pending 1\n" },
	{ "an IKE_SA failure does not fail a CHILD_SA rekey",
	  { .child = "net" }, 0, NET1,
	  { "log: thread=4 ikesa-uniqueid=1 msg=IKE_SA%20rekeying%20failed" },
	  "pending 1\nend CHILD_SA net #1 did not finish rekeying within 1 s; "
	  "charon last logged: IKE_SA rekeying failed\n" },
	{ "two CHILD_SAs of one IKE_SA: a failure names neither",
	  { .child = "net" }, 0,
	  "home{ uniqueid=1 state=ESTABLISHED child-sas{ a{ name=net "
	  "uniqueid=1 state=INSTALLED } b{ name=net uniqueid=2 "
	  "state=INSTALLED } } }",
	  { "log: thread=4 ikesa-uniqueid=1 msg=CHILD_SA%20rekeying%20failed" },
	  "pending 2\nend CHILD_SA net #1 did not finish rekeying within 1 s; "
	  "charon last logged: CHILD_SA rekeying failed\nend CHILD_SA net #2 "
	  "did not finish rekeying within 1 s; charon last logged: CHILD_SA "
	  "rekeying failed\n" },
	{ "a give-up fails the IKE_SA's CHILD_SAs", { .child = "net" }, 0,
	  NET1,
	  { "log: thread=4 ikesa-uniqueid=1 "
	    "msg=giving%20up%20after%205%20retransmits" },
	  "end CHILD_SA net #1 rekey failed: giving up after 5 retransmits\n"
	  "pending 0\n" },
	{ "a reauthentication that fails", { .ike = "home" }, 1, NET1,
	  { "log: thread=4 ikesa-uniqueid=1 "
	    "msg=reauthenticating%20IKE_SA%20failed" },
	  "end IKE_SA home #1 reauthentication failed: reauthenticating "
	  "IKE_SA failed\npending 0\n" },
	{ "reauth: a new IKE_SA of another peer is no successor",
	  { .ike = "home" }, 1,
	  "home{ uniqueid=1 state=ESTABLISHED local-id=gw remote-id=p1 "
	  "remote-host=10.0.0.1 }",
	  { "ike-updown: home{ uniqueid=1 }",
	    "ike-updown: up=yes home{ uniqueid=7 local-id=gw remote-id=p2 "
	    "remote-host=10.0.0.2 }",
	    "ike-updown: up=yes home{ uniqueid=8 local-id=gw remote-id=p1 "
	    "remote-host=10.0.0.9 }" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #8\npending 0\n" },
	{ "reauth: identities shared, the address tells the peer",
	  { .ike = "home" }, 1,
	  "home{ uniqueid=1 state=ESTABLISHED local-id=gw remote-id=%25any "
	  "remote-host=10.0.0.1 } home{ uniqueid=2 state=ESTABLISHED "
	  "local-id=gw remote-id=%25any remote-host=10.0.0.2 }",
	  { "ike-updown: home{ uniqueid=1 }",
	    "ike-updown: up=yes home{ uniqueid=7 local-id=gw remote-id=%25any "
	    "remote-host=10.0.0.2 }",
	    "ike-updown: up=yes home{ uniqueid=8 local-id=gw remote-id=%25any "
	    "remote-host=10.0.0.9 }",
	    "ike-updown: up=yes home{ uniqueid=9 local-id=gw remote-id=%25any "
	    "remote-host=10.0.0.1 }" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #9\npending 1\n" },
	{ "reauth: charon's thread names the successor of one of twins",
	  { .ike = "home" }, 1,
	  "home{ uniqueid=1 state=ESTABLISHED } home{ uniqueid=2 "
	  "state=ESTABLISHED }",
	  { "log: thread=9 ikesa-uniqueid=2 "
	    "msg=reauthenticating%20IKE_SA%20home[2]",
	    "log: thread=9 ikesa-uniqueid=5 "
	    "msg=initiating%20IKE_SA%20home[5]%20to%2010.0.0.1",
	    "ike-updown: up=yes home{ uniqueid=5 }",
	    "ike-updown: up=yes home{ uniqueid=6 }",
	    "ike-updown: home{ uniqueid=2 }",
	    "ike-updown: home{ uniqueid=1 }",
	    "log: thread=3 ikesa-uniqueid=6 msg=IKE_SA%20home[6]%20established"
	    "%20between%20a...b" },
	  "IKE_SA home #2 reauthenticated, new IKE_SA #5\n"
	  "IKE_SA home #1 reauthenticated, new IKE_SA #6\npending 0\n" },
	{ "reauth: charon's log lags behind the up events",
	  { .ike = "home" }, 1,
	  "home{ uniqueid=1 state=ESTABLISHED } home{ uniqueid=2 "
	  "state=ESTABLISHED }",
	  { "log: thread=9 ikesa-uniqueid=1 msg=IKE_SA%20deleted",
	    "ike-updown: home{ uniqueid=1 }", "ike-updown: home{ uniqueid=2 }",
	    "ike-updown: up=yes home{ uniqueid=5 initiator-spi=i5 }",
	    "ike-updown: up=yes home{ uniqueid=6 }",
	    "log: thread=9 ikesa-uniqueid=6 "
	    "msg=initiating%20IKE_SA%20home[6]%20to%2010.0.0.1",
	    "log: thread=8 ikesa-uniqueid=5 msg=IKE_SA%20home[5]%20established"
	    "%20between%20a...b" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #6\n"
	  "IKE_SA home #2 reauthenticated, new IKE_SA #5\npending 0\n" },
	{ "reauth: charon 5.9 names the successor in the old IKE_SA's line",
	  { .ike = "home" }, 1,
	  "home{ uniqueid=1 state=ESTABLISHED } home{ uniqueid=2 "
	  "state=ESTABLISHED }",
	  { "log: thread=9 ikesa-uniqueid=1 "
	    "msg=initiating%20IKE_SA%20home[6]%20to%2010.0.0.1",
	    "log: thread=9 ikesa-uniqueid=2 "
	    "msg=initiating%20IKE_SA%20home[5]%20to%2010.0.0.1",
	    "log: thread=8 ikesa-uniqueid=5 msg=IKE_SA%20home[5]%20established"
	    "%20between%20a...b",
	    "ike-updown: up=yes home{ uniqueid=5 }",
	    "ike-updown: up=yes home{ uniqueid=6 }",
	    "ike-updown: home{ uniqueid=2 }", "ike-updown: home{ uniqueid=1 }" },
	  "IKE_SA home #2 reauthenticated, new IKE_SA #5\n"
	  "IKE_SA home #1 reauthenticated, new IKE_SA #6\npending 0\n" },
	{ "reauth: the log showed it established before its up event",
	  { .ike = "home" }, 1, NET1,
	  { "log: thread=8 ikesa-uniqueid=1 msg=IKE_SA%20deleted",
	    "ike-updown: home{ uniqueid=1 }",
	    "log: thread=3 ikesa-uniqueid=7 msg=IKE_SA%20home[7]%20established"
	    "%20between%20a...b",
	    "ike-updown: up=yes home{ uniqueid=7 }" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #7\npending 0\n" },
	{ "reauth: twins down, one new IKE_SA: not told whose",
	  { .ike = "home" }, 1,
	  "home{ uniqueid=1 state=ESTABLISHED } home{ uniqueid=2 "
	  "state=ESTABLISHED }",
	  { "ike-updown: home{ uniqueid=1 }", "ike-updown: home{ uniqueid=2 }",
	    "ike-updown: up=yes home{ uniqueid=5 }" },
	  "pending 2\nend IKE_SA home #1 did not finish rekeying within 1 s; "
	  "it is down, and 1 new IKE_SAs of the same peer are up, not told "
	  "apart\nend IKE_SA home #2 did not finish rekeying within 1 s; it is "
	  "down, and 1 new IKE_SAs of the same peer are up, not told apart\n" },
	{ "a timeout names charon's last line", { .child = "net" }, 0, NET1,
	  { "log: thread=4 ikesa-uniqueid=1 "
	    "msg=sending%20packet:%20from%20a%20to%20b",
	    "log: thread=4 ikesa-uniqueid=3 msg=not%20ours" },
	  "pending 1\nend CHILD_SA net #1 did not finish rekeying within 1 s; "
	  "charon last logged: sending packet: from a to b\n" },
};
/* clang-format on */

static uint8_t mem[8192];

/* Decode %XX in S, in place. */
static void unescape(char *s)
{
	char *to = s;
	unsigned byte;

	for (; *s; s++) {
		if (*s == '%' && sscanf(s + 1, "%2x", &byte) == 1) {
			*to++ = (char)byte;
			s += 2;
		} else {
			*to++ = *s;
		}
	}
	*to = '\0';
}

/* Encode the notation TEXT as a message body; its length. */
static size_t encode(const char *text)
{
	char word[256];
	struct vici_buf b;
	size_t n;
	int used;

	vici_begin(&b, mem, sizeof(mem), 7 /* EVENT */, "e");
	while (sscanf(text, " %255s%n", word, &used) == 1) {
		size_t len = strlen(word);
		char *eq = strchr(word, '=');

		text += used;
		if (!strcmp(word, "}")) {
			vici_put_section_end(&b);
		} else if (word[len - 1] == '{') {
			word[len - 1] = '\0';
			vici_put_section(&b, word);
		} else {
			assert_non_null(eq);
			*eq = '\0';
			unescape(eq + 1);
			vici_put_str(&b, word, eq + 1);
		}
	}
	assert_int_equal(vici_end(&b, &n), 0);
	assert_true(n > 7);
	return n - 7; /* length, type, name "e" */
}

static FILE *out;

static void report(void *ctx, const struct wait_sa *sa)
{
	const struct wait *w = ctx;

	if (sa->state == WAIT_DONE) {
		wait_print(out, sa, w->reauth, 0);
		return;
	}
	fputs("end ", out);
	wait_print_sa(out, sa);
	wait_print_end(out, w, sa, 1);
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		char *text = NULL;
		size_t text_len, len;
		struct wait w;

		out = open_memstream(&text, &text_len);
		assert_non_null(out);
		wait_init(&w, &r->filter, r->reauth);
		len = encode(r->listing);
		assert_int_equal(wait_learn(&w, mem + 7, len), 0);
		for (size_t e = 0; e < MAX_EVENTS && r->events[e]; e++) {
			const char *colon = strchr(r->events[e], ':');

			len = encode(colon + 1);
			wait_event(&w, (const uint8_t *)r->events[e],
				   (size_t)(colon - r->events[e]), mem + 7, len,
				   report, &w);
		}
		fprintf(out, "pending %zu\n", w.pending);
		for (size_t j = 0; j < w.count; j++)
			if (w.sa[j].state == WAIT_PENDING &&
			    (w.sa[j].said || w.sa[j].went_down))
				report(&w, &w.sa[j]);
		fclose(out);
		if (strcmp(text, r->want))
			print_error("row %zu (%s):\n got:\n%s want:\n%s", i,
				    r->what, text, r->want);
		assert_string_equal(text, r->want);
		free(text);
		wait_free(&w);
	}
}

/* --batch: SAs learned in one wait are followed, one by one, in another
 * (wait_add); one given up (wait_drop) is finished by no later event. */
static void follow_copies(const struct sa_filter *f, int reauth,
			  const char *const *events, size_t n_events,
			  const char *want)
{
	struct wait list, follow;
	char *text = NULL;
	size_t text_len, len;

	out = open_memstream(&text, &text_len);
	assert_non_null(out);
	wait_init(&list, f, reauth);
	wait_init(&follow, f, reauth);
	len = encode(NET1);
	assert_int_equal(wait_learn(&list, mem + 7, len), 0);
	assert_int_equal(list.count, 1);
	assert_int_equal(wait_add(&follow, &list.sa[0]), 0);
	assert_int_equal(wait_add(&follow, &list.sa[0]), -EEXIST);
	for (size_t e = 0; e < n_events; e++) {
		const char *colon = strchr(events[e], ':');

		if (!strcmp(events[e], "drop")) {
			wait_drop(&follow, list.sa[0].child, list.sa[0].id);
			continue;
		}
		len = encode(colon + 1);
		wait_event(&follow, (const uint8_t *)events[e],
			   (size_t)(colon - events[e]), mem + 7, len, report,
			   &follow);
	}
	fprintf(out, "pending %zu\n", follow.pending);
	fclose(out);
	assert_string_equal(text, want);
	free(text);
	wait_free(&list);
	wait_free(&follow);
}

static void test_follow(void **state)
{
	const char *child[] = { "child-rekey: home{ uniqueid=1 child-sas{ "
				"net{ name=net old{ uniqueid=1 spi-in=c1 "
				"spi-out=c2 } new{ uniqueid=3 } } } }" };
	const char *reauth[] = { "ike-updown: home{ uniqueid=1 }",
				 "ike-updown: up=yes home{ uniqueid=6 }" };
	const char *dropped[] = { "drop", "ike-rekey: home{ old{ uniqueid=1 "
					  "} new{ uniqueid=5 } }" };

	(void)state;
	follow_copies(&(struct sa_filter){ .child = "net" }, 0, child, 1,
		      "CHILD_SA net #1 rekeyed, new CHILD_SA #3\npending 0\n");
	follow_copies(&(struct sa_filter){ .ike = "home" }, 1, reauth, 2,
		      "IKE_SA home #1 reauthenticated, new IKE_SA #6\n"
		      "pending 0\n");
	follow_copies(&(struct sa_filter){ .ike_id = 1 }, 0, dropped, 2,
		      "pending 0\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_follow),
	};

	return cmocka_run_group_tests_name("wait", tests, NULL, NULL);
}

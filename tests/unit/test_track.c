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
#include "outcome.h"
#include "track.h"

#define MAX_EVENTS 10

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

/* The CHILD_SAs of NET1, rebuilt under IKE_SA #6. */
#define KIDS6                                                                  \
	"child-sas{ a{ name=net uniqueid=7 state=INSTALLED } b{ name=net2 "    \
	"uniqueid=8 state=INSTALLED } }"

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
	  "swanctl: CHILD_SA net #1 went down instead of rekeying\npending 0\n" },
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
	    "ike-updown: up=yes home{ uniqueid=6 " KIDS6 " }" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #6\npending 0\n" },
	{ "a reauthentication: the new IKE_SA first", { .ike = "home" }, 1,
	  NET1,
	  { "ike-updown: up=yes home{ uniqueid=6 " KIDS6 " }",
	    "ike-updown: home{ uniqueid=1 }" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #6\npending 0\n" },
	/* issue 21 */
	{ "reauth: done only once every CHILD_SA is rebuilt", { .ike = "home" },
	  1, NET1,
	  { "ike-updown: home{ uniqueid=1 }",
	    "ike-updown: up=yes home{ uniqueid=6 child-sas{ a{ name=net "
	    "uniqueid=7 state=INSTALLED } } }" },
	  "pending 1\nswanctl: IKE_SA home #1 did not finish rekeying within "
	  "1 s; new IKE_SA #6 is up, without CHILD_SA net2\n" },
	{ "reauth: the second CHILD_SA comes by CREATE_CHILD_SA",
	  { .ike = "home" }, 1, NET1,
	  { "ike-updown: home{ uniqueid=1 }",
	    "ike-updown: up=yes home{ uniqueid=6 child-sas{ a{ name=net "
	    "uniqueid=7 state=INSTALLED } } }",
	    "child-updown: up=yes home{ uniqueid=6 child-sas{ b{ name=net2 "
	    "uniqueid=8 state=INSTALLED encr-alg=AES_GCM_16 encr-keysize=128 "
	    "protocol=ESP } } }" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #6\npending 0\n" },
	{ "reauth: a CHILD_SA charon fails to rebuild fails it",
	  { .ike = "home" }, 1, NET1,
	  { "ike-updown: home{ uniqueid=1 }",
	    "ike-updown: up=yes home{ uniqueid=6 encr-alg=AES_CBC "
	    "encr-keysize=128 integ-alg=HMAC_SHA2_256_128 "
	    "prf-alg=PRF_HMAC_SHA2_256 dh-group=MODP_2048 }",
	    "log: thread=4 ikesa-uniqueid=6 msg=received%20NO_PROPOSAL_CHOSEN"
	    "%20notify,%20no%20CHILD_SA%20built",
	    "log: thread=4 ikesa-uniqueid=6 msg=failed%20to%20establish"
	    "%20CHILD_SA,%20keeping%20IKE_SA",
	    "child-updown: up=yes home{ uniqueid=6 child-sas{ b{ name=net2 "
	    "uniqueid=8 state=INSTALLED } } }" },
	  "swanctl: IKE_SA home #1 reauthentication failed: new IKE_SA #6 is "
	  "up, but CHILD_SA net was not rebuilt: received NO_PROPOSAL_CHOSEN "
	  "notify, no CHILD_SA built\npending 0\n" },
	{ "reauth: the successor's algorithms", { .ike = "home" }, 1,
	  "home{ uniqueid=1 state=REKEYING }",
	  { "ike-updown: home{ uniqueid=1 }",
	    "ike-updown: up=yes home{ uniqueid=6 encr-alg=AES_CBC "
	    "encr-keysize=128 integ-alg=HMAC_SHA2_256_128 "
	    "prf-alg=PRF_HMAC_SHA2_256 dh-group=MODP_2048 }" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #6 (AES_CBC-128/"
	  "HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048)\npending 0\n" },
	{ "reauth: another address of the same identities is no successor",
	  { .ike = "home" }, 1,
	  "home{ uniqueid=1 state=ESTABLISHED local-id=gw remote-id=p1 "
	  "remote-host=10.0.0.1 remote-port=500 }",
	  { "ike-updown: home{ uniqueid=1 }",
	    "ike-updown: up=yes home{ uniqueid=7 local-id=gw remote-id=p1 "
	    "remote-host=10.0.0.9 remote-port=500 }",
	    "ike-updown: up=yes home{ uniqueid=8 local-id=gw remote-id=p1 "
	    "remote-host=10.0.0.1 remote-port=4500 }" },
	  "pending 1\nswanctl: IKE_SA home #1 did not finish rekeying within "
	  "1 s\n" },
	{ "reauth: charon's naming overrides a thread's unrelated initiation",
	  { .ike = "home" }, 1, "home{ uniqueid=1 state=ESTABLISHED }",
	  { "log: thread=9 ikesa-uniqueid=1 msg=IKE_SA%20deleted",
	    "log: thread=9 ikesa-uniqueid=20 "
	    "msg=initiating%20IKE_SA%20home[20]%20to%2010.0.0.5",
	    "log: thread=9 ikesa-uniqueid=1 "
	    "msg=initiating%20IKE_SA%20home[21]%20to%2010.0.0.1",
	    "ike-updown: up=yes home{ uniqueid=20 }",
	    "ike-updown: up=yes home{ uniqueid=21 }",
	    "ike-updown: home{ uniqueid=1 }" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #21\npending 0\n" },
	{ "reauth: a thread's guess of another peer is taken back",
	  { .ike = "home" }, 1,
	  "home{ uniqueid=1 state=ESTABLISHED remote-host=10.0.0.1 }",
	  { "log: thread=9 ikesa-uniqueid=1 msg=IKE_SA%20deleted",
	    "log: thread=9 ikesa-uniqueid=20 "
	    "msg=initiating%20IKE_SA%20home[20]%20to%2010.0.0.5",
	    "ike-updown: home{ uniqueid=1 }",
	    "ike-updown: up=yes home{ uniqueid=20 remote-host=10.0.0.5 }",
	    "ike-updown: up=yes home{ uniqueid=21 remote-host=10.0.0.1 }",
	    "log: thread=3 ikesa-uniqueid=21 msg=IKE_SA%20home[21]%20"
	    "established%20between%20a...b" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #21\npending 0\n" },
	{ "a REKEYING CHILD_SA is up: it is waited for", { .child = "net" }, 0,
	  "home{ uniqueid=1 state=ESTABLISHED child-sas{ net-1{ name=net "
	  "uniqueid=1 state=REKEYING } } }",
	  { "child-rekey: home{ uniqueid=1 child-sas{ net{ name=net "
	    "old{ uniqueid=1 } new{ uniqueid=3 protocol=ESP "
	    "encr-alg=AES_GCM_16 encr-keysize=128 } } } }" },
	  "CHILD_SA net #1 rekeyed, new CHILD_SA #3 (ESP:AES_GCM_16-128)\n"
	  "pending 0\n" },
	{ "a packet trace does not hide what charon said", { .child = "net" },
	  0, NET1,
	  { "log: thread=4 ikesa-uniqueid=1 msg=retransmit%202%20of%20request"
	    "%20with%20message%20ID%205",
	    "log: thread=4 ikesa-uniqueid=1 msg=sending%20packet:%20from%20a"
	    "%20to%20b" },
	  "pending 1\nswanctl: CHILD_SA net #1 did not finish rekeying within "
	  "1 s; charon last logged: retransmit 2 of request with message ID "
	  "5\n" },
	{ "an IKE_SA of another config is no successor", { .ike = "home" }, 1,
	  NET1,
	  { "ike-updown: home{ uniqueid=1 }",
	    "ike-updown: up=yes office{ uniqueid=7 }" },
	  "pending 1\nswanctl: IKE_SA home #1 did not finish rekeying within 1 s\n" },
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
	  "swanctl: CHILD_SA net #1 went down instead of rekeying\npending 0\n" },
	{ "a refused rekey fails with charon's reason", { .child = "net" }, 0,
	  NET1,
	  { "log: group=IKE level=1 thread=4 ikesa-name=home ikesa-uniqueid=1 "
	    "msg=received%20NO_PROPOSAL_CHOSEN%20notify,%20no%20CHILD_SA%20built",
	    "log: group=IKE thread=4 ikesa-uniqueid=1 "
	    "msg=failed%20to%20establish%20CHILD_SA,%20keeping%20IKE_SA",
	    "log: group=IKE thread=4 ikesa-uniqueid=1 msg=CHILD_SA%20rekeying"
	    "%20failed,%20trying%20again%20in%208%20seconds" },
	  "swanctl: CHILD_SA net #1 rekey failed: received NO_PROPOSAL_CHOSEN "
	  "notify, no CHILD_SA built (charon retries in 8 s)\npending 0\n" },
	{ "another IKE_SA's failure is not ours", { .child = "net" }, 0, NET1,
	  { "log: thread=4 ikesa-uniqueid=2 msg=CHILD_SA%20rekeying%20failed" },
	  "pending 1\n" },
	{ "an IKE_SA failure does not fail a CHILD_SA rekey",
	  { .child = "net" }, 0, NET1,
	  { "log: thread=4 ikesa-uniqueid=1 msg=IKE_SA%20rekeying%20failed" },
	  "pending 1\nswanctl: CHILD_SA net #1 did not finish rekeying within 1 s; "
	  "charon last logged: IKE_SA rekeying failed\n" },
	{ "two CHILD_SAs of one IKE_SA: a failure names neither",
	  { .child = "net" }, 0,
	  "home{ uniqueid=1 state=ESTABLISHED child-sas{ a{ name=net "
	  "uniqueid=1 state=INSTALLED } b{ name=net uniqueid=2 "
	  "state=INSTALLED } } }",
	  { "log: thread=4 ikesa-uniqueid=1 msg=CHILD_SA%20rekeying%20failed" },
	  "pending 2\nswanctl: CHILD_SA net #1 did not finish rekeying within 1 s; "
	  "charon last logged: CHILD_SA rekeying failed\nswanctl: CHILD_SA net #2 "
	  "did not finish rekeying within 1 s; charon last logged: CHILD_SA "
	  "rekeying failed\n" },
	{ "a give-up fails the IKE_SA's CHILD_SAs", { .child = "net" }, 0,
	  NET1,
	  { "log: thread=4 ikesa-uniqueid=1 "
	    "msg=giving%20up%20after%205%20retransmits" },
	  "swanctl: CHILD_SA net #1 rekey failed: giving up after 5 retransmits\n"
	  "pending 0\n" },
	{ "a reauthentication that fails", { .ike = "home" }, 1, NET1,
	  { "log: thread=4 ikesa-uniqueid=1 "
	    "msg=reauthenticating%20IKE_SA%20failed" },
	  "swanctl: IKE_SA home #1 reauthentication failed: reauthenticating "
	  "IKE_SA failed\npending 0\n" },
	{ "reauth: a new IKE_SA of another peer is no successor",
	  { .ike = "home" }, 1,
	  "home{ uniqueid=1 state=ESTABLISHED local-id=gw remote-id=p1 "
	  "remote-host=10.0.0.1 }",
	  { "ike-updown: home{ uniqueid=1 }",
	    "ike-updown: up=yes home{ uniqueid=7 local-id=gw remote-id=p2 "
	    "remote-host=10.0.0.2 }",
	    "ike-updown: up=yes home{ uniqueid=8 local-id=gw remote-id=p1 "
	    "remote-host=10.0.0.9 }",
	    "ike-updown: up=yes home{ uniqueid=9 local-id=gw remote-id=p1 "
	    "remote-host=10.0.0.1 }" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #9\npending 0\n" },
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
	    "ike-updown: up=yes home{ uniqueid=7 " KIDS6 " }" },
	  "IKE_SA home #1 reauthenticated, new IKE_SA #7\npending 0\n" },
	{ "reauth: twins down, one new IKE_SA: not told whose",
	  { .ike = "home" }, 1,
	  "home{ uniqueid=1 state=ESTABLISHED } home{ uniqueid=2 "
	  "state=ESTABLISHED }",
	  { "ike-updown: home{ uniqueid=1 }", "ike-updown: home{ uniqueid=2 }",
	    "ike-updown: up=yes home{ uniqueid=5 }" },
	  "pending 2\nswanctl: IKE_SA home #1 did not finish rekeying within 1 s; "
	  "it is down, and 1 new IKE_SAs of the same peer are up, not told "
	  "apart\nswanctl: IKE_SA home #2 did not finish rekeying within 1 s; it is "
	  "down, and 1 new IKE_SAs of the same peer are up, not told apart\n" },
	{ "a timeout names charon's last line", { .child = "net" }, 0, NET1,
	  { "log: thread=4 ikesa-uniqueid=1 "
	    "msg=sending%20packet:%20from%20a%20to%20b",
	    "log: thread=4 ikesa-uniqueid=3 msg=not%20ours" },
	  "pending 1\nswanctl: CHILD_SA net #1 did not finish rekeying within 1 s; "
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
static struct outcome o;

static void report(void *ctx, const struct track_sa *sa)
{
	const struct track *w = ctx;

	if (sa->state == TRACK_DONE)
		outcome_done(&o, w, sa);
	else
		outcome_fail(&o, w, sa, OUTCOME_TRACKED, NULL, 0);
}

/* A pending SA as a timeout words it. */
static void timed_out(const struct track *w, const struct track_sa *sa)
{
	o.timeout_s = 1;
	outcome_fail(&o, w, sa, OUTCOME_TIMED_OUT, NULL, 0);
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		char *text = NULL;
		size_t text_len, len;
		struct track w;

		out = open_memstream(&text, &text_len);
		assert_non_null(out);
		o = (struct outcome){ .out = out, .err = out };
		track_init(&w, &r->filter, r->reauth);
		w.report = report;
		w.ctx = &w;
		len = encode(r->listing);
		assert_int_equal(track_learn(&w, mem + 7, len), 0);
		for (size_t j = 0; j < w.count; j++)
			track_start(&w, &w.sa[j]);
		for (size_t e = 0; e < MAX_EVENTS && r->events[e]; e++) {
			const char *colon = strchr(r->events[e], ':');

			len = encode(colon + 1);
			track_event(&w, (const uint8_t *)r->events[e],
				    (size_t)(colon - r->events[e]), mem + 7,
				    len);
		}
		fprintf(out, "pending %zu\n", w.pending);
		for (size_t j = 0; j < w.count; j++)
			if (w.sa[j].state == TRACK_PENDING &&
			    (track_said(&w.sa[j]) || track_went_down(&w.sa[j])))
				timed_out(&w, &w.sa[j]);
		fclose(out);
		if (strcmp(text, r->want))
			print_error("row %zu (%s):\n got:\n%s want:\n%s", i,
				    r->what, text, r->want);
		assert_string_equal(text, r->want);
		free(text);
		track_free(&w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
	};

	return cmocka_run_group_tests_name("track", tests, NULL, NULL);
}

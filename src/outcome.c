// SPDX-License-Identifier: MIT
/*
 * The outcome of each SA of --wait and --batch, worded once for both: a
 * line on stdout for a successor ("CHILD_SA net #1 rekeyed, new CHILD_SA
 * #3 (ESP:AES_GCM_16-128)"), a line on stderr for anything else, and
 * under --json one record per SA on stdout either way, with "ok".
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "outcome.h"
#include "print.h"

static void put(FILE *f, const char *s)
{
	print_escaped(f, (const uint8_t *)s, strlen(s));
}

static void json_str(FILE *f, const char *s)
{
	print_json_string(f, (const uint8_t *)s, strlen(s));
}

/* "CHILD_SA net #1", names escaped. */
static void put_sa(FILE *f, const struct track_sa *sa)
{
	fputs(sa->child ? "CHILD_SA " : "IKE_SA ", f);
	put(f, sa->name);
	fprintf(f, " #%u", (unsigned)sa->id);
}

/* What a success is called: an IKEv1 IKE_SA's rekey is a reauth. */
static const char *done_word(const struct track_sa *sa)
{
	return sa->reauth ? "reauthenticated" : "rekeyed";
}

static void json_ids(FILE *f, const char *key, uint32_t id,
		     const char (*spi)[TRACK_SPI], int child)
{
	fprintf(f, "\"%s\":{\"uniqueid\":\"%u\",\"%s\":", key, (unsigned)id,
		child ? "spi-in" : "initiator-spi");
	json_str(f, spi[0]);
	fprintf(f, ",\"%s\":", child ? "spi-out" : "responder-spi");
	json_str(f, spi[1]);
	fputc('}', f);
}

/* The start of SA's record, up to "ok" and the compatible boolean. */
static void json_head(FILE *f, const struct track_sa *sa, int ok,
		      const char *outcome)
{
	fprintf(f,
		"{\"sa\":\"%s\",\"name\":", sa->child ? "CHILD_SA" : "IKE_SA");
	json_str(f, sa->name);
	fputs(",\"ike\":", f);
	json_str(f, sa->ike);
	fprintf(f, ",\"ok\":%s,\"outcome\":\"%s\",\"%s\":%s,",
		ok ? "true" : "false", outcome, done_word(sa),
		ok ? "true" : "false");
	json_ids(f, "old", sa->id, sa->spi, sa->child);
}

void outcome_done(struct outcome *o, const struct track *w,
		  const struct track_sa *sa)
{
	const char *type = sa->child ? "CHILD_SA" : "IKE_SA";
	uint32_t candidates = track_candidates(sa);
	FILE *f = o->out;

	o->rekeyed++;
	if (o->json) {
		json_head(f, sa, 1, done_word(sa));
		fprintf(f, ",\"by\":\"%s\",", sa->by_other ? "charon" : "us");
		if (candidates) {
			fprintf(f, "\"new\":null,\"candidates\":\"%u\"}\n",
				(unsigned)candidates);
			return;
		}
		json_ids(f, "new", w->done_id, w->done_spi, sa->child);
		if (w->done_algs) {
			fputs(",\"algorithms\":", f);
			json_str(f, w->done_algs);
		}
		fputs("}\n", f);
		return;
	}
	put_sa(f, sa);
	fprintf(f, " %s", done_word(sa));
	if (sa->by_other)
		fputs(" by charon or the peer on its own", f);
	if (candidates) {
		fprintf(f,
			", new %s not told apart: one of %u new %ss of the "
			"same peer\n",
			type, (unsigned)candidates, type);
		return;
	}
	fprintf(f, ", new %s #%u", type, (unsigned)w->done_id);
	if (w->done_algs) {
		fputs(" (", f);
		put(f, w->done_algs);
		fputc(')', f);
	}
	fputc('\n', f);
}

static const char *signal_name(int sig)
{
	return sig == SIGTERM ? "SIGTERM" : "SIGINT";
}

/* How SA ended, in o->why. */
static void word(struct outcome *o, const struct track *w,
		 const struct track_sa *sa, enum outcome_end end,
		 const uint8_t *text, size_t text_len)
{
	FILE *f = fmemopen(o->why, sizeof(o->why), "w");
	const char *said = track_said(sa);
	char names[256];
	uint32_t untold;

	o->why[0] = '\0';
	if (!f)
		return;
	switch (end) {
	case OUTCOME_TRACKED:
		if (sa->state == TRACK_DOWN) {
			fputs("went down instead of rekeying", f);
			break;
		}
		fputs(sa->reauth ? "reauthentication failed: "
				 : "rekey failed: ",
		      f);
		put(f, said ? said : "");
		break;
	case OUTCOME_REFUSED:
		fputs("rekey failed: ", f);
		print_escaped(f, text, text_len);
		break;
	case OUTCOME_TIMED_OUT:
	case OUTCOME_NO_REPLY:
		if (end == OUTCOME_NO_REPLY)
			fprintf(f,
				"got no reply to its rekey request within "
				"%g s",
				o->timeout_s);
		else
			fprintf(f, "did not finish rekeying within %g s",
				o->timeout_s);
		if (track_missing(w, sa, names, sizeof(names)))
			fprintf(f,
				"; new IKE_SA #%u is up, without CHILD_SA %s",
				(unsigned)track_successor(w, sa), names);
		untold = track_untold(w, sa);
		if (untold)
			fprintf(f,
				"; it is down, and %u new IKE_SAs of the same "
				"peer are up, not told apart",
				(unsigned)untold);
		if (said) {
			fputs("; charon last logged: ", f);
			put(f, said);
		} else if (!untold && w->logs) {
			fputs("; charon logged nothing about it", f);
		}
		break;
	case OUTCOME_STOPPED:
		fprintf(f, "still rekeying when stopped by %s",
			signal_name(o->signal));
		break;
	case OUTCOME_NOT_STARTED:
		if (o->signal)
			fprintf(f, "not rekeyed: stopped by %s before its turn",
				signal_name(o->signal));
		else
			fprintf(f,
				"not rekeyed: --timeout (%g s) ran out before "
				"its turn",
				o->timeout_s);
		break;
	}
	fclose(f);
	o->why[sizeof(o->why) - 1] = '\0';
}

void outcome_fail(struct outcome *o, const struct track *w,
		  const struct track_sa *sa, enum outcome_end end,
		  const uint8_t *text, size_t text_len)
{
	static const char *const names[] = {
		[OUTCOME_TRACKED] = "failed",
		[OUTCOME_REFUSED] = "refused",
		[OUTCOME_TIMED_OUT] = "timed_out",
		[OUTCOME_NO_REPLY] = "no_reply",
		[OUTCOME_STOPPED] = "stopped",
		[OUTCOME_NOT_STARTED] = "not_started",
	};
	const char *name = names[end];

	switch (end) {
	case OUTCOME_TRACKED:
		if (sa->state == TRACK_DOWN)
			name = "down";
		/* fall through */
	case OUTCOME_REFUSED:
		o->failed++;
		break;
	case OUTCOME_TIMED_OUT:
	case OUTCOME_NO_REPLY:
		o->timed_out++;
		break;
	case OUTCOME_STOPPED:
		o->stopped++;
		break;
	case OUTCOME_NOT_STARTED:
		o->not_started++;
		break;
	}
	word(o, w, sa, end, text, text_len);
	fputs("swanctl: ", o->err);
	put_sa(o->err, sa);
	fprintf(o->err, " %s\n", o->why);
	if (!o->json)
		return;
	json_head(o->out, sa, 0, name);
	fputs(",\"error\":", o->out);
	json_str(o->out, o->why);
	fputs("}\n", o->out);
}

void outcome_summary(struct outcome *o)
{
	static const char *const words[] = { "failed", "timed out",
					     "stopped in flight",
					     "not started" };
	const size_t n[] = { o->failed, o->timed_out, o->stopped,
			     o->not_started };

	if (o->json)
		fprintf(o->out,
			"{\"summary\":{\"matched\":%zu,\"rekeyed\":%zu,"
			"\"failed\":%zu,\"timed_out\":%zu,\"stopped\":%zu,"
			"\"not_started\":%zu}}\n",
			o->matched, o->rekeyed, n[0], n[1], n[2], n[3]);
	if (o->rekeyed == o->matched)
		return;
	fprintf(o->err, "swanctl: %zu of %zu SAs rekeyed", o->rekeyed,
		o->matched);
	for (size_t i = 0; i < 4; i++)
		if (n[i])
			fprintf(o->err, ", %zu %s", n[i], words[i]);
	fputc('\n', o->err);
}

// SPDX-License-Identifier: MIT
/*
 * --wait: learn the unique ids a selector matches from list-sa events, then
 * follow ike-rekey, child-rekey, ike-updown and child-updown events until
 * each of those SAs has a successor or has gone down.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "print.h"
#include "rekey.h"
#include "vici.h"
#include "wait.h"

/* Events nest IKE_SA > child-sas > CHILD_SA > old/new: depth 4. */
#define WALK_DEPTH 5

/* What a section of an event says about one SA. */
struct node {
	int too_long;	     /* a value did not fit: the node matches nothing */
	char sec[WAIT_NAME]; /* the section's name */
	char name[WAIT_NAME]; /* key "name" (CHILD_SAs) */
	char state[32];
	uint32_t uniqueid;
	char spi[2][WAIT_SPI];
	int has_old, has_new;
	struct node_sa {
		uint32_t uniqueid;
		char spi[2][WAIT_SPI];
	} old, new;
};

struct walk {
	struct node st[WALK_DEPTH + 1]; /* st[1] the IKE_SA, st[3] a CHILD_SA */
	int up; /* key up=yes at the top (updown events) */
};

enum event {
	EVENT_LIST_SA,
	EVENT_IKE_REKEY,
	EVENT_CHILD_REKEY,
	EVENT_IKE_UPDOWN,
	EVENT_CHILD_UPDOWN,
};

/* Copy a value into a node's field; one that does not fit spoils the node
 * (charon's names and SPIs always fit: see WAIT_NAME). */
static void copy(struct node *n, char *dst, size_t size, const uint8_t *s,
		 size_t len)
{
	if (len >= size) {
		n->too_long = 1;
		len = 0;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* A unique id in decimal, 0 for anything else. */
static uint32_t number(const uint8_t *s, size_t len)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v > UINT32_MAX ? 0 : (uint32_t)v;
}

static void set_key(struct node *n, const struct vici_elem *e)
{
	if (vici_is(e->name, e->name_len, "uniqueid"))
		n->uniqueid = number(e->value, e->value_len);
	else if (vici_is(e->name, e->name_len, "name"))
		copy(n, n->name, sizeof(n->name), e->value, e->value_len);
	else if (vici_is(e->name, e->name_len, "state"))
		copy(n, n->state, sizeof(n->state), e->value, e->value_len);
	else if (vici_is(e->name, e->name_len, "spi-in") ||
		 vici_is(e->name, e->name_len, "initiator-spi"))
		copy(n, n->spi[0], WAIT_SPI, e->value, e->value_len);
	else if (vici_is(e->name, e->name_len, "spi-out") ||
		 vici_is(e->name, e->name_len, "responder-spi"))
		copy(n, n->spi[1], WAIT_SPI, e->value, e->value_len);
}

static struct wait_sa *find(struct wait *w, int child, uint32_t id)
{
	for (size_t i = 0; i < w->count; i++)
		if (w->sa[i].child == child && w->sa[i].id == id)
			return &w->sa[i];
	return NULL;
}

static int add(struct wait *w, int child, const struct node *n, const char *ike)
{
	struct wait_sa *sa;

	if (n->too_long || find(w, child, n->uniqueid))
		return 0;
	if (w->count == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 8;
		struct wait_sa *grown = realloc(w->sa, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		w->sa = grown;
		w->cap = cap;
	}
	sa = &w->sa[w->count++];
	*sa = (struct wait_sa){ .child = child, .id = n->uniqueid };
	w->pending++;
	memcpy(sa->name, child ? n->name : n->sec, WAIT_NAME);
	memcpy(sa->ike, ike, WAIT_NAME);
	memcpy(sa->spi, n->spi, sizeof(sa->spi));
	return 0;
}

static void finish(struct wait *w, struct wait_sa *sa, enum wait_state state,
		   wait_report_fn report, void *ctx)
{
	sa->state = state;
	w->pending--;
	if (report)
		report(ctx, sa);
}

/* N reports SA's successor in its old and new sections. */
static void rekeyed(struct wait *w, struct wait_sa *sa, const struct node *n,
		    wait_report_fn report, void *ctx)
{
	sa->new_id = n->new.uniqueid;
	memcpy(sa->spi, n->old.spi, sizeof(sa->spi));
	memcpy(sa->new_spi, n->new.spi, sizeof(sa->new_spi));
	finish(w, sa, WAIT_DONE, report, ctx);
}

/* A down event names the SA of kind CHILD with unique id ID. */
static void went_down(struct wait *w, int child, uint32_t id,
		      wait_report_fn report, void *ctx)
{
	struct wait_sa *sa = find(w, child, id);

	if (sa && sa->state == WAIT_PENDING)
		finish(w, sa, WAIT_DOWN, report, ctx);
}

/* A CHILD_SA section has ended: st[3] under st[2] "child-sas". */
static int child_end(struct wait *w, struct walk *k, enum event ev,
		     wait_report_fn report, void *ctx)
{
	struct node *n = &k->st[3];
	struct wait_sa *sa;

	switch (ev) {
	case EVENT_LIST_SA:
		if (!w->filter.child && !w->filter.child_id)
			return 0;
		if (w->filter.child ? strcmp(n->name, w->filter.child)
				    : n->uniqueid != w->filter.child_id)
			return 0;
		if (strcmp(n->state, "INSTALLED") || !n->uniqueid)
			return 0;
		return add(w, 1, n, k->st[1].sec);
	case EVENT_CHILD_REKEY:
		sa = n->has_old && n->has_new ? find(w, 1, n->old.uniqueid)
					      : NULL;
		/* ids are unique in one daemon; the names guard the rest */
		if (sa && sa->state == WAIT_PENDING &&
		    !strcmp(sa->ike, k->st[1].sec) && !strcmp(sa->name, n->sec))
			rekeyed(w, sa, n, report, ctx);
		return 0;
	case EVENT_IKE_UPDOWN:
	case EVENT_CHILD_UPDOWN:
		if (!k->up)
			went_down(w, 1, n->uniqueid, report, ctx);
		return 0;
	case EVENT_IKE_REKEY:
		break;
	}
	return 0;
}

/* Reauthentication: done when the old IKE_SA is down and a new one of
 * the same config is up, in either order. */
static void reauth_step(struct wait *w, const struct node *n, int up,
			wait_report_fn report, void *ctx)
{
	struct wait_sa *sa = NULL;

	if (!up) {
		sa = find(w, 0, n->uniqueid);
		if (sa && sa->state == WAIT_PENDING)
			sa->went_down = 1;
	} else if (!find(w, 0, n->uniqueid)) {
		for (size_t i = 0; i < w->count && !sa; i++)
			if (!w->sa[i].child && !w->sa[i].new_id &&
			    w->sa[i].state == WAIT_PENDING &&
			    !strcmp(w->sa[i].ike, n->sec))
				sa = &w->sa[i];
		if (sa) {
			sa->new_id = n->uniqueid;
			memcpy(sa->new_spi, n->spi, sizeof(sa->new_spi));
		}
	}
	if (sa && sa->went_down && sa->new_id)
		finish(w, sa, WAIT_DONE, report, ctx);
}

/* An IKE_SA section (st[1]) has ended. */
static int ike_end(struct wait *w, struct walk *k, enum event ev,
		   wait_report_fn report, void *ctx)
{
	struct node *n = &k->st[1];
	struct wait_sa *sa;

	switch (ev) {
	case EVENT_LIST_SA:
		if (!w->filter.ike && !w->filter.ike_id)
			return 0;
		if (w->filter.ike ? strcmp(n->sec, w->filter.ike)
				  : n->uniqueid != w->filter.ike_id)
			return 0;
		if (strcmp(n->state, "ESTABLISHED") || !n->uniqueid)
			return 0;
		return add(w, 0, n, n->sec);
	case EVENT_IKE_REKEY:
		sa = n->has_old && n->has_new ? find(w, 0, n->old.uniqueid)
					      : NULL;
		if (!w->reauth && sa && sa->state == WAIT_PENDING &&
		    !strcmp(sa->ike, n->sec))
			rekeyed(w, sa, n, report, ctx);
		return 0;
	case EVENT_IKE_UPDOWN:
		if (w->reauth) {
			reauth_step(w, n, k->up, report, ctx);
			return 0;
		}
		if (!k->up)
			went_down(w, 0, n->uniqueid, report, ctx);
		return 0;
	case EVENT_CHILD_REKEY:
	case EVENT_CHILD_UPDOWN:
		break;
	}
	return 0;
}

static int walk(struct wait *w, enum event ev, const uint8_t *body, size_t len,
		wait_report_fn report, void *ctx)
{
	struct walk k = { .up = 0 };
	struct vici_reader r;
	struct vici_elem e;
	int depth = 0, rc = 0;

	vici_reader_init(&r, body, len);
	while (rc == 0 && vici_next(&r, &e) > 0) {
		struct node *n = depth <= WALK_DEPTH ? &k.st[depth] : NULL;

		switch (e.type) {
		case VICI_KEY_VALUE:
			if (depth == 0 && vici_is(e.name, e.name_len, "up"))
				k.up = vici_is(e.value, e.value_len, "yes");
			else if (depth && n)
				set_key(n, &e);
			break;
		case VICI_SECTION_START:
			if (++depth <= WALK_DEPTH) {
				memset(&k.st[depth], 0, sizeof(k.st[depth]));
				copy(&k.st[depth], k.st[depth].sec, WAIT_NAME,
				     e.name, e.name_len);
			}
			break;
		case VICI_SECTION_END:
			if (n && depth >= 2) {
				struct node *up = &k.st[depth - 1];
				struct node_sa *to = NULL;

				if (!strcmp(n->sec, "old")) {
					to = &up->old;
					up->has_old = 1;
				} else if (!strcmp(n->sec, "new")) {
					to = &up->new;
					up->has_new = 1;
				}
				if (to) {
					to->uniqueid = n->uniqueid;
					memcpy(to->spi, n->spi,
					       sizeof(to->spi));
				}
			}
			if (depth == 3 && !strcmp(k.st[2].sec, "child-sas"))
				rc = child_end(w, &k, ev, report, ctx);
			if (depth == 1)
				rc = ike_end(w, &k, ev, report, ctx);
			depth--;
			break;
		}
	}
	return rc;
}

void wait_init(struct wait *w, const struct sa_filter *f, int reauth)
{
	*w = (struct wait){ .filter = *f, .reauth = reauth };
}

void wait_free(struct wait *w)
{
	free(w->sa);
	w->sa = NULL;
	w->count = w->cap = w->pending = 0;
}

int wait_learn(struct wait *w, const uint8_t *body, size_t len)
{
	return walk(w, EVENT_LIST_SA, body, len, NULL, NULL);
}

int wait_add(struct wait *w, const struct wait_sa *sa)
{
	struct node n = { .uniqueid = sa->id };

	if (find(w, sa->child, sa->id))
		return -EEXIST;
	memcpy(sa->child ? n.name : n.sec, sa->name, WAIT_NAME);
	memcpy(n.spi, sa->spi, sizeof(n.spi));
	return add(w, sa->child, &n, sa->ike);
}

void wait_drop(struct wait *w, int child, uint32_t id)
{
	struct wait_sa *sa = find(w, child, id);

	if (sa && sa->state == WAIT_PENDING)
		finish(w, sa, WAIT_DOWN, NULL, NULL);
}

void wait_event(struct wait *w, const uint8_t *name, size_t name_len,
		const uint8_t *body, size_t len, wait_report_fn report,
		void *ctx)
{
	static const char *const names[] = {
		[EVENT_IKE_REKEY] = "ike-rekey",
		[EVENT_CHILD_REKEY] = "child-rekey",
		[EVENT_IKE_UPDOWN] = "ike-updown",
		[EVENT_CHILD_UPDOWN] = "child-updown",
	};

	for (int ev = EVENT_IKE_REKEY; ev <= EVENT_CHILD_UPDOWN; ev++)
		if (vici_is(name, name_len, names[ev]))
			walk(w, (enum event)ev, body, len, report, ctx);
}

static void put(FILE *f, const char *s)
{
	print_escaped(f, (const uint8_t *)s, strlen(s));
}

void wait_print_sa(FILE *f, const struct wait_sa *sa)
{
	fputs(sa->child ? "CHILD_SA " : "IKE_SA ", f);
	put(f, sa->name);
	fprintf(f, " #%u", (unsigned)sa->id);
}

static void json_sa(FILE *f, const char *key, uint32_t id, const char *in,
		    const char *out, int child)
{
	fprintf(f, "\"%s\":{\"uniqueid\":\"%u\",\"%s\":", key, (unsigned)id,
		child ? "spi-in" : "initiator-spi");
	print_json_string(f, (const uint8_t *)in, strlen(in));
	fprintf(f, ",\"%s\":", child ? "spi-out" : "responder-spi");
	print_json_string(f, (const uint8_t *)out, strlen(out));
	fputc('}', f);
}

void wait_print(FILE *f, const struct wait_sa *sa, int reauth, int json)
{
	const char *type = sa->child ? "CHILD_SA" : "IKE_SA";

	if (!json) {
		wait_print_sa(f, sa);
		fprintf(f, " %s, new %s #%u\n",
			reauth && !sa->child ? "reauthenticated" : "rekeyed",
			type, (unsigned)sa->new_id);
		return;
	}
	fprintf(f, "{\"sa\":\"%s\",\"name\":", type);
	print_json_string(f, (const uint8_t *)sa->name, strlen(sa->name));
	fputs(",\"ike\":", f);
	print_json_string(f, (const uint8_t *)sa->ike, strlen(sa->ike));
	fprintf(f, ",\"%s\":true,",
		reauth && !sa->child ? "reauthenticated" : "rekeyed");
	json_sa(f, "old", sa->id, sa->spi[0], sa->spi[1], sa->child);
	fputc(',', f);
	json_sa(f, "new", sa->new_id, sa->new_spi[0], sa->new_spi[1],
		sa->child);
	fputs("}\n", f);
}

/* The dialogue of --rekey --wait, and how each SA ends up. */
struct run {
	struct wait w;
	const struct args *a;
	int down; /* some SA went down instead of rekeying */
};

static void report(void *ctx, const struct wait_sa *sa)
{
	struct run *r = ctx;

	if (sa->state == WAIT_DONE) {
		wait_print(stdout, sa, r->a->reauth,
			   print_view(MESSAGE_SUCCESSOR, r->a->output) ==
				   VIEW_JSON);
		fflush(stdout);
		return;
	}
	r->down = 1;
	fputs("swanctl: ", stderr);
	wait_print_sa(stderr, sa);
	fputs(" went down instead of rekeying\n", stderr);
}

static int learn(void *ctx, const struct vici_packet_view *ev,
		 struct failure *f)
{
	struct wait *w = ctx;
	const char *why;

	(void)f;
	if (!vici_is(ev->name, ev->name_len, "list-sa") ||
	    vici_validate(ev->body, ev->body_len, &why))
		return 0; /* a broken listing teaches nothing */
	return wait_learn(w, ev->body, ev->body_len);
}

/* Learn the SAs the selector matches, as list-sas streams them. */
int wait_list(struct wait *w, struct client *c, struct failure *f)
{
	uint8_t req[VICI_MAX_REQUEST];
	struct vici_packet_view p;
	size_t len;
	int rc;

	rc = list_request(&w->filter, 0, req, sizeof(req), &len);
	if (rc)
		return status_fail(f, STAGE_ENCODE, "list-sas", rc);
	rc = client_register(c, VICI_EVENT_REGISTER, "list-sa", f);
	if (!rc)
		rc = client_call(c, "list-sas", req, len, &p, learn, w, f);
	if (!rc)
		rc = client_register(c, VICI_EVENT_UNREGISTER, "list-sa", f);
	return rc;
}

/* Follow the events until every learned SA is finished or time is up. */
static int follow(struct run *r, struct client *c, struct failure *f)
{
	struct vici_packet_view p;
	int rc;

	while (r->w.pending) {
		rc = client_recv(c, "rekey", &p, f);
		if (rc == -ETIMEDOUT)
			break;
		if (rc)
			return rc;
		if (p.type != VICI_EVENT) {
			f->packet_type = p.type;
			return status_fail(f, STAGE_EXCHANGE, "rekey", -EPROTO);
		}
		rc = vici_validate(p.body, p.body_len, &f->why);
		if (rc)
			return status_fail(f, STAGE_EXCHANGE, "rekey", rc);
		wait_event(&r->w, p.name, p.name_len, p.body, p.body_len,
			   report, r);
	}
	for (size_t i = 0; i < r->w.count; i++) {
		if (r->w.sa[i].state != WAIT_PENDING)
			continue;
		fputs("swanctl: ", stderr);
		wait_print_sa(stderr, &r->w.sa[i]);
		fprintf(stderr, " did not finish rekeying within %g s\n",
			r->a->timeout_ms / 1000.0);
	}
	/* each SA's outcome is printed: nothing left for main to say */
	f->reported = 1;
	if (r->w.pending)
		return status_fail(f, STAGE_RESULT, NULL, -ETIMEDOUT);
	return r->down ? status_fail(f, STAGE_RESULT, NULL, -ECANCELED) : 0;
}

int wait_run(const struct args *a, struct client *c, struct failure *f)
{
	static const char *const events[] = { "ike-rekey", "child-rekey",
					      "ike-updown", "child-updown" };
	struct run r = { .a = a };
	int rc;

	wait_init(&r.w, &a->filter, a->reauth);
	rc = wait_list(&r.w, c, f);
	for (size_t i = 0; i < 4 && !rc; i++)
		rc = client_register(c, VICI_EVENT_REGISTER, events[i], f);
	/* events before the reply belong to earlier work: never counted */
	if (!rc)
		rc = rekey_call(a, c, MESSAGE_REKEY_REPLY_WAIT, f);
	if (!rc && r.w.count == 0) {
		f->why = "no matching SA was up before the rekey: nothing to "
			 "wait for";
		rc = status_fail(f, STAGE_RESULT, NULL, -ENOENT);
	}
	if (!rc)
		rc = follow(&r, c, f);
	wait_free(&r.w);
	return rc;
}

// SPDX-License-Identifier: MIT
/*
 * --wait: learn the unique ids a selector matches from list-sa events, then
 * follow ike-rekey, child-rekey, ike-updown and child-updown events until
 * each of those SAs has a successor or has gone down.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "rekey.h"
#include "vici.h"
#include "vici_wire.h"
#include "wait.h"

/* Events nest IKE_SA > child-sas > CHILD_SA > old/new: depth 4. */
#define WALK_DEPTH 5

/* What a section of an event says about one SA. */
struct node {
	char sec[WAIT_NAME];  /* the section's name */
	char name[WAIT_NAME]; /* key "name" (CHILD_SAs) */
	char state[32];
	uint32_t uniqueid;
	int ikev1; /* key version=1 (IKE_SAs) */
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

static void copy(char *dst, size_t size, const uint8_t *s, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static int is(const uint8_t *s, size_t len, const char *word)
{
	return len == strlen(word) && !memcmp(s, word, len);
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
	if (is(e->name, e->name_len, "uniqueid"))
		n->uniqueid = number(e->value, e->value_len);
	else if (is(e->name, e->name_len, "name"))
		copy(n->name, sizeof(n->name), e->value, e->value_len);
	else if (is(e->name, e->name_len, "version"))
		n->ikev1 = is(e->value, e->value_len, "1");
	else if (is(e->name, e->name_len, "state"))
		copy(n->state, sizeof(n->state), e->value, e->value_len);
	else if (is(e->name, e->name_len, "spi-in") ||
		 is(e->name, e->name_len, "initiator-spi"))
		copy(n->spi[0], WAIT_SPI, e->value, e->value_len);
	else if (is(e->name, e->name_len, "spi-out") ||
		 is(e->name, e->name_len, "responder-spi"))
		copy(n->spi[1], WAIT_SPI, e->value, e->value_len);
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

	if (find(w, child, n->uniqueid))
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
	*sa = (struct wait_sa){ .child = child,
				.id = n->uniqueid,
				.ikev1 = !child && n->ikev1 };
	memcpy(sa->name, child ? n->name : n->sec, WAIT_NAME);
	memcpy(sa->ike, ike, WAIT_NAME);
	memcpy(sa->spi, n->spi, sizeof(sa->spi));
	return 0;
}

static void finish(struct wait_sa *sa, enum wait_state state,
		   wait_report_fn report, void *ctx)
{
	sa->state = state;
	if (report)
		report(ctx, sa);
}

/* N reports SA's successor in its old and new sections. */
static void rekeyed(struct wait_sa *sa, const struct node *n,
		    wait_report_fn report, void *ctx)
{
	sa->new_id = n->new.uniqueid;
	memcpy(sa->spi, n->old.spi, sizeof(sa->spi));
	memcpy(sa->new_spi, n->new.spi, sizeof(sa->new_spi));
	finish(sa, WAIT_DONE, report, ctx);
}

/* A down event names the SA of kind CHILD with unique id ID. */
static void went_down(struct wait *w, int child, uint32_t id,
		      wait_report_fn report, void *ctx)
{
	struct wait_sa *sa = find(w, child, id);

	if (sa && sa->state == WAIT_PENDING)
		finish(sa, WAIT_DOWN, report, ctx);
}

/* A CHILD_SA section has ended: st[3] under st[2] "child-sas". */
static int child_end(struct wait *w, struct walk *k, enum event ev,
		     wait_report_fn report, void *ctx)
{
	struct node *n = &k->st[3];
	struct wait_sa *sa;

	switch (ev) {
	case EVENT_LIST_SA:
		if (w->selector != SELECTOR_CHILD &&
		    w->selector != SELECTOR_CHILD_ID)
			return 0;
		if (w->selector == SELECTOR_CHILD ? strcmp(n->name, w->name)
						  : n->uniqueid != w->id)
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
			rekeyed(sa, n, report, ctx);
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
		finish(sa, WAIT_DONE, report, ctx);
}

/* An IKE_SA section (st[1]) has ended. */
static int ike_end(struct wait *w, struct walk *k, enum event ev,
		   wait_report_fn report, void *ctx)
{
	struct node *n = &k->st[1];
	struct wait_sa *sa;

	switch (ev) {
	case EVENT_LIST_SA:
		if (w->selector != SELECTOR_IKE &&
		    w->selector != SELECTOR_IKE_ID)
			return 0;
		if (w->selector == SELECTOR_IKE ? strcmp(n->sec, w->name)
						: n->uniqueid != w->id)
			return 0;
		if (strcmp(n->state, "ESTABLISHED") || !n->uniqueid)
			return 0;
		return add(w, 0, n, n->sec);
	case EVENT_IKE_REKEY:
		sa = n->has_old && n->has_new ? find(w, 0, n->old.uniqueid)
					      : NULL;
		if (!w->reauth && sa && sa->state == WAIT_PENDING &&
		    !strcmp(sa->ike, n->sec))
			rekeyed(sa, n, report, ctx);
		return 0;
	case EVENT_IKE_UPDOWN:
		/* charon rekeys an IKEv1 IKE_SA by reauthenticating it: the
		 * old one goes down, a new one comes up, no ike-rekey */
		if (w->reauth || n->ikev1) {
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
			if (depth == 0 && is(e.name, e.name_len, "up"))
				k.up = is(e.value, e.value_len, "yes");
			else if (depth && n)
				set_key(n, &e);
			break;
		case VICI_SECTION_START:
			if (++depth <= WALK_DEPTH) {
				memset(&k.st[depth], 0, sizeof(k.st[depth]));
				copy(k.st[depth].sec, WAIT_NAME, e.name,
				     e.name_len);
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

void wait_init(struct wait *w, const struct args *a)
{
	*w = (struct wait){ .selector = a->selector,
			    .name = a->name,
			    .id = a->id,
			    .reauth = a->reauth };
}

void wait_free(struct wait *w)
{
	free(w->sa);
	w->sa = NULL;
	w->count = w->cap = 0;
}

long wait_list_request(const struct args *a, uint8_t *mem, size_t cap)
{
	struct vici_buf b;

	vici_begin(&b, mem, cap, VICI_CMD_REQUEST, "list-sas");
	rekey_put_selector(&b, a);
	return vici_end(&b);
}

int wait_learn(struct wait *w, const uint8_t *body, size_t len)
{
	return walk(w, EVENT_LIST_SA, body, len, NULL, NULL);
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
		if (is(name, name_len, names[ev]))
			walk(w, (enum event)ev, body, len, report, ctx);
}

size_t wait_pending(const struct wait *w)
{
	size_t n = 0;

	for (size_t i = 0; i < w->count; i++)
		n += w->sa[i].state == WAIT_PENDING;
	return n;
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
	const char *done = (reauth || sa->ikev1) && !sa->child
				   ? "reauthenticated"
				   : "rekeyed";

	if (!json) {
		wait_print_sa(f, sa);
		fprintf(f, " %s, new %s #%u\n", done, type,
			(unsigned)sa->new_id);
		return;
	}
	fprintf(f, "{\"sa\":\"%s\",\"name\":", type);
	print_json_string(f, (const uint8_t *)sa->name, strlen(sa->name));
	fputs(",\"ike\":", f);
	print_json_string(f, (const uint8_t *)sa->ike, strlen(sa->ike));
	fprintf(f, ",\"%s\":true,", done);
	json_sa(f, "old", sa->id, sa->spi[0], sa->spi[1], sa->child);
	fputc(',', f);
	json_sa(f, "new", sa->new_id, sa->new_spi[0], sa->new_spi[1],
		sa->child);
	fputs("}\n", f);
}

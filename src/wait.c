// SPDX-License-Identifier: MIT
/*
 * --wait: learn the unique ids a selector matches from list-sa events, then
 * follow ike-rekey, child-rekey, ike-updown, child-updown and charon's log
 * events until each of those SAs has a successor, has gone down, or charon
 * has logged that its rekey failed.
 *
 * Every SA is found by unique id through one open-addressing table (an IKE
 * or CHILD_SA by its id, the CHILD_SAs of an IKE_SA by the IKE_SA's id, a
 * reauthenticated IKE_SA by its successor's id), so an event costs the
 * same with ten SAs or ten thousand.  Config names and identities are
 * stored once and compared by pointer.
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

/* A slice of the event being read. */
struct str {
	const uint8_t *p;
	size_t len;
};

/* S (LEN bytes) is exactly the literal LIT: a length test, then an inlined
 * compare (the hot path of every event). */
#define IS(s, len, lit)                                                        \
	((len) == sizeof(lit) - 1 && !memcmp((s), (lit), sizeof(lit) - 1))

/* What a section of an event says about one SA. */
struct node {
	struct str sec;	 /* the section's name */
	struct str name; /* key "name" (CHILD_SAs) */
	struct str state;
	struct str local_id, remote_id, remote_host;
	uint32_t uniqueid;
	int ikev1; /* key version=1 (IKE_SAs) */
	struct str spi[2];
	int has_old, has_new;
	struct node_sa {
		uint32_t uniqueid;
		struct str spi[2];
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
	EVENT_LOG,
};

/* What the table maps a unique id to; a slot holds the kind in its top
 * bits and the SA's index + 1 below. */
enum key {
	KEY_IKE,       /* an IKE_SA waited for */
	KEY_CHILD,     /* a CHILD_SA waited for */
	KEY_OWNER,     /* an IKE_SA's id: its last CHILD_SA waited for */
	KEY_SUCCESSOR, /* a new IKE_SA charon logged as one's successor */
};
#define KEY_SHIFT 28
#define KEY_INDEX ((1u << KEY_SHIFT) - 1)

struct wait_peer {
	const char *ike, *local_id, *remote_id, *remote_host;
	struct wait_peer *other_host; /* same identities, another address */
	uint32_t first;		      /* our IKE_SAs with it, chained by next */
	uint32_t unpaired;	      /* of those, still without a successor */
	uint32_t ready;		      /* its fresh IKE_SAs charon named no
				       * predecessor for */
	uint32_t fresh;		      /* all its fresh IKE_SAs */
};

/* A new IKE_SA of a peer we wait for, up, not paired yet.  With charon's
 * log (once a line has come) it is "ready" to be counted as nobody's known
 * successor only when the log has caught up with it ("IKE_SA home[7]
 * established ..."): charon sends log lines from a queue of their own, and
 * they can lag behind the other events. */
struct wait_new {
	uint32_t id;
	int ready;
	struct wait_peer *peer;
	char spi[2][WAIT_SPI];
};

static int same(const char *s, struct str v)
{
	if (!v.len) /* an absent value has no pointer */
		return s[0] == '\0';
	return !strncmp(s, (const char *)v.p, v.len) && s[v.len] == '\0';
}

static struct str slice(const uint8_t *p, size_t len)
{
	return (struct str){ p, len };
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

static uint32_t hash_bytes(struct str s)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < s.len; i++)
		h = (h ^ s.p[i]) * 16777619u;
	return h;
}

/* --- the unique-id table ------------------------------------------------ */

static uint32_t key_id(const struct wait_sa *sa, enum key k)
{
	switch (k) {
	case KEY_IKE:
	case KEY_CHILD:
		return sa->id;
	case KEY_OWNER:
		return sa->ike_id;
	case KEY_SUCCESSOR:
		return sa->hint;
	}
	return 0;
}

static size_t home(uint32_t id, enum key k, size_t mask)
{
	return ((id ^ (uint32_t)k << 30) * 2654435761u) & mask;
}

/* The slot of kind K for ID, or NULL. */
static uint32_t *find_slot(const struct wait *w, enum key k, uint32_t id)
{
	size_t mask = w->slots - 1;

	if (!w->slots || !id)
		return NULL;
	for (size_t i = home(id, k, mask);; i = (i + 1) & mask) {
		uint32_t v = w->slot[i];

		if (!v)
			return NULL;
		if (v >> KEY_SHIFT == k &&
		    key_id(&w->sa[(v & KEY_INDEX) - 1], k) == id)
			return &w->slot[i];
	}
}

static void place(uint32_t *slot, size_t mask, uint32_t v, uint32_t id)
{
	size_t i = home(id, (enum key)(v >> KEY_SHIFT), mask);

	while (slot[i])
		i = (i + 1) & mask;
	slot[i] = v;
}

/* Map ID of kind K to the SA at INDEX (the id is not in the table). */
static int index_put(struct wait *w, enum key k, size_t index)
{
	uint32_t v = (uint32_t)k << KEY_SHIFT | (uint32_t)(index + 1);

	if ((w->used + 1) * 2 > w->slots) {
		size_t slots = w->slots ? w->slots * 2 : 64;
		uint32_t *grown = calloc(slots, sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		for (size_t i = 0; i < w->slots; i++) {
			uint32_t o = w->slot[i];

			if (o)
				place(grown, slots - 1, o,
				      key_id(&w->sa[(o & KEY_INDEX) - 1],
					     (enum key)(o >> KEY_SHIFT)));
		}
		free(w->slot);
		w->slot = grown;
		w->slots = slots;
	}
	place(w->slot, w->slots - 1, v, key_id(&w->sa[index], k));
	w->used++;
	return 0;
}

static struct wait_sa *at(const struct wait *w, const uint32_t *slot)
{
	return slot ? &w->sa[(*slot & KEY_INDEX) - 1] : NULL;
}

struct wait_sa *wait_find(const struct wait *w, int child, uint32_t id)
{
	return at(w, find_slot(w, child ? KEY_CHILD : KEY_IKE, id));
}

/* --- names and peers, stored once ----------------------------------------- */

/* The stored copy of S, or NULL when it is not stored (INSERT 0) or
 * memory ran out. */
static const char *name_of(struct wait *w, struct str s, int insert)
{
	size_t mask, i;
	char *copy;

	if (insert && (w->names_count + 1) * 2 > w->names_cap) {
		size_t cap = w->names_cap ? w->names_cap * 2 : 16;
		char **grown = calloc(cap, sizeof(*grown));

		if (!grown)
			return NULL;
		for (size_t j = 0; j < w->names_cap; j++) {
			char *n = w->names[j];

			if (!n)
				continue;
			i = hash_bytes(slice((const uint8_t *)n, strlen(n))) &
			    (cap - 1);
			while (grown[i])
				i = (i + 1) & (cap - 1);
			grown[i] = n;
		}
		free(w->names);
		w->names = grown;
		w->names_cap = cap;
	}
	if (!w->names_cap)
		return NULL;
	mask = w->names_cap - 1;
	for (i = hash_bytes(s) & mask; w->names[i]; i = (i + 1) & mask)
		if (same(w->names[i], s))
			return w->names[i];
	if (!insert || !(copy = malloc(s.len + 1)))
		return NULL;
	if (s.len) /* an absent value has no pointer */
		memcpy(copy, s.p, s.len);
	copy[s.len] = '\0';
	w->names[i] = copy;
	w->names_count++;
	return copy;
}

static size_t peer_hash(const char *ike, const char *lid, const char *rid)
{
	uintptr_t h =
		(uintptr_t)ike * 31 + (uintptr_t)lid * 17 + (uintptr_t)rid;

	return (size_t)(h ^ h >> 15) * 2654435761u;
}

/* The first peer (an address of it) known with these identities. */
static struct wait_peer **peer_slot(const struct wait *w, const char *ike,
				    const char *lid, const char *rid)
{
	size_t mask = w->peers_cap - 1;

	for (size_t i = peer_hash(ike, lid, rid) & mask;; i = (i + 1) & mask) {
		struct wait_peer *p = w->peers[i];

		if (!p || (p->ike == ike && p->local_id == lid &&
			   p->remote_id == rid))
			return &w->peers[i];
	}
}

/* The peer of the IKE_SA N describes: the one with its identities and,
 * when the identities are known from several addresses, its address.
 * NULL when none of ours has it. */
static struct wait_peer *peer_find(struct wait *w, const struct node *n)
{
	const char *ike = name_of(w, n->sec, 0);
	const char *lid = name_of(w, n->local_id, 0);
	const char *rid = name_of(w, n->remote_id, 0);
	const char *host = name_of(w, n->remote_host, 0);
	struct wait_peer *p;

	if (!ike || !lid || !rid || !w->peers_cap)
		return NULL;
	p = *peer_slot(w, ike, lid, rid);
	if (!p || !p->other_host)
		return p; /* the identities alone tell the peer */
	for (; p; p = p->other_host)
		if (p->remote_host == host)
			return p;
	return NULL;
}

/* The peer of N, stored when new; NULL when memory ran out. */
static struct wait_peer *peer_get(struct wait *w, const struct node *n)
{
	const char *ike = name_of(w, n->sec, 1);
	const char *lid = name_of(w, n->local_id, 1);
	const char *rid = name_of(w, n->remote_id, 1);
	const char *host = name_of(w, n->remote_host, 1);
	struct wait_peer **slot, *p;

	if (!ike || !lid || !rid || !host)
		return NULL;
	if ((w->peers_count + 1) * 2 > w->peers_cap) {
		size_t cap = w->peers_cap ? w->peers_cap * 2 : 16;
		struct wait_peer **old = w->peers;
		size_t old_cap = w->peers_cap;

		w->peers = calloc(cap, sizeof(*w->peers));
		if (!w->peers) {
			w->peers = old;
			return NULL;
		}
		w->peers_cap = cap;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i])
				*peer_slot(w, old[i]->ike, old[i]->local_id,
					   old[i]->remote_id) = old[i];
		free(old);
	}
	slot = peer_slot(w, ike, lid, rid);
	for (p = *slot; p; p = p->other_host)
		if (p->remote_host == host)
			return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	*p = (struct wait_peer){ .ike = ike,
				 .local_id = lid,
				 .remote_id = rid,
				 .remote_host = host,
				 .other_host = *slot };
	if (!*slot)
		w->peers_count++;
	*slot = p;
	return p;
}

/* --- learning ------------------------------------------------------------- */

static void set_key(struct node *n, const struct vici_elem *e, int top)
{
	struct str v = slice(e->value, e->value_len);

	if (IS(e->name, e->name_len, "uniqueid"))
		n->uniqueid = number(e->value, e->value_len);
	else if (IS(e->name, e->name_len, "name"))
		n->name = v;
	else if (IS(e->name, e->name_len, "state"))
		n->state = v;
	else if (IS(e->name, e->name_len, "spi-in") ||
		 IS(e->name, e->name_len, "initiator-spi"))
		n->spi[0] = v;
	else if (IS(e->name, e->name_len, "spi-out") ||
		 IS(e->name, e->name_len, "responder-spi"))
		n->spi[1] = v;
	else if (IS(e->name, e->name_len, "version"))
		n->ikev1 = IS(e->value, e->value_len, "1");
	else if (!top)
		return;
	else if (IS(e->name, e->name_len, "local-id"))
		n->local_id = v;
	else if (IS(e->name, e->name_len, "remote-id"))
		n->remote_id = v;
	else if (IS(e->name, e->name_len, "remote-host"))
		n->remote_host = v;
}

static void copy_spi(char dst[2][WAIT_SPI], const struct str spi[2])
{
	for (int i = 0; i < 2; i++) {
		size_t len = spi[i].len < WAIT_SPI ? spi[i].len : 0;

		if (len) /* an absent SPI has no pointer to copy from */
			memcpy(dst[i], spi[i].p, len);
		dst[i][len] = '\0';
	}
}

/* Learn the SA N (a CHILD_SA when CHILD) of the IKE_SA IKE. */
static int add(struct wait *w, int child, const struct node *ike,
	       const struct node *n)
{
	size_t index = w->count;
	struct wait_sa *sa;
	uint32_t *owner;
	int rc;

	if (wait_find(w, child, n->uniqueid))
		return 0;
	if (n->spi[0].len >= WAIT_SPI || n->spi[1].len >= WAIT_SPI)
		return 0; /* not an SA charon would list */
	if (index >= KEY_INDEX)
		return -ENOMEM;
	if (w->count == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 8;
		struct wait_sa *grown = realloc(w->sa, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		w->sa = grown;
		w->cap = cap;
	}
	sa = &w->sa[index];
	*sa = (struct wait_sa){ .child = child,
				.id = n->uniqueid,
				.ikev1 = !child && n->ikev1,
				.ike_id = ike->uniqueid,
				.name = name_of(w, child ? n->name : n->sec, 1),
				.ike = name_of(w, ike->sec, 1) };
	if (!sa->name || !sa->ike)
		return -ENOMEM;
	copy_spi(sa->spi, n->spi);
	/* charon rekeys an IKEv1 IKE_SA by reauthenticating it: the old one
	 * goes down, a new one comes up, no ike-rekey */
	if (sa->ikev1)
		w->reauth = 1;
	if (!child && w->reauth && !(sa->peer = peer_get(w, n)))
		return -ENOMEM;
	w->count++;
	rc = index_put(w, child ? KEY_CHILD : KEY_IKE, index);
	if (rc)
		return rc;
	if (child && (owner = find_slot(w, KEY_OWNER, sa->ike_id))) {
		sa->next = (*owner & KEY_INDEX);
		*owner = (uint32_t)KEY_OWNER << KEY_SHIFT |
			 (uint32_t)(index + 1);
	} else if (child && sa->ike_id) {
		rc = index_put(w, KEY_OWNER, index);
	} else if (sa->peer) {
		sa->next = sa->peer->first;
		sa->peer->first = (uint32_t)(index + 1);
		sa->peer->unpaired++;
	}
	w->pending++;
	return rc;
}

/* --- finishing ------------------------------------------------------------ */

static void finish(struct wait *w, struct wait_sa *sa, enum wait_state state,
		   wait_report_fn report, void *ctx)
{
	sa->state = state;
	w->pending--;
	free(sa->cause);
	sa->cause = NULL;
	if (report)
		report(ctx, sa);
	if (state == WAIT_DONE && report) {
		free(sa->said); /* its story is told: keep the memory small */
		sa->said = NULL;
	}
}

/* N reports SA's successor in its old and new sections. */
static void rekeyed(struct wait *w, struct wait_sa *sa, const struct node *n,
		    wait_report_fn report, void *ctx)
{
	sa->new_id = n->new.uniqueid;
	copy_spi(sa->spi, n->old.spi);
	copy_spi(sa->new_spi, n->new.spi);
	finish(w, sa, WAIT_DONE, report, ctx);
}

static void went_down(struct wait *w, struct wait_sa *sa, wait_report_fn report,
		      void *ctx)
{
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
		if (w->filter.child ? !same(w->filter.child, n->name)
				    : n->uniqueid != w->filter.child_id)
			return 0;
		if (!same("INSTALLED", n->state) || !n->uniqueid)
			return 0;
		return add(w, 1, &k->st[1], n);
	case EVENT_CHILD_REKEY:
		sa = n->has_old && n->has_new ? wait_find(w, 1, n->old.uniqueid)
					      : NULL;
		/* ids are unique in one daemon; the names guard the rest */
		if (sa && sa->state == WAIT_PENDING &&
		    same(sa->ike, k->st[1].sec) && same(sa->name, n->sec))
			rekeyed(w, sa, n, report, ctx);
		return 0;
	case EVENT_IKE_UPDOWN:
	case EVENT_CHILD_UPDOWN:
		if (!k->up)
			went_down(w, wait_find(w, 1, n->uniqueid), report, ctx);
		return 0;
	case EVENT_IKE_REKEY:
	case EVENT_LOG:
		break;
	}
	return 0;
}

/* SA (an IKE_SA of ours) has its successor in N: pair them. */
static void pair(struct wait *w, struct wait_sa *sa, const struct node *n,
		 wait_report_fn report, void *ctx)
{
	sa->new_id = n->uniqueid;
	copy_spi(sa->new_spi, n->spi);
	sa->peer->unpaired--;
	if (sa->went_down)
		finish(w, sa, WAIT_DONE, report, ctx);
}

/* The unpaired IKE_SAs of P that are still pending, chained. */
#define EACH_UNPAIRED(w, p, sa)                                                \
	for (uint32_t i_ = (p)->first; i_ && ((sa) = &(w)->sa[i_ - 1], 1);     \
	     i_ = (sa)->next)                                                  \
		if ((sa)->state == WAIT_PENDING && !(sa)->new_id)

static int seen_has(const struct wait *w, uint32_t id)
{
	size_t mask = w->seen_cap - 1;

	if (!w->seen_cap)
		return 0;
	for (size_t i = home(id, KEY_SUCCESSOR, mask); w->seen[i];
	     i = (i + 1) & mask)
		if (w->seen[i] == id)
			return 1;
	return 0;
}

static void seen_put(struct wait *w, uint32_t id)
{
	if ((w->seen_count + 1) * 2 > w->seen_cap) {
		size_t cap = w->seen_cap ? w->seen_cap * 2 : 64;
		uint32_t *grown = calloc(cap, sizeof(*grown));

		if (!grown)
			return; /* it will only be paired later, or time out */
		for (size_t i = 0; i < w->seen_cap; i++) {
			size_t j;

			if (!w->seen[i])
				continue;
			j = home(w->seen[i], KEY_SUCCESSOR, cap - 1);
			while (grown[j])
				j = (j + 1) & (cap - 1);
			grown[j] = w->seen[i];
		}
		free(w->seen);
		w->seen = grown;
		w->seen_cap = cap;
	}
	if (seen_has(w, id))
		return;
	for (size_t i = home(id, KEY_SUCCESSOR, w->seen_cap - 1);;
	     i = (i + 1) & (w->seen_cap - 1)) {
		if (!w->seen[i]) {
			w->seen[i] = id;
			w->seen_count++;
			return;
		}
	}
}

static int fresh_find(const struct wait *w, uint32_t id)
{
	for (size_t i = 0; i < w->fresh_count; i++)
		if (w->fresh[i].id == id)
			return (int)i;
	return -1;
}

static void fresh_take(struct wait *w, int i)
{
	struct wait_new *n = &w->fresh[i];

	n->peer->fresh--;
	n->peer->ready -= n->ready != 0;
	*n = w->fresh[--w->fresh_count];
}

/* SA (an IKE_SA of ours) has its successor, the fresh IKE_SA I. */
static void pair_fresh(struct wait *w, struct wait_sa *sa, int i,
		       wait_report_fn report, void *ctx)
{
	sa->new_id = w->fresh[i].id;
	memcpy(sa->new_spi, w->fresh[i].spi, sizeof(sa->new_spi));
	fresh_take(w, i);
	sa->peer->unpaired--;
	if (sa->went_down)
		finish(w, sa, WAIT_DONE, report, ctx);
}

/* P's new IKE_SAs came up without a way to tell which is whose: once all
 * its unpaired IKE_SAs for which charon named no successor are down and as
 * many new ones are ready, each of those is done with "one of N" (exactly
 * when N is 1). */
static void settle(struct wait *w, struct wait_peer *p, wait_report_fn report,
		   void *ctx)
{
	struct wait_sa *sa;
	size_t unhinted = 0;

	EACH_UNPAIRED(w, p, sa)
	if (!sa->hint) {
		if (!sa->went_down)
			return;
		unhinted++;
	}
	if (!unhinted || p->ready < unhinted)
		return;
	if (unhinted == 1 && p->ready == 1) {
		for (size_t i = 0; i < w->fresh_count; i++) {
			if (w->fresh[i].peer != p || !w->fresh[i].ready)
				continue;
			EACH_UNPAIRED(w, p, sa)
			if (!sa->hint) {
				pair_fresh(w, sa, (int)i, report, ctx);
				return;
			}
		}
	}
	EACH_UNPAIRED(w, p, sa)
	if (!sa->hint) {
		sa->candidates = p->ready;
		memset(sa->new_spi, 0, sizeof(sa->new_spi));
		p->unpaired--;
		finish(w, sa, WAIT_DONE, report, ctx);
	}
}

/* Charon named ID the successor of SA (see follow_thread). */
static void hinted(struct wait *w, struct wait_sa *sa, uint32_t id,
		   wait_report_fn report, void *ctx)
{
	int i = fresh_find(w, id);

	sa->hint = id;
	if (index_put(w, KEY_SUCCESSOR, (size_t)(sa - w->sa))) {
		sa->hint = 0;
		return;
	}
	/* its up event came before the log line */
	if (i >= 0 && w->fresh[i].peer == sa->peer)
		pair_fresh(w, sa, i, report, ctx);
}

/* The log has caught up with the new IKE_SA ID. */
static void fresh_ready(struct wait *w, uint32_t id, wait_report_fn report,
			void *ctx)
{
	int i = fresh_find(w, id);

	if (i < 0 || w->fresh[i].ready)
		return;
	w->fresh[i].ready = 1;
	w->fresh[i].peer->ready++;
	settle(w, w->fresh[i].peer, report, ctx);
}

/* Reauthentication: done when the old IKE_SA is down and a new one of
 * the same config and the same peer is up, in either order. */
static void reauth_step(struct wait *w, const struct node *n, int up,
			wait_report_fn report, void *ctx)
{
	struct wait_sa *sa = wait_find(w, 0, n->uniqueid);
	struct wait_peer *p;
	struct wait_new *fresh;

	if (!up) {
		if (!sa || sa->state != WAIT_PENDING)
			return;
		sa->went_down = 1;
		if (sa->new_id)
			finish(w, sa, WAIT_DONE, report, ctx);
		else
			settle(w, sa->peer, report, ctx);
		return;
	}
	if (sa)
		return; /* one of ours coming up is nobody's successor */
	p = peer_find(w, n);
	sa = at(w, find_slot(w, KEY_SUCCESSOR, n->uniqueid));
	if (sa && sa->state == WAIT_PENDING && !sa->new_id && sa->peer == p) {
		pair(w, sa, n, report, ctx); /* the one charon named */
		return;
	}
	if (!p || !p->unpaired || fresh_find(w, n->uniqueid) >= 0)
		return; /* another peer, or one we do not wait for */
	if (w->fresh_count == w->fresh_cap) {
		size_t cap = w->fresh_cap ? w->fresh_cap * 2 : 8;
		struct wait_new *grown =
			realloc(w->fresh, cap * sizeof(*grown));

		if (!grown)
			return; /* it will time out, truthfully */
		w->fresh = grown;
		w->fresh_cap = cap;
	}
	fresh = &w->fresh[w->fresh_count++];
	*fresh = (struct wait_new){ .id = n->uniqueid,
				    .ready = !w->heard ||
					     seen_has(w, n->uniqueid),
				    .peer = p };
	copy_spi(fresh->spi, n->spi);
	p->fresh++;
	p->ready += fresh->ready;
	settle(w, p, report, ctx);
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
		if (w->filter.ike ? !same(w->filter.ike, n->sec)
				  : n->uniqueid != w->filter.ike_id)
			return 0;
		if (!same("ESTABLISHED", n->state) || !n->uniqueid)
			return 0;
		return add(w, 0, n, n);
	case EVENT_IKE_REKEY:
		sa = n->has_old && n->has_new ? wait_find(w, 0, n->old.uniqueid)
					      : NULL;
		if (!w->reauth && sa && sa->state == WAIT_PENDING &&
		    same(sa->ike, n->sec))
			rekeyed(w, sa, n, report, ctx);
		return 0;
	case EVENT_IKE_UPDOWN:
		if (w->reauth) {
			reauth_step(w, n, k->up, report, ctx);
			return 0;
		}
		if (k->up)
			return 0;
		went_down(w, wait_find(w, 0, n->uniqueid), report, ctx);
		/* its CHILD_SAs go with it */
		for (sa = at(w, find_slot(w, KEY_OWNER, n->uniqueid)); sa;
		     sa = sa->next ? &w->sa[sa->next - 1] : NULL)
			went_down(w, sa, report, ctx);
		return 0;
	case EVENT_CHILD_REKEY:
	case EVENT_CHILD_UPDOWN:
	case EVENT_LOG:
		break;
	}
	return 0;
}

static int walk(struct wait *w, enum event ev, const uint8_t *body, size_t len,
		wait_report_fn report, void *ctx)
{
	struct walk k;
	struct vici_reader r;
	struct vici_elem e;
	int depth = 0, rc = 0;

	k.up = 0;
	vici_reader_init(&r, body, len);
	while (rc == 0 && vici_next(&r, &e) > 0) {
		struct node *n = depth <= WALK_DEPTH ? &k.st[depth] : NULL;

		switch (e.type) {
		case VICI_KEY_VALUE:
			if (depth == 0 && IS(e.name, e.name_len, "up"))
				k.up = IS(e.value, e.value_len, "yes");
			else if (depth && n)
				set_key(n, &e, depth == 1);
			break;
		case VICI_SECTION_START:
			if (++depth <= WALK_DEPTH) {
				memset(&k.st[depth], 0, sizeof(k.st[depth]));
				k.st[depth].sec = slice(e.name, e.name_len);
			}
			break;
		case VICI_SECTION_END:
			if (n && depth >= 2) {
				struct node *up = &k.st[depth - 1];
				struct node_sa *to = NULL;

				if (IS(n->sec.p, n->sec.len, "old")) {
					to = &up->old;
					up->has_old = 1;
				} else if (IS(n->sec.p, n->sec.len, "new")) {
					to = &up->new;
					up->has_new = 1;
				}
				if (to) {
					to->uniqueid = n->uniqueid;
					to->spi[0] = n->spi[0];
					to->spi[1] = n->spi[1];
				}
			}
			if (depth == 3 &&
			    IS(k.st[2].sec.p, k.st[2].sec.len, "child-sas"))
				rc = child_end(w, &k, ev, report, ctx);
			if (depth == 1)
				rc = ike_end(w, &k, ev, report, ctx);
			depth--;
			break;
		}
	}
	return rc;
}

/* --- charon's log --------------------------------------------------------- */

enum said {
	SAID_OTHER,
	SAID_CAUSE,	   /* an error that a "failed" line may follow */
	SAID_CHILD_FAILED, /* "CHILD_SA rekeying failed, trying again..." */
	SAID_IKE_FAILED,   /* "IKE_SA rekeying failed, ..." */
	SAID_REAUTH_FAILED,
	SAID_GAVE_UP, /* retransmits or retries exhausted: the IKE_SA dies */
};

static int starts(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && !memcmp(s.p, prefix, n);
}

static int has(struct str s, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= s.len; i++)
		if (!memcmp(s.p + i, word, n))
			return 1;
	return 0;
}

static enum said classify(struct str msg)
{
	static const char *const causes[] = {
		"unable to ",	     "no acceptable",	      "peer didn't",
		"peer seems to not", "abort active rekeying", "tried ",
	};

	if (starts(msg, "CHILD_SA rekeying failed"))
		return SAID_CHILD_FAILED;
	if (starts(msg, "IKE_SA rekeying failed"))
		return SAID_IKE_FAILED;
	if (starts(msg, "reauthenticating IKE_SA failed") ||
	    starts(msg, "initiator did not reauthenticate"))
		return SAID_REAUTH_FAILED;
	if (starts(msg, "giving up after"))
		return SAID_GAVE_UP;
	if ((starts(msg, "received ") && has(msg, " notify")) ||
	    has(msg, "we tried to rekey") ||
	    (starts(msg, "authentication of ") && has(msg, "failed")))
		return SAID_CAUSE;
	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++)
		if (starts(msg, causes[i]))
			return SAID_CAUSE;
	return SAID_OTHER;
}

static char *dup_str(struct str s, const char *suffix)
{
	size_t extra = suffix ? strlen(suffix) : 0;
	char *d = malloc(s.len + extra + 1);

	if (d) {
		if (s.len)
			memcpy(d, s.p, s.len);
		memcpy(d + s.len, suffix ? suffix : "", extra);
		d[s.len + extra] = '\0';
	}
	return d;
}

/* " (charon retries in 8 s)" from "..., trying again in 8 seconds". */
static void retry_of(struct str msg, char *out, size_t size)
{
	static const char tag[] = "trying again in ";
	size_t n = sizeof(tag) - 1, d = 0;

	out[0] = '\0';
	for (size_t i = 0; i + n <= msg.len; i++) {
		if (memcmp(msg.p + i, tag, n))
			continue;
		while (i + n + d < msg.len && d < 10 &&
		       msg.p[i + n + d] >= '0' && msg.p[i + n + d] <= '9')
			d++;
		if (d)
			snprintf(out, size, " (charon retries in %.*s s)",
				 (int)d, (const char *)msg.p + i + n);
		return;
	}
}

/* Charon said MSG (of kind WHAT) about SA, pending. */
static void note(struct wait *w, struct wait_sa *sa, struct str msg,
		 enum said what, int lone, wait_report_fn report, void *ctx)
{
	char retry[48], *said;
	int failed;

	if (what == SAID_CAUSE && !sa->cause)
		sa->cause = dup_str(msg, NULL);
	switch (what) {
	case SAID_CHILD_FAILED:
		failed = sa->child && lone;
		break;
	case SAID_IKE_FAILED:
		failed = !sa->child && !w->reauth;
		break;
	case SAID_REAUTH_FAILED:
		failed = !sa->child && w->reauth;
		break;
	case SAID_GAVE_UP:
		failed = 1;
		break;
	default:
		failed = 0;
	}
	retry_of(msg, retry, sizeof(retry));
	if (failed && sa->cause && what != SAID_GAVE_UP)
		said = dup_str(
			slice((const uint8_t *)sa->cause, strlen(sa->cause)),
			retry);
	else
		said = dup_str(msg, failed ? retry : NULL);
	if (!said)
		return;
	free(sa->said);
	sa->said = said;
	if (failed)
		finish(w, sa, WAIT_FAILED, report, ctx);
}

/* Charon starts a reauthenticated IKE_SA's successor in the thread that
 * has just dealt with the old one: "IKE_SA deleted" (or "reauthenticating
 * IKE_SA" before a make-before-break), then "restarting CHILD_SA" and
 * "initiating IKE_SA" about the new one.  A line about no IKE_SA means the
 * thread has moved on. */
static void follow_thread(struct wait *w, uint32_t thread, uint32_t id,
			  struct str msg, wait_report_fn report, void *ctx)
{
	size_t t = thread % (sizeof(w->threads) / sizeof(w->threads[0]));
	struct wait_sa *prev = NULL;

	if (w->threads[t].thread == thread && w->threads[t].ike_id != id)
		prev = wait_find(w, 0, w->threads[t].ike_id);
	if (prev && id && !prev->hint && !prev->new_id &&
	    prev->state == WAIT_PENDING &&
	    (starts(msg, "initiating IKE_SA ") ||
	     starts(msg, "restarting CHILD_SA ")) &&
	    !wait_find(w, 0, id) && !find_slot(w, KEY_SUCCESSOR, id)) {
		hinted(w, prev, id, report, ctx);
	}
	w->threads[t].thread = thread;
	w->threads[t].ike_id = id;
}

/* The unique id in "initiating IKE_SA home[7] to ...", or 0. */
static uint32_t initiated(struct str msg)
{
	size_t i = sizeof("initiating IKE_SA ") - 1, start;

	if (!starts(msg, "initiating IKE_SA "))
		return 0;
	while (i < msg.len && msg.p[i] != '[')
		i++;
	start = ++i;
	while (i < msg.len && msg.p[i] != ']')
		i++;
	return i < msg.len ? number(msg.p + start, i - start) : 0;
}

/* Reauthentication and charon's log line MSG about the IKE_SA ID: charon
 * 5.9 logs "initiating IKE_SA home[7]" about the old IKE_SA it replaces (a
 * successor named outright); "IKE_SA home[7] established" tells that the
 * log has caught up with the new one. */
static void reauth_log(struct wait *w, uint32_t id, struct str msg,
		       wait_report_fn report, void *ctx)
{
	struct wait_sa *sa;
	uint32_t next;

	if ((next = initiated(msg)) && next != id &&
	    (sa = wait_find(w, 0, id)) && sa->state == WAIT_PENDING &&
	    !sa->hint && !sa->new_id && !wait_find(w, 0, next) &&
	    !find_slot(w, KEY_SUCCESSOR, next)) {
		hinted(w, sa, next, report, ctx);
		return;
	}
	if (!starts(msg, "IKE_SA ") || !has(msg, "] established between") ||
	    wait_find(w, 0, id))
		return;
	if (fresh_find(w, id) >= 0)
		fresh_ready(w, id, report, ctx);
	else if (!find_slot(w, KEY_SUCCESSOR, id))
		seen_put(w, id); /* its up event is still to come */
}

/* A log event: charon's word on an IKE_SA, maybe one of ours. */
static void log_event(struct wait *w, const uint8_t *body, size_t len,
		      wait_report_fn report, void *ctx)
{
	struct str group = { 0 }, msg = { 0 };
	uint32_t id = 0, thread = 0, lone = 0;
	struct vici_reader r;
	struct vici_elem e;
	struct wait_sa *sa, *prev;
	enum said what;
	int has_thread = 0;

	w->heard = 1;
	vici_reader_init(&r, body, len);
	while (vici_next(&r, &e) > 0) {
		if (e.type != VICI_KEY_VALUE || vici_depth(&r))
			continue;
		if (IS(e.name, e.name_len, "ikesa-uniqueid"))
			id = number(e.value, e.value_len);
		else if (IS(e.name, e.name_len, "msg"))
			msg = slice(e.value, e.value_len);
		else if (IS(e.name, e.name_len, "group"))
			group = slice(e.value, e.value_len);
		else if (IS(e.name, e.name_len, "thread")) {
			thread = number(e.value, e.value_len);
			has_thread = 1;
		}
	}
	if (w->reauth && has_thread)
		follow_thread(w, thread, id, msg, report, ctx);
	if (w->reauth && id)
		reauth_log(w, id, msg, report, ctx);
	if (!id)
		return;
	sa = wait_find(w, 0, id);
	if (!sa)
		sa = at(w, find_slot(w, KEY_SUCCESSOR, id));
	if (!sa)
		sa = at(w, find_slot(w, KEY_OWNER, id));
	if (!sa)
		return;
	if (w->log)
		w->log(w->log_ctx, group.p, group.len, msg.p, msg.len);
	what = classify(msg);
	if (!sa->child) {
		if (sa->state == WAIT_PENDING)
			note(w, sa, msg, what, 1, report, ctx);
		return;
	}
	/* a CHILD_SA's failure names no CHILD_SA: only a lone one is told */
	for (prev = sa; prev; prev = prev->next ? &w->sa[prev->next - 1] : NULL)
		lone += prev->state == WAIT_PENDING;
	for (; sa; sa = sa->next ? &w->sa[sa->next - 1] : NULL)
		if (sa->state == WAIT_PENDING)
			note(w, sa, msg, what, lone == 1, report, ctx);
}

/* --- the interface ----------------------------------------------------------
 */

void wait_init(struct wait *w, const struct sa_filter *f, int reauth)
{
	memset(w, 0, sizeof(*w));
	w->filter = *f;
	w->reauth = reauth;
}

void wait_free(struct wait *w)
{
	for (size_t i = 0; i < w->count; i++) {
		free(w->sa[i].said);
		free(w->sa[i].cause);
	}
	for (size_t i = 0; i < w->peers_cap; i++) {
		struct wait_peer *p = w->peers ? w->peers[i] : NULL;

		while (p) {
			struct wait_peer *next = p->other_host;

			free(p);
			p = next;
		}
	}
	for (size_t i = 0; i < w->names_cap; i++)
		free(w->names[i]);
	free(w->names);
	free(w->peers);
	free(w->fresh);
	free(w->seen);
	w->fresh = NULL;
	w->seen = NULL;
	w->fresh_count = w->fresh_cap = w->seen_count = w->seen_cap = 0;
	free(w->slot);
	free(w->sa);
	w->sa = NULL;
	w->slot = NULL;
	w->names = NULL;
	w->peers = NULL;
	w->count = w->cap = w->pending = 0;
	w->slots = w->used = w->names_cap = w->names_count = 0;
	w->peers_cap = w->peers_count = 0;
}

int wait_learn(struct wait *w, const uint8_t *body, size_t len)
{
	return walk(w, EVENT_LIST_SA, body, len, NULL, NULL);
}

/* A C string as a slice of an event (NULL: absent). */
static struct str cstr(const char *s)
{
	return s ? slice((const uint8_t *)s, strlen(s)) : slice(NULL, 0);
}

int wait_add(struct wait *w, const struct wait_sa *sa)
{
	struct node ike = { .sec = cstr(sa->ike), .uniqueid = sa->ike_id };
	struct node n = { .uniqueid = sa->id,
			  .spi = { cstr(sa->spi[0]), cstr(sa->spi[1]) } };

	if (wait_find(w, sa->child, sa->id))
		return -EEXIST;
	if (sa->child) {
		n.name = cstr(sa->name);
		return add(w, 1, &ike, &n);
	}
	n.sec = ike.sec;
	if (sa->peer) { /* reauthentication pairs by the peer */
		n.local_id = cstr(sa->peer->local_id);
		n.remote_id = cstr(sa->peer->remote_id);
		n.remote_host = cstr(sa->peer->remote_host);
	}
	return add(w, 0, &n, &n);
}

void wait_drop(struct wait *w, int child, uint32_t id)
{
	struct wait_sa *sa = wait_find(w, child, id);

	if (!sa || sa->state != WAIT_PENDING)
		return;
	if (sa->peer && !sa->new_id)
		sa->peer->unpaired--; /* no successor is to be paired to it */
	finish(w, sa, WAIT_DOWN, NULL, NULL);
}

void wait_event(struct wait *w, const uint8_t *name, size_t name_len,
		const uint8_t *body, size_t len, wait_report_fn report,
		void *ctx)
{
	if (IS(name, name_len, "log"))
		log_event(w, body, len, report, ctx);
	else if (IS(name, name_len, "ike-rekey"))
		walk(w, EVENT_IKE_REKEY, body, len, report, ctx);
	else if (IS(name, name_len, "child-rekey"))
		walk(w, EVENT_CHILD_REKEY, body, len, report, ctx);
	else if (IS(name, name_len, "ike-updown"))
		walk(w, EVENT_IKE_UPDOWN, body, len, report, ctx);
	else if (IS(name, name_len, "child-updown"))
		walk(w, EVENT_CHILD_UPDOWN, body, len, report, ctx);
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

void wait_print_end(FILE *f, const struct wait *w, const struct wait_sa *sa,
		    double timeout_s)
{
	switch (sa->state) {
	case WAIT_DONE:
		return;
	case WAIT_FAILED:
		fputs(w->reauth && !sa->child ? " reauthentication failed: "
					      : " rekey failed: ",
		      f);
		put(f, sa->said ? sa->said : "");
		fputc('\n', f);
		return;
	case WAIT_DOWN:
		fputs(" went down instead of rekeying", f);
		break;
	case WAIT_PENDING:
		fprintf(f, " did not finish rekeying within %g s", timeout_s);
		if (sa->went_down && sa->peer && sa->peer->fresh)
			fprintf(f,
				"; it is down, and %u new IKE_SAs of the same "
				"peer are up, not told apart",
				(unsigned)sa->peer->fresh);
		else if (!sa->said && w->logs)
			fputs(": charon started nothing for it", f);
		break;
	}
	if (sa->said) {
		fputs("; charon last logged: ", f);
		put(f, sa->said);
	}
	fputc('\n', f);
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
		if (sa->candidates)
			fprintf(f,
				" %s, new %s not told apart: one of %u new "
				"%ss of the same peer\n",
				done, type, (unsigned)sa->candidates, type);
		else
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
	if (sa->candidates) {
		fprintf(f, ",\"new\":null,\"candidates\":\"%u\"}\n",
			(unsigned)sa->candidates);
		return;
	}
	fputc(',', f);
	json_sa(f, "new", sa->new_id, sa->new_spi[0], sa->new_spi[1],
		sa->child);
	fputs("}\n", f);
}

/* The dialogue of --rekey --wait, and how each SA ends up. */
struct run {
	struct wait w;
	const struct args *a;
	int down;	   /* some SA went down or failed instead of rekeying */
	int out;	   /* 0, or -errno of a failed write to stdout */
	struct failure *f; /* where that failure is recorded */
};

static void report(void *ctx, const struct wait_sa *sa)
{
	struct run *r = ctx;

	if (sa->state == WAIT_DONE) {
		wait_print(stdout, sa, r->a->reauth,
			   print_view(MESSAGE_SUCCESSOR, r->a->output) ==
				   VIEW_JSON);
		if (!r->out)
			r->out = print_flush(stdout, r->f);
		return;
	}
	r->down = 1;
	fputs("swanctl: ", stderr);
	wait_print_sa(stderr, sa);
	wait_print_end(stderr, &r->w, sa, r->a->timeout_ms / 1000.0);
}

/* -v 2 and more: charon's lines about the SAs, as swanctl --initiate
 * prints its own. */
static void stream(void *ctx, const uint8_t *group, size_t group_len,
		   const uint8_t *msg, size_t msg_len)
{
	(void)ctx;
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

static int learn(void *ctx, const struct vici_packet_view *ev,
		 struct failure *f)
{
	struct wait *w = ctx;
	const char *why;
	int rc;

	if (!IS(ev->name, ev->name_len, "list-sa") ||
	    vici_validate(ev->body, ev->body_len, &why))
		return 0; /* a broken listing teaches nothing */
	rc = wait_learn(w, ev->body, ev->body_len);
	return rc ? status_fail(f, STAGE_EXCHANGE, "list-sas", rc) : 0;
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

/* One event for the SAs; a malformed one ends the exchange. */
static int apply(struct run *r, const struct vici_packet_view *p,
		 wait_report_fn rep, struct failure *f)
{
	int rc = vici_validate(p->body, p->body_len, &f->why);

	if (rc)
		return status_fail(f, STAGE_EXCHANGE, "rekey", rc);
	wait_event(&r->w, p->name, p->name_len, p->body, p->body_len, rep, r);
	return 0;
}

/* Events before the rekey reply count too (they are about SAs listed for
 * this command); their SAs are reported after the reply. */
static int early(void *ctx, const struct vici_packet_view *ev,
		 struct failure *f)
{
	return apply(ctx, ev, NULL, f);
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
		rc = apply(r, &p, report, f);
		if (rc)
			return rc;
		if (r->out)
			return r->out; /* nobody reads what we report */
	}
	for (size_t i = 0; i < r->w.count; i++) {
		if (r->w.sa[i].state != WAIT_PENDING)
			continue;
		fputs("swanctl: ", stderr);
		wait_print_sa(stderr, &r->w.sa[i]);
		wait_print_end(stderr, &r->w, &r->w.sa[i],
			       r->a->timeout_ms / 1000.0);
	}
	/* each SA's outcome is printed: nothing left for main to say */
	f->reported = 1;
	if (r->w.pending)
		return status_fail(f, STAGE_RESULT, NULL, -ETIMEDOUT);
	return r->down ? status_fail(f, STAGE_RESULT, NULL, -ECANCELED) : 0;
}

int wait_subscribe(struct wait *w, struct client *c, struct failure *f)
{
	static const char *const events[] = { "ike-rekey", "child-rekey",
					      "ike-updown", "child-updown" };
	int rc = 0;

	for (size_t i = 0; i < 4 && !rc; i++)
		rc = client_register(c, VICI_EVENT_REGISTER, events[i], f);
	if (rc)
		return rc;
	/* charon's reasons; a daemon without them still rekeys */
	rc = client_register(c, VICI_EVENT_REGISTER, "log", f);
	w->logs = rc == 0;
	return rc == -ENOTSUP ? 0 : rc;
}

int wait_run(const struct args *a, struct client *c, struct failure *f)
{
	struct run r = { .a = a, .f = f };
	int rc;

	wait_init(&r.w, &a->filter, a->reauth);
	if (a->debug >= 2) {
		r.w.log = stream;
		r.w.log_ctx = &r;
	}
	rc = wait_list(&r.w, c, f);
	if (!rc)
		rc = wait_subscribe(&r.w, c, f);
	if (!rc)
		rc = rekey_call_with(a, c, MESSAGE_REKEY_REPLY_WAIT, early, &r,
				     f);
	if (!rc && r.w.count == 0) {
		f->why = "no matching SA was up before the rekey: nothing to "
			 "wait for";
		rc = status_fail(f, STAGE_RESULT, NULL, -ENOENT);
	}
	for (size_t i = 0; !rc && i < r.w.count; i++)
		if (r.w.sa[i].state != WAIT_PENDING)
			report(&r, &r.w.sa[i]);
	if (!rc && r.out)
		rc = r.out; /* nobody reads what we report */
	if (!rc)
		rc = follow(&r, c, f);
	wait_free(&r.w);
	return rc;
}

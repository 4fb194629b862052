// SPDX-License-Identifier: MIT
/*
 * The tracker: learn the unique ids a selector matches from list-sa events,
 * then follow ike-rekey, child-rekey, ike-updown, child-updown and charon's
 * log events until each of those SAs has a successor that carries its
 * traffic again, has gone down, or charon has logged that its rekey failed.
 *
 * Every SA is found by unique id through one open-addressing table (an IKE
 * or CHILD_SA by its id, the CHILD_SAs of an IKE_SA by the IKE_SA's id, a
 * reauthenticated IKE_SA by the successor charon named, a new IKE_SA of one
 * of our peers by its id), so an event costs the same with ten SAs or ten
 * thousand.  Config names and identities are stored once and compared by
 * pointer.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track.h"
#include "vici.h"
#include "vici_wire.h"

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

/* The negotiated algorithms of an SA section, as list-sas names them. */
enum alg {
	ALG_PROTOCOL,
	ALG_ENCR,
	ALG_ENCR_SIZE,
	ALG_INTEG,
	ALG_INTEG_SIZE,
	ALG_PRF,
	ALG_DH,
	ALG_ESN,
	ALG_AKE1, /* ake1..ake7 (strongSwan 6) */
	ALG_COUNT = ALG_AKE1 + 7,
};

/* What a section of an event says about one SA. */
struct node {
	struct str sec;	 /* the section's name */
	struct str name; /* key "name" (CHILD_SAs) */
	struct str state;
	struct str local_id, remote_id, remote_host, remote_port;
	uint32_t uniqueid;
	int ikev1; /* key version=1 (IKE_SAs) */
	struct str spi[2];
	int has_old, has_new;
	struct node_sa {
		uint32_t uniqueid;
		struct str spi[2];
	} old, new;
	/* the algorithms, of its own and of its "new" section: cleared by
	 * their bits alone (a section starts with a memset up to alg) */
	uint32_t alg_set, new_alg_set;
	struct str alg[ALG_COUNT], new_alg[ALG_COUNT];
};

struct walk {
	struct node st[WALK_DEPTH + 1]; /* st[1] the IKE_SA, st[3] a CHILD_SA */
	int up;	  /* key up=yes at the top (updown events) */
	int algs; /* a successor's algorithms may be read from it */
};

enum event {
	EVENT_LIST_SA,
	EVENT_IKE_REKEY,
	EVENT_CHILD_REKEY,
	EVENT_IKE_UPDOWN,
	EVENT_CHILD_UPDOWN,
};

/* What the table maps a unique id to; a slot holds the kind in its top
 * bits and the index + 1 of an SA (of a new IKE_SA for KEY_NEW) below. */
enum key {
	KEY_IKE,       /* an IKE_SA tracked */
	KEY_CHILD,     /* a CHILD_SA tracked */
	KEY_OWNER,     /* an IKE_SA's id: its last CHILD_SA tracked */
	KEY_SUCCESSOR, /* a new IKE_SA charon named as one's successor */
	KEY_NEW,       /* a new IKE_SA of one of our peers */
};
#define KEY_SHIFT 28
#define KEY_INDEX ((1u << KEY_SHIFT) - 1)

/* --wait over 50,000 SAs keeps under 100 bytes an SA, the id table's
 * slots included (issue 25; 72 bytes on x86-64): a field that only some
 * SAs need goes into struct track_more, one that only a report needs into
 * struct track. */
_Static_assert(sizeof(struct track_sa) <= 80,
	       "struct track_sa: at most 80 bytes");

/* What only some SAs need, kept out of struct track_sa (80 bytes for
 * each of tens of thousands): charon's words about an SA it logged about,
 * allocated with its first line and gone once it is done, and what a
 * reauthenticated IKE_SA needs beyond a rekeyed one, from the start (so
 * sa->more is set whenever sa->reauth is). */
struct track_more {
	char *said;  /* charon's last telling log line about it;
		      * FAILED: why */
	char *cause; /* the first error charon logged since the rekey */
	/* the rest for a reauthentication alone */
	struct track_peer *peer; /* identities, address and port of the
				  * other end */
	const char **kid;	 /* the config names of the CHILD_SAs it
				  * carried (kids of them) */
	uint32_t kids;
	uint32_t hint;	     /* charon logged this IKE_SA as its successor */
	uint32_t succ;	     /* index + 1 of its successor in w->news */
	uint32_t candidates; /* done, the successor not told apart: one of
			      * this many */
	uint8_t went_down;   /* the old IKE_SA is gone */
	uint8_t strong;	     /* hint is charon's own naming, not a guess */
};

struct track_peer {
	const char *ike, *local_id, *remote_id, *remote_host, *remote_port;
	uint32_t first;	   /* our IKE_SAs with it, chained by next */
	uint32_t news;	   /* its new IKE_SAs, chained by next */
	uint32_t unpaired; /* of ours, pending without a successor */
	uint32_t ready;	   /* its unowned new IKE_SAs charon named no
			    * predecessor for and the log has caught up with */
	uint32_t fresh;	   /* all its unowned new IKE_SAs */
};

/* A CHILD_SA of the IKE_SA being read, or installed under a new one. */
struct track_kid {
	struct str name; /* aliases the event while it is read */
	uint32_t id;
};

/* A new IKE_SA of a peer we reauthenticate with.  With charon's log (once
 * a line has come) it is "ready" to be counted as nobody's known
 * successor only when the log has caught up with it ("IKE_SA home[7]
 * established ..."): charon sends log lines from a queue of their own, and
 * they can lag behind the other events. */
struct track_new {
	uint32_t id;
	uint32_t owner; /* index + 1 of the SA it succeeds, 0: none yet */
	uint32_t next;	/* index + 1 of the peer's next new IKE_SA */
	int ready;
	uint32_t failed; /* CHILD_SAs charon failed to establish under it */
	struct track_peer *peer;
	char *cause; /* charon's reason for the first of them */
	char *algs;
	char spi[2][TRACK_SPI];
	const char **kid_name; /* the CHILD_SAs installed under it */
	uint32_t *kid_id;
	size_t kids, kids_cap;
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

/* A copy of S with SUFFIX (NULL: none) appended, or NULL. */
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

static struct str cstr(const char *s)
{
	return s ? slice((const uint8_t *)s, strlen(s)) : slice(NULL, 0);
}

/* --- the unique-id table ------------------------------------------------ */

/* SA's reauthentication pairing, or NULL: not reauthenticated (or memory
 * ran out while it was learnt). */
static struct track_more *pairing(const struct track_sa *sa)
{
	return sa->reauth ? sa->more : NULL;
}

static uint32_t key_id(const struct track *w, uint32_t v)
{
	enum key k = (enum key)(v >> KEY_SHIFT);
	const struct track_sa *sa;

	if (k == KEY_NEW)
		return w->news[(v & KEY_INDEX) - 1].id;
	sa = &w->sa[(v & KEY_INDEX) - 1];
	switch (k) {
	case KEY_IKE:
	case KEY_CHILD:
		return sa->id;
	case KEY_OWNER:
		return sa->ike_id;
	case KEY_SUCCESSOR:
		return sa->more->hint; /* a hint taken back leaves a slot that
					* matches nothing */
	case KEY_NEW:
		break;
	}
	return 0;
}

static size_t home(uint32_t id, enum key k, size_t mask)
{
	return ((id + (uint32_t)k * 0x9e3779b9u) * 2654435761u) & mask;
}

/* The slot of kind K for ID, or NULL. */
static uint32_t *find_slot(const struct track *w, enum key k, uint32_t id)
{
	size_t mask = w->slots - 1;

	if (!w->slots || !id)
		return NULL;
	for (size_t i = home(id, k, mask);; i = (i + 1) & mask) {
		uint32_t v = w->slot[i];

		if (!v)
			return NULL;
		if (v >> KEY_SHIFT == k && key_id(w, v) == id)
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

/* Map the id of kind K of the SA (or new IKE_SA) at INDEX. */
static int index_put(struct track *w, enum key k, size_t index)
{
	uint32_t v = (uint32_t)k << KEY_SHIFT | (uint32_t)(index + 1);

	if ((w->used + 1) * 2 > w->slots) {
		size_t slots = w->slots ? w->slots * 2 : 64;
		uint32_t *grown = calloc(slots, sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		for (size_t i = 0; i < w->slots; i++)
			if (w->slot[i])
				place(grown, slots - 1, w->slot[i],
				      key_id(w, w->slot[i]));
		free(w->slot);
		w->slot = grown;
		w->slots = slots;
	}
	place(w->slot, w->slots - 1, v, key_id(w, v));
	w->used++;
	return 0;
}

static struct track_sa *at(const struct track *w, const uint32_t *slot)
{
	return slot ? &w->sa[(*slot & KEY_INDEX) - 1] : NULL;
}

struct track_sa *track_find(const struct track *w, int child, uint32_t id)
{
	return at(w, find_slot(w, child ? KEY_CHILD : KEY_IKE, id));
}

/* The new IKE_SA with unique id ID, or NULL. */
static struct track_new *new_find(const struct track *w, uint32_t id)
{
	uint32_t *slot = find_slot(w, KEY_NEW, id);

	return slot ? &w->news[(*slot & KEY_INDEX) - 1] : NULL;
}

/* The SA charon named ID the successor of, or NULL. */
static struct track_sa *hinted_by(const struct track *w, uint32_t id)
{
	return at(w, find_slot(w, KEY_SUCCESSOR, id));
}

static struct track_sa *next_of(const struct track *w,
				const struct track_sa *sa)
{
	return sa->next ? &w->sa[sa->next - 1] : NULL;
}

/* --- names and peers, stored once ----------------------------------------- */

/* The stored copy of S, or NULL when it is not stored (INSERT 0) or
 * memory ran out. */
static const char *name_of(struct track *w, struct str s, int insert)
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
			i = hash_bytes(cstr(n)) & (cap - 1);
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
	if (!insert || !(copy = dup_str(s, NULL)))
		return NULL;
	w->names[i] = copy;
	w->names_count++;
	return copy;
}

static size_t peer_hash(const char *const key[5])
{
	uintptr_t h = 0;

	for (int i = 0; i < 5; i++)
		h = h * 31 + (uintptr_t)key[i];
	return (size_t)(h ^ h >> 15) * 2654435761u;
}

static int peer_is(const struct track_peer *p, const char *const key[5])
{
	return p->ike == key[0] && p->local_id == key[1] &&
	       p->remote_id == key[2] && p->remote_host == key[3] &&
	       p->remote_port == key[4];
}

/* The slot of the peer with KEY (config, identities, address, port). */
static struct track_peer **peer_slot(const struct track *w,
				     const char *const key[5])
{
	size_t mask = w->peers_cap - 1;

	for (size_t i = peer_hash(key) & mask;; i = (i + 1) & mask)
		if (!w->peers[i] || peer_is(w->peers[i], key))
			return &w->peers[i];
}

/* The stored key of the IKE_SA N: NULL in KEY[0] when a part of it is not
 * stored (INSERT 0) or memory ran out. */
static void peer_key(struct track *w, const struct node *n, int insert,
		     const char *key[5])
{
	const struct str part[5] = { n->sec, n->local_id, n->remote_id,
				     n->remote_host, n->remote_port };

	for (int i = 0; i < 5; i++)
		if (!(key[i] = name_of(w, part[i], insert)))
			key[0] = NULL;
}

/* The peer of the IKE_SA N: the same config, identities, remote address
 * and port.  NULL when none of ours has them. */
static struct track_peer *peer_find(struct track *w, const struct node *n)
{
	const char *key[5];

	if (!w->peers_cap)
		return NULL;
	peer_key(w, n, 0, key);
	return key[0] ? *peer_slot(w, key) : NULL;
}

/* The peer of N, stored when new; NULL when memory ran out. */
static struct track_peer *peer_get(struct track *w, const struct node *n)
{
	struct track_peer **slot;
	const char *key[5];

	peer_key(w, n, 1, key);
	if (!key[0])
		return NULL;
	if ((w->peers_count + 1) * 2 > w->peers_cap) {
		size_t cap = w->peers_cap ? w->peers_cap * 2 : 16;
		struct track_peer **old = w->peers;
		size_t old_cap = w->peers_cap;

		w->peers = calloc(cap, sizeof(*w->peers));
		if (!w->peers) {
			w->peers = old;
			return NULL;
		}
		w->peers_cap = cap;
		for (size_t i = 0; i < old_cap; i++) {
			const struct track_peer *p = old[i];

			if (p) {
				const char *k[5] = { p->ike, p->local_id,
						     p->remote_id,
						     p->remote_host,
						     p->remote_port };

				*peer_slot(w, k) = old[i];
			}
		}
		free(old);
	}
	slot = peer_slot(w, key);
	if (*slot)
		return *slot;
	*slot = calloc(1, sizeof(**slot));
	if (!*slot)
		return NULL;
	**slot = (struct track_peer){ .ike = key[0],
				      .local_id = key[1],
				      .remote_id = key[2],
				      .remote_host = key[3],
				      .remote_port = key[4] };
	w->peers_count++;
	return *slot;
}

/* --- reading sections ------------------------------------------------------
 */

/* A key naming a negotiated algorithm: its slot, or -1.  Sorted by the
 * first byte, as most keys of an event are not one. */
static int alg_slot(const uint8_t *k, size_t len)
{
	switch (k[0]) {
	case 'p':
		if (IS(k, len, "protocol"))
			return ALG_PROTOCOL;
		return IS(k, len, "prf-alg") ? ALG_PRF : -1;
	case 'e':
		if (IS(k, len, "encr-alg"))
			return ALG_ENCR;
		if (IS(k, len, "encr-keysize"))
			return ALG_ENCR_SIZE;
		return IS(k, len, "esn") ? ALG_ESN : -1;
	case 'i':
		if (IS(k, len, "integ-alg"))
			return ALG_INTEG;
		return IS(k, len, "integ-keysize") ? ALG_INTEG_SIZE : -1;
	case 'd':
		return IS(k, len, "dh-group") ? ALG_DH : -1;
	case 'a':
		if (len == 4 && !memcmp(k, "ake", 3) && k[3] >= '1' &&
		    k[3] <= '7')
			return ALG_AKE1 + (k[3] - '1');
		return -1;
	}
	return -1;
}

/* Read key E into N; TOP: an IKE_SA's own section; ALGS: the event's
 * algorithms may be wanted. */
static void set_key(struct node *n, const struct vici_elem *e, int top,
		    int algs)
{
	struct str v = slice(e->value, e->value_len);
	int slot;

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
	else if (top && IS(e->name, e->name_len, "local-id"))
		n->local_id = v;
	else if (top && IS(e->name, e->name_len, "remote-id"))
		n->remote_id = v;
	else if (top && IS(e->name, e->name_len, "remote-host"))
		n->remote_host = v;
	else if (top && IS(e->name, e->name_len, "remote-port"))
		n->remote_port = v;
	else if (algs && e->name_len &&
		 (slot = alg_slot(e->name, e->name_len)) >= 0) {
		n->alg[slot] = v;
		n->alg_set |= 1u << slot;
	}
}

static void copy_spi(char dst[2][TRACK_SPI], const struct str spi[2])
{
	for (int i = 0; i < 2; i++) {
		size_t len = spi[i].len < TRACK_SPI ? spi[i].len : 0;

		if (len) /* an absent SPI has no pointer to copy from */
			memcpy(dst[i], spi[i].p, len);
		dst[i][len] = '\0';
	}
}

/* Append S to the algorithms in OUT (SIZE bytes, *AT used). */
static void put_alg(char *out, size_t size, size_t *at, const char *sep,
		    struct str s)
{
	int n;

	if (*at >= size)
		return;
	n = snprintf(out + *at, size - *at, "%s%.*s", sep, (int)s.len,
		     s.len ? (const char *)s.p : "");
	*at += n > 0 ? (size_t)n : 0;
}

/* The algorithms of A as list-sas shows them ("AES_CBC-128/HMAC_SHA2_256_
 * 128/PRF_HMAC_SHA2_256/MODP_2048", "ESP:AES_GCM_16-128"), or NULL when
 * the event names none or memory ran out; SET: the slots of A given. */
static char *algs_of(const struct str *a, uint32_t set, int child)
{
	char out[TRACK_ALGS];
	size_t at = 0;
	const char *sep = "";

	if (!(set >> (ALG_ENCR)&1) && !(set >> (ALG_INTEG)&1))
		return NULL;
	out[0] = '\0';
	if (child && (set >> (ALG_PROTOCOL)&1)) {
		put_alg(out, sizeof(out), &at, "", a[ALG_PROTOCOL]);
		put_alg(out, sizeof(out), &at, ":", slice(NULL, 0));
	}
	if ((set >> (ALG_ENCR)&1)) {
		put_alg(out, sizeof(out), &at, "", a[ALG_ENCR]);
		if ((set >> (ALG_ENCR_SIZE)&1))
			put_alg(out, sizeof(out), &at, "-", a[ALG_ENCR_SIZE]);
		sep = "/";
	}
	if ((set >> (ALG_INTEG)&1)) {
		put_alg(out, sizeof(out), &at, sep, a[ALG_INTEG]);
		if ((set >> (ALG_INTEG_SIZE)&1))
			put_alg(out, sizeof(out), &at, "-", a[ALG_INTEG_SIZE]);
	}
	for (int i = ALG_PRF; i <= ALG_DH; i++)
		if (set >> i & 1)
			put_alg(out, sizeof(out), &at, "/", a[i]);
	for (int i = 0; i < 7; i++) {
		char ke[8];

		if (!(set >> (ALG_AKE1 + i) & 1))
			continue;
		snprintf(ke, sizeof(ke), "/KE%d_", i + 1);
		put_alg(out, sizeof(out), &at, ke, a[ALG_AKE1 + i]);
	}
	if ((set >> (ALG_ESN)&1))
		put_alg(out, sizeof(out), &at, "/ESN", slice(NULL, 0));
	if (at >= sizeof(out)) /* cut short: say so rather than mislead */
		memcpy(out + sizeof(out) - 4, "...", 4);
	return dup_str(cstr(out), NULL);
}

/* A CHILD_SA state in which it carries traffic (being rekeyed is one). */
static int child_up(struct str state)
{
	return same("INSTALLED", state) || same("REKEYING", state);
}

/* --- learning ------------------------------------------------------------- */

/* Learn the SA N (a CHILD_SA when CHILD) of the IKE_SA IKE. */
static int add(struct track *w, int child, const struct node *ike,
	       const struct node *n)
{
	size_t index = w->count;
	struct track_sa *sa;
	uint32_t *owner;
	int rc;

	if (track_find(w, child, n->uniqueid))
		return 0;
	if (n->spi[0].len >= TRACK_SPI || n->spi[1].len >= TRACK_SPI)
		return 0; /* not an SA charon would list */
	if (index >= KEY_INDEX)
		return -ENOMEM;
	if (w->count == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 8;
		struct track_sa *grown = realloc(w->sa, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		w->sa = grown;
		w->cap = cap;
	}
	sa = &w->sa[index];
	*sa = (struct track_sa){ .child = child,
				 .id = n->uniqueid,
				 .ikev1 = !child && n->ikev1,
				 .ike_id = ike->uniqueid,
				 .name = name_of(w, child ? n->name : n->sec,
						 1),
				 .ike = name_of(w, ike->sec, 1) };
	if (!sa->name || !sa->ike)
		return -ENOMEM;
	w->count++; /* from here on track_free() releases what it holds */
	copy_spi(sa->spi, n->spi);
	/* charon rekeys an IKEv1 IKE_SA by reauthenticating it: the old one
	 * goes down, a new one comes up, no ike-rekey */
	sa->reauth = !child && (w->reauth || sa->ikev1);
	if (sa->reauth) {
		if (!(sa->more = calloc(1, sizeof(*sa->more))) ||
		    !(sa->more->peer = peer_get(w, n)))
			return -ENOMEM;
		/* charon rebuilds the CHILD_SAs of a reauthenticated IKEv2
		 * IKE_SA, with events; IKEv1 quick mode SAs it moves to the
		 * new ISAKMP SA as they are, without a word: none to count */
		if (w->kid_count && !sa->ikev1 &&
		    !(sa->more->kid =
			      calloc(w->kid_count, sizeof(*sa->more->kid))))
			return -ENOMEM;
		for (size_t i = 0; sa->more->kid && i < w->kid_count; i++)
			if (!(sa->more->kid[sa->more->kids++] =
				      name_of(w, w->kid[i].name, 1)))
				return -ENOMEM;
	}
	w->reauths += sa->reauth;
	rc = index_put(w, child ? KEY_CHILD : KEY_IKE, index);
	if (rc)
		return rc;
	if (child && (owner = find_slot(w, KEY_OWNER, sa->ike_id))) {
		sa->next = (*owner & KEY_INDEX);
		*owner = (uint32_t)KEY_OWNER << KEY_SHIFT |
			 (uint32_t)(index + 1);
	} else if (child && sa->ike_id) {
		rc = index_put(w, KEY_OWNER, index);
	} else if (pairing(sa)) {
		sa->next = sa->more->peer->first;
		sa->more->peer->first = (uint32_t)(index + 1);
		sa->more->peer->unpaired++;
	}
	w->pending++;
	return rc;
}

/* --- finishing ------------------------------------------------------------ */

static void finish(struct track *w, struct track_sa *sa, enum track_state state)
{
	sa->state = (unsigned)state;
	sa->by_other = state == TRACK_DONE && !sa->started;
	w->pending--;
	if (pairing(sa) && !sa->more->succ && state != TRACK_DONE)
		sa->more->peer
			->unpaired--; /* no successor is to be paired to it */
	if (sa->more) {
		free(sa->more->cause);
		sa->more->cause = NULL;
	}
	if (w->report)
		w->report(w->ctx, sa);
	if (state == TRACK_DONE && sa->more) {
		/* its story is told: keep the memory small */
		free(sa->more->said);
		sa->more->said = NULL;
		if (!sa->reauth) {
			free(sa->more);
			sa->more = NULL;
		}
	}
}

/* SA is done: its successor has the unique id ID (0: not told apart),
 * the SPIs SPI (NULL: unknown) and the algorithms ALGS, which only its
 * report needs (nothing keeps them). */
static void done(struct track *w, struct track_sa *sa, uint32_t id,
		 char spi[2][TRACK_SPI], const char *algs)
{
	w->done_id = id;
	if (spi)
		memcpy(w->done_spi, spi, sizeof(w->done_spi));
	else
		memset(w->done_spi, 0, sizeof(w->done_spi));
	w->done_algs = algs;
	finish(w, sa, TRACK_DONE);
	w->done_algs = NULL;
}

/* SA's successor, reported in the old and new sections of N. */
static void rekeyed(struct track *w, struct track_sa *sa, const struct node *n)
{
	char spi[2][TRACK_SPI];
	char *algs = algs_of(n->new_alg, n->new_alg_set, sa->child);

	copy_spi(sa->spi, n->old.spi);
	copy_spi(spi, n->new.spi);
	done(w, sa, n->new.uniqueid, spi, algs);
	free(algs);
}

static void went_down(struct track *w, struct track_sa *sa)
{
	if (sa && sa->state == TRACK_PENDING)
		finish(w, sa, TRACK_DOWN);
}

/* --- reauthentication ------------------------------------------------------
 */

/* The unpaired IKE_SAs of P that are still pending, chained. */
#define EACH_UNPAIRED(w, p, sa)                                                \
	for (uint32_t i_ = (p)->first; i_ && ((sa) = &(w)->sa[i_ - 1], 1);     \
	     i_ = (sa)->next)                                                  \
		if ((sa)->state == TRACK_PENDING && !(sa)->more->succ)

static int seen_has(const struct track *w, uint32_t id)
{
	size_t mask = w->seen_cap - 1;

	if (!w->seen_cap)
		return 0;
	for (size_t i = home(id, KEY_NEW, mask); w->seen[i]; i = (i + 1) & mask)
		if (w->seen[i] == id)
			return 1;
	return 0;
}

static void seen_put(struct track *w, uint32_t id)
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
			j = home(w->seen[i], KEY_NEW, cap - 1);
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
	for (size_t i = home(id, KEY_NEW, w->seen_cap - 1);;
	     i = (i + 1) & (w->seen_cap - 1)) {
		if (!w->seen[i]) {
			w->seen[i] = id;
			w->seen_count++;
			return;
		}
	}
}

/* The names of SA's CHILD_SAs that are not installed under N, joined
 * into OUT (when not NULL); how many. */
static size_t missing(const struct track_sa *sa, const struct track_new *n,
		      char *out, size_t size)
{
	size_t count = 0, at = 0;
	uint8_t used[256];

	if (out)
		out[0] = '\0';
	memset(used, 0, sizeof(used));
	for (uint32_t i = 0; i < sa->more->kids; i++) {
		size_t j;

		/* beyond 256 of one IKE_SA, names alone are compared */
		for (j = 0; j < n->kids; j++)
			if (n->kid_name[j] == sa->more->kid[i] &&
			    (j >= sizeof(used) || !used[j]))
				break;
		if (j < n->kids) {
			if (j < sizeof(used))
				used[j] = 1;
			continue;
		}
		if (out && at < size) {
			int k = snprintf(out + at, size - at, "%s%s",
					 count ? ", " : "", sa->more->kid[i]);

			at += k > 0 ? (size_t)k : 0;
		}
		count++;
	}
	return count;
}

/* SA (reauthenticated, with a successor) is done when it is down and
 * every CHILD_SA it carried is installed under the successor; it failed
 * when charon could not build one and nothing more is to come. */
static void reauth_check(struct track *w, struct track_sa *sa)
{
	struct track_new *n;
	char names[256], *why;
	size_t lost, len;

	if (sa->state != TRACK_PENDING || !sa->more->succ)
		return;
	n = &w->news[sa->more->succ - 1];
	lost = missing(sa, n, names, sizeof(names));
	if (!lost && sa->more->went_down) {
		done(w, sa, n->id, n->spi, n->algs);
		return;
	}
	if (!lost || !n->failed || n->kids + n->failed < sa->more->kids)
		return;
	len = strlen(names) + (n->cause ? strlen(n->cause) : 0) + 96;
	why = malloc(len);
	if (!why)
		return; /* it will time out, naming charon's last word */
	snprintf(why, len, "new IKE_SA #%u is up, but CHILD_SA%s %s %s: %s",
		 (unsigned)n->id, lost > 1 ? "s" : "", names,
		 lost > 1 ? "were not rebuilt" : "was not rebuilt",
		 n->cause ? n->cause : "failed to establish CHILD_SA");
	free(sa->more->said);
	sa->more->said = why;
	finish(w, sa, TRACK_FAILED);
}

/* SA (an IKE_SA of ours) has its successor, the new IKE_SA N. */
static void pair(struct track *w, struct track_sa *sa, struct track_new *n)
{
	struct track_peer *p = n->peer;

	sa->more->succ = (uint32_t)(n - w->news) + 1;
	n->owner = (uint32_t)(sa - w->sa) + 1;
	p->fresh--;
	p->ready -= n->ready != 0;
	p->unpaired--;
	reauth_check(w, sa);
}

/* Take back a pairing made on a guess: N is free again. */
static void unpair(struct track *w, struct track_sa *sa)
{
	struct track_new *n = &w->news[sa->more->succ - 1];

	n->owner = 0;
	n->peer->fresh++;
	n->peer->ready += n->ready != 0;
	n->peer->unpaired++;
	sa->more->succ = 0;
}

/* P's new IKE_SAs came up without a way to tell which is whose: once all
 * its unpaired IKE_SAs for which charon named no successor are down and as
 * many new ones are ready, each of those is done with "one of N" (exactly
 * when N is 1). */
static void settle(struct track *w, struct track_peer *p)
{
	struct track_sa *sa;
	size_t unhinted = 0;

	EACH_UNPAIRED(w, p, sa)
	if (!sa->more->hint) {
		if (!sa->more->went_down)
			return;
		unhinted++;
	}
	if (!unhinted || p->ready < unhinted)
		return;
	if (unhinted == 1 && p->ready == 1) {
		for (uint32_t i = p->news; i; i = w->news[i - 1].next) {
			struct track_new *n = &w->news[i - 1];

			if (n->owner || !n->ready)
				continue;
			EACH_UNPAIRED(w, p, sa)
			if (!sa->more->hint) {
				pair(w, sa, n);
				return;
			}
		}
	}
	EACH_UNPAIRED(w, p, sa)
	if (!sa->more->hint) {
		sa->more->candidates = p->ready;
		p->unpaired--;
		sa->more->succ = 0;
		done(w, sa, 0, NULL, NULL);
	}
}

/* Charon named ID the successor of SA: in its own words (STRONG), or by
 * a thread that went on from the old IKE_SA to initiate it (a guess that
 * the peer must confirm, and that charon's own words override). */
static void hinted(struct track *w, struct track_sa *sa, uint32_t id,
		   int strong)
{
	struct track_new *n;
	struct track_sa *other;

	if (sa->state != TRACK_PENDING || sa->more->hint == id) {
		sa->more->strong |= strong && sa->more->hint == id;
		return;
	}
	if (sa->more->hint && (sa->more->strong || !strong))
		return;
	other = hinted_by(w, id);
	if (other && other != sa && (other->more->strong || !strong))
		return; /* another SA's successor, as charon said */
	if (sa->more->succ && !strong)
		return;
	if (sa->more->succ)
		unpair(w, sa);
	if (other && other != sa) { /* its guess was wrong */
		if (other->more->succ)
			unpair(w, other);
		other->more->hint = 0;
	}
	sa->more->hint = id;
	sa->more->strong = (uint8_t)strong;
	if (index_put(w, KEY_SUCCESSOR, (size_t)(sa - w->sa))) {
		sa->more->hint = 0;
		return;
	}
	/* its up event came before the log line */
	n = new_find(w, id);
	if (n && !n->owner && n->peer == sa->more->peer)
		pair(w, sa, n);
	if (other && other != sa)
		settle(w, other->more->peer);
}

/* The log has caught up with the new IKE_SA N. */
static void new_ready(struct track *w, struct track_new *n)
{
	if (n->ready)
		return;
	n->ready = 1;
	if (n->owner)
		return;
	n->peer->ready++;
	settle(w, n->peer);
}

/* CHILD_SA K is installed under the new IKE_SA N. */
static int new_kid(struct track *w, struct track_new *n,
		   const struct track_kid *k)
{
	const char *name;

	for (size_t i = 0; i < n->kids; i++)
		if (n->kid_id[i] == k->id)
			return 0;
	if (n->kids == n->kids_cap) {
		size_t cap = n->kids_cap ? n->kids_cap * 2 : 4;
		const char **names = realloc(n->kid_name, cap * sizeof(*names));
		uint32_t *ids;

		if (!names)
			return -ENOMEM;
		n->kid_name = names;
		ids = realloc(n->kid_id, cap * sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		n->kid_id = ids;
		n->kids_cap = cap;
	}
	if (!(name = name_of(w, k->name, 1)))
		return -ENOMEM;
	n->kid_name[n->kids] = name;
	n->kid_id[n->kids++] = k->id;
	return 0;
}

/* The new IKE_SA N (an up event) of peer P: remember it, with the
 * CHILD_SAs the event shows installed under it; NULL when memory ran out
 * (its SA will time out, truthfully). */
static struct track_new *new_add(struct track *w, const struct node *n,
				 struct track_peer *p)
{
	size_t index = w->news_count;
	struct track_new *fresh;

	if (index >= KEY_INDEX)
		return NULL;
	if (w->news_count == w->news_cap) {
		size_t cap = w->news_cap ? w->news_cap * 2 : 8;
		struct track_new *grown =
			realloc(w->news, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		w->news = grown;
		w->news_cap = cap;
	}
	fresh = &w->news[w->news_count++];
	*fresh = (struct track_new){
		.id = n->uniqueid,
		.ready = !w->heard || seen_has(w, n->uniqueid),
		.peer = p,
		.next = p->news,
		.algs = algs_of(n->alg, n->alg_set, 0),
	};
	copy_spi(fresh->spi, n->spi);
	if (index_put(w, KEY_NEW, index)) {
		free(fresh->algs);
		w->news_count--;
		return NULL;
	}
	p->news = (uint32_t)index + 1;
	p->fresh++;
	p->ready += fresh->ready;
	for (size_t i = 0; i < w->kid_count; i++)
		if (new_kid(w, fresh, &w->kid[i]))
			break;
	return fresh;
}

/* Reauthentication: the old IKE_SA went down, or a new one came up. */
static void reauth_step(struct track *w, const struct node *n, int up)
{
	struct track_sa *sa = track_find(w, 0, n->uniqueid);
	struct track_peer *p;
	struct track_new *fresh;

	if (!up) {
		if (!sa || sa->state != TRACK_PENDING || !sa->reauth)
			return;
		sa->more->went_down = 1;
		if (sa->more->succ)
			reauth_check(w, sa);
		else
			settle(w, sa->more->peer);
		return;
	}
	if (sa || new_find(w, n->uniqueid))
		return; /* one of ours coming up is nobody's successor */
	p = peer_find(w, n);
	sa = hinted_by(w, n->uniqueid);
	if (sa && sa->state == TRACK_PENDING && sa->more->peer != p) {
		/* another peer's: the guess (or charon's word) was wrong */
		sa->more->hint = 0;
		sa->more->strong = 0;
		if (!sa->more->succ)
			settle(w, sa->more->peer);
		sa = NULL;
	}
	if (!p || (!p->unpaired && !sa))
		return; /* another peer, or one we do not wait for */
	fresh = new_add(w, n, p);
	if (!fresh)
		return;
	if (sa && sa->state == TRACK_PENDING && !sa->more->succ)
		pair(w, sa, fresh); /* the one charon named */
	else
		settle(w, p);
}

/* A CHILD_SA came up under the new IKE_SA N. */
static void reauth_kid(struct track *w, struct track_new *n,
		       const struct node *child)
{
	struct track_kid k = { .name = child->name, .id = child->uniqueid };

	if (new_kid(w, n, &k) == 0 && n->owner)
		reauth_check(w, &w->sa[n->owner - 1]);
}

/* --- walking an event ------------------------------------------------------
 */

/* A CHILD_SA section has ended: st[3] under st[2] "child-sas". */
static int child_end(struct track *w, struct walk *k, enum event ev)
{
	struct node *n = &k->st[3];
	struct track_sa *sa;
	struct track_new *fresh;

	switch (ev) {
	case EVENT_LIST_SA:
		if (child_up(n->state) && n->uniqueid &&
		    w->kid_count < w->kid_cap)
			w->kid[w->kid_count++] =
				(struct track_kid){ .name = n->name,
						    .id = n->uniqueid };
		if (!w->filter.child && !w->filter.child_id)
			return 0;
		if (w->filter.child ? !same(w->filter.child, n->name)
				    : n->uniqueid != w->filter.child_id)
			return 0;
		if (!child_up(n->state) || !n->uniqueid)
			return 0;
		return add(w, 1, &k->st[1], n);
	case EVENT_CHILD_REKEY:
		sa = n->has_old && n->has_new
			     ? track_find(w, 1, n->old.uniqueid)
			     : NULL;
		/* ids are unique in one daemon; the names guard the rest */
		if (sa && sa->state == TRACK_PENDING &&
		    same(sa->ike, k->st[1].sec) && same(sa->name, n->sec))
			rekeyed(w, sa, n);
		return 0;
	case EVENT_IKE_UPDOWN:
		if (k->up && w->reauths && same("INSTALLED", n->state) &&
		    w->kid_count < w->kid_cap)
			w->kid[w->kid_count++] =
				(struct track_kid){ .name = n->name,
						    .id = n->uniqueid };
		if (!k->up)
			went_down(w, track_find(w, 1, n->uniqueid));
		return 0;
	case EVENT_CHILD_UPDOWN:
		if (!k->up) {
			went_down(w, track_find(w, 1, n->uniqueid));
			return 0;
		}
		if (w->reauths && (fresh = new_find(w, k->st[1].uniqueid)))
			reauth_kid(w, fresh, n);
		return 0;
	case EVENT_IKE_REKEY:
		break;
	}
	return 0;
}

/* An IKE_SA section (st[1]) has ended. */
static int ike_end(struct track *w, struct walk *k, enum event ev)
{
	struct node *n = &k->st[1];
	struct track_sa *sa;

	switch (ev) {
	case EVENT_LIST_SA:
		if (!w->filter.ike && !w->filter.ike_id)
			return 0;
		if (w->filter.ike ? !same(w->filter.ike, n->sec)
				  : n->uniqueid != w->filter.ike_id)
			return 0;
		if (!(same("ESTABLISHED", n->state) ||
		      same("REKEYING", n->state)) ||
		    !n->uniqueid)
			return 0;
		return add(w, 0, n, n);
	case EVENT_IKE_REKEY:
		sa = n->has_old && n->has_new
			     ? track_find(w, 0, n->old.uniqueid)
			     : NULL;
		if (sa && !sa->reauth && sa->state == TRACK_PENDING &&
		    same(sa->ike, n->sec))
			rekeyed(w, sa, n);
		return 0;
	case EVENT_IKE_UPDOWN:
		if (w->reauths)
			reauth_step(w, n, k->up);
		if (k->up)
			return 0;
		sa = track_find(w, 0, n->uniqueid);
		if (sa && !sa->reauth)
			went_down(w, sa);
		/* its CHILD_SAs go with it */
		for (sa = at(w, find_slot(w, KEY_OWNER, n->uniqueid)); sa;
		     sa = next_of(w, sa))
			went_down(w, sa);
		return 0;
	case EVENT_CHILD_REKEY:
	case EVENT_CHILD_UPDOWN:
		break;
	}
	return 0;
}

/* Room for the CHILD_SAs of one IKE_SA section. */
static int kids_room(struct track *w)
{
	size_t cap = w->kid_cap ? w->kid_cap * 2 : 16;
	struct track_kid *grown;

	if (w->kid_count < w->kid_cap)
		return 0;
	grown = realloc(w->kid, cap * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	w->kid = grown;
	w->kid_cap = cap;
	return 0;
}

static int walk(struct track *w, enum event ev, const uint8_t *body, size_t len)
{
	struct walk k;
	struct vici_reader r;
	struct vici_elem e;
	int depth = 0, rc = 0;

	k.up = 0;
	/* a successor comes in a rekey event, or comes up reauthenticated */
	k.algs = ev == EVENT_IKE_REKEY || ev == EVENT_CHILD_REKEY ||
		 (ev == EVENT_IKE_UPDOWN && w->reauths);
	vici_reader_init(&r, body, len);
	while (rc == 0 && vici_next(&r, &e) > 0) {
		struct node *n = depth <= WALK_DEPTH ? &k.st[depth] : NULL;

		switch (e.type) {
		case VICI_KEY_VALUE:
			if (depth == 0 && IS(e.name, e.name_len, "up"))
				k.up = IS(e.value, e.value_len, "yes");
			else if (depth && n)
				set_key(n, &e, depth == 1, k.algs);
			break;
		case VICI_SECTION_START:
			if (++depth <= WALK_DEPTH) {
				memset(&k.st[depth], 0,
				       offsetof(struct node, alg));
				k.st[depth].sec = slice(e.name, e.name_len);
			}
			if (depth == 1)
				w->kid_count = 0;
			if (depth == 3 && kids_room(w))
				rc = -ENOMEM;
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
					memcpy(to->spi, n->spi,
					       sizeof(to->spi));
				}
				if (to == &up->new && n->alg_set) {
					memcpy(up->new_alg, n->alg,
					       sizeof(up->new_alg));
					up->new_alg_set = n->alg_set;
				}
			}
			if (depth == 3 &&
			    IS(k.st[2].sec.p, k.st[2].sec.len, "child-sas"))
				rc = child_end(w, &k, ev);
			if (depth == 1)
				rc = ike_end(w, &k, ev);
			depth--;
			break;
		}
	}
	return rc;
}

/* --- charon's log --------------------------------------------------------- */

enum said {
	SAID_OTHER,
	SAID_CHATTER,	   /* packets sent and received: explains nothing */
	SAID_CAUSE,	   /* an error that a "failed" line may follow */
	SAID_CHILD_FAILED, /* "CHILD_SA rekeying failed, trying again..." */
	SAID_IKE_FAILED,   /* "IKE_SA rekeying failed, ..." */
	SAID_REAUTH_FAILED,
	SAID_GAVE_UP,	/* retransmits or retries exhausted: the IKE_SA dies */
	SAID_NOT_BUILT, /* "failed to establish CHILD_SA, keeping IKE_SA" */
};

static enum said classify(struct str msg)
{
	static const char *const causes[] = {
		"unable to ",	     "no acceptable",	      "peer didn't",
		"peer seems to not", "abort active rekeying", "tried ",
	};
	static const char *const chatter[] = {
		"sending packet",
		"received packet",
		"parsed ",
		"generating ",
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
	if (starts(msg, "failed to establish CHILD_SA"))
		return SAID_NOT_BUILT;
	if ((starts(msg, "received ") && has(msg, " notify")) ||
	    has(msg, "we tried to rekey") ||
	    (starts(msg, "authentication of ") && has(msg, "failed")))
		return SAID_CAUSE;
	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++)
		if (starts(msg, causes[i]))
			return SAID_CAUSE;
	for (size_t i = 0; i < sizeof(chatter) / sizeof(chatter[0]); i++)
		if (starts(msg, chatter[i]))
			return SAID_CHATTER;
	return SAID_OTHER;
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
static void note(struct track *w, struct track_sa *sa, struct str msg,
		 enum said what, int lone)
{
	char retry[48], *said;
	int failed;

	if (!sa->more && !(sa->more = calloc(1, sizeof(*sa->more))))
		return; /* it will time out, without charon's word */
	if (what == SAID_CAUSE && !sa->more->cause)
		sa->more->cause = dup_str(msg, NULL);
	/* a packet trace explains nothing when something else was said */
	if (what == SAID_CHATTER && sa->more->said)
		return;
	switch (what) {
	case SAID_CHILD_FAILED:
		failed = sa->child && lone;
		break;
	case SAID_IKE_FAILED:
		failed = !sa->child && !sa->reauth;
		break;
	case SAID_REAUTH_FAILED:
		failed = !sa->child && sa->reauth;
		break;
	case SAID_GAVE_UP:
		failed = 1;
		break;
	default:
		failed = 0;
	}
	retry_of(msg, retry, sizeof(retry));
	if (failed && sa->more->cause && what != SAID_GAVE_UP)
		said = dup_str(cstr(sa->more->cause), retry);
	else
		said = dup_str(msg, failed ? retry : NULL);
	if (!said)
		return;
	free(sa->more->said);
	sa->more->said = said;
	if (failed)
		finish(w, sa, TRACK_FAILED);
}

/* Charon starts a reauthenticated IKE_SA's successor in the thread that
 * has just dealt with the old one: "IKE_SA deleted" (or "reauthenticating
 * IKE_SA" before a make-before-break), then "restarting CHILD_SA" and
 * "initiating IKE_SA" about the new one: a guess, which the new IKE_SA's
 * peer must confirm.  A line about no IKE_SA means the thread has moved
 * on. */
static void follow_thread(struct track *w, uint32_t thread, uint32_t id,
			  struct str msg)
{
	size_t t = thread % (sizeof(w->threads) / sizeof(w->threads[0]));
	struct track_sa *prev = NULL;

	if (w->threads[t].thread == thread && w->threads[t].ike_id != id)
		prev = track_find(w, 0, w->threads[t].ike_id);
	if (prev && prev->reauth && id && !prev->more->hint &&
	    !prev->more->succ &&
	    (starts(msg, "initiating IKE_SA ") ||
	     starts(msg, "restarting CHILD_SA ")) &&
	    !track_find(w, 0, id) && !hinted_by(w, id))
		hinted(w, prev, id, 0);
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
 * log has caught up with the new one; a CHILD_SA it fails to build under
 * a new one is a failure of the reauthentication. */
static void reauth_log(struct track *w, uint32_t id, struct str msg,
		       enum said what)
{
	struct track_sa *sa;
	struct track_new *n;
	uint32_t next;

	if ((next = initiated(msg)) && next != id &&
	    (sa = track_find(w, 0, id)) && sa->reauth) {
		hinted(w, sa, next, 1);
		return;
	}
	if ((n = new_find(w, id))) {
		if (what == SAID_CAUSE && !n->cause)
			n->cause = dup_str(msg, NULL);
		if (what == SAID_NOT_BUILT) {
			n->failed++;
			if (n->owner)
				reauth_check(w, &w->sa[n->owner - 1]);
		}
	}
	if (!starts(msg, "IKE_SA ") || !has(msg, "] established between") ||
	    track_find(w, 0, id))
		return;
	if (n)
		new_ready(w, n);
	else
		seen_put(w, id); /* its up event is still to come */
}

/* A log event: charon's word on an IKE_SA, maybe one of ours. */
static void log_event(struct track *w, const uint8_t *body, size_t len)
{
	struct str group = { 0 }, msg = { 0 };
	uint32_t id = 0, thread = 0, lone = 0;
	struct vici_reader r;
	struct vici_elem e;
	struct track_sa *sa, *prev;
	struct track_new *n;
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
	what = classify(msg);
	if (w->reauths && has_thread)
		follow_thread(w, thread, id, msg);
	if (w->reauths && id)
		reauth_log(w, id, msg, what);
	if (!id)
		return;
	sa = track_find(w, 0, id);
	if (!sa)
		sa = hinted_by(w, id);
	if (!sa && (n = new_find(w, id)) && n->owner)
		sa = &w->sa[n->owner - 1];
	if (!sa)
		sa = at(w, find_slot(w, KEY_OWNER, id));
	if (!sa)
		return;
	if (w->log)
		w->log(w->ctx, group.p, group.len, msg.p, msg.len);
	if (!sa->child) {
		if (sa->state == TRACK_PENDING)
			note(w, sa, msg, what, 1);
		return;
	}
	/* a CHILD_SA's failure names no CHILD_SA: only a lone one is told */
	for (prev = sa; prev; prev = next_of(w, prev))
		lone += prev->state == TRACK_PENDING;
	for (; sa; sa = next_of(w, sa))
		if (sa->state == TRACK_PENDING)
			note(w, sa, msg, what, lone == 1);
}

/* --- the interface ----------------------------------------------------------
 */

void track_init(struct track *w, const struct sa_filter *f, int reauth)
{
	memset(w, 0, sizeof(*w));
	w->filter = *f;
	w->reauth = reauth;
}

void track_free(struct track *w)
{
	for (size_t i = 0; i < w->count; i++) {
		struct track_more *more = w->sa[i].more;

		if (more) {
			free(more->said);
			free(more->cause);
			free(more->kid);
		}
		free(more);
	}
	for (size_t i = 0; i < w->news_count; i++) {
		free(w->news[i].cause);
		free(w->news[i].algs);
		free(w->news[i].kid_name);
		free(w->news[i].kid_id);
	}
	for (size_t i = 0; i < w->peers_cap; i++)
		free(w->peers[i]);
	for (size_t i = 0; i < w->names_cap; i++)
		free(w->names[i]);
	free(w->names);
	free(w->peers);
	free(w->news);
	free(w->seen);
	free(w->kid);
	free(w->slot);
	free(w->sa);
	track_init(w, &w->filter, w->reauth);
}

int track_learn(struct track *w, const uint8_t *body, size_t len)
{
	return walk(w, EVENT_LIST_SA, body, len);
}

void track_start(struct track *w, struct track_sa *sa)
{
	(void)w;
	sa->started = 1;
}

void track_drop(struct track *w, struct track_sa *sa, enum track_state state)
{
	if (sa->state != TRACK_PENDING)
		return;
	if (pairing(sa) && !sa->more->succ)
		sa->more->peer
			->unpaired--; /* no successor is to be paired to it */
	sa->state = (unsigned)state;
	w->pending--;
}

uint32_t track_untold(const struct track *w, const struct track_sa *sa)
{
	(void)w;
	return pairing(sa) && sa->more->went_down && !sa->more->succ
		       ? sa->more->peer->fresh
		       : 0;
}

int track_went_down(const struct track_sa *sa)
{
	return pairing(sa) && sa->more->went_down;
}

uint32_t track_candidates(const struct track_sa *sa)
{
	return pairing(sa) ? sa->more->candidates : 0;
}

const char *track_said(const struct track_sa *sa)
{
	return sa->more ? sa->more->said : NULL;
}

uint32_t track_successor(const struct track *w, const struct track_sa *sa)
{
	return pairing(sa) && sa->more->succ ? w->news[sa->more->succ - 1].id
					     : 0;
}

size_t track_missing(const struct track *w, const struct track_sa *sa,
		     char *out, size_t size)
{
	out[0] = '\0';
	if (!pairing(sa) || !sa->more->succ)
		return 0;
	return missing(sa, &w->news[sa->more->succ - 1], out, size);
}

void track_event(struct track *w, const uint8_t *name, size_t name_len,
		 const uint8_t *body, size_t len)
{
	/* an event that cannot be followed for want of memory is missed:
	 * its SA times out, truthfully */
	if (IS(name, name_len, "log"))
		log_event(w, body, len);
	else if (IS(name, name_len, "ike-rekey"))
		(void)walk(w, EVENT_IKE_REKEY, body, len);
	else if (IS(name, name_len, "child-rekey"))
		(void)walk(w, EVENT_CHILD_REKEY, body, len);
	else if (IS(name, name_len, "ike-updown"))
		(void)walk(w, EVENT_IKE_UPDOWN, body, len);
	else if (IS(name, name_len, "child-updown"))
		(void)walk(w, EVENT_CHILD_UPDOWN, body, len);
}

// SPDX-License-Identifier: MIT
/*
 * --list-sas: the request, and the human view of one list-sa event in the
 * layout of strongSwan's swanctl 5.9.8 and 6.0.6, learnt by feeding them
 * events: the IKE_SA's lines are printed where its child-sas section
 * starts, each CHILD_SA's lines where its section ends; absent values read
 * "(null)".  The two versions differ only on keys a 6.0 daemon alone sends
 * (ake1..ake7, per-cpu-sas, cpu), which are printed as 6.0.6 does.
 */
#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "print.h"
#include "request.h"
#include "usage.h"
#include "vici.h"
#include "vici_wire.h"

/* A value of the event, aliasing its frame; NULL when absent. */
struct val {
	const uint8_t *p;
	size_t len;
};

/* A list of the event: the bytes of its items, to walk again. */
struct items {
	const uint8_t *p;
	size_t len;
	int present;
};

/* A key name with its length, for lookups without strlen. */
struct key {
	const char *name;
	size_t len;
};

#define KEY(s)                                                                 \
	{                                                                      \
		s, sizeof(s) - 1                                               \
	}

enum {
	IKE_UNIQUEID,
	IKE_VERSION,
	IKE_STATE,
	IKE_LOCAL_HOST,
	IKE_LOCAL_PORT,
	IKE_LOCAL_ID,
	IKE_REMOTE_HOST,
	IKE_REMOTE_PORT,
	IKE_REMOTE_ID,
	IKE_REMOTE_EAP_ID,
	IKE_REMOTE_XAUTH_ID,
	IKE_INITIATOR,
	IKE_INITIATOR_SPI,
	IKE_RESPONDER_SPI,
	IKE_ENCR_ALG,
	IKE_ENCR_KEYSIZE,
	IKE_INTEG_ALG,
	IKE_INTEG_KEYSIZE,
	IKE_PRF_ALG,
	IKE_DH_GROUP,
	IKE_ESTABLISHED,
	IKE_REKEY_TIME,
	IKE_REAUTH_TIME,
	IKE_LIFE_TIME,
	IKE_PPK,
	IKE_AKE1, /* ake1..ake7 in order: the additional key exchanges */
	IKE_AKE7 = IKE_AKE1 + 6,
	IKE_KEYS,
};

static const struct key ike_keys[IKE_KEYS] = {
	KEY("uniqueid"),
	KEY("version"),
	KEY("state"),
	KEY("local-host"),
	KEY("local-port"),
	KEY("local-id"),
	KEY("remote-host"),
	KEY("remote-port"),
	KEY("remote-id"),
	KEY("remote-eap-id"),
	KEY("remote-xauth-id"),
	KEY("initiator"),
	KEY("initiator-spi"),
	KEY("responder-spi"),
	KEY("encr-alg"),
	KEY("encr-keysize"),
	KEY("integ-alg"),
	KEY("integ-keysize"),
	KEY("prf-alg"),
	KEY("dh-group"),
	KEY("established"),
	KEY("rekey-time"),
	KEY("reauth-time"),
	KEY("life-time"),
	KEY("ppk"),
	KEY("ake1"),
	KEY("ake2"),
	KEY("ake3"),
	KEY("ake4"),
	KEY("ake5"),
	KEY("ake6"),
	KEY("ake7"),
};

enum {
	IKE_LOCAL_VIPS,
	IKE_REMOTE_VIPS,
	IKE_TASKS_QUEUED,
	IKE_TASKS_ACTIVE,
	IKE_TASKS_PASSIVE,
	IKE_LISTS,
};

static const struct key ike_lists[IKE_LISTS] = {
	KEY("local-vips"),   KEY("remote-vips"),   KEY("tasks-queued"),
	KEY("tasks-active"), KEY("tasks-passive"),
};

enum {
	CHILD_NAME,
	CHILD_UNIQUEID,
	CHILD_REQID,
	CHILD_STATE,
	CHILD_MODE,
	CHILD_PROTOCOL,
	CHILD_ENCAP,
	CHILD_SPI_IN,
	CHILD_SPI_OUT,
	CHILD_CPI_IN,
	CHILD_CPI_OUT,
	CHILD_MARK_IN,
	CHILD_MARK_MASK_IN,
	CHILD_MARK_OUT,
	CHILD_MARK_MASK_OUT,
	CHILD_IF_ID_IN,
	CHILD_IF_ID_OUT,
	CHILD_ENCR_ALG,
	CHILD_ENCR_KEYSIZE,
	CHILD_INTEG_ALG,
	CHILD_INTEG_KEYSIZE,
	CHILD_PRF_ALG,
	CHILD_DH_GROUP,
	CHILD_ESN,
	CHILD_BYTES_IN,
	CHILD_PACKETS_IN,
	CHILD_USE_IN,
	CHILD_BYTES_OUT,
	CHILD_PACKETS_OUT,
	CHILD_USE_OUT,
	CHILD_REKEY_TIME,
	CHILD_LIFE_TIME,
	CHILD_INSTALL_TIME,
	CHILD_PER_CPU_SAS,
	CHILD_CPU,
	CHILD_LABEL,
	CHILD_AKE1,
	CHILD_AKE7 = CHILD_AKE1 + 6,
	CHILD_KEYS,
};

static const struct key child_keys[CHILD_KEYS] = {
	KEY("name"),	     KEY("uniqueid"),	 KEY("reqid"),
	KEY("state"),	     KEY("mode"),	 KEY("protocol"),
	KEY("encap"),	     KEY("spi-in"),	 KEY("spi-out"),
	KEY("cpi-in"),	     KEY("cpi-out"),	 KEY("mark-in"),
	KEY("mark-mask-in"), KEY("mark-out"),	 KEY("mark-mask-out"),
	KEY("if-id-in"),     KEY("if-id-out"),	 KEY("encr-alg"),
	KEY("encr-keysize"), KEY("integ-alg"),	 KEY("integ-keysize"),
	KEY("prf-alg"),	     KEY("dh-group"),	 KEY("esn"),
	KEY("bytes-in"),     KEY("packets-in"),	 KEY("use-in"),
	KEY("bytes-out"),    KEY("packets-out"), KEY("use-out"),
	KEY("rekey-time"),   KEY("life-time"),	 KEY("install-time"),
	KEY("per-cpu-sas"),  KEY("cpu"),	 KEY("label"),
	KEY("ake1"),	     KEY("ake2"),	 KEY("ake3"),
	KEY("ake4"),	     KEY("ake5"),	 KEY("ake6"),
	KEY("ake7"),
};

enum {
	CHILD_LOCAL_TS,
	CHILD_REMOTE_TS,
	CHILD_LISTS,
};

static const struct key child_lists[CHILD_LISTS] = {
	KEY("local-ts"),
	KEY("remote-ts"),
};

_Static_assert((int)CHILD_KEYS >= (int)IKE_KEYS, "room for every key");
_Static_assert((int)IKE_LISTS >= (int)CHILD_LISTS, "room for every list");

/* The keys and lists of an IKE_SA or a CHILD_SA section. */
struct section {
	struct val v[CHILD_KEYS];
	struct items l[IKE_LISTS];
};

/* The index of NAME in KEYS, or -1.  charon sends the keys in the order
 * of the tables, so the search starts after the last one found (*NEXT)
 * and most take one compare. */
static int lookup(const struct key *keys, int count, const uint8_t *name,
		  size_t len, int *next)
{
	/* the hint may be another table's (a key after a nested section) */
	for (int n = 0, i = *next < count ? *next : 0; n < count;
	     n++, i = i + 1 < count ? i + 1 : 0)
		if (keys[i].len == len && !memcmp(keys[i].name, name, len)) {
			*next = i + 1 < count ? i + 1 : 0;
			return i;
		}
	return -1;
}

/*
 * The text of one event, built with plain appends: stdio's cost per call
 * was a quarter of a listing's instructions.  Grown with realloc (SPILL
 * NULL: the event goes out whole or not at all), or written to SPILL when
 * full (a fixed buffer, printing as it decodes).
 */
struct text {
	char *p;
	size_t len, cap;
	FILE *spill;
	int err; /* -ENOMEM: the text is incomplete */
};

/* Make room for N more bytes at T->p + T->len: 1, or 0 when there is
 * none (the error recorded) or S went to the spill stream directly. */
static int text_room(struct text *t, const void *s, size_t n)
{
	size_t cap;
	char *grown;

	if (t->err)
		return 0;
	if (t->spill) {
		fwrite(t->p, 1, t->len, t->spill);
		t->len = 0;
		if (n <= t->cap)
			return 1;
		fwrite(s, 1, n, t->spill);
		return 0;
	}
	for (cap = t->cap ? t->cap : 65536; cap - t->len < n; cap *= 2)
		;
	grown = realloc(t->p, cap);
	if (!grown) {
		t->err = -ENOMEM;
		return 0;
	}
	t->p = grown;
	t->cap = cap;
	return 1;
}

static inline void add(struct text *t, const void *s, size_t n)
{
	if (n > t->cap - t->len && !text_room(t, s, n))
		return;
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

/* A string literal (the "" refuses anything else: sizeof would lie). */
#define LIT(t, s) add(t, "" s, sizeof(s) - 1)

static inline void add_c(struct text *t, char c)
{
	if (t->len == t->cap && !text_room(t, &c, 1))
		return;
	t->p[t->len++] = c;
}

/* The rest of S, from a byte add_escaped() did not copy: as
 * print_escaped() writes it. */
static void add_escaped_rest(struct text *t, const uint8_t *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	for (;;) {
		size_t n = print_plain_len(s, len);

		add(t, s, n);
		if (n == len)
			return;
		if (s[n] == '\\') {
			LIT(t, "\\\\");
		} else {
			char x[4] = { '\\', 'x', hex[s[n] >> 4],
				      hex[s[n] & 15] };

			add(t, x, sizeof(x));
		}
		s += n + 1;
		len -= n + 1;
	}
}

/* 1 for printable ASCII but the backslash: bytes print_escaped() copies
 * as they are, whatever is around them (a table: the range checks cost
 * three instructions more a byte) */
/* clang-format off */
static const uint8_t plain[256] = {
	[0x20] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x40] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	[0x60] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x70] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
};
/* clang-format on */

/* As print_escaped() writes S: the common case copied as it is checked,
 * without a call. */
static inline void add_escaped(struct text *t, const uint8_t *s, size_t len)
{
	if (len <= t->cap - t->len) {
		char *d = t->p + t->len;
		size_t i = 0;

		while (i < len && plain[s[i]]) {
			d[i] = (char)s[i];
			i++;
		}
		t->len += i;
		s += i;
		len -= i;
		if (!len)
			return;
	}
	add_escaped_rest(t, s, len);
}

/* A value as swanctl shows it: escaped for the terminal, or "(null)". */
static void put(struct text *t, const struct val *v)
{
	if (!v->p)
		LIT(t, "(null)");
	else
		add_escaped(t, v->p, v->len);
}

/* A number right-aligned in WIDTH columns, as printf's "%*s" does. */
static void put_padded(struct text *t, const struct val *v, int width)
{
	int len = v->p ? (int)v->len : 6;

	for (; width > len; width--)
		add_c(t, ' ');
	put(t, v);
}

/* The items of a list separated by blanks; 0 if it had none. */
static int put_items(struct text *t, const struct items *l)
{
	struct vici_reader r;
	struct vici_elem e;
	int n = 0;

	if (!l->present)
		return 0;
	vici_reader_init_list(&r, l->p, l->len);
	while (vici_next(&r, &e) > 0 && e.type == VICI_LIST_ITEM) {
		if (n++)
			add_c(t, ' ');
		add_escaped(t, e.value, e.value_len);
	}
	return n;
}

static int has_items(const struct items *l)
{
	return l->present && l->len > 0;
}

/* The additional key exchanges (strongSwan 6): "/KE1_ML_KEM_768"... */
static void put_akes(struct text *t, const struct val *ake)
{
	for (int i = 0; i < 7; i++) {
		if (!ake[i].p)
			continue;
		LIT(t, "/KE");
		add_c(t, (char)('1' + i));
		add_c(t, '_');
		put(t, &ake[i]);
	}
}

static int hex_nibble(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 0; /* as strongSwan's decoder takes any other character */
}

/*
 * A security label: the value is the hex of the label's encoding, usually
 * with a terminating NUL.  strongSwan decodes it from the right (an
 * optional "0x", one ':' skipped between digits, an odd count leaves a
 * lone nibble first), drops one trailing NUL, shows each byte that is not
 * printable ASCII as '?', and prints nothing for an empty label or a lone
 * NUL.  A VICI value is at most 65535 bytes, so the label fits in BUF.
 */
static void put_label(struct text *t, const struct val *v)
{
	uint8_t buf[32768];
	const uint8_t *start = v->p, *at = v->p + v->len;
	size_t len = v->len, digits, n;

	if (len > 1 && start[0] == '0' && start[1] == 'x') {
		start += 2;
		len -= 2;
	}
	digits = len;
	for (size_t i = 0; i < len; i++)
		digits -= start[i] == ':';
	n = (digits + 1) / 2;
	for (size_t i = n; i-- > 0;) {
		if (at > start && *--at == ':' && at > start)
			at--;
		buf[i] = (uint8_t)hex_nibble(*at);
		if ((i > 0 || digits % 2 == 0) && at > start)
			buf[i] |= (uint8_t)(hex_nibble(*--at) << 4);
	}
	if (n == 0 || (n == 1 && buf[0] == 0))
		return;
	if (buf[n - 1] == 0)
		n--;
	LIT(t, "    label  ");
	for (size_t i = 0; i < n; i++)
		add_c(t, buf[i] >= 0x20 && buf[i] < 0x7f ? (char)buf[i] : '?');
	add_c(t, '\n');
}

static void ike_header(struct text *t, const uint8_t *name, size_t name_len,
		       const struct section *s)
{
	const struct val *v = s->v;
	int init = v[IKE_INITIATOR].p && v[IKE_INITIATOR].len == 3 &&
		   !memcmp(v[IKE_INITIATOR].p, "yes", 3);

	add_escaped(t, name, name_len);
	LIT(t, ": #");
	put(t, &v[IKE_UNIQUEID]);
	LIT(t, ", ");
	put(t, &v[IKE_STATE]);
	LIT(t, ", IKEv");
	put(t, &v[IKE_VERSION]);
	LIT(t, ", ");
	put(t, &v[IKE_INITIATOR_SPI]);
	if (init)
		LIT(t, "_i* ");
	else
		LIT(t, "_i ");
	put(t, &v[IKE_RESPONDER_SPI]);
	if (init)
		LIT(t, "_r\n");
	else
		LIT(t, "_r*\n");

	LIT(t, "  local  '");
	put(t, &v[IKE_LOCAL_ID]);
	LIT(t, "' @ ");
	put(t, &v[IKE_LOCAL_HOST]);
	add_c(t, '[');
	put(t, &v[IKE_LOCAL_PORT]);
	add_c(t, ']');
	if (has_items(&s->l[IKE_LOCAL_VIPS])) {
		LIT(t, " [");
		put_items(t, &s->l[IKE_LOCAL_VIPS]);
		add_c(t, ']');
	}
	LIT(t, "\n  remote '");
	put(t, &v[IKE_REMOTE_ID]);
	LIT(t, "' @ ");
	put(t, &v[IKE_REMOTE_HOST]);
	add_c(t, '[');
	put(t, &v[IKE_REMOTE_PORT]);
	add_c(t, ']');
	if (v[IKE_REMOTE_EAP_ID].p) {
		LIT(t, " EAP: '");
		put(t, &v[IKE_REMOTE_EAP_ID]);
		add_c(t, '\'');
	}
	if (v[IKE_REMOTE_XAUTH_ID].p) {
		LIT(t, " XAuth: '");
		put(t, &v[IKE_REMOTE_XAUTH_ID]);
		add_c(t, '\'');
	}
	if (has_items(&s->l[IKE_REMOTE_VIPS])) {
		LIT(t, " [");
		put_items(t, &s->l[IKE_REMOTE_VIPS]);
		add_c(t, ']');
	}
	add_c(t, '\n');

	if (v[IKE_ENCR_ALG].p) {
		LIT(t, "  ");
		put(t, &v[IKE_ENCR_ALG]);
		if (v[IKE_ENCR_KEYSIZE].p) {
			add_c(t, '-');
			put(t, &v[IKE_ENCR_KEYSIZE]);
		}
		if (v[IKE_INTEG_ALG].p) {
			add_c(t, '/');
			put(t, &v[IKE_INTEG_ALG]);
		}
		/* a key size without an algorithm is printed too */
		if (v[IKE_INTEG_KEYSIZE].p) {
			add_c(t, '-');
			put(t, &v[IKE_INTEG_KEYSIZE]);
		}
		add_c(t, '/');
		put(t, &v[IKE_PRF_ALG]);
		add_c(t, '/');
		put(t, &v[IKE_DH_GROUP]);
		put_akes(t, &v[IKE_AKE1]);
		if (v[IKE_PPK].p && v[IKE_PPK].len == 3 &&
		    !memcmp(v[IKE_PPK].p, "yes", 3))
			LIT(t, "/PPK");
		add_c(t, '\n');
	}
	if (v[IKE_ESTABLISHED].p) {
		LIT(t, "  established ");
		put(t, &v[IKE_ESTABLISHED]);
		LIT(t, "s ago");
		if (v[IKE_REKEY_TIME].p) {
			LIT(t, ", rekeying in ");
			put(t, &v[IKE_REKEY_TIME]);
			add_c(t, 's');
		}
		if (v[IKE_REAUTH_TIME].p) {
			LIT(t, ", reauth in ");
			put(t, &v[IKE_REAUTH_TIME]);
			add_c(t, 's');
		}
		if (v[IKE_LIFE_TIME].p) {
			LIT(t, ", expires in ");
			put(t, &v[IKE_LIFE_TIME]);
			add_c(t, 's');
		}
		add_c(t, '\n');
	}
	/* each 11 bytes long */
	static const char tasks[3][12] = { "  queued:  ", "  active:  ",
					   "  passive: " };
	for (int i = 0; i < 3; i++) {
		if (!has_items(&s->l[IKE_TASKS_QUEUED + i]))
			continue;
		add(t, tasks[i], 11);
		put_items(t, &s->l[IKE_TASKS_QUEUED + i]);
		add_c(t, '\n');
	}
}

/* "in  SPI[/CPI][ (MARK[/MASK][|IF-ID])], BYTES bytes, PACKETS packets" */
static void traffic(struct text *t, const struct val *v, int out)
{
	const struct val *spi = &v[out ? CHILD_SPI_OUT : CHILD_SPI_IN];
	const struct val *cpi = &v[out ? CHILD_CPI_OUT : CHILD_CPI_IN];
	const struct val *mark = &v[out ? CHILD_MARK_OUT : CHILD_MARK_IN];
	const struct val *mask =
		&v[out ? CHILD_MARK_MASK_OUT : CHILD_MARK_MASK_IN];
	const struct val *ifid = &v[out ? CHILD_IF_ID_OUT : CHILD_IF_ID_IN];
	const struct val *use = &v[out ? CHILD_USE_OUT : CHILD_USE_IN];

	if (out)
		LIT(t, "    out ");
	else
		LIT(t, "    in  ");
	put(t, spi);
	if (cpi->p) {
		add_c(t, '/');
		put(t, cpi);
	}
	if (mark->p || ifid->p) {
		LIT(t, " (");
		if (mark->p) {
			LIT(t, "0x");
			put(t, mark);
			if (mask->p) {
				LIT(t, "/0x");
				put(t, mask);
			}
		} else {
			add_c(t, '-');
		}
		if (ifid->p) {
			LIT(t, "|0x");
			put(t, ifid);
		}
		add_c(t, ')');
	}
	LIT(t, ", ");
	put_padded(t, &v[out ? CHILD_BYTES_OUT : CHILD_BYTES_IN], 6);
	LIT(t, " bytes, ");
	put_padded(t, &v[out ? CHILD_PACKETS_OUT : CHILD_PACKETS_IN], 5);
	LIT(t, " packets");
	if (use->p) {
		LIT(t, ", ");
		put_padded(t, use, 5);
		LIT(t, "s ago");
	}
	add_c(t, '\n');
}

static void child_block(struct text *t, const struct section *s)
{
	const struct val *v = s->v;

	LIT(t, "  ");
	put(t, &v[CHILD_NAME]);
	LIT(t, ": #");
	put(t, &v[CHILD_UNIQUEID]);
	LIT(t, ", reqid ");
	put(t, &v[CHILD_REQID]);
	if (v[CHILD_PER_CPU_SAS].p) {
		LIT(t, ", cpu ");
		if (v[CHILD_CPU].p)
			put(t, &v[CHILD_CPU]);
		else
			add_c(t, '-');
	}
	LIT(t, ", ");
	put(t, &v[CHILD_STATE]);
	LIT(t, ", ");
	put(t, &v[CHILD_MODE]);
	if (v[CHILD_ENCAP].p)
		LIT(t, "-in-UDP");
	LIT(t, ", ");
	put(t, &v[CHILD_PROTOCOL]);
	add_c(t, ':');
	if (v[CHILD_ENCR_ALG].p) {
		put(t, &v[CHILD_ENCR_ALG]);
		if (v[CHILD_ENCR_KEYSIZE].p) {
			add_c(t, '-');
			put(t, &v[CHILD_ENCR_KEYSIZE]);
		}
	}
	if (v[CHILD_INTEG_ALG].p) {
		if (v[CHILD_ENCR_ALG].p)
			add_c(t, '/');
		put(t, &v[CHILD_INTEG_ALG]);
		if (v[CHILD_INTEG_KEYSIZE].p) {
			add_c(t, '-');
			put(t, &v[CHILD_INTEG_KEYSIZE]);
		}
	}
	if (v[CHILD_PRF_ALG].p) {
		add_c(t, '/');
		put(t, &v[CHILD_PRF_ALG]);
	}
	if (v[CHILD_DH_GROUP].p) {
		add_c(t, '/');
		put(t, &v[CHILD_DH_GROUP]);
	}
	put_akes(t, &v[CHILD_AKE1]);
	if (v[CHILD_ESN].p)
		LIT(t, "/ESN");
	LIT(t, "\n    installed ");
	put(t, &v[CHILD_INSTALL_TIME]);
	LIT(t, "s ago");
	if (v[CHILD_REKEY_TIME].p) {
		LIT(t, ", rekeying in ");
		put(t, &v[CHILD_REKEY_TIME]);
		add_c(t, 's');
	}
	if (v[CHILD_LIFE_TIME].p) {
		LIT(t, ", expires in ");
		put(t, &v[CHILD_LIFE_TIME]);
		add_c(t, 's');
	}
	add_c(t, '\n');
	traffic(t, v, 0);
	traffic(t, v, 1);
	if (v[CHILD_LABEL].p)
		put_label(t, &v[CHILD_LABEL]);
	LIT(t, "    local  ");
	if (!put_items(t, &s->l[CHILD_LOCAL_TS]))
		LIT(t, "(null)");
	LIT(t, "\n    remote ");
	if (!put_items(t, &s->l[CHILD_REMOTE_TS]))
		LIT(t, "(null)");
	add_c(t, '\n');
}

/* Print one list-sa event body to T; as list_print_event. */
static int print_sa(struct text *t, const uint8_t *body, size_t len)
{
	struct section ike = { 0 }, child = { 0 };
	const uint8_t *ike_name = NULL, *list_start = NULL;
	size_t ike_name_len = 0;
	struct items *list = NULL;
	struct vici_reader r;
	struct vici_elem e;
	int depth = 0, in_children = 0, rc, next_key = 0, next_list = 0;

	vici_reader_init(&r, body, len);
	/* a name found in the tables is printable: only the others are
	 * checked: the check was an eighth of a listing's instructions */
	while ((rc = vici_next_names_unchecked(&r, &e)) > 0) {
		/* depth 1: the IKE_SA; 2: child-sas; 3: a CHILD_SA */
		struct section *s = depth == 1			? &ike
				    : depth == 3 && in_children ? &child
								: NULL;
		int k;

		switch (e.type) {
		case VICI_SECTION_START:
			if (!(depth == 1 && e.name_len == 9 &&
			      !memcmp(e.name, "child-sas", 9)) &&
			    vici_check_name(&r, &e))
				return -EBADMSG;
			depth++;
			next_key = next_list = 0; /* a new table */
			if (depth == 1) {
				memset(&ike, 0, sizeof(ike));
				ike_name = e.name;
				ike_name_len = e.name_len;
			} else if (depth == 2 && e.name_len == 9 &&
				   !memcmp(e.name, "child-sas", 9)) {
				in_children = 1;
				ike_header(t, ike_name, ike_name_len, &ike);
			} else if (depth == 3 && in_children) {
				memset(&child, 0, sizeof(child));
			}
			break;
		case VICI_SECTION_END:
			if (depth == 3 && in_children)
				child_block(t, &child);
			if (depth == 2)
				in_children = 0;
			depth--;
			break;
		case VICI_KEY_VALUE:
			k = -1;
			if (s == &ike)
				k = lookup(ike_keys, IKE_KEYS, e.name,
					   e.name_len, &next_key);
			else if (s)
				k = lookup(child_keys, CHILD_KEYS, e.name,
					   e.name_len, &next_key);
			if (k >= 0)
				s->v[k] = (struct val){ e.value, e.value_len };
			else if (vici_check_name(&r, &e))
				return -EBADMSG;
			break;
		case VICI_LIST_START:
			list = NULL;
			k = -1;
			if (s == &ike)
				k = lookup(ike_lists, IKE_LISTS, e.name,
					   e.name_len, &next_list);
			else if (s)
				k = lookup(child_lists, CHILD_LISTS, e.name,
					   e.name_len, &next_list);
			if (k >= 0) {
				list = &s->l[k];
				list_start = vici_pos(&r);
			} else if (vici_check_name(&r, &e)) {
				return -EBADMSG;
			}
			break;
		case VICI_LIST_END:
			if (list)
				*list = (struct items){
					list_start,
					(size_t)(vici_pos(&r) - 1 - list_start),
					1
				};
			list = NULL;
			break;
		}
	}
	return rc;
}

int list_print_event(FILE *f, const uint8_t *body, size_t len)
{
	char buf[4096];
	struct text t = { buf, 0, sizeof(buf), f, 0 };
	int rc = print_sa(&t, body, len);

	fwrite(t.p, 1, t.len, f);
	return rc;
}

static int human(FILE *f, const uint8_t *body, size_t len, const void *ctx)
{
	(void)ctx;
	return list_print_event(f, body, len);
}

/* The scratch stream's sink: what stdio hands over goes to l->buf. */
static ssize_t scratch_write(void *ctx, const char *p, size_t n)
{
	struct listing *l = ctx;
	struct text t = { l->buf, l->size, l->cap, NULL, 0 };

	if (!n)
		return 0;
	add(&t, p, n);
	l->buf = t.p;
	l->cap = t.cap;
	if (t.err) {
		errno = ENOMEM;
		return -1;
	}
	l->size = t.len;
	return (ssize_t)n;
}

int list_scratch_open(struct listing *l)
{
	cookie_io_functions_t io = { .write = scratch_write };

	l->buf = NULL;
	l->size = l->cap = 0;
	/* a stdio stream for the dumps and JSON, so that they write to it as
	 * to stdout; its buffer is handed over when an event is done */
	l->scratch = fopencookie(l, "w", io);
	if (!l->scratch)
		return -ENOMEM;
	__fsetlocking(l->scratch, FSETLOCKING_BYCALLER);
	return 0;
}

void list_scratch_close(struct listing *l)
{
	if (l->scratch)
		fclose(l->scratch);
	free(l->buf);
	l->scratch = NULL;
	l->buf = NULL;
}

/* The human view of an event into l->buf, then out whole: no stdio call
 * but the one write.  As print_body. */
static int list_human(struct listing *l, const uint8_t *body, size_t len)
{
	struct text t = { l->buf, 0, l->cap, NULL, 0 };
	int rc;

	/* a buffer from the start: no copy goes to a null pointer, even of
	 * nothing */
	if (!t.p && !text_room(&t, NULL, 1))
		return t.err;
	rc = print_sa(&t, body, len);
	l->buf = t.p;
	l->cap = t.cap;
	if (rc)
		return rc;
	if (t.err)
		return t.err;
	fwrite(t.p, 1, t.len, l->out);
	return 0;
}

int list_event(void *ctx, const struct vici_packet_view *ev, struct failure *f)
{
	struct listing *l = ctx;
	int rc;

	if (!vici_is(ev->name, ev->name_len, "list-sa"))
		return 0;
	/* a malformed event is refused whole: no part of it is printed */
	if (!l->scratch &&
	    (rc = vici_validate(ev->body, ev->body_len, &f->why)))
		return status_fail(f, STAGE_EXCHANGE, "list-sas", rc);
	if (l->scratch &&
	    print_view(MESSAGE_LIST_EVENT, l->output) == VIEW_HUMAN) {
		rc = list_human(l, ev->body, ev->body_len);
	} else {
		if (l->scratch) { /* what a refused event left there goes */
			fflush(l->scratch);
			l->size = 0;
		}
		rc = print_body(l->scratch ? l->scratch : l->out,
				MESSAGE_LIST_EVENT, l->output, ev->body,
				ev->body_len, human, NULL);
		if (!rc && l->scratch && fflush(l->scratch))
			rc = -ENOMEM;
		/* an event may print nothing (no buffer yet) */
		if (!rc && l->scratch && l->size)
			fwrite(l->buf, 1, l->size, l->out);
	}
	if (rc == -EBADMSG) { /* the printer stopped there: say why */
		(void)vici_validate(ev->body, ev->body_len, &f->why);
		return status_fail(f, STAGE_EXCHANGE, "list-sas", rc);
	}
	if (rc)
		return status_fail(f, STAGE_OUTPUT, "list-sas", rc);
	/* a reader that went away ends the listing at once */
	return print_check(l->out, f);
}

int list_run(const struct args *a, struct client *c, struct failure *f)
{
	uint8_t req[VICI_MAX_REQUEST];
	struct listing l = { .output = a->output, .out = stdout };
	struct vici_packet_view reply;
	size_t len;
	int rc;

	/* without the memory for it, each event is validated first */
	(void)list_scratch_open(&l);

	rc = list_request(&a->filter, a->noblock, req, sizeof(req), &len);
	if (!rc)
		rc = client_open(c, f);
	else
		rc = status_fail(f, STAGE_ENCODE, "list-sas", rc);
	if (rc)
		goto out;
	/* only this thread writes: skip stdio's lock on every call */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	rc = client_register(c, VICI_EVENT_REGISTER, "list-sa", NULL, NULL, f);
	if (!rc)
		rc = client_call(c, "list-sas", req, len, &reply, list_event,
				 &l, f);
	if (!rc) {
		/* client_call validated the body: a dump of it cannot fail */
		(void)print_body(stdout, MESSAGE_LIST_REPLY, a->output,
				 reply.body, reply.body_len, NULL, NULL);
		rc = print_check(stdout, f);
	}
	/* the listing is out before the connection closes */
	if (!rc)
		rc = print_flush(stdout, f);
	/* once the reply is in, the listing is complete: closing the
	 * connection unregisters, no round trip can fail it any more */
	client_close(c);
out:
	list_scratch_close(&l);
	return rc;
}

const char usage_list[] =
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

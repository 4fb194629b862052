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

/* A value as swanctl shows it: escaped for the terminal, or "(null)". */
static void put(FILE *f, const struct val *v)
{
	if (!v->p)
		fputs("(null)", f);
	else
		print_escaped(f, v->p, v->len);
}

/* A number right-aligned in WIDTH columns, as printf's "%*s" does. */
static void put_padded(FILE *f, const struct val *v, int width)
{
	int len = v->p ? (int)v->len : 6;

	for (; width > len; width--)
		fputc(' ', f);
	put(f, v);
}

/* The items of a list separated by blanks; 0 if it had none. */
static int put_items(FILE *f, const struct items *l)
{
	struct vici_reader r;
	struct vici_elem e;
	int n = 0;

	if (!l->present)
		return 0;
	vici_reader_init_list(&r, l->p, l->len);
	while (vici_next(&r, &e) > 0 && e.type == VICI_LIST_ITEM) {
		if (n++)
			fputc(' ', f);
		print_escaped(f, e.value, e.value_len);
	}
	return n;
}

static int has_items(const struct items *l)
{
	return l->present && l->len > 0;
}

/* The additional key exchanges (strongSwan 6): "/KE1_ML_KEM_768"... */
static void put_akes(FILE *f, const struct val *ake)
{
	for (int i = 0; i < 7; i++) {
		if (!ake[i].p)
			continue;
		fprintf(f, "/KE%d_", i + 1);
		put(f, &ake[i]);
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
static void put_label(FILE *f, const struct val *v)
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
	fputs("    label  ", f);
	for (size_t i = 0; i < n; i++)
		fputc(buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '?', f);
	fputc('\n', f);
}

static void ike_header(FILE *f, const uint8_t *name, size_t name_len,
		       const struct section *s)
{
	const struct val *v = s->v;
	int init = v[IKE_INITIATOR].p && v[IKE_INITIATOR].len == 3 &&
		   !memcmp(v[IKE_INITIATOR].p, "yes", 3);

	print_escaped(f, name, name_len);
	fputs(": #", f);
	put(f, &v[IKE_UNIQUEID]);
	fputs(", ", f);
	put(f, &v[IKE_STATE]);
	fputs(", IKEv", f);
	put(f, &v[IKE_VERSION]);
	fputs(", ", f);
	put(f, &v[IKE_INITIATOR_SPI]);
	fputs(init ? "_i* " : "_i ", f);
	put(f, &v[IKE_RESPONDER_SPI]);
	fputs(init ? "_r\n" : "_r*\n", f);

	fputs("  local  '", f);
	put(f, &v[IKE_LOCAL_ID]);
	fputs("' @ ", f);
	put(f, &v[IKE_LOCAL_HOST]);
	fputc('[', f);
	put(f, &v[IKE_LOCAL_PORT]);
	fputc(']', f);
	if (has_items(&s->l[IKE_LOCAL_VIPS])) {
		fputs(" [", f);
		put_items(f, &s->l[IKE_LOCAL_VIPS]);
		fputc(']', f);
	}
	fputs("\n  remote '", f);
	put(f, &v[IKE_REMOTE_ID]);
	fputs("' @ ", f);
	put(f, &v[IKE_REMOTE_HOST]);
	fputc('[', f);
	put(f, &v[IKE_REMOTE_PORT]);
	fputc(']', f);
	if (v[IKE_REMOTE_EAP_ID].p) {
		fputs(" EAP: '", f);
		put(f, &v[IKE_REMOTE_EAP_ID]);
		fputc('\'', f);
	}
	if (v[IKE_REMOTE_XAUTH_ID].p) {
		fputs(" XAuth: '", f);
		put(f, &v[IKE_REMOTE_XAUTH_ID]);
		fputc('\'', f);
	}
	if (has_items(&s->l[IKE_REMOTE_VIPS])) {
		fputs(" [", f);
		put_items(f, &s->l[IKE_REMOTE_VIPS]);
		fputc(']', f);
	}
	fputc('\n', f);

	if (v[IKE_ENCR_ALG].p) {
		fputs("  ", f);
		put(f, &v[IKE_ENCR_ALG]);
		if (v[IKE_ENCR_KEYSIZE].p) {
			fputc('-', f);
			put(f, &v[IKE_ENCR_KEYSIZE]);
		}
		if (v[IKE_INTEG_ALG].p) {
			fputc('/', f);
			put(f, &v[IKE_INTEG_ALG]);
		}
		/* a key size without an algorithm is printed too */
		if (v[IKE_INTEG_KEYSIZE].p) {
			fputc('-', f);
			put(f, &v[IKE_INTEG_KEYSIZE]);
		}
		fputc('/', f);
		put(f, &v[IKE_PRF_ALG]);
		fputc('/', f);
		put(f, &v[IKE_DH_GROUP]);
		put_akes(f, &v[IKE_AKE1]);
		if (v[IKE_PPK].p && v[IKE_PPK].len == 3 &&
		    !memcmp(v[IKE_PPK].p, "yes", 3))
			fputs("/PPK", f);
		fputc('\n', f);
	}
	if (v[IKE_ESTABLISHED].p) {
		fputs("  established ", f);
		put(f, &v[IKE_ESTABLISHED]);
		fputs("s ago", f);
		if (v[IKE_REKEY_TIME].p) {
			fputs(", rekeying in ", f);
			put(f, &v[IKE_REKEY_TIME]);
			fputc('s', f);
		}
		if (v[IKE_REAUTH_TIME].p) {
			fputs(", reauth in ", f);
			put(f, &v[IKE_REAUTH_TIME]);
			fputc('s', f);
		}
		if (v[IKE_LIFE_TIME].p) {
			fputs(", expires in ", f);
			put(f, &v[IKE_LIFE_TIME]);
			fputc('s', f);
		}
		fputc('\n', f);
	}
	static const char *const tasks[] = { "  queued:  ", "  active:  ",
					     "  passive: " };
	for (int i = 0; i < 3; i++) {
		if (!has_items(&s->l[IKE_TASKS_QUEUED + i]))
			continue;
		fputs(tasks[i], f);
		put_items(f, &s->l[IKE_TASKS_QUEUED + i]);
		fputc('\n', f);
	}
}

/* "in  SPI[/CPI][ (MARK[/MASK][|IF-ID])], BYTES bytes, PACKETS packets" */
static void traffic(FILE *f, const struct val *v, int out)
{
	const struct val *spi = &v[out ? CHILD_SPI_OUT : CHILD_SPI_IN];
	const struct val *cpi = &v[out ? CHILD_CPI_OUT : CHILD_CPI_IN];
	const struct val *mark = &v[out ? CHILD_MARK_OUT : CHILD_MARK_IN];
	const struct val *mask =
		&v[out ? CHILD_MARK_MASK_OUT : CHILD_MARK_MASK_IN];
	const struct val *ifid = &v[out ? CHILD_IF_ID_OUT : CHILD_IF_ID_IN];
	const struct val *use = &v[out ? CHILD_USE_OUT : CHILD_USE_IN];

	fputs(out ? "    out " : "    in  ", f);
	put(f, spi);
	if (cpi->p) {
		fputc('/', f);
		put(f, cpi);
	}
	if (mark->p || ifid->p) {
		fputs(" (", f);
		if (mark->p) {
			fputs("0x", f);
			put(f, mark);
			if (mask->p) {
				fputs("/0x", f);
				put(f, mask);
			}
		} else {
			fputc('-', f);
		}
		if (ifid->p) {
			fputs("|0x", f);
			put(f, ifid);
		}
		fputc(')', f);
	}
	fputs(", ", f);
	put_padded(f, &v[out ? CHILD_BYTES_OUT : CHILD_BYTES_IN], 6);
	fputs(" bytes, ", f);
	put_padded(f, &v[out ? CHILD_PACKETS_OUT : CHILD_PACKETS_IN], 5);
	fputs(" packets", f);
	if (use->p) {
		fputs(", ", f);
		put_padded(f, use, 5);
		fputs("s ago", f);
	}
	fputc('\n', f);
}

static void child_block(FILE *f, const struct section *s)
{
	const struct val *v = s->v;

	fputs("  ", f);
	put(f, &v[CHILD_NAME]);
	fputs(": #", f);
	put(f, &v[CHILD_UNIQUEID]);
	fputs(", reqid ", f);
	put(f, &v[CHILD_REQID]);
	if (v[CHILD_PER_CPU_SAS].p) {
		fputs(", cpu ", f);
		if (v[CHILD_CPU].p)
			put(f, &v[CHILD_CPU]);
		else
			fputc('-', f);
	}
	fputs(", ", f);
	put(f, &v[CHILD_STATE]);
	fputs(", ", f);
	put(f, &v[CHILD_MODE]);
	if (v[CHILD_ENCAP].p)
		fputs("-in-UDP", f);
	fputs(", ", f);
	put(f, &v[CHILD_PROTOCOL]);
	fputc(':', f);
	if (v[CHILD_ENCR_ALG].p) {
		put(f, &v[CHILD_ENCR_ALG]);
		if (v[CHILD_ENCR_KEYSIZE].p) {
			fputc('-', f);
			put(f, &v[CHILD_ENCR_KEYSIZE]);
		}
	}
	if (v[CHILD_INTEG_ALG].p) {
		if (v[CHILD_ENCR_ALG].p)
			fputc('/', f);
		put(f, &v[CHILD_INTEG_ALG]);
		if (v[CHILD_INTEG_KEYSIZE].p) {
			fputc('-', f);
			put(f, &v[CHILD_INTEG_KEYSIZE]);
		}
	}
	if (v[CHILD_PRF_ALG].p) {
		fputc('/', f);
		put(f, &v[CHILD_PRF_ALG]);
	}
	if (v[CHILD_DH_GROUP].p) {
		fputc('/', f);
		put(f, &v[CHILD_DH_GROUP]);
	}
	put_akes(f, &v[CHILD_AKE1]);
	if (v[CHILD_ESN].p)
		fputs("/ESN", f);
	fputs("\n    installed ", f);
	put(f, &v[CHILD_INSTALL_TIME]);
	fputs("s ago", f);
	if (v[CHILD_REKEY_TIME].p) {
		fputs(", rekeying in ", f);
		put(f, &v[CHILD_REKEY_TIME]);
		fputc('s', f);
	}
	if (v[CHILD_LIFE_TIME].p) {
		fputs(", expires in ", f);
		put(f, &v[CHILD_LIFE_TIME]);
		fputc('s', f);
	}
	fputc('\n', f);
	traffic(f, v, 0);
	traffic(f, v, 1);
	if (v[CHILD_LABEL].p)
		put_label(f, &v[CHILD_LABEL]);
	fputs("    local  ", f);
	if (!put_items(f, &s->l[CHILD_LOCAL_TS]))
		fputs("(null)", f);
	fputs("\n    remote ", f);
	if (!put_items(f, &s->l[CHILD_REMOTE_TS]))
		fputs("(null)", f);
	fputc('\n', f);
}

int list_print_event(FILE *f, const uint8_t *body, size_t len)
{
	struct section ike = { 0 }, child = { 0 };
	const uint8_t *ike_name = NULL, *list_start = NULL;
	size_t ike_name_len = 0;
	struct items *list = NULL;
	struct vici_reader r;
	struct vici_elem e;
	int depth = 0, in_children = 0, rc, next_key = 0, next_list = 0;

	vici_reader_init(&r, body, len);
	while ((rc = vici_next(&r, &e)) > 0) {
		/* depth 1: the IKE_SA; 2: child-sas; 3: a CHILD_SA */
		struct section *s = depth == 1			? &ike
				    : depth == 3 && in_children ? &child
								: NULL;
		int k;

		switch (e.type) {
		case VICI_SECTION_START:
			depth++;
			next_key = next_list = 0; /* a new table */
			if (depth == 1) {
				memset(&ike, 0, sizeof(ike));
				ike_name = e.name;
				ike_name_len = e.name_len;
			} else if (depth == 2 && e.name_len == 9 &&
				   !memcmp(e.name, "child-sas", 9)) {
				in_children = 1;
				ike_header(f, ike_name, ike_name_len, &ike);
			} else if (depth == 3 && in_children) {
				memset(&child, 0, sizeof(child));
			}
			break;
		case VICI_SECTION_END:
			if (depth == 3 && in_children)
				child_block(f, &child);
			if (depth == 2)
				in_children = 0;
			depth--;
			break;
		case VICI_KEY_VALUE:
			if (!s)
				break;
			k = s == &ike ? lookup(ike_keys, IKE_KEYS, e.name,
					       e.name_len, &next_key)
				      : lookup(child_keys, CHILD_KEYS, e.name,
					       e.name_len, &next_key);
			if (k >= 0)
				s->v[k] = (struct val){ e.value, e.value_len };
			break;
		case VICI_LIST_START:
			list = NULL;
			if (!s)
				break;
			k = s == &ike ? lookup(ike_lists, IKE_LISTS, e.name,
					       e.name_len, &next_list)
				      : lookup(child_lists, CHILD_LISTS, e.name,
					       e.name_len, &next_list);
			if (k >= 0) {
				list = &s->l[k];
				list_start = vici_pos(&r);
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

static int human(FILE *f, const uint8_t *body, size_t len, const void *ctx)
{
	(void)ctx;
	return list_print_event(f, body, len);
}

/* The scratch stream's sink: what stdio hands over goes to l->buf. */
static ssize_t scratch_write(void *ctx, const char *p, size_t n)
{
	struct listing *l = ctx;

	if (n > l->cap - l->size) {
		size_t cap = l->cap ? l->cap : 65536;
		char *grown;

		while (cap - l->size < n)
			cap *= 2;
		grown = realloc(l->buf, cap);
		if (!grown) {
			errno = ENOMEM;
			return -1;
		}
		l->buf = grown;
		l->cap = cap;
	}
	memcpy(l->buf + l->size, p, n);
	l->size += n;
	return (ssize_t)n;
}

int list_scratch_open(struct listing *l)
{
	cookie_io_functions_t io = { .write = scratch_write };

	l->buf = NULL;
	l->size = l->cap = 0;
	/* a stdio stream, so that the printers write to it as to stdout, at
	 * stdio's speed; its buffer is handed over when an event is done */
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
	if (l->scratch) { /* what a refused event left there goes */
		fflush(l->scratch);
		l->size = 0;
	}
	rc = print_body(l->scratch ? l->scratch : l->out, MESSAGE_LIST_EVENT,
			l->output, ev->body, ev->body_len, human, NULL);
	if (rc == -EBADMSG) { /* the printer stopped there: say why */
		(void)vici_validate(ev->body, ev->body_len, &f->why);
		return status_fail(f, STAGE_EXCHANGE, "list-sas", rc);
	}
	if (rc)
		return status_fail(f, STAGE_OUTPUT, "list-sas", rc);
	if (l->scratch) {
		if (fflush(l->scratch))
			return status_fail(f, STAGE_OUTPUT, "list-sas",
					   -ENOMEM);
		if (l->size) /* an event may print nothing (no buffer yet) */
			fwrite(l->buf, 1, l->size, l->out);
	}
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

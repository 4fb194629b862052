// SPDX-License-Identifier: MIT
/* Raw, pretty and JSON renderings of VICI messages, and safe text. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "print.h"
#include "unicode/invisible.h"
#include "vici.h"
#include "vici_wire.h"

/* clang-format off */
static const struct {
	const char *label; /* of the raw and pretty dumps */
	enum view view[4]; /* by enum output: human, raw, pretty, json */
} messages[] = {
	[MESSAGE_REKEY_REPLY_WAIT] = { "rekey reply",
		{ VIEW_NONE, VIEW_RAW, VIEW_PRETTY, VIEW_NONE } },
	[MESSAGE_SUCCESSOR] = { NULL,
		{ VIEW_HUMAN, VIEW_HUMAN, VIEW_HUMAN, VIEW_JSON } },
	[MESSAGE_LIST_EVENT] = { "list-sa event",
		{ VIEW_HUMAN, VIEW_RAW, VIEW_PRETTY, VIEW_JSON } },
	[MESSAGE_LIST_REPLY] = { "list-sas reply",
		{ VIEW_NONE, VIEW_RAW, VIEW_PRETTY, VIEW_NONE } },
};
/* clang-format on */
_Static_assert(sizeof(messages) / sizeof(messages[0]) == MESSAGE_COUNT,
	       "a row of messages[] for every enum message");

/* A one-shot reply: each output mode its own view. */
static const enum view reply_views[] = { VIEW_HUMAN, VIEW_RAW, VIEW_PRETTY,
					 VIEW_JSON };

enum view print_view(enum message m, enum output o)
{
	return messages[m].view[o];
}

static int render(FILE *f, enum view view, const char *label,
		  const uint8_t *body, size_t len, print_human_fn human,
		  const void *ctx)
{
	switch (view) {
	case VIEW_HUMAN:
		return human ? human(f, body, len, ctx) : 0;
	case VIEW_RAW:
	case VIEW_PRETTY:
		return print_dump(f, label, body, len, view == VIEW_PRETTY);
	case VIEW_JSON:
		return print_json(f, body, len);
	case VIEW_NONE:
		return 0;
	case VIEW_UNSET:
		break;
	}
	return -ENOSYS; /* never silent: the run fails */
}

int print_body(FILE *f, enum message m, enum output o, const uint8_t *body,
	       size_t len, print_human_fn human, const void *ctx)
{
	return render(f, print_view(m, o), messages[m].label, body, len, human,
		      ctx);
}

int print_reply(FILE *f, const char *label, enum output o, const uint8_t *body,
		size_t len, print_human_fn human, const void *ctx)
{
	return render(f, reply_views[o], label, body, len, human, ctx);
}

static int printable(const uint8_t *v, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (v[i] < 0x20 || v[i] > 0x7e)
			return 0;
	return 1;
}

/* Length of the valid UTF-8 sequence at S (at most LEN bytes) and its
 * code point in *CP, or 0. */
static size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		*cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		*cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		*cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF */
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return 0;
	return n;
}

static size_t utf8_len(const uint8_t *s, size_t len)
{
	uint32_t cp;

	return utf8_decode(s, len, &cp);
}

static int valid_utf8(const uint8_t *s, size_t len)
{
	for (size_t i = 0, n; i < len; i += n)
		if (!(n = utf8_len(s + i, len - i)))
			return 0;
	return 1;
}

/* swanctl prints printable ASCII as is, anything else as 0x + hex. */
static void put_value(FILE *f, const uint8_t *v, size_t len)
{
	if (printable(v, len)) {
		fwrite(v, 1, len, f);
		return;
	}
	fputs("0x", f);
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", v[i]);
}

static void indent(FILE *f, int level)
{
	for (int i = 0; i < level; i++)
		fputs("  ", f);
}

int print_dump(FILE *f, const char *label, const uint8_t *body, size_t len,
	       int pretty)
{
	struct vici_reader r;
	struct vici_elem e;
	int level = 1, fresh = 1; /* fresh: just after '{' or '[' */
	int rc;

	fprintf(f, "%s {%s", label, pretty ? "\n" : "");
	vici_reader_init(&r, body, len);
	while ((rc = vici_next(&r, &e)) > 0) {
		int closing =
			e.type == VICI_SECTION_END || e.type == VICI_LIST_END;

		if (closing)
			level--;
		if (pretty)
			indent(f, level);
		else if (!fresh && !closing)
			fputc(' ', f);
		switch (e.type) {
		case VICI_SECTION_START:
			fprintf(f, "%.*s {", (int)e.name_len, e.name);
			break;
		case VICI_LIST_START:
			fprintf(f, pretty ? "%.*s = [" : "%.*s=[",
				(int)e.name_len, e.name);
			break;
		case VICI_KEY_VALUE:
			fprintf(f,
				pretty ? "%.*s = " : "%.*s=", (int)e.name_len,
				e.name);
			put_value(f, e.value, e.value_len);
			break;
		case VICI_LIST_ITEM:
			put_value(f, e.value, e.value_len);
			break;
		case VICI_SECTION_END:
			fputc('}', f);
			break;
		case VICI_LIST_END:
			fputc(']', f);
			break;
		}
		fresh = e.type == VICI_SECTION_START ||
			e.type == VICI_LIST_START;
		if (fresh)
			level++;
		if (pretty)
			fputc('\n', f);
	}
	fputs("}\n", f);
	return rc;
}

void print_json_string(FILE *f, const uint8_t *s, size_t len)
{
	if (!valid_utf8(s, len)) {
		/* bytes: an object no section can be (names are never empty) */
		fputs("{\"\":\"", f);
		for (size_t i = 0; i < len; i++)
			fprintf(f, "%02x", s[i]);
		fputs("\"}", f);
		return;
	}
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/*
 * JSON that loses nothing: a key given more than once in one section is
 * printed once, where it first appears, as {"":[VALUE,...]} with every
 * value in order.  A first pass lists the named elements (sections, keys,
 * lists) in document order; sorting them by (section, name) finds the
 * repeats.
 */
struct member {
	uint32_t off;  /* of the element's type byte in the body */
	uint32_t sec;  /* the section it is in: 0 the top, else 1 + ordinal */
	uint32_t next; /* the next value of a repeated key, or NONE */
	int role;      /* ALONE, FIRST or LATER of a repeated key */
};

enum { ALONE, FIRST, LATER };
#define NONE UINT32_MAX

#define JSON_SMALL 64 /* members of an ordinary event: no malloc, no qsort */

struct json {
	FILE *f;
	const uint8_t *body;
	size_t len;
	struct member *m; /* small, or malloc'ed for more members */
	size_t count;
	struct member small[JSON_SMALL];
	uint32_t small_order[JSON_SMALL];
};

static const uint8_t *member_name(const uint8_t *body, const struct member *m,
				  size_t *len)
{
	*len = body[m->off + 1];
	return body + m->off + 2;
}

static int by_name(const void *a, const void *b, void *ctx)
{
	const struct json *j = ctx;
	const struct member *x = &j->m[*(const uint32_t *)a];
	const struct member *y = &j->m[*(const uint32_t *)b];
	const uint8_t *xn, *yn;
	size_t xl, yl;
	int c;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	xn = member_name(j->body, x, &xl);
	yn = member_name(j->body, y, &yl);
	c = memcmp(xn, yn, xl < yl ? xl : yl);
	if (c || xl != yl)
		return c ? c : xl < yl ? -1 : 1;
	return x->off < y->off ? -1 : 1;
}

/* List the named elements of a body; 0, -EBADMSG or -ENOMEM. */
static int members(struct json *j, size_t len)
{
	uint32_t secs[VICI_MAX_DEPTH + 2] = { 0 }, next_sec = 0, *order;
	struct vici_reader r;
	struct vici_elem e;
	size_t n = 0, cap = JSON_SMALL;
	int depth = 0, rc;

	j->m = j->small;
	vici_reader_init(&r, j->body, len);
	for (;;) {
		uint32_t off = (uint32_t)(vici_pos(&r) - j->body);

		rc = vici_next(&r, &e);
		if (rc <= 0)
			break;
		if (e.type == VICI_SECTION_END)
			depth--;
		if (!e.name)
			continue;
		if (n == cap) {
			struct member *grown;

			cap *= 2;
			grown = realloc(j->m == j->small ? NULL : j->m,
					cap * sizeof(*grown));
			if (!grown)
				return -ENOMEM;
			if (j->m == j->small)
				memcpy(grown, j->small, sizeof(j->small));
			j->m = grown;
		}
		j->m[n++] = (struct member){ off, secs[depth], NONE, ALONE };
		if (e.type == VICI_SECTION_START)
			secs[++depth] = ++next_sec;
	}
	j->count = n;
	if (rc < 0)
		return rc;
	order = n <= JSON_SMALL ? j->small_order : malloc(n * sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	if (n > JSON_SMALL) {
		qsort_r(order, n, sizeof(*order), by_name, j);
	} else {
		for (size_t i = 1; i < n; i++) /* insertion sort */
			for (size_t k = i;
			     k > 0 && by_name(&order[k - 1], &order[k], j) > 0;
			     k--) {
				uint32_t t = order[k];

				order[k] = order[k - 1];
				order[k - 1] = t;
			}
	}
	for (size_t i = 1; i < n; i++) {
		struct member *prev = &j->m[order[i - 1]], *m = &j->m[order[i]];
		size_t pl, ml;
		const uint8_t *pn = member_name(j->body, prev, &pl);
		const uint8_t *mn = member_name(j->body, m, &ml);

		if (prev->sec != m->sec || pl != ml || memcmp(pn, mn, ml))
			continue;
		if (prev->role == ALONE)
			prev->role = FIRST;
		prev->next = order[i];
		m->role = LATER;
	}
	if (order != j->small_order)
		free(order);
	return 0;
}

static struct member *member_at(const struct json *j, size_t off)
{
	size_t lo = 0, hi = j->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (j->m[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &j->m[lo]; /* every named element is listed: m[lo].off == off */
}

static size_t json_members(const struct json *j, size_t pos, int print);

/* The value of the element at OFF (printed when PRINT); the offset after
 * it.  The body is well formed: members() walked it. */
static size_t json_value(const struct json *j, size_t off, int print)
{
	const uint8_t *b = j->body;
	size_t pos = off + 2 + b[off + 1], vlen;
	int first = 1;

	switch (b[off]) {
	case VICI_KEY_VALUE:
		vlen = (size_t)b[pos] << 8 | b[pos + 1];
		if (print)
			print_json_string(j->f, b + pos + 2, vlen);
		return pos + 2 + vlen;
	case VICI_LIST_START:
		if (print)
			fputc('[', j->f);
		while (b[pos] == VICI_LIST_ITEM) {
			vlen = (size_t)b[pos + 1] << 8 | b[pos + 2];
			if (print) {
				if (!first)
					fputc(',', j->f);
				print_json_string(j->f, b + pos + 3, vlen);
			}
			first = 0;
			pos += 3 + vlen;
		}
		if (print)
			fputc(']', j->f);
		return pos + 1;
	default: /* VICI_SECTION_START */
		if (print)
			fputc('{', j->f);
		pos = json_members(j, pos, print);
		if (print)
			fputc('}', j->f);
		return pos + 1;
	}
}

/* The members of a section from POS up to its end (a SECTION_END, or the
 * end of the body at the top); the offset of that end. */
static size_t json_members(const struct json *j, size_t pos, int print)
{
	int first = 1;

	while (pos < j->len && j->body[pos] != VICI_SECTION_END) {
		const struct member *m = member_at(j, pos);
		const uint8_t *name;
		size_t nlen;

		if (m->role == LATER) {
			pos = json_value(j, pos, 0);
			continue;
		}
		if (print) {
			if (!first)
				fputc(',', j->f);
			name = member_name(j->body, m, &nlen);
			print_json_string(j->f, name, nlen);
			fputc(':', j->f);
		}
		first = 0;
		if (m->role == ALONE) {
			pos = json_value(j, pos, print);
			continue;
		}
		if (print)
			fputs("{\"\":[", j->f);
		for (const struct member *v = m;; v = &j->m[v->next]) {
			if (print && v != m)
				fputc(',', j->f);
			json_value(j, v->off, print);
			if (v->next == NONE)
				break;
		}
		if (print)
			fputs("]}", j->f);
		pos = json_value(j, pos, 0);
	}
	return pos;
}

int print_json(FILE *f, const uint8_t *body, size_t len)
{
	struct json j = { .f = f, .body = body, .len = len };
	int rc;

	/* nothing is printed of a message that is malformed */
	rc = members(&j, len);
	if (rc == 0) {
		fputc('{', f);
		json_members(&j, 0, 1);
		fputs("}\n", f);
	}
	if (j.m != j.small)
		free(j.m);
	return rc;
}

int print_invisible(uint32_t cp)
{
	size_t lo = 0,
	       hi = sizeof(unicode_invisible) / sizeof(unicode_invisible[0]);

	/* C1 controls (U+0080..U+009F) act as escapes on some terminals */
	if (cp >= 0x80 && cp < 0xa0)
		return 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp > unicode_invisible[mid].hi)
			lo = mid + 1;
		else if (cp < unicode_invisible[mid].lo)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

size_t print_plain_len(const uint8_t *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	for (;;) {
		/* the common case: printable ASCII */
		while (i < len && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			i++;
		if (i == len || s[i] < 0x80)
			return i;
		n = utf8_decode(s + i, len - i, &cp);
		if (!n || print_invisible(cp))
			return i;
		i += n;
	}
}

void print_escaped(FILE *f, const uint8_t *s, size_t len)
{
	for (;;) {
		size_t n = print_plain_len(s, len);

		fwrite(s, 1, n, f);
		if (n == len)
			return;
		if (s[n] == '\\')
			fputs("\\\\", f);
		else
			fprintf(f, "\\x%02x", s[n]);
		s += n + 1;
		len -= n + 1;
	}
}

int print_check(FILE *out, struct failure *f)
{
	int err = errno;

	if (!ferror(out))
		return 0;
	/* stdio retries a failed write on every later call, so errno is the
	 * cause (EPIPE, ENOSPC...) of the write that just failed */
	return status_fail(f, STAGE_OUTPUT, NULL, err ? -err : -EIO);
}

int print_flush(FILE *out, struct failure *f)
{
	/* glibc keeps a buffer whose write failed and fflush() writes it
	 * again (errno: the cause, afresh); musl drops it, so fflush() writes
	 * nothing and the cause is the errno the failed call left */
	int before = ferror(out) ? errno : 0;

	errno = 0;
	fflush(out);
	if (!errno)
		errno = before;
	return print_check(out, f);
}

/* Occupy FD, the lowest free descriptor, with /dev/null, else (a chroot
 * or container with an empty /dev) with the read end of a pipe whose
 * write end is closed: reads see end of file and writes fail with EBADF,
 * as they would on the closed descriptor.  0, or -1 when FD stays free. */
static int std_fd_fill(int fd)
{
	int p[2], got = open("/dev/null", fd ? O_WRONLY : O_RDONLY);

	if (got == fd)
		return 0;
	if (got >= 0)
		close(got);
	if (pipe(p))
		return -1;
	/* the write end may have taken the next closed one: freed again,
	 * it is filled in its turn */
	close(p[1]);
	if (p[0] == fd)
		return 0;
	close(p[0]);
	return -1;
}

void print_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && std_fd_fill(fd))
			break; /* the lowest free descriptor is taken first */
}

/*
 * stdout and stderr as streams whose writes hold the deadline's clock
 * (clock_hold) for as long as they block: --timeout bounds waiting for the
 * daemon, never a reader that is still reading, and no alarm cuts a write
 * short.  A descriptor someone made non-blocking is waited for in poll().
 * glibc only: elsewhere (musl) stdout is not assignable (FILE *const), and
 * time blocked writing counts against --timeout.
 */
#ifdef __GLIBC__
static int std_out_fds[2] = { 1, 2 };
static FILE *std_saved[2];

static ssize_t std_write(void *cookie, const char *buf, size_t len)
{
	const int fd = *(const int *)cookie;
	size_t done = 0;

	while (done < len) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		ssize_t n;
		int err;

		/* only waiting for the reader stops the clock: a write that
		 * goes through is the command's own time (a process starved
		 * of CPU inside write() would otherwise stretch --timeout) */
		if (poll(&pfd, 1, 0) == 0) {
			int64_t start = clock_mono_ns();
			int rc = poll(&pfd, 1, -1);

			err = errno;
			clock_hold(start);
			if (rc < 0 && err == EINTR) {
				errno = EINTR; /* SIGINT with --batch */
				break;
			}
		}
		n = write(fd, buf + done, len - done);
		err = errno;
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && (err == EAGAIN || err == EWOULDBLOCK))
			continue; /* non-blocking: the poll above waits */
		/* a short count is stdio's error: errno says why (EINTR:
		 * a signal the command catches, SIGINT with --batch) */
		errno = n < 0 ? err : EIO;
		break;
	}
	return (ssize_t)done;
}

int print_std_streams(void)
{
	cookie_io_functions_t io = { .write = std_write };
	FILE *out = fopencookie(&std_out_fds[0], "w", io);
	FILE *err = fopencookie(&std_out_fds[1], "w", io);

	if (!out || !err ||
	    setvbuf(out, NULL, isatty(1) ? _IOLBF : _IOFBF, BUFSIZ) ||
	    setvbuf(err, NULL, _IONBF, 0)) {
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		return -ENOMEM;
	}
	fflush(stdout);
	std_saved[0] = stdout;
	std_saved[1] = stderr;
	stdout = out;
	stderr = err;
	return 0;
}

void print_std_close(void)
{
	if (!std_saved[0])
		return;
	fclose(stdout);
	fclose(stderr);
	stdout = std_saved[0];
	stderr = std_saved[1];
	std_saved[0] = NULL;
}
#else
int print_std_streams(void)
{
	return -ENOTSUP;
}

void print_std_close(void)
{
	/* nothing was replaced */
}
#endif

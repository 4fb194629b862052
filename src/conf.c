// SPDX-License-Identifier: MIT
/*
 * strongswan.conf as libstrongswan reads it, and the socket lookup of
 * strongSwan's swanctl.
 *
 * The reader follows libstrongswan's grammar: a token stream over a stack of
 * files (an include pushes the files it names, in sorted glob order, and
 * their tokens continue the including file's statements), scanned in three
 * modes: statements, values (after '=') and references (after ':'); an
 * include pattern and a quoted string are each read whole.  Only what the
 * socket lookup can reach is kept: keys named "socket", sections with
 * references, and the sections above them.  The lookup then walks that tree as
 * libstrongswan does, following references and the swanctl -> libstrongswan
 * fallback.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* The scans read sixteen bytes a step where SSE2 is there; CONF_SCALAR
 * (make SCALAR=1) builds their byte-at-a-time versions there too, so that
 * x86 CI tests what other machines run. */
#if defined(__SSE2__) && !defined(CONF_SCALAR)
#define CONF_SSE2 1
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

#define CONF_MAX_FILE (64u << 20) /* bytes in one file */
/* Nested sections: libstrongswan's parser (bison, a stack of 10,000)
 * reads 4,998 plain "NAME {" levels and refuses 4,999.  Files included,
 * and includes nested, have no limit, as in libstrongswan. */
#define CONF_MAX_DEPTH 4998
#define CONF_MAX_NODES 100000  /* sections kept for the lookup */
#define CONF_MAX_RECURSION 200 /* references followed in one lookup */
#define CONF_KEY_PART 256      /* longest name libstrongswan looks up */
#define CONF_KEY_FULL 2047     /* longest reference it resolves */
#define CONF_ARENA (1u << 20)  /* file buffers, freed last in first out */
#define CONF_PAD 16	       /* '\n' and zero bytes after the text */

enum token {
	T_EOF,
	T_NAME,
	T_STRING,
	T_OPEN,
	T_CLOSE,
	T_DOT,
	T_COMMA,
	T_COLON,
	T_EQUALS,
	T_NEWLINE,
	T_QUOTE,   /* a '"' where no value is expected */
	T_SECTION, /* NAME '{' on one line, read at once */
	T_SETTING, /* NAME '=' and a value without quotes, not a socket */
};

enum mode { M_STATEMENT, M_VALUE, M_REFS };

/* A growable byte buffer. */
struct buf {
	char *p;
	size_t len, size;
};

/* Paths one after another, each ending in a NUL, and their offsets in
 * the order they are read. */
struct paths {
	char *p;
	size_t len, size, count;
	size_t *order, order_size;
};

struct ref {
	struct ref *next;
	char *name;
};

/* A section the lookup can reach. */
struct node {
	char *name;
	struct node *child, *next;
	struct ref *refs, *permanent; /* in order; the fallback after them */
	int has_socket;
	char *socket; /* NULL: "socket =" with no value */
};

/* A file being read, or (src[0]) the list of top-level files. */
struct src {
	const char *path; /* in the including file's matches */
	const char *text;
	size_t len, pos;
	int has_cr; /* comments can end at a CR: the slower scan */
	dev_t dev;
	ino_t ino;
	char *heap;	      /* text when it did not fit in the arena */
	size_t mark;	      /* arena top before text */
	struct paths matches; /* files of the last include, in order */
	size_t next;	      /* offset of the next one to read */
};

struct level {
	struct node *node; /* NULL until something in it is kept */
	size_t name_off, name_len;
	int unreachable; /* a name no lookup can match */
};

struct reader {
	struct conf *conf;
	int nsrc;
	int end_line;	  /* lines in the last top-level file */
	enum mode mode;	  /* back to M_STATEMENT where a value or refs end */
	struct buf str;	  /* the string being scanned */
	struct buf value; /* the value of a socket key */
	struct buf names; /* names of the open sections */
	/* a name while the token after it is read: only its first bytes
	 * matter, a longer name is one no lookup can reach */
	char pending[CONF_KEY_PART + 1];
	size_t pending_len;
	struct level *levels;
	size_t depth, levels_size;
	struct node root;
	int nodes;
	/* where the last token started (lines are counted on an error) */
	const char *tok_file;
	const char *tok_text;
	size_t tok_off;
	/* the last T_NAME */
	const char *name;
	size_t name_len;
	struct src *src; /* the file stack, src_size entries */
	size_t src_size;
};

static char arena[CONF_ARENA];
static size_t arena_top;

static const unsigned char blank_class[256] = {
	['\t'] = 1,
	['\r'] = 1,
	[' '] = 1,
};

/* Bytes that end a name in statements and references. */
static const unsigned char name_end[256] = {
	['#'] = 1, ['{'] = 1, ['}'] = 1,  [':'] = 1,  ['.'] = 1,  [','] = 1,
	['='] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1, ['\t'] = 1, [' '] = 1,
};

/* Bytes that end an unquoted value part. */
static const unsigned char value_end[256] = {
	['#'] = 1,  ['}'] = 1,	['"'] = 1, ['\r'] = 1,
	['\n'] = 1, ['\t'] = 1, [' '] = 1,
};

/* The bytes an include pattern does not take as they are. */
static const unsigned char include_end[256] = {
	['#'] = 1, ['}'] = 1,  ['\n'] = 1, ['\t'] = 1,
	[' '] = 1, ['\r'] = 1, ['"'] = 1,  ['\\'] = 1,
};

/* Where whole_statement() ends a value without quotes. */
static const unsigned char setting_end[256] = {
	['\n'] = 1,
	['#'] = 1,
	['}'] = 1,
	['"'] = 1,
};

static int fail(struct reader *r, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct reader *r, int rc, const char *fmt, ...)
{
	va_list ap;

	if (!r->conf->error[0]) {
		va_start(ap, fmt);
		vsnprintf(r->conf->error, sizeof(r->conf->error), fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* The line OFF is on in TEXT. */
static int line_at(const char *text, size_t off)
{
	int line = 1;

	for (const char *p = text, *end = text + off;
	     (p = memchr(p, '\n', (size_t)(end - p))); p++)
		line++;
	return line;
}

static int syntax(struct reader *r, const char *what)
{
	return fail(r, -EINVAL, "%s:%d: %s", r->tok_file ? r->tok_file : "?",
		    r->tok_text ? line_at(r->tok_text, r->tok_off) : 0, what);
}

static int buf_add(struct reader *r, struct buf *b, const char *p, size_t n)
{
	if (b->size - b->len < n + 1) {
		size_t size = b->size ? b->size : 256;
		char *np;

		while (size - b->len < n + 1) {
			if (size > CONF_MAX_FILE)
				return fail(r, -E2BIG,
					    "%s:%d: a string of more than %u "
					    "bytes",
					    r->tok_file ? r->tok_file : "?",
					    line_at(r->tok_text, r->tok_off),
					    CONF_MAX_FILE);
			size *= 2;
		}
		np = realloc(b->p, size);
		if (!np)
			return fail(r, -ENOMEM, "%s", strerror(ENOMEM));
		b->p = np;
		b->size = size;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static char *dup_n(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

/* ---- glob: the files an include names ---- */

static int has_magic(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[' || s[i] == '\\')
			return 1;
	return 0;
}

/* '*' and '?' against one name; a leading '.' only matches a '.'. */
static int match(const char *pat, const char *name)
{
	const char *star = NULL, *retry = NULL;

	if (name[0] == '.' && pat[0] != '.')
		return 0;
	while (*name) {
		if (*pat == '*') {
			star = ++pat;
			retry = name;
		} else if (*pat == '?' || *pat == *name) {
			pat++;
			name++;
		} else if (star) {
			pat = star;
			name = ++retry;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

static void paths_free(struct paths *l)
{
	if (!l->p && !l->order)
		return; /* most files include nothing */
	free(l->p);
	free(l->order);
	memset(l, 0, sizeof(*l));
}

/* Append A and B as one path; its offset is put at position AT of the
 * order (the ones from AT on move up). */
static int paths_add(struct paths *l, const char *a, size_t alen, const char *b,
		     size_t blen, size_t at)
{
	size_t off = l->len;

	if (l->size - l->len < alen + blen + 1) {
		size_t ns = l->size ? l->size : 8192; /* stock: 3.5 KiB */
		char *np;

		while (ns - l->len < alen + blen + 1)
			ns *= 2;
		np = realloc(l->p, ns);
		if (!np)
			return -ENOMEM;
		l->p = np;
		l->size = ns;
	}
	if (l->count == l->order_size) {
		size_t ns = l->order_size ? l->order_size * 2 : 128;
		size_t *no = realloc(l->order, ns * sizeof(*no));

		if (!no)
			return -ENOMEM;
		l->order = no;
		l->order_size = ns;
	}
	memcpy(l->p + l->len, a, alen);
	memcpy(l->p + l->len + alen, b, blen);
	l->len += alen + blen;
	l->p[l->len++] = '\0';
	for (size_t i = l->count; i > at; i--)
		l->order[i] = l->order[i - 1];
	l->order[at] = off;
	l->count++;
	return 0;
}

/* Sort L's names by their part after SKIP bytes (one directory's): a
 * merge sort, so that 10,000 files cost n log n compares. */
static int paths_sort(struct paths *l, size_t skip)
{
	size_t n = l->count, *a = l->order, *t;

	if (n < 2)
		return 0; /* and no malloc(0), which may give NULL */
	t = malloc(n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t w = 1; w < n; w *= 2) { /* bottom up, stable */
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				t[k++] = strcmp(l->p + a[j] + skip,
						l->p + a[i] + skip) < 0
						 ? a[j++]
						 : a[i++];
			while (i < mid)
				t[k++] = a[i++];
			while (j < hi)
				t[k++] = a[j++];
		}
		memcpy(a, t, n * sizeof(*a));
	}
	free(t);
	return 0;
}

/* The files PATTERN names, sorted as glob(3) sorts them in the C locale.
 * Patterns with '*' or '?' only in the last part are matched here (the
 * common "dir/STAR.conf" costs a fraction of glob(3)); others go to
 * glob(3) with libstrongswan's flags. */
static int expand(const char *pattern, struct paths *out)
{
	size_t plen = strlen(pattern), dir_len = plen, suffix_len = 0;
	const char *last, *suffix = NULL;
	char dir[PATH_MAX];
	/* aligned for the records read in place (32-bit ARM traps on some
	 * misaligned 64-bit loads) */
	_Alignas(struct dirent64) char dents[8192];
	long got;
	int fd, rc = 0;

	paths_free(out);
	while (dir_len && pattern[dir_len - 1] != '/')
		dir_len--;
	last = pattern + dir_len;
	if (!has_magic(pattern, plen))
		return paths_add(out, pattern, plen, "", 0, 0);
	if (has_magic(pattern, dir_len) || strchr(last, '[') ||
	    strchr(last, '\\')) {
		glob_t g;

		if (glob(pattern, GLOB_ERR, NULL, &g) == 0) {
			for (size_t i = 0; i < g.gl_pathc && !rc; i++)
				rc = paths_add(out, g.gl_pathv[i],
					       strlen(g.gl_pathv[i]), "", 0, i);
			globfree(&g);
		}
		return rc;
	}
	if (last[0] == '*' && !has_magic(last + 1, plen - dir_len - 1)) {
		suffix = last + 1;
		suffix_len = plen - dir_len - 1;
	}
	if (dir_len >= sizeof(dir))
		return 0;
	memcpy(dir, pattern, dir_len);
	dir[dir_len] = '\0';
	fd = open(dir_len ? dir : ".",
		  O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	/* void *: glibc's prototype, and musl's (a struct dirent *) */
	while (!rc &&
	       (got = getdents64(fd, (void *)dents, sizeof(dents))) > 0) {
		for (long off = 0; off < got && !rc;) {
			struct dirent64 *d =
				(struct dirent64 *)(void *)(dents + off);

			off += d->d_reclen;
			if (suffix) { /* "*.conf": the common case */
				size_t n = strlen(d->d_name);

				if (d->d_name[0] == '.' || n < suffix_len ||
				    memcmp(d->d_name + n - suffix_len, suffix,
					   suffix_len))
					continue;
			} else if (!match(last, d->d_name)) {
				continue;
			}
			rc = paths_add(out, pattern, dir_len, d->d_name,
				       strlen(d->d_name), out->count);
		}
	}
	close(fd);
	return rc ? rc : paths_sort(out, dir_len);
}

/* ---- files ---- */

static void *arena_alloc(size_t n)
{
	if (CONF_ARENA - arena_top < n)
		return NULL;
	arena_top += n;
	return arena + arena_top - n;
}

static void src_release(struct src *s)
{
	paths_free(&s->matches);
	s->next = 0;
	free(s->heap);
	s->heap = NULL;
	arena_top = s->mark;
}

/* Twice the room on the file stack, the new entries zeroed; 0 or
 * -ENOMEM.  Every struct src pointer is stale after it. */
static int src_reserve(struct reader *r)
{
	size_t ns = r->src_size ? r->src_size * 2 : 16;
	struct src *n = realloc(r->src, ns * sizeof(*n));

	if (!n)
		return -ENOMEM;
	memset(n + r->src_size, 0, (ns - r->src_size) * sizeof(*n));
	r->src = n;
	r->src_size = ns;
	return 0;
}

/* Double the buffer *TEXT of S (*CAP bytes and CONF_PAD) on the heap,
 * up to one byte past CONF_MAX_FILE; 0, -EFBIG or -ENOMEM. */
static int grow_text(struct src *s, char **text, size_t *cap)
{
	size_t ncap = *cap > CONF_MAX_FILE / 2 ? CONF_MAX_FILE + 1 : *cap * 2;
	char *grown;

	if (*cap > CONF_MAX_FILE)
		return -EFBIG;
	grown = malloc(ncap + CONF_PAD);
	if (!grown)
		return -ENOMEM;
	memcpy(grown, *text, *cap);
	/* the arena held it, last: give that back */
	if (!s->heap)
		arena_top = s->mark;
	free(s->heap);
	s->heap = grown;
	*text = grown;
	*cap = ncap;
	return 0;
}

/* Read PATH onto the file stack.  1 when read; 0 when it is to be skipped
 * as libstrongswan skips it (missing, unreadable or a directory, in an
 * include); -errno with the error set otherwise. */
static int push_file(struct reader *r, const char *path)
{
	int top = r->nsrc == 1; /* strongswan.conf itself */
	struct src *s;
	struct stat st;
	char *text;
	ssize_t n;
	size_t got = 0, cap;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		if (top)
			return fail(r, rc, "%s: %s", path, strerror(-rc));
		return 0;
	}
	if (fstat(fd, &st)) {
		rc = -errno;
		close(fd);
		return fail(r, rc, "%s: %s", path, strerror(-rc));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		if (S_ISDIR(st.st_mode) && !top)
			return 0;
		return fail(r, -EINVAL, "%s: not a regular file", path);
	}
	if (st.st_size > (off_t)CONF_MAX_FILE) {
		close(fd);
		return fail(r, -EFBIG, "%s: larger than %u bytes", path,
			    CONF_MAX_FILE);
	}
	for (int i = 1; i < r->nsrc; i++)
		if (r->src[i].dev == st.st_dev && r->src[i].ino == st.st_ino) {
			close(fd);
			return fail(r, -ELOOP, "%s:%d: %s includes itself",
				    r->src[r->nsrc - 1].path,
				    line_at(r->src[r->nsrc - 1].text,
					    r->src[r->nsrc - 1].pos),
				    path);
		}
	if ((size_t)r->nsrc == r->src_size && (rc = src_reserve(r))) {
		close(fd);
		return fail(r, rc, "%s: %s", path, strerror(-rc));
	}
	/* src_release() left matches, next and heap empty */
	s = &r->src[r->nsrc];
	s->pos = 0;
	s->mark = arena_top;
	/* one byte more than the size, to see a file that grew */
	text = arena_alloc((size_t)st.st_size + 1 + CONF_PAD);
	if (!text) {
		text = s->heap = malloc((size_t)st.st_size + 1 + CONF_PAD);
		if (!text) {
			close(fd);
			return fail(r, -ENOMEM, "%s: %s", path,
				    strerror(ENOMEM));
		}
	}
	/* asked for a byte more than the size, a regular file gives the
	 * size and so shows its end in one read; one that grew since fstat
	 * (being appended to) is read on to its end, as libstrongswan reads
	 * it: what is there now */
	cap = (size_t)st.st_size + 1;
	for (rc = 0;;) {
		if (got == cap && (rc = grow_text(s, &text, &cap)))
			break;
		n = read(fd, text + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = -errno;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got < cap)
			break; /* a short read of a regular file: its end */
	}
	close(fd);
	if (rc) {
		src_release(s);
		if (rc == -EFBIG)
			return fail(r, rc, "%s: larger than %u bytes", path,
				    CONF_MAX_FILE);
		return fail(r, rc, "%s: %s", path, strerror(-rc));
	}
	memset(text + got, 0, CONF_PAD);
	text[got] = '\n'; /* ends the last comment: see comment_end() */
	s->has_cr = memchr(text, '\r', got) != NULL;
	s->path = path;
	s->text = text;
	s->len = got;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	r->nsrc++;
	return 1;
}

/* Read the next file the current file's last include names, if any. */
static int open_next(struct reader *r)
{
	struct src *s;
	const char *path;
	int rc;

	/* push_file() may move the stack: S is fetched again each time */
	for (;;) {
		s = &r->src[r->nsrc - 1];
		if (s->next >= s->matches.count)
			break;
		path = s->matches.p + s->matches.order[s->next++];
		rc = push_file(r, path);
		if (rc)
			return rc < 0 ? rc : 1;
	}
	return 0;
}

/* The end of the current file: back to the one that included it, or on
 * to the next file of that include.  0 when all is read. */
static int pop_file(struct reader *r)
{
	int rc;

	r->nsrc--;
	if (r->nsrc == 1)
		r->end_line = line_at(r->src[1].text, r->src[1].len);
	src_release(&r->src[r->nsrc]);
	rc = open_next(r);
	if (rc)
		return rc;
	return r->nsrc > 1;
}

/* include PATTERN, relative to the directory of the current file. */
static int include(struct reader *r, const char *pattern)
{
	struct src *s = &r->src[r->nsrc - 1];
	const char *slash = strrchr(s->path, '/'), *dir = ".";
	size_t dir_len = 1;
	char full[PATH_MAX];
	int n, rc;

	paths_free(&s->matches);
	s->next = 0;
	if (!*pattern)
		return 0; /* libstrongswan ignores an empty pattern */
	if (slash) {
		/* dirname(3): "a//b" is in "a", "/b" in "/" (a path read
		 * is a regular file's, so it never ends in a '/') */
		dir = s->path;
		dir_len = (size_t)(slash - dir);
		while (dir_len && dir[dir_len - 1] == '/')
			dir_len--;
		if (!dir_len)
			dir_len = 1;
	}
	if (pattern[0] == '/')
		n = snprintf(full, sizeof(full), "%s", pattern);
	else
		n = snprintf(full, sizeof(full), "%.*s/%s", (int)dir_len, dir,
			     pattern);
	if (n < 0 || (size_t)n >= sizeof(full))
		return 0; /* ignored as too long, as libstrongswan does */
	rc = expand(full, &s->matches);
	if (rc)
		return fail(r, rc, "%s:%d: include %s: %s", s->path,
			    line_at(s->text, s->pos), full, strerror(-rc));
	rc = open_next(r);
	return rc < 0 ? rc : 0;
}

/* ---- the scanner ---- */

/* The first '\n' (or with CR, '\n' or '\r') from P on, or END: the end
 * of a comment.  Sixteen bytes at a time where SSE2 is there (stock files
 * are mostly comments), reading at most 15 bytes past END (the text is
 * padded). */
static const char *line_end(const char *p, const char *end, int cr)
{
#ifdef CONF_SSE2
	const __m128i nl = _mm_set1_epi8('\n');
	const __m128i ret = _mm_set1_epi8(cr ? '\r' : '\n');

	for (; p < end; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, ret)));

		if (m) {
			p += __builtin_ctz(m);
			return p < end ? p : end;
		}
	}
	return end;
#else
	for (; p < end; p++)
		if (*p == '\n' || (cr && *p == '\r'))
			return p;
	return end;
#endif
}

/* The '\n' that ends the comment at P in a text without CRs (at the end of
 * the text, the '\n' push_file() puts after it: so the loop needs no look
 * at the end for every sixteen bytes, and most of the text is comments).
 * Reads at most 15 bytes past that '\n' (CONF_PAD). */
static const char *comment_end(const char *p)
{
#ifdef CONF_SSE2
	const __m128i nl = _mm_set1_epi8('\n');

	for (;; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));

		if (m)
			return p + __builtin_ctz(m);
	}
#else
	while (*p != '\n')
		p++;
	return p;
#endif
}

/* Past the blanks and new lines at P (not CRs), sixteen bytes at a time
 * where SSE2 is there; the '\n' and zero bytes after the text stop it. */
static const char *skip_blank(const char *p)
{
#ifdef CONF_SSE2
	const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
	const __m128i nl = _mm_set1_epi8('\n');

	for (;; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, sp),
						  _mm_cmpeq_epi8(v, tab)),
				     _mm_cmpeq_epi8(v, nl)));

		if (m != 0xffff)
			return p + __builtin_ctz(~m);
	}
#else
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return p;
#endif
}

/* Past the spaces at P, eight bytes at a time (the text is padded).  The
 * first byte in memory is the word's lowest on a little-endian machine and
 * its highest on a big-endian one (s390x): counted from that end. */
static const char *skip_spaces(const char *p)
{
	for (;;) {
		uint64_t w;

		memcpy(&w, p, sizeof(w));
		w ^= 0x2020202020202020ull;
		if (w)
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			return p + (__builtin_clzll(w) >> 3);
#else
			return p + (__builtin_ctzll(w) >> 3);
#endif
		p += 8;
	}
}

/* The first position from POS on whose byte STOP marks: LEN at most, as
 * STOP marks the '\n' that follows the text (push_file()), and no look at
 * LEN is needed for every byte. */
static size_t scan_until(const char *t, size_t pos, const unsigned char *stop)
{
	const char *p = t + pos;

	while (!stop[(unsigned char)*p])
		p++;
	return (size_t)(p - t);
}

/* A quoted string, after its '"': into r->str.  1 at the closing quote. */
static int scan_string(struct reader *r, struct src *s)
{
	const char *t = s->text;

	while (s->pos < s->len) {
		size_t start = s->pos;
		char c;
		int rc;

		while (s->pos < s->len && t[s->pos] != '"' &&
		       t[s->pos] != '\\' && t[s->pos] != '\r')
			s->pos++;
		rc = buf_add(r, &r->str, t + start, s->pos - start);
		if (rc)
			return rc;
		if (s->pos == s->len)
			break;
		c = t[s->pos++];
		if (c == '"')
			return 1;
		if (c == '\r')
			continue; /* dropped */
		if (s->pos == s->len)
			break; /* a '\' at the end: unterminated */
		c = t[s->pos++];
		if (c == '\n' ||
		    (c == '\r' && s->pos < s->len && t[s->pos] == '\n')) {
			/* '\' at the end of a line joins the lines */
			s->pos += c == '\r';
			continue;
		}
		if (c == 'n')
			c = '\n';
		else if (c == 'r')
			c = '\r';
		else if (c == 't')
			c = '\t';
		rc = buf_add(r, &r->str, &c, 1);
		if (rc)
			return rc;
	}
	return syntax(r, "string not terminated");
}

/* An include pattern, after "include" and blanks; the files it names are
 * pushed before the next token is read. */
static int scan_include(struct reader *r, struct src *s)
{
	const char *t = s->text;
	int rc;

	r->str.len = 0;
	for (;;) {
		size_t start = s->pos;
		char c;

		/* the bytes that stand for themselves, in one piece */
		s->pos = scan_until(t, s->pos, include_end);
		if (s->pos > start &&
		    (rc = buf_add(r, &r->str, t + start, s->pos - start)))
			return rc;
		c = s->pos < s->len ? t[s->pos] : '#';
		if (c == '#' || c == '}' || c == '\n' || c == '\t' ||
		    c == ' ') {
			if (c == '\t' || c == ' ')
				s->pos++;
			break;
		}
		s->pos++;
		if (c == '\r')
			continue;
		if (c == '"') {
			rc = scan_string(r, s);
			if (rc < 0)
				return rc;
			break;
		}
		if (c == '\\' && s->pos < s->len &&
		    (t[s->pos] == '"' || t[s->pos] == '#' || t[s->pos] == '}' ||
		     t[s->pos] == ' '))
			c = t[s->pos++];
		rc = buf_add(r, &r->str, &c, 1);
		if (rc)
			return rc;
	}
	return include(r, r->str.len ? r->str.p : "");
}

/* Whether "include" at POS starts an include (libstrongswan's rule:
 * "include", blanks, then anything but '='); *SKIP: bytes to skip. */
static int is_include(const struct src *s, size_t *skip)
{
	const char *t = s->text + s->pos;
	size_t left = s->len - s->pos, n = 7;

	if (left < 9 || memcmp(t, "include", 7) ||
	    (t[7] != ' ' && t[7] != '\t'))
		return 0;
	while (n < left && (t[n] == ' ' || t[n] == '\t'))
		n++;
	if (n < left && t[n] != '=') {
		*skip = n;
		return 1;
	}
	if (n - 7 >= 2) { /* the last blank is what follows */
		*skip = n - 1;
		return 1;
	}
	return 0;
}

/* After a name in a statement: "NAME {" and "NAME = value" (a value
 * without quotes, to the end of the line, a '#' or a '}'; not a socket)
 * are read at once, as the tokens would read them.  Stock files are
 * mostly such lines. */
static int whole_statement(struct reader *r, struct src *s)
{
	const char *t = s->text;
	size_t q = s->pos;

	while (t[q] == ' ' || t[q] == '\t')
		q++; /* the text ends in a '\n' */
	if (q < s->len && t[q] == '{') {
		s->pos = q + 1;
		return T_SECTION;
	}
	if (q < s->len && t[q] == '=' &&
	    !(r->name_len == 6 && !memcmp(r->name, "socket", 6))) {
		size_t v = scan_until(t, q + 1, setting_end);

		if (v == s->len || t[v] != '"') {
			s->pos = v;
			return T_SETTING;
		}
	}
	return T_NAME;
}

static int lex(struct reader *r)
{
	for (;;) {
		struct src *s = &r->src[r->nsrc - 1];
		const char *t = s->text;
		enum mode m = r->mode;
		unsigned char c;
		size_t skip;
		int rc;

		if (r->nsrc == 1)
			return T_EOF;
		r->tok_file = s->path;
		if (m == M_VALUE) {
			while (s->pos < s->len &&
			       blank_class[(unsigned char)t[s->pos]])
				s->pos++;
			r->tok_text = t;
			r->tok_off = s->pos;
			if (s->pos == s->len || t[s->pos] == '#' ||
			    t[s->pos] == '}' || t[s->pos] == '\n') {
				r->mode = M_STATEMENT;
				return T_NEWLINE;
			}
			if (t[s->pos] == '"') {
				s->pos++;
				r->str.len = 0;
				rc = scan_string(r, s);
				return rc < 0 ? rc : T_STRING;
			}
			r->name = t + s->pos;
			s->pos = scan_until(t, s->pos, value_end);
			r->name_len = (size_t)(t + s->pos - r->name);
			return T_NAME;
		}
		/* statements and references: blanks, new lines, comments;
		 * the text is followed by a '\n' and zero bytes (the scans
		 * stop there, a position past the end is the end).  A comment
		 * after blanks (no CR among them) ends at a CR or a new line;
		 * one where a token starts runs to the new line if there is one
		 * (flex's longest match of libstrongswan's two rules). */
		if (!s->has_cr) {
			const char *p = t + s->pos, *end = t + s->len;

			for (;;) {
				p = skip_blank(p);
				if (*p != '#')
					break;
				p = comment_end(p);
			}
			/* past the '\n' after the text */
			s->pos = p > end ? s->len : (size_t)(p - t);
		} else {
			const char *p = t + s->pos, *end = t + s->len;
			int blanks = 0, cr = 0;

			for (;;) {
				if (*p == ' ') {
					p = skip_spaces(p);
					blanks = 1;
				} else if (*p == '\n') {
					p++;
					blanks = cr = 0;
				} else if (*p == '#') {
					if (blanks && !cr) {
						p = line_end(p, end, 1);
					} else {
						const char *nl =
							line_end(p, end, 0);

						p = nl < end ? nl
							     : line_end(p, end,
									1);
					}
					blanks = cr = 0;
				} else if (*p == '\t') {
					p++;
					blanks = 1;
				} else if (*p == '\r') {
					p++;
					blanks = cr = 1;
				} else {
					break;
				}
			}
			s->pos = p > end ? s->len : (size_t)(p - t);
		}
		if (s->pos == s->len) {
			rc = pop_file(r);
			if (rc < 0)
				return rc;
			continue;
		}
		r->tok_text = t;
		r->tok_off = s->pos;
		c = (unsigned char)t[s->pos];
		if (m == M_REFS) {
			if (c == ',') {
				s->pos++;
				return T_COMMA;
			}
			if (!name_end[c]) {
				r->name = t + s->pos;
				for (;;) {
					s->pos =
						scan_until(t, s->pos, name_end);
					if (s->pos + 1 < s->len &&
					    t[s->pos] == '.' &&
					    !name_end[(unsigned char)
							      t[s->pos + 1]])
						s->pos++;
					else
						break;
				}
				r->name_len = (size_t)(t + s->pos - r->name);
				return T_NAME;
			}
			r->mode = M_STATEMENT; /* anything else ends them */
			continue;
		}
		switch (c) {
		case '{':
			s->pos++;
			return T_OPEN;
		case '}':
			s->pos++;
			return T_CLOSE;
		case '.':
			s->pos++;
			return T_DOT;
		case ',':
			s->pos++;
			return T_COMMA;
		case ':':
			s->pos++;
			r->mode = M_REFS;
			return T_COLON;
		case '=':
			s->pos++;
			r->mode = M_VALUE;
			return T_EQUALS;
		case '"':
			s->pos++;
			return T_QUOTE;
		}
		if (c == 'i' && is_include(s, &skip)) {
			s->pos += skip;
			rc = scan_include(r, s);
			if (rc < 0)
				return rc;
			continue;
		}
		r->name = t + s->pos;
		s->pos = scan_until(t, s->pos, name_end);
		r->name_len = (size_t)(t + s->pos - r->name);
		return whole_statement(r, s);
	}
}

/* ---- the tree the lookup walks ---- */

static struct node *child(const struct node *parent, const char *name,
			  size_t len)
{
	for (struct node *n = parent->child; n; n = n->next)
		if (n->name && strlen(n->name) == len &&
		    !memcmp(n->name, name, len))
			return n;
	return NULL;
}

static int add_child(struct reader *r, struct node *parent, const char *name,
		     size_t len, struct node **out)
{
	struct node *n, **end;

	*out = child(parent, name, len);
	if (*out)
		return 0;
	if (++r->nodes > CONF_MAX_NODES)
		return syntax(r,
			      "too many sections with sockets or references");
	n = calloc(1, sizeof(*n));
	if (!n || !(n->name = dup_n(name, len))) {
		free(n);
		return fail(r, -ENOMEM, "%s", strerror(ENOMEM));
	}
	for (end = &parent->child; *end; end = &(*end)->next)
		;
	*end = n;
	*out = n;
	return 0;
}

/* The node of the innermost open section, created with the ones above it;
 * NULL when no lookup can reach it. */
static int keep(struct reader *r, struct node **out)
{
	struct node *parent = &r->root;

	*out = NULL;
	for (size_t i = 0; i < r->depth; i++) {
		struct level *l = &r->levels[i];

		if (l->unreachable)
			return 0;
		if (!l->node) {
			int rc = add_child(r, parent, r->names.p + l->name_off,
					   l->name_len, &l->node);
			if (rc)
				return rc;
		}
		parent = l->node;
	}
	*out = parent;
	return 0;
}

static int add_ref(struct reader *r, struct node *n, const char *name,
		   size_t len)
{
	struct ref **end, *ref;

	for (end = &n->refs; *end; end = &(*end)->next)
		if (strlen((*end)->name) == len &&
		    !memcmp((*end)->name, name, len))
			return 0;
	ref = calloc(1, sizeof(*ref));
	if (!ref || !(ref->name = dup_n(name, len))) {
		free(ref);
		return fail(r, -ENOMEM, "%s", strerror(ENOMEM));
	}
	*end = ref;
	return 0;
}

static void free_refs(struct ref *ref)
{
	while (ref) {
		struct ref *next = ref->next;

		free(ref->name);
		free(ref);
		ref = next;
	}
}

/* Without recursion, however deep the sections: each node's children are
 * put in the list before its next sibling. */
static void free_node(struct node *n)
{
	while (n) {
		struct node *next;

		if (n->child) {
			struct node *last = n->child;

			while (last->next)
				last = last->next;
			last->next = n->next;
			n->next = n->child;
		}
		next = n->next;
		free_refs(n->refs);
		free_refs(n->permanent);
		free(n->socket);
		free(n->name);
		free(n);
		n = next;
	}
}

/* ---- the grammar ---- */

static int open_section(struct reader *r, const char *name, size_t len)
{
	struct level *l;
	int rc;

	if (r->depth == CONF_MAX_DEPTH)
		return syntax(r, "sections nested too deeply");
	if (r->depth == r->levels_size) {
		size_t ns = r->levels_size ? r->levels_size * 2 : 16;
		struct level *nl = realloc(r->levels, ns * sizeof(*nl));

		if (!nl)
			return fail(r, -ENOMEM, "%s", strerror(ENOMEM));
		r->levels = nl;
		r->levels_size = ns;
	}
	l = &r->levels[r->depth];
	l->node = NULL;
	l->name_off = r->names.len;
	l->name_len = len;
	l->unreachable = len > CONF_KEY_PART ||
			 (r->depth && r->levels[r->depth - 1].unreachable);
	if (l->unreachable)
		l->name_len = 0;
	else if ((rc = buf_add(r, &r->names, name, len)))
		return rc;
	r->depth++;
	return 0;
}

static void close_section(struct reader *r)
{
	r->depth--;
	r->names.len = r->levels[r->depth].name_off;
}

/* NAME ':' refs '{', after the ':' */
static int section_with_refs(struct reader *r)
{
	struct node *n = NULL;
	int rc, t;

	rc = open_section(r, r->pending, r->pending_len);
	if (rc)
		return rc;
	for (;;) {
		t = lex(r);
		if (t < 0)
			return t;
		if (t != T_NAME)
			return syntax(r, "syntax error: expected the name of "
					 "a section to refer to");
		if (!n && (rc = keep(r, &n)))
			return rc;
		if (n && r->name_len <= CONF_KEY_FULL &&
		    (rc = add_ref(r, n, r->name, r->name_len)))
			return rc;
		t = lex(r);
		if (t < 0)
			return t;
		if (t == T_OPEN)
			return 0;
		if (t != T_COMMA)
			return syntax(r, "syntax error: expected ',' or '{' "
					 "after a reference");
	}
}

/* NAME '=' value NEWLINE, after the '=' */
static int setting(struct reader *r)
{
	int is_socket = r->pending_len == 6 && !memcmp(r->pending, "socket", 6);
	int parts = 0, rc, t;
	struct node *n;

	r->value.len = 0;
	for (;;) {
		t = lex(r);
		if (t < 0)
			return t;
		if (t == T_NEWLINE)
			break;
		if (!is_socket)
			continue;
		if (parts++ && (rc = buf_add(r, &r->value, " ", 1)))
			return rc;
		rc = t == T_STRING
			     ? buf_add(r, &r->value, r->str.p, r->str.len)
			     : buf_add(r, &r->value, r->name, r->name_len);
		if (rc)
			return rc;
	}
	if (!is_socket)
		return 0;
	rc = keep(r, &n);
	if (rc || !n)
		return rc;
	free(n->socket);
	n->socket = NULL;
	n->has_socket = 1;
	/* a value stops at a NUL byte, as libstrongswan's strings do */
	if (parts && !(n->socket = dup_n(r->value.p, strlen(r->value.p))))
		return fail(r, -ENOMEM, "%s", strerror(ENOMEM));
	return 0;
}

static int parse(struct reader *r)
{
	for (;;) {
		int t, rc;

		t = lex(r);
		switch (t) {
		case T_EOF:
			if (r->depth)
				return 1; /* reported by the caller */
			return 0;
		case T_NEWLINE:
		case T_SETTING:
			continue;
		case T_SECTION:
			rc = open_section(r, r->name, r->name_len);
			if (rc)
				return rc;
			continue;
		case T_CLOSE:
			if (!r->depth)
				return syntax(r, "syntax error: '}' without "
						 "a section");
			close_section(r);
			continue;
		case T_NAME:
			break;
		case T_DOT:
			return syntax(r, "syntax error: '.' in a name");
		case T_QUOTE:
			return syntax(r, "syntax error: '\"' where a name "
					 "belongs");
		default:
			if (t < 0)
				return t;
			return syntax(r, "syntax error: expected a name");
		}
		r->pending_len = r->name_len;
		memcpy(r->pending, r->name,
		       r->name_len > CONF_KEY_PART ? CONF_KEY_PART + 1
						   : r->name_len);
		t = lex(r);
		if (t < 0)
			return t;
		if (t == T_OPEN)
			rc = open_section(r, r->pending, r->pending_len);
		else if (t == T_COLON)
			rc = section_with_refs(r);
		else if (t == T_EQUALS)
			rc = setting(r);
		else if (t == T_DOT)
			rc = syntax(r, "syntax error: '.' in a name");
		else
			rc = syntax(r, "syntax error: expected '{', ':' or "
				       "'=' after a name");
		if (rc)
			return rc;
	}
}

/* ---- the lookup (libstrongswan's find_value and find_sections) ---- */

struct set {
	const struct node **p;
	size_t n, size;
};

static int set_has(const struct set *s, const struct node *n)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->p[i] == n)
			return 1;
	return 0;
}

static int set_add(struct set *s, const struct node *n)
{
	if (s->n == s->size) {
		size_t ns = s->size ? s->size * 2 : 8;
		const struct node **np = realloc(s->p, ns * sizeof(*np));

		if (!np)
			return -ENOMEM;
		s->p = np;
		s->size = ns;
	}
	s->p[s->n++] = n;
	return 0;
}

struct lookup {
	const struct node *root;
	int calls;
};

static int find_sections(struct lookup *lk, const struct node *sec,
			 const char *key, int ignore_refs, struct set *out);

/* The sections a reference names, and the ones they refer to. */
static int resolve(struct lookup *lk, const char *name, struct set *out)
{
	return find_sections(lk, lk->root, name, 0, out);
}

static int each_ref(struct lookup *lk, const struct node *sec,
		    int (*fn)(struct lookup *, const char *, void *), void *arg)
{
	const struct ref *lists[2] = { sec->refs, sec->permanent };
	int rc = 0;

	for (int i = 0; i < 2 && !rc; i++)
		for (const struct ref *ref = lists[i]; ref && !rc;
		     ref = ref->next)
			rc = fn(lk, ref->name, arg);
	return rc;
}

struct relative {
	const char *key;
	struct set *out;
};

static int find_relative(struct lookup *lk, const char *name, void *arg)
{
	struct relative *rel = arg;
	struct set refs = { 0 };
	int rc = resolve(lk, name, &refs);

	for (size_t i = 0; i < refs.n && !rc; i++)
		rc = find_sections(lk, refs.p[i], rel->key, 1, rel->out);
	free(refs.p);
	return rc;
}

static int resolve_into(struct lookup *lk, const char *name, void *arg)
{
	return resolve(lk, name, arg);
}

static int find_sections(struct lookup *lk, const struct node *sec,
			 const char *key, int ignore_refs, struct set *out)
{
	const char *dot = strchr(key, '.');
	size_t len = dot ? (size_t)(dot - key) : strlen(key);
	const struct node *found;
	int rc = 0;

	if (++lk->calls > CONF_MAX_RECURSION * 50)
		return -ELOOP;
	if (len > CONF_KEY_PART)
		return 0;
	found = len ? child(sec, key, len) : sec;
	if (found) {
		if (dot) {
			rc = find_sections(lk, found, dot + 1, 0, out);
		} else if (!set_has(out, found)) {
			rc = set_add(out, found);
			if (!rc)
				rc = each_ref(lk, found, resolve_into, out);
		}
	}
	if (!rc && !ignore_refs && sec != found &&
	    (sec->refs || sec->permanent)) {
		struct relative rel = { key, out };

		rc = each_ref(lk, sec, find_relative, &rel);
	}
	return rc;
}

struct value_search {
	const char *key;
	struct set *seen;
	const struct node **kv;
};

static int find_value(struct lookup *lk, const struct node *sec,
		      const char *key, int ignore_refs, struct set *seen,
		      const struct node **kv);

static int value_in_ref(struct lookup *lk, const char *name, void *arg)
{
	struct value_search *vs = arg;
	struct set refs = { 0 };
	int rc;

	if (*vs->kv)
		return 0;
	rc = resolve(lk, name, &refs);
	for (size_t i = 0; i < refs.n && !rc && !*vs->kv; i++)
		if (!set_has(vs->seen, refs.p[i]))
			rc = find_value(lk, refs.p[i], vs->key, 1, vs->seen,
					vs->kv);
	free(refs.p);
	return rc;
}

/* *KV: the section holding KEY's "socket", or NULL. */
static int find_value(struct lookup *lk, const struct node *sec,
		      const char *key, int ignore_refs, struct set *seen,
		      const struct node **kv)
{
	const char *dot = strchr(key, '.');
	int rc = 0;

	if (++lk->calls > CONF_MAX_RECURSION * 50)
		return -ELOOP;
	if (dot) {
		const struct node *found = child(sec, key, (size_t)(dot - key));

		if (found)
			rc = find_value(lk, found, dot + 1, 0, seen, kv);
	} else {
		rc = set_add(seen, sec);
		if (sec->has_socket)
			*kv = sec;
	}
	if (!rc && !*kv && !ignore_refs && (sec->refs || sec->permanent)) {
		struct value_search vs = { key, seen, kv };

		rc = each_ref(lk, sec, value_in_ref, &vs);
	}
	return rc;
}

/* KEY's value: 1 and *VALUE (NULL for an empty one) when set, 0 if not. */
static int get(const struct node *root, const char *key, const char **value)
{
	struct lookup lk = { root, 0 };
	struct set seen = { 0 };
	const struct node *kv = NULL;
	int rc = find_value(&lk, root, key, 0, &seen, &kv);

	free(seen.p);
	if (rc)
		return rc;
	*value = kv ? kv->socket : NULL;
	return kv ? 1 : 0;
}

/* ---- the whole ---- */

static int lookup(struct reader *r, const char *file)
{
	static const char *const keys[] = {
		"swanctl.socket",
		"swanctl.plugins.vici.socket",
	};
	const char *value[2];
	struct node *swanctl;
	int rc;

	/* every swanctl setting falls back to libstrongswan */
	rc = add_child(r, &r->root, "swanctl", 7, &swanctl);
	if (rc)
		return rc;
	if (!swanctl->permanent) {
		struct ref *ref = calloc(1, sizeof(*ref));

		swanctl->permanent = ref;
		if (!ref || !(ref->name = dup_n("libstrongswan", 13)))
			return fail(r, -ENOMEM, "%s", strerror(ENOMEM));
	}
	/* swanctl asks for the second key first (it is the first one's
	 * default): a reference loop met there ends it even if the first is
	 * set (libstrongswan recurses until the stack overflows) */
	for (size_t i = 2; i-- > 0;) {
		rc = get(&r->root, keys[i], &value[i]);
		if (rc < 0)
			return fail(r, rc, "%s: section references loop", file);
		if (!rc)
			value[i] = NULL;
	}
	for (size_t i = 0; i < 2; i++) {
		if (value[i]) {
			size_t len = strlen(value[i]);

			if (len >= sizeof(r->conf->value))
				return fail(r, -ENAMETOOLONG,
					    "%s: the socket is longer than %zu "
					    "bytes",
					    file, sizeof(r->conf->value) - 1);
			memcpy(r->conf->value, value[i], len + 1);
			r->conf->uri = r->conf->value;
			return 0;
		}
	}
	return 0;
}

int conf_socket(struct conf *conf, const char *file)
{
	struct reader reader = { .conf = conf, .nsrc = 1 };
	struct reader *r = &reader;
	int rc;

	conf->uri = NULL;
	conf->value[0] = conf->error[0] = '\0';
	if (!file)
		file = getenv("STRONGSWAN_CONF");
	if (!file) {
		/* unlike strongSwan's, a system without strongSwan's files (a
		 * sidecar holding only the socket) uses the built-in one */
		if (access(CONF_DEFAULT_FILE, F_OK) && errno == ENOENT)
			return 0;
		file = CONF_DEFAULT_FILE;
	}
	if (!*file)
		return 0; /* libstrongswan reads nothing */
	if (src_reserve(r))
		return -ENOMEM;
	arena_top = 0;
	/* strongswan.conf is itself a pattern */
	rc = expand(file, &r->src[0].matches);
	if (rc)
		fail(r, rc, "%s: %s", file, strerror(-rc));
	else if (!r->src[0].matches.count)
		rc = fail(r, -ENOENT, "%s: %s", file, strerror(ENOENT));
	else
		rc = open_next(r);
	if (rc >= 0)
		rc = parse(r);
	if (rc == 1)
		rc = fail(r, -EINVAL,
			  "%s:%d: section not closed at the end of the file",
			  file, r->end_line);
	if (rc == 0)
		rc = lookup(r, file);
	while (r->nsrc > 1)
		src_release(&r->src[--r->nsrc]);
	src_release(&r->src[0]);
	free_node(r->root.child);
	free(r->root.socket); /* a "socket" outside any section */
	free(r->str.p);
	free(r->value.p);
	free(r->names.p);
	free(r->levels);
	free(r->src);
	return rc;
}

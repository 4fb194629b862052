// SPDX-License-Identifier: MIT
/*
 * The socket setting of strongswan.conf: sections, key = value, comments,
 * quoted values and include with globs, read the way strongSwan's swanctl
 * reads them, keeping only the two keys that name the VICI socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

#define CONF_MAX_DEPTH 16   /* nested sections */
#define CONF_MAX_INCLUDES 8 /* nested include levels */
#define CONF_MAX_FILE (1 << 20)

static const char *const wanted[] = {
	"swanctl.socket",
	"libstrongswan.plugins.vici.socket",
};

struct parser {
	const char *file;
	const char *pos;
	const char *end;
	int line;
	int includes;
	char path[512]; /* dotted section path of the current section */
	size_t path_len[CONF_MAX_DEPTH + 1]; /* its length at each depth */
	int depth;
	int base; /* depth at which this file started (an include's section) */
	struct conf *conf;
};

static int syntax(struct parser *p, const char *what)
{
	snprintf(p->conf->error, sizeof(p->conf->error), "%s:%d: %s", p->file,
		 p->line, what);
	return -EINVAL;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skip blanks, new lines and comments. */
static void skip(struct parser *p)
{
	while (p->pos < p->end) {
		if (*p->pos == '#') {
			/* stock strongswan.conf trees are mostly comments */
			const char *nl =
				memchr(p->pos, '\n', (size_t)(p->end - p->pos));

			p->pos = nl ? nl : p->end;
		} else if (is_space(*p->pos)) {
			if (*p->pos == '\n')
				p->line++;
			p->pos++;
		} else {
			break;
		}
	}
}

static int name_char(char c)
{
	return !is_space(c) && c != '{' && c != '}' && c != '=' && c != '#' &&
	       c != ':' && c != '"';
}

/* Whether WANT is the current section path, a dot (inside a section),
 * then KEY. */
static int is_wanted(const struct parser *p, const char *want, const char *key,
		     size_t key_len)
{
	size_t plen = p->path_len[p->depth];

	if (plen >= sizeof(p->path) || strncmp(want, p->path, plen))
		return 0;
	want += plen;
	if (p->depth && *want++ != '.')
		return 0;
	return !strncmp(want, key, key_len) && want[key_len] == '\0';
}

static void set(struct parser *p, const char *key, size_t key_len,
		const char *value, size_t value_len)
{
	for (size_t i = 0; i < 2; i++) {
		if (!is_wanted(p, wanted[i], key, key_len))
			continue;
		if (value_len >= sizeof(p->conf->value[i]))
			value_len = sizeof(p->conf->value[i]) - 1;
		memcpy(p->conf->value[i], value, value_len);
		p->conf->value[i][value_len] = '\0';
		p->conf->found[i] = 1;
	}
}

/* A value: "quoted" (escapes \" \\ \n \t, may span lines) or to the end
 * of the line or a comment, trimmed.  Copied into BUF. */
static int value(struct parser *p, char *buf, size_t size, size_t *len)
{
	*len = 0;
	while (p->pos < p->end && (*p->pos == ' ' || *p->pos == '\t'))
		p->pos++;
	if (p->pos < p->end && *p->pos == '"') {
		for (p->pos++; p->pos < p->end && *p->pos != '"'; p->pos++) {
			char c = *p->pos;

			if (c == '\n')
				p->line++;
			if (c == '\\' && p->pos + 1 < p->end) {
				c = *++p->pos;
				c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
			}
			if (*len + 1 < size)
				buf[(*len)++] = c;
		}
		if (p->pos == p->end)
			return syntax(p, "quoted value not closed");
		p->pos++;
		return 0;
	}
	while (p->pos < p->end && *p->pos != '\n' && *p->pos != '#') {
		if (*len + 1 < size)
			buf[(*len)++] = *p->pos;
		p->pos++;
	}
	while (*len && is_space(buf[*len - 1]))
		(*len)--;
	return 0;
}

static int parse_file(struct conf *conf, const char *file, int includes,
		      struct parser *outer);

static int include(struct parser *p, const char *pattern)
{
	char full[4096];
	glob_t g;
	int rc = 0;

	if (p->includes >= CONF_MAX_INCLUDES)
		return syntax(p, "includes nested too deeply");
	if (pattern[0] == '/') {
		snprintf(full, sizeof(full), "%s", pattern);
	} else {
		const char *slash = strrchr(p->file, '/');
		int dir = slash ? (int)(slash - p->file) : 1;

		snprintf(full, sizeof(full), "%.*s/%s", dir,
			 slash ? p->file : ".", pattern);
	}
	if (glob(full, 0, NULL, &g))
		return 0; /* a pattern that matches nothing is fine */
	for (size_t i = 0; i < g.gl_pathc && !rc; i++)
		rc = parse_file(p->conf, g.gl_pathv[i], p->includes + 1, p);
	globfree(&g);
	return rc;
}

/* Open section NAME: path_len[depth] is the length of the dotted path;
 * a path too long for the buffer matches nothing (length past the end). */
static void enter(struct parser *p, const char *name, size_t len)
{
	size_t plen = p->path_len[p->depth];
	size_t dot = p->depth ? 1 : 0;

	if (plen < sizeof(p->path) && plen + dot + len < sizeof(p->path)) {
		if (dot)
			p->path[plen] = '.';
		memcpy(p->path + plen + dot, name, len);
		p->path[plen + dot + len] = '\0';
		plen += dot + len;
	} else {
		plen = sizeof(p->path);
	}
	p->path_len[++p->depth] = plen;
}

static int parse(struct parser *p)
{
	char buf[512];

	for (skip(p); p->pos < p->end; skip(p)) {
		const char *name = p->pos;
		size_t len, vlen;
		int rc;

		if (*p->pos == '}') {
			if (p->depth == p->base)
				return syntax(p, "'}' without a section");
			p->depth--;
			p->pos++;
			continue;
		}
		while (p->pos < p->end && name_char(*p->pos))
			p->pos++;
		len = (size_t)(p->pos - name);
		if (len == 0)
			return syntax(p, "expected a name");
		if (len == 7 && !memcmp(name, "include", 7) &&
		    p->pos < p->end && (*p->pos == ' ' || *p->pos == '\t')) {
			rc = value(p, buf, sizeof(buf), &vlen);
			if (rc)
				return rc;
			if (vlen == 0)
				return syntax(p, "include without a file");
			buf[vlen] = '\0';
			rc = include(p, buf);
			if (rc)
				return rc;
			continue;
		}
		skip(p);
		if (p->pos < p->end && *p->pos == ':') {
			/* "name : template {": the templates do not matter here
			 */
			while (p->pos < p->end && *p->pos != '{' &&
			       *p->pos != '\n')
				p->pos++;
		}
		if (p->pos < p->end && *p->pos == '=') {
			p->pos++;
			rc = value(p, buf, sizeof(buf), &vlen);
			if (rc)
				return rc;
			set(p, name, len, buf, vlen);
			continue;
		}
		if (p->pos == p->end || *p->pos != '{')
			return syntax(p, "expected '=' or '{' after a name");
		p->pos++;
		if (p->depth == CONF_MAX_DEPTH)
			return syntax(p, "sections nested too deeply");
		enter(p, name, len);
	}
	return 0;
}

static int parse_file(struct conf *conf, const char *file, int includes,
		      struct parser *outer)
{
	struct parser p = {
		.file = file, .line = 1, .includes = includes, .conf = conf
	};
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	char small[4096], *text = small; /* most files fit on the stack */
	struct stat st;
	ssize_t n;
	int rc;

	/* strongSwan skips unreadable includes */
	if (fd < 0)
		return outer ? 0 : -errno;
	if (fstat(fd, &st) || st.st_size > CONF_MAX_FILE ||
	    ((size_t)st.st_size >= sizeof(small) &&
	     !(text = malloc((size_t)st.st_size + 1)))) {
		close(fd);
		snprintf(conf->error, sizeof(conf->error),
			 "%s: not a readable file of at most %d bytes", file,
			 CONF_MAX_FILE);
		return -EINVAL;
	}
	n = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (n < 0)
		n = 0;
	p.pos = text;
	p.end = text + n;
	/* an include continues the section it stands in */
	if (outer) {
		memcpy(p.path, outer->path, sizeof(p.path));
		memcpy(p.path_len, outer->path_len, sizeof(p.path_len));
		p.depth = outer->depth;
	}
	p.base = p.depth;
	rc = parse(&p);
	if (rc == 0 && p.depth != p.base)
		rc = syntax(&p, "section not closed at the end of the file");
	if (text != small)
		free(text);
	return rc;
}

int conf_socket(struct conf *conf, const char *file)
{
	int rc;

	memset(conf, 0, sizeof(*conf));
	rc = parse_file(conf, file, 0, NULL);
	if (rc == -ENOENT)
		return 0; /* no strongswan.conf: the built-in default */
	if (rc && !conf->error[0])
		snprintf(conf->error, sizeof(conf->error), "%s: %s", file,
			 strerror(-rc));
	if (rc)
		return rc;
	for (size_t i = 0; i < 2; i++)
		if (conf->found[i]) {
			conf->uri = conf->value[i];
			break;
		}
	return 0;
}

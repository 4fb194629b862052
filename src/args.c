// SPDX-License-Identifier: MIT
/* Command line parser: getopt_long's syntax, swanctl's command model. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "command.h"
#include "vici_wire.h"

/* clang-format off */
static const struct opt global_opts[] = {
	OPT("uri", 'u', 1, OPT_URI),
	OPT("timeout", 0, 1, OPT_TIMEOUT),
	OPT("debug", 'v', 1, OPT_DEBUG),
	OPT("options", '+', 1, OPT_OPTIONS),
	{ .name = NULL },
};

#define FILTER(name) offsetof(struct args, filter.name)

/* SELECTORS_ONE's, in the order of strongSwan's --rekey */
static const struct opt selector_opts[] = {
	OPT_AT("child", 'c', 1, OPT_NAME, FILTER(child)),
	OPT_AT("ike", 'i', 1, OPT_NAME, FILTER(ike)),
	OPT_AT("child-id", 'C', 1, OPT_ID, FILTER(child_id)),
	OPT_AT("ike-id", 'I', 1, OPT_ID, FILTER(ike_id)),
	{ .name = NULL },
};

/* SELECTORS_ANY's, in the order of strongSwan's --list-sas */
static const struct opt filter_opts[] = {
	OPT_AT("ike", 'i', 1, OPT_NAME, FILTER(ike)),
	OPT_AT("ike-id", 'I', 1, OPT_ID, FILTER(ike_id)),
	OPT_AT("child", 'c', 1, OPT_NAME, FILTER(child)),
	OPT_AT("child-id", 'C', 1, OPT_ID, FILTER(child_id)),
	{ .name = NULL },
};

static const struct opt dump_opts[] = {
	OPT("raw", 'r', 0, OPT_RAW),
	OPT("pretty", 'P', 0, OPT_PRETTY),
	{ .name = NULL },
};

static const struct opt json_opts[] = {
	OPT("json", 0, 0, OPT_JSON),
	{ .name = NULL },
};

static const struct opt help_opts[] = {
	OPT("help", 'h', 0, OPT_HELP),
	{ .name = NULL },
};
/* clang-format on */

struct parser {
	struct args *a;
	char *msg;
	size_t msg_size;
	const char *selector_opt; /* long name of the last selector given */
	int raw, pretty, json;
	int timeout;	/* --timeout given */
	int sa_timeout; /* --sa-timeout given */
};

static int error(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->msg, p->msg_size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static size_t add(const struct opt **set, size_t n, size_t max,
		  const struct opt *rows)
{
	for (; rows && rows->name && n < max; rows++)
		set[n++] = rows;
	return n;
}

size_t command_options(enum command command, const struct opt **set, size_t max)
{
	const struct command_def *c = &commands[command];
	size_t n = add(set, 0, max, global_opts);

	if (command == COMMAND_NONE)
		return add(set, n, max, command_opts);
	if (c->selectors == SELECTORS_ONE)
		n = add(set, n, max, selector_opts);
	else if (c->selectors == SELECTORS_ANY)
		n = add(set, n, max, filter_opts);
	n = add(set, n, max, c->opts);
	if (c->groups & OPTS_DUMPS)
		n = add(set, n, max, dump_opts);
	if (c->groups & OPTS_JSON)
		n = add(set, n, max, json_opts);
	return add(set, n, max, help_opts);
}

#define SET_MAX 64 /* test_args checks that every set fits */

static const struct opt *find_short(const struct args *a, char c)
{
	const struct opt *set[SET_MAX];
	size_t n = command_options(a->command, set, SET_MAX);

	for (size_t i = 0; i < n; i++)
		if (set[i]->short_name == c)
			return set[i];
	return NULL;
}

/* A command by its short name, where a global option has the same. */
static const struct opt *find_command(char c)
{
	for (const struct opt *o = command_opts; o->name; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

/* Exact name, else a unique prefix; *AMBIGUOUS is set on a tie. */
static const struct opt *find_long(const struct args *a, const char *name,
				   size_t len, int *ambiguous)
{
	const struct opt *set[SET_MAX], *hit = NULL;
	size_t n = command_options(a->command, set, SET_MAX);

	*ambiguous = 0;
	for (size_t i = 0; i < n; i++) {
		const struct opt *o = set[i];

		if (strncmp(o->name, name, len))
			continue;
		if (o->name[len] == '\0')
			return o;
		/* no set holds an option twice (test_args), so a second
		 * prefix match is another option */
		if (hit)
			*ambiguous = 1;
		hit = o;
	}
	return *ambiguous ? NULL : hit;
}

/* getopt_long's words for a prefix of several options, naming them. */
static int ambiguity(struct parser *p, const char *name, size_t len)
{
	const struct opt *set[SET_MAX];
	size_t n = command_options(p->a->command, set, SET_MAX), used;

	error(p, "option '--%.*s' is ambiguous; possibilities:", (int)len,
	      name);
	for (size_t i = 0; i < n; i++) {
		used = strlen(p->msg);
		if (!strncmp(set[i]->name, name, len))
			snprintf(p->msg + used, p->msg_size - used, " '--%s'",
				 set[i]->name);
	}
	return -EINVAL;
}

static int parse_id(struct parser *p, const char *opt, const char *s,
		    uint32_t *id)
{
	uint64_t v = 0;
	size_t i, z;

	/* leading zeros are fine (strongSwan's swanctl reads ids with atoi) */
	for (z = 0; s[z] == '0'; z++)
		;
	for (i = z; s[i] >= '0' && s[i] <= '9' && i - z < 11; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (i == 0 || s[i] || v == 0 || v > UINT32_MAX)
		return error(p,
			     "invalid %s '%s': expected a unique id from 1 "
			     "to 4294967295",
			     opt, s);
	*id = (uint32_t)v;
	return 0;
}

static int parse_name(struct parser *p, const char *opt, const char *s,
		      const char **name)
{
	if (s[0] == '\0')
		return error(p, "%s needs a non-empty name", opt);
	if (strlen(s) > VICI_MAX_VALUE)
		return error(p, "%s name is longer than %u bytes", opt,
			     VICI_MAX_VALUE);
	*name = s;
	return 0;
}

/* Seconds with up to three decimals into *OUT (milliseconds); a tiny
 * nonzero value rounds up.  At most ARGS_MAX_TIMEOUT s, so the
 * milliseconds fit an int everywhere. */
static int parse_seconds(struct parser *p, const char *opt, const char *s,
			 int *out)
{
	long long ms = 0;
	size_t i, f;

	/* past the limit the value stops growing: it is refused below */
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
		if (ms <= ARGS_MAX_TIMEOUT)
			ms = ms * 10 + (s[i] - '0');
	ms *= 1000;
	if (s[i] == '.') {
		long long scale = 100, rest = 0;

		for (f = ++i; s[i] >= '0' && s[i] <= '9'; i++, scale /= 10) {
			if (scale)
				ms += (s[i] - '0') * scale;
			else
				rest |= s[i] - '0';
		}
		if (i == f)
			goto bad;
		if (rest && ms == 0)
			ms = 1;
	}
	if (i == 0 || s[i])
		goto bad;
	if (ms > ARGS_MAX_TIMEOUT * 1000LL)
		return error(p, "invalid %s '%s': at most %d seconds", opt, s,
			     ARGS_MAX_TIMEOUT);
	*out = (int)ms;
	return 0;
bad:
	return error(p,
		     "invalid %s '%s': expected seconds, for "
		     "example 2.5, or 0 for no limit",
		     opt, s);
}

static int parse_batch(struct parser *p, const char *s)
{
	unsigned long v = 0;
	size_t i, z;

	/* leading zeros are fine, as in an id */
	for (z = 0; s[z] == '0'; z++)
		;
	for (i = z; s[i] >= '0' && s[i] <= '9' && i - z < 7; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	if (i == 0 || s[i] || v == 0 || v > ARGS_MAX_BATCH)
		return error(p,
			     "invalid --batch '%s': expected a number of "
			     "rekeys in flight from 1 to %d",
			     s, ARGS_MAX_BATCH);
	p->a->batch = (unsigned)v;
	return 0;
}

static int parse_debug(struct parser *p, const char *s)
{
	char *end;
	long v;

	/* any level, as strongSwan's swanctl takes (2 and up trace more) */
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < INT_MIN || v > INT_MAX)
		return error(p,
			     "invalid --debug '%s': expected a level, "
			     "for example 1",
			     s);
	p->a->debug = (int)v;
	return 0;
}

/* SELECTORS_ONE takes exactly one selector, SELECTORS_ANY any combination
 * of filters, the last of each kind counting, as in strongSwan's swanctl. */
static int set_filter(struct parser *p, const struct opt *o,
		      const char *spelled, const char *val)
{
	void *field = (char *)p->a + o->field;

	if (commands[p->a->command].selectors == SELECTORS_ANY) {
		/* every value is checked; the last one is sent */
	} else if (p->selector_opt == o->name) {
		return error(p, "%s given twice: give exactly one selector",
			     spelled);
	} else if (p->selector_opt) {
		return error(p, "--%s and %s given: give exactly one selector",
			     p->selector_opt, spelled);
	}
	p->selector_opt = o->name;
	if (o->kind == OPT_ID)
		return parse_id(p, spelled, val, field);
	return parse_name(p, spelled, val, field);
}

static int read_options(struct parser *p, const char *path);

static int apply(struct parser *p, const struct opt *o, const char *spelled,
		 const char *val)
{
	struct args *a = p->a;

	switch (o->kind) {
	case OPT_URI:
		a->uri = val;
		return 0;
	case OPT_TIMEOUT:
		p->timeout = 1;
		return parse_seconds(p, spelled, val, &a->timeout_ms);
	case OPT_DEBUG:
		return parse_debug(p, val);
	case OPT_OPTIONS:
		return read_options(p, val);
	case OPT_COMMAND:
		/* strongSwan's swanctl gets the whole command line */
		if (o->command == COMMAND_OTHER && p->timeout)
			return error(p,
				     "--timeout is this client's own option: "
				     "strongSwan's swanctl, which runs --%s, "
				     "does not take it",
				     o->name);
		a->command = o->command;
		if (o->command == COMMAND_OTHER)
			a->other = o->name;
		return 0;
	case OPT_HELP:
		a->help = 1;
		return 0;
	case OPT_FLAG:
		*(int *)(void *)((char *)a + o->field) = 1;
		return 0;
	case OPT_NAME:
	case OPT_ID:
		return set_filter(p, o, spelled, val);
	case OPT_RAW:
		p->raw = 1;
		return 0;
	case OPT_PRETTY:
		p->pretty = 1;
		return 0;
	case OPT_JSON:
		p->json = 1;
		return 0;
	case OPT_BATCH:
		return parse_batch(p, val);
	case OPT_SA_TIMEOUT:
		p->sa_timeout = 1;
		return parse_seconds(p, spelled, val, &a->sa_timeout_ms);
	}
	return error(p, "internal error: unhandled option");
}

static int parse_long(struct parser *p, char *arg, int argc, char **argv,
		      int *i)
{
	char *name = arg + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	char spelled[40];
	const struct opt *o;
	int ambiguous;

	o = find_long(p->a, name, len, &ambiguous);
	if (!o && ambiguous)
		return ambiguity(p, name, len);
	if (!o)
		return error(p, "unrecognized option '--%.*s'", (int)len, name);
	snprintf(spelled, sizeof(spelled), "--%s", o->name);
	if (!o->has_arg) {
		if (eq)
			return error(p, "option '%s' doesn't allow an argument",
				     spelled);
		return apply(p, o, spelled, NULL);
	}
	if (eq)
		return apply(p, o, spelled, eq + 1);
	if (*i + 1 >= argc)
		return error(p, "option '%s' requires an argument", spelled);
	return apply(p, o, spelled, argv[++*i]);
}

/* One or more bundled short options, getopt style: -ar, -cNAME, -c NAME. */
static int parse_short(struct parser *p, char *arg, int argc, char **argv,
		       int *i)
{
	/* after the help command nothing counts, as in strongSwan's */
	for (char *c = arg + 1; *c && p->a->command != COMMAND_HELP; c++) {
		const struct opt *o = find_short(p->a, *c);
		char spelled[40];
		int rc;

		/* before a command, strongSwan's swanctl reads -v as its
		 * version command (-v LEVEL only after one) */
		if (*c == 'v' && p->a->command == COMMAND_NONE)
			o = find_short(p->a, 'V');
		/* and -u as the very first option is its --uninstall; -u URI
		 * anywhere later */
		if (*c == 'u' && c == arg + 1 && arg == p->a->argv[1])
			o = find_command(*c);
		if (!o)
			return error(p, "invalid option -- '%c'", *c);
		snprintf(spelled, sizeof(spelled), "--%s", o->name);
		if (!o->has_arg) {
			rc = apply(p, o, spelled, NULL);
		} else if (c[1]) {
			return apply(p, o, spelled, c + 1);
		} else {
			if (*i + 1 >= argc)
				return error(p,
					     "option '%s' requires an argument",
					     spelled);
			return apply(p, o, spelled, argv[++*i]);
		}
		if (rc || p->a->command == COMMAND_OTHER)
			return rc;
	}
	return 0;
}

static int parse_words(struct parser *p, int argc, char **argv)
{
	for (int i = 0; i < argc && p->a->command != COMMAND_HELP; i++) {
		char *arg = argv[i];
		int rc;

		if (arg[0] != '-' || arg[1] == '\0')
			return error(p, "unexpected argument '%s'", arg);
		if (arg[1] == '-' && arg[2] == '\0')
			return error(p, "unexpected argument '--'");
		if (arg[1] == '-')
			rc = parse_long(p, arg, argc, argv, &i);
		else
			rc = parse_short(p, arg, argc, argv, &i);
		if (rc || p->a->command == COMMAND_OTHER)
			return rc; /* the rest is strongSwan's to read */
	}
	return 0;
}

/* Split TEXT in place into words as strongSwan's swanctl reads an options
 * file: line by line, blanks separate, a word starting with '"' or '\''
 * runs to the same quote (no escapes), '#' where a word would start ends
 * the line.  Returns the word count, -1 for a quote not closed on its
 * line, -2 for more than MAX words. */
static int split_words(char *text, char **words, int max)
{
	int n = 0;
	char *r = text;

	while (*r) {
		char *eol = strchr(r, '\n'), *end, *next;

		if (!eol)
			eol = r + strlen(r);
		next = *eol ? eol + 1 : eol;
		end = eol;
		if (end > r && end[-1] == '\r')
			end--;
		*end = '\0';
		while (r < end) {
			char *w;

			while (r < end && (*r == ' ' || *r == '\t'))
				r++;
			if (r == end || *r == '#')
				break;
			if (n == max)
				return -2;
			if (*r == '"' || *r == '\'') {
				char *q = memchr(r + 1, *r,
						 (size_t)(end - r - 1));

				if (!q)
					return -1;
				w = r + 1;
				*q = '\0';
				r = q + 1;
			} else {
				w = r;
				r += strcspn(r, " \t");
				if (r < end)
					*r++ = '\0';
			}
			words[n++] = w;
		}
		r = next;
	}
	return n;
}

#define OPTIONS_USES_MAX 19 /* strongSwan's swanctl stops at the 20th */

/* One options file: the previous one (they are kept until args_free), its
 * words, its text; as large as the file, as strongSwan's swanctl reads
 * any. */
struct options_file {
	struct options_file *prev;
	char **words;
	char *text;
};

/* The whole of FD into *TEXT (NUL-terminated, malloc'ed); 0 or -errno. */
static int slurp(int fd, off_t size_hint, char **text)
{
	size_t cap = size_hint > 0 ? (size_t)size_hint + 1 : 4096, len = 0;
	char *t = malloc(cap + 1);

	while (t) {
		ssize_t n;

		if (len == cap) {
			char *grown = cap > SIZE_MAX / 4
					      ? NULL
					      : realloc(t, cap * 2 + 1);

			if (!grown)
				break;
			t = grown;
			cap *= 2;
		}
		n = read(fd, t + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			free(t);
			return -err;
		}
		if (n == 0) {
			t[len] = '\0';
			*text = t;
			return 0;
		}
		len += (size_t)n;
	}
	free(t);
	return -ENOMEM;
}

static int read_options(struct parser *p, const char *path)
{
	struct args *a = p->a;
	struct options_file *f;
	struct stat st;
	size_t max;
	int fd, count, uses = 0, rc;

	for (f = (struct options_file *)(void *)a->file_text; f; f = f->prev)
		uses++;
	if (uses == OPTIONS_USES_MAX)
		return error(p, "--options given more than %d times",
			     OPTIONS_USES_MAX);
	/* never blocks: a FIFO without a writer is refused like a pipe */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return error(p, "cannot read options file '%s': %s", path,
			     strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return error(p, "options file '%s' is not a regular file",
			     path);
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		close(fd);
		return error(p, "out of memory");
	}
	f->prev = (struct options_file *)(void *)a->file_text;
	a->file_text = (char *)f;
	rc = slurp(fd, st.st_size, &f->text);
	close(fd);
	if (rc)
		return error(p, "cannot read options file '%s': %s", path,
			     strerror(-rc));
	/* a word takes two bytes at least (itself and a blank) */
	max = strlen(f->text) / 2 + 1;
	if (max > INT_MAX || !(f->words = malloc(max * sizeof(*f->words))))
		return error(p, "out of memory");
	count = split_words(f->text, f->words, (int)max);
	if (count < 0)
		return error(p,
			     "options file '%s': a quote is not closed "
			     "on its line",
			     path);
	return parse_words(p, count, f->words);
}

static int output(struct parser *p)
{
	struct args *a = p->a;

	if (p->json && (p->raw || p->pretty))
		return error(p, "--json cannot be combined with %s",
			     p->raw ? "--raw" : "--pretty");
	if (p->json)
		a->output = OUTPUT_JSON;
	else if (p->pretty)
		a->output = OUTPUT_PRETTY;
	else if (p->raw)
		a->output = OUTPUT_RAW;
	return 0;
}

static int check(struct parser *p)
{
	struct args *a = p->a;

	if (a->command == COMMAND_NONE)
		return error(p, "no command given");
	if (a->help || a->command == COMMAND_HELP ||
	    a->command == COMMAND_OTHER)
		return 0;
	if (commands[a->command].selectors == SELECTORS_UNSET)
		return error(p, "internal error: --%s has no selector rule",
			     commands[a->command].name);
	if (commands[a->command].selectors == SELECTORS_ONE && !p->selector_opt)
		return error(p,
			     "--%s needs a selector: --child, --ike, "
			     "--child-id or --ike-id",
			     commands[a->command].name);
	if (a->reauth && (a->filter.child || a->filter.child_id))
		return error(p,
			     "--reauth applies to IKE_SAs: use it with --ike "
			     "or --ike-id, not --%s",
			     p->selector_opt);
	if (p->sa_timeout && !a->batch)
		return error(p, "--sa-timeout applies to --batch");
	if (a->batch)
		a->wait =
			1; /* a batch goes by the events that finish each SA */
	/* each way of running --rekey is a command of its own */
	if (a->command == COMMAND_REKEY && a->batch)
		a->command = COMMAND_REKEY_BATCH;
	else if (a->command == COMMAND_REKEY && a->wait)
		a->command = COMMAND_REKEY_WAIT;
	return output(p);
}

int args_parse(struct args *a, int argc, char **argv, char *msg,
	       size_t msg_size)
{
	struct parser p = { .a = a, .msg = msg, .msg_size = msg_size };
	int rc;

	*a = (struct args){ .timeout_ms = ARGS_DEFAULT_TIMEOUT_MS,
			    .sa_timeout_ms = ARGS_DEFAULT_SA_TIMEOUT_MS,
			    .debug = 1,
			    .argv = argv };
	msg[0] = '\0';
	rc = parse_words(&p, argc - 1, argv + 1);
	if (rc)
		return rc;
	return check(&p);
}

void args_free(struct args *a)
{
	struct options_file *f = (struct options_file *)(void *)a->file_text;

	while (f) {
		struct options_file *prev = f->prev;

		free(f->words);
		free(f->text);
		free(f);
		f = prev;
	}
	free(a->file_argv);
	a->file_text = NULL;
	a->file_argv = NULL;
}

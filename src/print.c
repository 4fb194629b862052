// SPDX-License-Identifier: MIT
/* Raw, pretty and JSON renderings of VICI messages, and safe text. */
#include "print.h"
#include "vici.h"
#include "vici_wire.h"

/* clang-format off */
static const struct {
	const char *label; /* of the raw and pretty dumps */
	enum view view[4]; /* by enum output: human, raw, pretty, json */
} messages[] = {
	[MESSAGE_REKEY_REPLY] = { "rekey reply",
		{ VIEW_HUMAN, VIEW_RAW, VIEW_PRETTY, VIEW_JSON } },
	[MESSAGE_REKEY_REPLY_WAIT] = { "rekey reply",
		{ VIEW_NONE, VIEW_RAW, VIEW_PRETTY, VIEW_NONE } },
	[MESSAGE_SUCCESSOR] = { NULL,
		{ VIEW_HUMAN, VIEW_HUMAN, VIEW_HUMAN, VIEW_JSON } },
	[MESSAGE_LIST_EVENT] = { "list-sa event",
		{ VIEW_HUMAN, VIEW_RAW, VIEW_PRETTY, VIEW_JSON } },
	[MESSAGE_LIST_REPLY] = { "list-sas reply",
		{ VIEW_NONE, VIEW_RAW, VIEW_PRETTY, VIEW_NONE } },
	[MESSAGE_VERSION_REPLY] = { "version reply",
		{ VIEW_HUMAN, VIEW_RAW, VIEW_PRETTY, VIEW_JSON } },
};
/* clang-format on */

enum view print_view(enum message m, enum output o)
{
	return messages[m].view[o];
}

const char *print_body(FILE *f, enum message m, enum output o,
		       const uint8_t *body, size_t len, print_human_fn human,
		       const void *ctx)
{
	switch (print_view(m, o)) {
	case VIEW_HUMAN:
		return human ? human(f, body, len, ctx) : NULL;
	case VIEW_RAW:
	case VIEW_PRETTY:
		return print_dump(f, messages[m].label, body, len,
				  print_view(m, o) == VIEW_PRETTY);
	case VIEW_JSON:
		return print_json(f, body, len);
	case VIEW_NONE:
		break;
	}
	return NULL;
}

static int printable(const uint8_t *v, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (v[i] < 0x20 || v[i] > 0x7e)
			return 0;
	return 1;
}

/* Length of the valid UTF-8 sequence at S (at most LEN bytes), or 0. */
static size_t utf8_len(const uint8_t *s, size_t len)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
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

const char *print_dump(FILE *f, const char *label, const uint8_t *body,
		       size_t len, int pretty)
{
	struct vici_reader r;
	struct vici_elem e;
	int level = 1, fresh = 1; /* fresh: just after '{' or '[' */

	fprintf(f, "%s {%s", label, pretty ? "\n" : "");
	vici_reader_init(&r, body, len);
	while (vici_next(&r, &e) > 0) {
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
	return vici_why(&r);
}

void print_json_string(FILE *f, const uint8_t *s, size_t len)
{
	fputc('"', f);
	if (!valid_utf8(s, len)) {
		put_value(f, s, len); /* hex digits need no escaping */
		fputc('"', f);
		return;
	}
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

const char *print_json(FILE *f, const uint8_t *body, size_t len)
{
	struct vici_reader r;
	struct vici_elem e;
	int fresh = 1;

	fputc('{', f);
	vici_reader_init(&r, body, len);
	while (vici_next(&r, &e) > 0) {
		int closing =
			e.type == VICI_SECTION_END || e.type == VICI_LIST_END;

		if (!fresh && !closing)
			fputc(',', f);
		if (e.name) {
			print_json_string(f, e.name, e.name_len);
			fputc(':', f);
		}
		switch (e.type) {
		case VICI_SECTION_START:
			fputc('{', f);
			break;
		case VICI_LIST_START:
			fputc('[', f);
			break;
		case VICI_KEY_VALUE:
		case VICI_LIST_ITEM:
			print_json_string(f, e.value, e.value_len);
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
	}
	fputs("}\n", f);
	return vici_why(&r);
}

void print_escaped(FILE *f, const uint8_t *s, size_t len)
{
	size_t run = 0; /* safe bytes not yet written, ending at s + i */

	for (size_t i = 0, n; i < len; i += n) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			n = 1; /* the common case: printable ASCII */
			run++;
			continue;
		}
		n = utf8_len(s + i, len - i);
		/* C1 controls (U+0080..U+009F) act as escapes on some terminals
		 */
		if (n == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0)
			n = 0;
		if (n == 1 && (s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\'))
			n = 0;
		if (n) {
			run += n;
			continue;
		}
		fwrite(s + i - run, 1, run, f);
		run = 0;
		if (s[i] == '\\')
			fputs("\\\\", f);
		else
			fprintf(f, "\\x%02x", s[i]);
		n = 1;
	}
	fwrite(s + len - run, 1, run, f);
}

/* SPDX-License-Identifier: MIT */
/*
 * A strict checker for the JSON the client prints, for the fuzz harnesses:
 * one object per line, strings, arrays and objects only, every string
 * closed and with only the escapes print_json_string writes, and no key
 * twice in one object (the mapping of repeated keys must hold).
 */
#ifndef JSON_CHECK_H
#define JSON_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct json_in {
	const char *p, *end;
};

/* A string at J; 0 and its raw span, or -1. */
static int json_check_string(struct json_in *j, const char **s, size_t *len)
{
	if (j->p >= j->end || *j->p != '"')
		return -1;
	*s = ++j->p;
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p;

		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (++j->p >= j->end)
				return -1;
			if (*j->p == 'u') {
				if (j->end - j->p < 5)
					return -1;
				j->p += 4;
			} else if (!strchr("\"\\nt", *j->p)) {
				return -1;
			}
		}
		j->p++;
	}
	if (j->p >= j->end)
		return -1;
	*len = (size_t)(j->p - *s);
	j->p++;
	return 0;
}

static int json_check_value(struct json_in *j, int depth);

/* An object: keys unique (checked for the first 256 of them). */
static int json_check_object(struct json_in *j, int depth)
{
	const char *keys[256];
	size_t lens[256], n = 0;

	j->p++;
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		const char *k;
		size_t len;

		if (json_check_string(j, &k, &len))
			return -1;
		for (size_t i = 0; i < n && n < 256; i++)
			if (lens[i] == len && !memcmp(keys[i], k, len))
				return -1; /* a key twice: data a parser loses
					    */
		if (n < 256) {
			keys[n] = k;
			lens[n++] = len;
		}
		if (j->p >= j->end || *j->p++ != ':')
			return -1;
		if (json_check_value(j, depth + 1))
			return -1;
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return 0;
		}
		return -1;
	}
}

static int json_check_value(struct json_in *j, int depth)
{
	const char *s;
	size_t len;

	if (depth > 64 || j->p >= j->end)
		return -1;
	if (*j->p == '"')
		return json_check_string(j, &s, &len);
	if (*j->p == '{')
		return json_check_object(j, depth);
	if (*j->p != '[')
		return -1;
	j->p++;
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		if (json_check_value(j, depth + 1))
			return -1;
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return 0;
		}
		return -1;
	}
}

/* 0 if TEXT (LEN bytes) is zero or more lines, each one JSON object. */
static int json_check_lines(const char *text, size_t len)
{
	struct json_in j = { text, text + len };

	while (j.p < j.end) {
		if (*j.p != '{' || json_check_object(&j, 0))
			return -1;
		if (j.p >= j.end || *j.p++ != '\n')
			return -1;
	}
	return 0;
}

#endif

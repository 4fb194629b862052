// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for print_escaped() and its table of invisible code
 * points: the text printed for a person holds no control byte, no invalid
 * UTF-8 and no code point print_invisible() names, and undoing the \xNN
 * and \\ escapes gives back the input.  The binary search over the
 * generated table is checked against a plain scan of it, for every code
 * point in the input and for one spelled by its first three bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "../../src/unicode/invisible.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TABLE_LEN (sizeof(unicode_invisible) / sizeof(unicode_invisible[0]))

static int scan(uint32_t cp)
{
	if (cp >= 0x80 && cp < 0xa0)
		return 1;
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (cp >= unicode_invisible[i].lo &&
		    cp <= unicode_invisible[i].hi)
			return 1;
	return 0;
}

/* The code point of the valid UTF-8 sequence at S, its length in *N; a
 * decoder of its own, so that print.c's is checked, not trusted. */
static int decode(const uint8_t *s, size_t len, uint32_t *cp, size_t *n)
{
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };

	*n = s[0] < 0x80	     ? 1
	     : (s[0] & 0xe0) == 0xc0 ? 2
	     : (s[0] & 0xf0) == 0xe0 ? 3
	     : (s[0] & 0xf8) == 0xf0 ? 4
				     : 0;
	if (!*n || *n > len)
		return 0;
	*cp = *n == 1 ? s[0] : s[0] & (0x7f >> *n);
	for (size_t i = 1; i < *n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	return *cp >= min[*n] && *cp <= 0x10ffff &&
	       !(*cp >= 0xd800 && *cp <= 0xdfff);
}

static void check_table(void)
{
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (unicode_invisible[i].lo > unicode_invisible[i].hi ||
		    (i && unicode_invisible[i].lo <=
				  unicode_invisible[i - 1].hi + 1))
			abort(); /* not sorted, overlapping or not merged */
}

static int hexval(uint8_t c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = NULL;
	size_t len = 0, j = 0, n;
	uint8_t *back;
	uint32_t cp;
	FILE *mem;

	check_table();
	if (size >= 3) {
		cp = ((uint32_t)data[0] << 16 | (uint32_t)data[1] << 8 |
		      data[2]) %
		     0x110000;
		if (print_invisible(cp) != scan(cp))
			abort();
	}
	for (size_t i = 0; i < size; i += n)
		if (!decode(data + i, size - i, &cp, &n))
			n = 1;
		else if (print_invisible(cp) != scan(cp))
			abort();
	mem = open_memstream(&text, &len);
	if (!mem)
		abort();
	print_escaped(mem, data, size);
	if (fclose(mem))
		abort();
	/* nothing that moves, hides or controls */
	for (size_t i = 0; i < len; i += n) {
		const uint8_t *o = (const uint8_t *)text + i;

		if (!decode(o, len - i, &cp, &n) || cp < 0x20 || cp == 0x7f ||
		    scan(cp))
			abort();
	}
	/* and nothing lost */
	back = malloc(len + 1);
	if (!back)
		abort();
	for (size_t i = 0; i < len; j++) {
		const uint8_t *o = (const uint8_t *)text + i;

		if (o[0] != '\\') {
			back[j] = o[0];
			i++;
		} else if (i + 1 < len && o[1] == '\\') {
			back[j] = '\\';
			i += 2;
		} else if (i + 3 < len && o[1] == 'x') {
			back[j] = (uint8_t)(hexval(o[2]) << 4 | hexval(o[3]));
			i += 4;
		} else {
			abort();
		}
	}
	if (j != size || (size && memcmp(back, data, size)))
		abort();
	free(back);
	free(text);
	return 0;
}

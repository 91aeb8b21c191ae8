// SPDX-License-Identifier: GPL-2.0
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */

size_t ks_utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;	/* continuation byte, overlong lead, > U+10FFFF */
	/* The second byte's range rules out overlongs and surrogates. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;	/* also stops at the NUL of one cut short */
	return n;
}

/* ks_utf8_len() for a sequence that must also end within n bytes. */
static size_t len_within(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char tmp[5] = { 0 };
	size_t want;

	if (p[0] < 0x80)
		return 1;
	want = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;
	if (want > n)
		return 0;
	/* Copied out, so that the check never reads past n. */
	memcpy(tmp, s, want);
	return ks_utf8_len(tmp);
}

int ks_utf8_valid(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if (!s[i])
			return 0;
		k = len_within(s + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

static char *clean_n(const char *s, size_t len)
{
	size_t i = 0, o = 0, n;
	/* At worst every byte becomes the 3 bytes of U+FFFD. */
	char *out = malloc(3 * len + 1);

	if (!out)
		return NULL;
	while (i < len) {
		n = s[i] ? len_within(s + i, len - i) : 0;
		if (n) {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
		} else {
			memcpy(out + o, REPLACEMENT, 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

char *ks_utf8_clean(const char *s)
{
	return clean_n(s, strlen(s));
}

size_t ks_utf8_prefix(const char *s, size_t max)
{
	size_t i = 0, n;

	while (i < max && s[i]) {
		n = ks_utf8_len(s + i);
		if (!n)
			n = 1;	/* a stray byte: cut anywhere around it */
		if (i + n > max)
			break;
		i += n;
	}
	return i;
}

void ks_utf8_copy(char *dst, size_t size, const char *src)
{
	size_t i = 0, o = 0, n;

	if (!size)
		return;
	while (src[i]) {
		n = ks_utf8_len(src + i);
		if (n) {
			if (o + n > size - 1)
				break;
			memmove(dst + o, src + i, n);
			o += n;
			i += n;
			continue;
		}
		if (o + 3 > size - 1)
			break;
		/* dst may be src itself: U+FFFD must not overtake it. */
		if (o + 3 > i + 1 && dst == src)
			break;
		memcpy(dst + o, REPLACEMENT, 3);
		o += 3;
		i++;
	}
	dst[o] = '\0';
}

void ks_utf8_fix(char *s, size_t size)
{
	char *copy = strndup(s, size ? size - 1 : 0);

	if (copy) {
		ks_utf8_copy(s, size, copy);
		free(copy);
	} else {
		ks_utf8_copy(s, size, s);	/* stops at a stray byte */
	}
}

json_t *ks_json_textn(const char *s, size_t n)
{
	json_t *j;
	char *c;

	if (!s)
		return NULL;
	if (ks_utf8_valid(s, n))
		return json_stringn(s, n);
	c = clean_n(s, n);
	if (!c)
		return NULL;
	j = json_string(c);
	free(c);
	return j;
}

json_t *ks_json_text(const char *s)
{
	return s ? ks_json_textn(s, strlen(s)) : NULL;
}

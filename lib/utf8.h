/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where strings become valid UTF-8.  Kernel logs, plan files
 * and console bytes may hold anything; jansson refuses a string that is not
 * UTF-8 (json_string() returns NULL and json_pack() fails whole, so a record
 * would lose the field, or all of it), and XML allows nothing else.  Every
 * string that enters a JSON record does so through ks_json_text(), which
 * scripts/check-json-text enforces.
 */
#ifndef KS_UTF8_H
#define KS_UTF8_H

#include <jansson.h>
#include <stddef.h>

/*
 * Bytes of the well-formed UTF-8 sequence that starts at p (1 to 4), 0
 * when none does there (overlongs, surrogates and code points above
 * U+10FFFF are not well-formed).  Reads at most up to a NUL.
 */
size_t ks_utf8_len(const char *p);
/* Whether the n bytes at s are well-formed UTF-8 with no NUL. */
int ks_utf8_valid(const char *s, size_t n);
/*
 * A malloc'd copy of s with each byte that does not start a well-formed
 * sequence replaced by U+FFFD; NULL only when out of memory.
 */
char *ks_utf8_clean(const char *s);
/*
 * The length of the longest prefix of s, at most max bytes, that does not
 * end inside a multibyte character: where a fixed-size field may cut it.
 */
size_t ks_utf8_prefix(const char *s, size_t max);
/*
 * snprintf's "%s" into dst[size], cut on a character boundary, a byte that
 * is not UTF-8 replaced by U+FFFD: what lands in a fixed field is valid.
 */
void ks_utf8_copy(char *dst, size_t size, const char *src);
/* The same in place, for a field another function filled. */
void ks_utf8_fix(char *s, size_t size);
/*
 * A JSON string of s, made valid UTF-8 first when it is not; NULL for a
 * NULL s (so json_pack's "o?" writes null) or when out of memory.
 */
json_t *ks_json_text(const char *s);
/* The same for n bytes that need not end in a NUL. */
json_t *ks_json_textn(const char *s, size_t n);

#endif

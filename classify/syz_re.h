/* SPDX-License-Identifier: GPL-2.0 */
/* The classifier rules' regexes (PCRE2), compiled and matched. */
#ifndef KS_SYZ_RE_H
#define KS_SYZ_RE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#define KS_RE_GROUPS	16

struct ks_re_match {
	int n;			/* slots filled in so/eo */
	int groups;		/* capturing groups of the pattern */
	long so[KS_RE_GROUPS], eo[KS_RE_GROUPS];	/* -1: did not take part */
};

/* {{PC}}, {{FUNC}}, {{SRC}}, {{ADDR}} expanded; NULL (and a message) if bad. */
pcre2_code *ks_re_compile(const char *src);
/* With pcre2_compile() options (PCRE2_USE_OFFSET_LIMIT for _upto). */
pcre2_code *ks_re_compile_opts(const char *src, uint32_t options);
/* The patterns of two NULL-ended lists as one alternation; NULL if none. */
pcre2_code *ks_re_join(const char *const *a, const char *const *b);
/* 1 if re matches somewhere in s[0..len); the groups in *m if given. */
int ks_re_search(const pcre2_code *re, const char *s, size_t len,
		 struct ks_re_match *m);
/* The same, only matches that start at or before start_max. */
int ks_re_search_upto(const pcre2_code *re, const char *s, size_t len,
		      size_t start_max, struct ks_re_match *m);
/* Every match of re in s replaced by with ($1 refers to groups); 1 if any. */
int ks_re_replace(const pcre2_code *re, const char *with, char *s, size_t cap);
unsigned int ks_re_groups(const pcre2_code *re);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * The rules' regexes, compiled once with PCRE2 (syzkaller writes them in
 * RE2 syntax; what they use, PCRE2 reads the same way).
 */
#include "syz_re.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name, *re;
} placeholders[] = {
	{ "{{ADDR}}", "0x[0-9a-f]+" },
	{ "{{PC}}", "\\[\\<?(?:0x)?[0-9a-f]+\\>?\\]" },
	{ "{{FUNC}}", "([a-zA-Z0-9_]+)(?:\\.|\\+)" },
	{ "{{SRC}}", "([a-zA-Z0-9-_/.]+\\.[a-z]+:[0-9]+)" },
};

pcre2_code *ks_re_compile(const char *src)
{
	return ks_re_compile_opts(src, 0);
}

pcre2_code *ks_re_compile_opts(const char *src, uint32_t options)
{
	size_t cap = strlen(src) * 4 + 64, o = 0, i;
	char *buf = malloc(cap);
	PCRE2_SIZE erroff;
	pcre2_code *re;
	int err;

	if (!buf)
		return NULL;
	while (*src) {
		for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++)
			if (!strncmp(src, placeholders[i].name,
				     strlen(placeholders[i].name)))
				break;
		if (i < sizeof(placeholders) / sizeof(placeholders[0])) {
			size_t n = strlen(placeholders[i].re);

			if (o + n + 1 >= cap)
				break;
			memcpy(buf + o, placeholders[i].re, n);
			o += n;
			src += strlen(placeholders[i].name);
			continue;
		}
		if (o + 2 >= cap)
			break;
		buf[o++] = *src++;
	}
	buf[o] = '\0';
	re = pcre2_compile((PCRE2_SPTR)buf, PCRE2_ZERO_TERMINATED, options,
			   &err, &erroff, NULL);
	if (!re) {
		PCRE2_UCHAR msg[120];

		pcre2_get_error_message(err, msg, sizeof(msg));
		fprintf(stderr, "kmemstorm: classifier rule /%s/ at %zu: %s\n",
			buf, (size_t)erroff, (char *)msg);
	} else {
		/* JIT where it can; matching without it is only slower. */
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	}
	free(buf);
	return re;
}

pcre2_code *ks_re_join(const char *const *a, const char *const *b)
{
	size_t n = 1, o = 0, i;
	const char *const *lists[2] = { a, b };
	pcre2_code *re;
	char *buf;
	int l;

	for (l = 0; l < 2; l++)
		for (i = 0; lists[l] && lists[l][i]; i++)
			n += strlen(lists[l][i]) + 1;
	if (n == 1)
		return NULL;
	buf = malloc(n);
	if (!buf)
		return NULL;
	for (l = 0; l < 2; l++)
		for (i = 0; lists[l] && lists[l][i]; i++)
			o += sprintf(buf + o, "%s%s", o ? "|" : "", lists[l][i]);
	re = ks_re_compile(buf);
	free(buf);
	return re;
}

static pthread_key_t md_key;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_free(void *md)
{
	pcre2_match_data_free(md);
}

static void md_init(void)
{
	pthread_key_create(&md_key, md_free);
}

/* One match block per thread: the monitor and a console reader may race. */
static pcre2_match_data *match_data(void)
{
	pcre2_match_data *md;

	pthread_once(&md_once, md_init);
	md = pthread_getspecific(md_key);
	if (!md) {
		md = pcre2_match_data_create(KS_RE_GROUPS, NULL);
		pthread_setspecific(md_key, md);
	}
	return md;
}

int ks_re_search(const pcre2_code *re, const char *s, size_t len,
		 struct ks_re_match *m)
{
	return ks_re_search_upto(re, s, len, (size_t)-1, m);
}

static pthread_key_t mc_key;
static pthread_once_t mc_once = PTHREAD_ONCE_INIT;

static void mc_free(void *mc)
{
	pcre2_match_context_free(mc);
}

static void mc_init(void)
{
	pthread_key_create(&mc_key, mc_free);
}

static pcre2_match_context *match_context(void)
{
	pcre2_match_context *mc;

	pthread_once(&mc_once, mc_init);
	mc = pthread_getspecific(mc_key);
	if (!mc) {
		mc = pcre2_match_context_create(NULL);
		pthread_setspecific(mc_key, mc);
	}
	return mc;
}

int ks_re_search_upto(const pcre2_code *re, const char *s, size_t len,
		      size_t start_max, struct ks_re_match *m)
{
	pcre2_match_data *md = match_data();
	pcre2_match_context *mc = NULL;
	PCRE2_SIZE *ov;
	int rc, i;

	if (!re || !md)
		return 0;
	if (start_max != (size_t)-1) {
		mc = match_context();
		if (!mc)
			return 0;
		pcre2_set_offset_limit(mc, start_max);
	}
	rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, mc);
	if (rc <= 0)
		return 0;
	if (!m)
		return 1;
	ov = pcre2_get_ovector_pointer(md);
	m->n = (int)pcre2_get_ovector_count(md);
	if (m->n > KS_RE_GROUPS)
		m->n = KS_RE_GROUPS;
	for (i = 0; i < m->n; i++) {
		m->so[i] = ov[2 * i] == PCRE2_UNSET ? -1 : (long)ov[2 * i];
		m->eo[i] = ov[2 * i + 1] == PCRE2_UNSET ? -1 :
			   (long)ov[2 * i + 1];
	}
	/* Groups past the last one that took part. */
	for (i = rc; i < m->n; i++)
		m->so[i] = m->eo[i] = -1;
	m->groups = (int)ks_re_groups(re);
	return 1;
}

int ks_re_replace(const pcre2_code *re, const char *with, char *s, size_t cap)
{
	char out[512];
	PCRE2_SIZE outlen = sizeof(out);
	int rc;

	rc = pcre2_substitute(re, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0,
			      PCRE2_SUBSTITUTE_GLOBAL, NULL, NULL,
			      (PCRE2_SPTR)with, PCRE2_ZERO_TERMINATED,
			      (PCRE2_UCHAR *)out, &outlen);
	if (rc <= 0)
		return 0;
	snprintf(s, cap, "%s", out);
	return 1;
}

unsigned int ks_re_groups(const pcre2_code *re)
{
	uint32_t n = 0;

	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &n);
	return n;
}

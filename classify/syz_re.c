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

/* One match block and context per thread: monitor and console reader race. */
struct per_thread {
	pcre2_match_data *md;
	pcre2_match_context *mc;
};

static pthread_key_t pt_key;
static pthread_once_t pt_once = PTHREAD_ONCE_INIT;

static void pt_free(void *p)
{
	struct per_thread *pt = p;

	pcre2_match_data_free(pt->md);
	pcre2_match_context_free(pt->mc);
	free(pt);
}

static void pt_init(void)
{
	pthread_key_create(&pt_key, pt_free);
}

static struct per_thread *per_thread(void)
{
	struct per_thread *pt;

	pthread_once(&pt_once, pt_init);
	pt = pthread_getspecific(pt_key);
	if (pt)
		return pt;
	pt = calloc(1, sizeof(*pt));
	if (!pt)
		return NULL;
	pt->md = pcre2_match_data_create(KS_RE_GROUPS, NULL);
	pt->mc = pcre2_match_context_create(NULL);
	if (!pt->md || !pt->mc) {
		pt_free(pt);
		return NULL;
	}
	pthread_setspecific(pt_key, pt);
	return pt;
}

int ks_re_search(const pcre2_code *re, const char *s, size_t len,
		 struct ks_re_match *m)
{
	return ks_re_search_upto(re, s, len, (size_t)-1, m);
}

int ks_re_search_upto(const pcre2_code *re, const char *s, size_t len,
		      size_t start_max, struct ks_re_match *m)
{
	struct per_thread *pt = per_thread();
	pcre2_match_context *mc = NULL;
	pcre2_match_data *md;
	PCRE2_SIZE *ov;
	int rc, i;

	if (!re || !pt)
		return 0;
	md = pt->md;
	if (start_max != (size_t)-1) {
		mc = pt->mc;
		pcre2_set_offset_limit(mc, start_max);
	}
	/* JIT's own entry skips the checks that cost most on short lines. */
	rc = pcre2_jit_match(re, (PCRE2_SPTR)s, len, 0, 0, md, mc);
	if (rc == PCRE2_ERROR_JIT_BADOPTION)
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

// SPDX-License-Identifier: GPL-2.0
#include "errnoset.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>


const char *ks_errno_name(int e, char *buf, size_t len)
{
	const char *n = e > 0 ? strerrorname_np(e) : NULL;

	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "E%d", e);
	return buf;
}

/* By name, so that plans say EMFILE and not 24: 1..KS_ERRNO_MAX-1 or -1. */
static int errno_by_name(const char *name)
{
	int e;

	for (e = 1; e < KS_ERRNO_MAX; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcasecmp(n, name))
			return e;
	}
	return -1;
}

void ks_errno_set_add(struct ks_errno_set *set, int e)
{
	if (e > 0 && e < KS_ERRNO_MAX)
		set->bits[e / 64] |= 1ULL << (e % 64);
}

bool ks_errno_set_has(const struct ks_errno_set *set, int e)
{
	if (set->any)
		return true;
	if (e <= 0 || e >= KS_ERRNO_MAX)
		return false;
	return set->bits[e / 64] & (1ULL << (e % 64));
}

int ks_errno_set_parse(const char *text, struct ks_errno_set *set,
		       char *err, size_t errlen)
{
	const char *p = text;

	while (*p) {
		char word[32];
		size_t n = strcspn(p, " \t,");
		int e;

		if (!n) {
			p++;
			continue;
		}
		if (n >= sizeof(word)) {
			snprintf(err, errlen, "'%.*s' is not an errno name",
				 (int)n, p);
			return -1;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		if (!strcmp(word, "*")) {
			set->any = true;
			continue;
		}
		e = errno_by_name(word);
		if (e < 0) {
			snprintf(err, errlen,
				 "'%s' is not an errno name (e.g. ENOSPC, EMFILE)",
				 word);
			return -1;
		}
		ks_errno_set_add(set, e);
	}
	return 0;
}

const char *ks_errno_set_format(const struct ks_errno_set *set, char *buf,
				size_t len)
{
	size_t used = 0;
	int e;

	buf[0] = '\0';
	if (set->any) {
		snprintf(buf, len, "*");
		return buf;
	}
	for (e = 1; e < KS_ERRNO_MAX && used < len; e++) {
		char name[16];

		if (!ks_errno_set_has(set, e))
			continue;
		used += snprintf(buf + used, len - used, "%s%s",
				 used ? " " : "",
				 ks_errno_name(e, name, sizeof(name)));
	}
	return buf;
}

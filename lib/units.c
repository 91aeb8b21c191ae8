// SPDX-License-Identifier: GPL-2.0
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Parse a non-negative decimal with an optional fraction; returns the end. */
static const char *parse_number(const char *s, double *out)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return NULL;
	/* strtod would take hex and "inf"; plans spell decimals. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return NULL;
	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || !isfinite(*out))
		return NULL;
	return end;
}

static int is_blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

struct unit {
	const char *suffix;
	double mult;
};

/*
 * "<number><suffix>" with blanks around: the number times the suffix's
 * multiplier (case does not matter).  0, or -1 when it is not that.
 */
static int scaled(const char *s, const struct unit *units, size_t nunits,
		  double *out)
{
	char suffix[8];
	const char *p = parse_number(s, out);
	size_t i, n;

	if (!p)
		return -1;
	for (n = 0; *p && !isspace((unsigned char)*p); p++) {
		if (n + 1 >= sizeof(suffix))
			return -1;
		suffix[n++] = tolower((unsigned char)*p);
	}
	suffix[n] = '\0';
	if (!is_blank(p))
		return -1;
	for (i = 0; i < nunits; i++)
		if (!strcmp(suffix, units[i].suffix)) {
			*out *= units[i].mult;
			return 0;
		}
	return -1;
}

int ks_parse_size(const char *s, int64_t *out, char *err, size_t errlen)
{
	static const struct unit units[] = {
		{ "", 1 }, { "b", 1 },
		{ "k", 1024.0 }, { "kb", 1024.0 }, { "kib", 1024.0 },
		{ "m", 1048576.0 }, { "mb", 1048576.0 }, { "mib", 1048576.0 },
		{ "g", 1073741824.0 }, { "gb", 1073741824.0 },
		{ "gib", 1073741824.0 },
		{ "t", 1099511627776.0 }, { "tb", 1099511627776.0 },
		{ "tib", 1099511627776.0 },
	};
	double v;

	if (!s)
		goto bad;
	while (isspace((unsigned char)*s))
		s++;
	if (!strncasecmp(s, "max", 3) && is_blank(s + 3)) {
		*out = KS_SIZE_MAX;
		return 0;
	}
	if (scaled(s, units, sizeof(units) / sizeof(units[0]), &v))
		goto bad;
	if (v >= 9.2e18) {
		snprintf(err, errlen, "size '%s' is too large", s);
		return -1;
	}
	if (v != floor(v)) {
		snprintf(err, errlen, "size '%s' is not a whole number of bytes",
			 s);
		return -1;
	}
	*out = (int64_t)v;
	return 0;
bad:
	snprintf(err, errlen,
		 "invalid size '%s' (expected e.g. 4096, 64K, 32M, 1G or max)",
		 s ? s : "");
	return -1;
}

int ks_parse_duration_ms(const char *s, int64_t *out_ms, char *err,
			 size_t errlen)
{
	static const struct unit units[] = {
		{ "", 1000 }, { "s", 1000 }, { "sec", 1000 },
		{ "ms", 1 }, { "m", 60000 }, { "min", 60000 },
		{ "h", 3600000 },
	};
	double v;

	if (!s || scaled(s, units, sizeof(units) / sizeof(units[0]), &v))
		goto bad;
	if (v > 365.0 * 86400 * 1000) {
		snprintf(err, errlen, "duration '%s' is too long", s);
		return -1;
	}
	*out_ms = (int64_t)llround(v);
	return 0;
bad:
	snprintf(err, errlen,
		 "invalid duration '%s' (expected e.g. 250ms, 5s, 2m or 1h)",
		 s ? s : "");
	return -1;
}

int ks_parse_bool(const char *s, int *out, char *err, size_t errlen)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "y" };
	static const char *const no[] = { "no", "false", "off", "0", "n" };
	size_t i;

	for (i = 0; s && i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = 0;
			return 0;
		}
	}
	snprintf(err, errlen, "invalid boolean '%s' (expected yes or no)",
		 s ? s : "");
	return -1;
}

int ks_parse_int(const char *s, int64_t min, int64_t max, int64_t *out,
		 char *err, size_t errlen)
{
	long long v;
	char *end;

	if (!s || !*s)
		goto bad;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || end == s || !is_blank(end))
		goto bad;
	if (v < min || v > max) {
		snprintf(err, errlen, "%lld is out of range [%lld, %lld]", v,
			 (long long)min, (long long)max);
		return -1;
	}
	*out = v;
	return 0;
bad:
	snprintf(err, errlen, "invalid number '%s'", s ? s : "");
	return -1;
}

const char *ks_format_size(int64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	double v = (double)bytes;
	int i = -1;

	if (bytes == KS_SIZE_MAX) {
		snprintf(buf, len, "max");
		return buf;
	}
	if (bytes < 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%lldB", (long long)bytes);
	else
		snprintf(buf, len, "%.1f%c", v, units[i]);
	return buf;
}

const char *ks_format_duration(int64_t ms, char *buf, size_t len)
{
	if (ms % 1000)
		snprintf(buf, len, "%lldms", (long long)ms);
	else
		snprintf(buf, len, "%llds", (long long)(ms / 1000));
	return buf;
}

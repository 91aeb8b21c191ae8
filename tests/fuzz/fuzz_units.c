// SPDX-License-Identifier: GPL-2.0
/*
 * Sizes, durations, integers, booleans and errno sets: each line of the
 * input through every parser.  Holds: a parse fails with a message, or
 * gives a value in range that survives formatting and parsing again
 * (sizes in bytes exactly, as shown within their rounding; durations
 * and errno sets exactly).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "errnoset.h"
#include "units.h"

static void check_size(const char *s)
{
	char err[512] = "", buf[64];
	int64_t v, again;

	if (ks_parse_size(s, &v, err, sizeof(err))) {
		KS_FUZZ_CHECK(err[0], "size \"%s\" refused silently", s);
		return;
	}
	KS_FUZZ_CHECK(v >= 0, "size \"%s\" is %lld", s, (long long)v);
	/* The value in bytes reads back exactly ("max" is its own word). */
	if (v == KS_SIZE_MAX)
		snprintf(buf, sizeof(buf), "max");
	else
		snprintf(buf, sizeof(buf), "%lld", (long long)v);
	KS_FUZZ_CHECK(!ks_parse_size(buf, &again, err, sizeof(err)) &&
		      again == v, "size %lld reads back as %lld: %s",
		      (long long)v, (long long)again, err);
	/*
	 * As summaries show it, to 0.1 of a unit: where that is a whole
	 * number of bytes it reads back within the rounding.
	 */
	ks_format_size(v, buf, sizeof(buf));
	KS_FUZZ_CHECK(buf[0], "size %lld shown as nothing", (long long)v);
	if (!ks_parse_size(buf, &again, err, sizeof(err)))
		KS_FUZZ_CHECK(fabs((double)again - (double)v) <=
			      0.05 * (double)v + 1,
			      "size %lld shown as %s reads back as %lld",
			      (long long)v, buf, (long long)again);
}

static void check_duration(const char *s)
{
	char err[512] = "", buf[64];
	int64_t v, again;

	if (ks_parse_duration_ms(s, &v, err, sizeof(err))) {
		KS_FUZZ_CHECK(err[0], "duration \"%s\" refused silently", s);
		return;
	}
	KS_FUZZ_CHECK(v >= 0, "duration \"%s\" is %lld ms", s, (long long)v);
	ks_format_duration(v, buf, sizeof(buf));
	KS_FUZZ_CHECK(!ks_parse_duration_ms(buf, &again, err, sizeof(err)) &&
		      again == v, "%lld ms shown as %s reads back as %lld: %s",
		      (long long)v, buf, (long long)again, err);
}

static void check_int_bool(const char *s)
{
	char err[512] = "";
	int64_t v;
	int b;

	if (ks_parse_int(s, -1000, 1000000, &v, err, sizeof(err)))
		KS_FUZZ_CHECK(err[0], "integer \"%s\" refused silently", s);
	else
		KS_FUZZ_CHECK(v >= -1000 && v <= 1000000,
			      "integer \"%s\" is %lld, out of range", s,
			      (long long)v);
	err[0] = '\0';
	if (ks_parse_bool(s, &b, err, sizeof(err)))
		KS_FUZZ_CHECK(err[0], "boolean \"%s\" refused silently", s);
	else
		KS_FUZZ_CHECK(b == 0 || b == 1, "boolean \"%s\" is %d", s, b);
}

static void check_errnos(const char *s)
{
	struct ks_errno_set set, again;
	char err[512] = "", buf[2048];

	memset(&set, 0, sizeof(set));
	if (ks_errno_set_parse(s, &set, err, sizeof(err))) {
		KS_FUZZ_CHECK(err[0], "errno set \"%s\" refused silently", s);
		return;
	}
	ks_errno_set_format(&set, buf, sizeof(buf));
	memset(&again, 0, sizeof(again));
	KS_FUZZ_CHECK(!ks_errno_set_parse(buf, &again, err, sizeof(err)),
		      "errno set \"%s\" shown as \"%s\" is refused: %s", s, buf,
		      err);
	/* "*" is every errno: the ones named beside it do not matter. */
	KS_FUZZ_CHECK(set.any == again.any &&
		      (set.any || !memcmp(set.bits, again.bits, sizeof(set.bits))),
		      "errno set \"%s\" shown as \"%s\" reads back otherwise", s,
		      buf);
}

int ks_fuzz_units(const uint8_t *data, size_t size)
{
	char *text = ks_fuzz_str(data, size), *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		check_size(line);
		check_duration(line);
		check_int_bool(line);
		check_errnos(line);
	}
	free(text);
	return 0;
}

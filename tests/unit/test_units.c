// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <string.h>

#include "units.h"

static char err[256];

Test(size, plain_and_suffixes)
{
	static const struct { const char *in; int64_t out; } ok[] = {
		{ "0", 0 }, { "4096", 4096 }, { "64K", 65536 },
		{ "64k", 65536 }, { "32M", 33554432 }, { "32MiB", 33554432 },
		{ "32mb", 33554432 }, { "1G", 1073741824 },
		{ "1.5G", 1610612736 }, { " 2M ", 2097152 }, { "1T", 1LL << 40 },
		{ "max", KS_SIZE_MAX }, { "MAX", KS_SIZE_MAX }, { "10b", 10 },
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int64_t v = -1;

		cr_assert_eq(ks_parse_size(ok[i].in, &v, err, sizeof(err)), 0,
			     "%s: %s", ok[i].in, err);
		cr_expect_eq(v, ok[i].out, "%s gave %lld", ok[i].in,
			     (long long)v);
	}
}

Test(size, rejects_garbage)
{
	static const char *const bad[] = {
		"", "M", "-1", "12X", "1.5", "32 M B", "maxx", "1e40G", "0x10",
	};
	size_t i;
	int64_t v;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_expect_eq(ks_parse_size(bad[i], &v, err, sizeof(err)), -1,
			     "'%s' accepted", bad[i]);
		cr_expect(strlen(err) > 0, "no message for '%s'", bad[i]);
	}
	ks_parse_size("12X", &v, err, sizeof(err));
	cr_expect_str_eq(err,
		"invalid size '12X' (expected e.g. 4096, 64K, 32M, 1G or max)");
	ks_parse_size("1.5", &v, err, sizeof(err));
	cr_expect_str_eq(err, "size '1.5' is not a whole number of bytes");
	ks_parse_size("1e40G", &v, err, sizeof(err));
	cr_expect_str_eq(err, "size '1e40G' is too large");
}

Test(duration, units)
{
	static const struct { const char *in; int64_t ms; } ok[] = {
		{ "5", 5000 }, { "5s", 5000 }, { "250ms", 250 },
		{ "1.5s", 1500 }, { "2m", 120000 }, { "2min", 120000 },
		{ "1h", 3600000 }, { "0.5", 500 },
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int64_t v = -1;

		cr_assert_eq(ks_parse_duration_ms(ok[i].in, &v, err,
						  sizeof(err)), 0, "%s", err);
		cr_expect_eq(v, ok[i].ms, "%s gave %lld", ok[i].in,
			     (long long)v);
	}
}

Test(duration, rejects)
{
	int64_t v;

	cr_expect_eq(ks_parse_duration_ms("5x", &v, err, sizeof(err)), -1);
	cr_expect_str_eq(err,
		"invalid duration '5x' (expected e.g. 250ms, 5s, 2m or 1h)");
	cr_expect_eq(ks_parse_duration_ms("-1s", &v, err, sizeof(err)), -1);
	cr_expect_eq(ks_parse_duration_ms("", &v, err, sizeof(err)), -1);
	cr_expect_eq(ks_parse_duration_ms("1000d", &v, err, sizeof(err)), -1);
	cr_expect_eq(ks_parse_duration_ms("9000h", &v, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "duration '9000h' is too long");
}

Test(duration, formats_what_it_parses)
{
	static const struct { int64_t ms; const char *out; } f[] = {
		{ 60000, "60s" }, { 0, "0s" }, { 1500, "1500ms" },
		{ 250, "250ms" }, { 3600000, "3600s" },
	};
	char buf[32];
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		cr_expect_str_eq(ks_format_duration(f[i].ms, buf, sizeof(buf)),
				 f[i].out);
		cr_assert_eq(ks_parse_duration_ms(buf, &v, err, sizeof(err)),
			     0, "%s", err);
		cr_expect_eq(v, f[i].ms);
	}
}

Test(bool_and_int, parse)
{
	int b = -1;
	int64_t n;

	cr_expect_eq(ks_parse_bool("yes", &b, err, sizeof(err)), 0);
	cr_expect_eq(b, 1);
	cr_expect_eq(ks_parse_bool("Off", &b, err, sizeof(err)), 0);
	cr_expect_eq(b, 0);
	cr_expect_eq(ks_parse_bool("maybe", &b, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "invalid boolean 'maybe' (expected yes or no)");
	cr_expect_eq(ks_parse_int("42", 1, 100, &n, err, sizeof(err)), 0);
	cr_expect_eq(n, 42);
	cr_expect_eq(ks_parse_int("0", 1, 100, &n, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "0 is out of range [1, 100]");
	cr_expect_eq(ks_parse_int("4x", 1, 100, &n, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "invalid number '4x'");
}

Test(size, format)
{
	char buf[16];

	cr_expect_str_eq(ks_format_size(512, buf, sizeof(buf)), "512B");
	cr_expect_str_eq(ks_format_size(33554432, buf, sizeof(buf)), "32.0M");
	cr_expect_str_eq(ks_format_size(1536, buf, sizeof(buf)), "1.5K");
	cr_expect_str_eq(ks_format_size(KS_SIZE_MAX, buf, sizeof(buf)), "max");
	cr_expect_str_eq(ks_format_size(-1, buf, sizeof(buf)), "-");
}

// SPDX-License-Identifier: GPL-2.0
/* Table-driven command options (cli/options.c). */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "options.h"

struct cfg {
	int flag, level, count;
	const char *out;
	int64_t size;
	double pct;
	int calls;
	const char *last;
};

static int take(void *dst, const char *cmd, const char *arg)
{
	struct cfg *c = dst;

	(void)cmd;
	if (!strcmp(arg, "bad"))
		return -1;
	c->calls++;
	c->last = arg;
	return 0;
}

#define C(f) offsetof(struct cfg, f)

static const struct ks_cli_opt opts[] = {
	{ "flag", 0, KS_ARG_FLAG, C(flag), 0, 0, NULL, NULL, "a flag" },
	{ "quiet", 'q', KS_ARG_VALUE, C(level), 0, 0, NULL, NULL, "level 0" },
	{ "loud", 0, KS_ARG_VALUE, C(level), 2, 0, NULL, NULL, "level 2" },
	{ "count", 'n', KS_ARG_INT, C(count), 1, 10, NULL, "N", "1 to 10" },
	{ "output", 'o', KS_ARG_STR, C(out), 0, 0, NULL, "DIR", "where" },
	{ "size", 0, KS_ARG_SIZE, C(size), 1 << 20, 1 << 30, NULL, "SIZE",
	  "1M to 1G" },
	{ "noise", 0, KS_ARG_PCT, C(pct), 0, 1000, NULL, "PCT", "percent" },
	{ "item", 0, KS_ARG_CALL, 0, 0, 0, take, "X", "repeated\nsecond line" },
	KS_ARG_END,
};

static int parse(struct cfg *c, int *given, int argc, char **argv)
{
	const struct ks_cli_set sets[] = { { opts, c, given },
					   { NULL, NULL, NULL } };

	return ks_cli_parse("test", sets, argc, argv);
}

#define ARGV(...) (char *[]){ "cmd", __VA_ARGS__, NULL }
#define ARGC(...) ((int)(sizeof((char *[]){ "cmd", __VA_ARGS__ }) / \
			sizeof(char *)))
#define PARSE(c, g, ...) parse(c, g, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

Test(options, every_kind_lands_in_its_field)
{
	struct cfg c = { .level = 1 };
	int given = 0;
	int first = PARSE(&c, &given, "--flag", "-q", "-n", "7", "-o", "d",
			  "--size", "4M", "--noise", "15", "--item", "a",
			  "--item", "b", "PLAN");

	cr_assert_eq(first, 15);
	cr_expect_eq(c.flag, 1);
	cr_expect_eq(c.level, 0);
	cr_expect_eq(c.count, 7);
	cr_expect_str_eq(c.out, "d");
	cr_expect_eq(c.size, 4 << 20);
	cr_expect_float_eq(c.pct, 0.15, 1e-9);
	cr_expect_eq(c.calls, 2);
	cr_expect_str_eq(c.last, "b");
	cr_expect_eq(given, 8);
}

Test(options, operands_may_come_first)
{
	struct cfg c = { 0 };
	char **argv = ARGV("A", "--loud", "B");
	const struct ks_cli_set sets[] = { { opts, &c, NULL },
					   { NULL, NULL, NULL } };
	int first = ks_cli_parse("test", sets, 4, argv);

	cr_assert_eq(first, 2);
	cr_expect_eq(c.level, 2);
	cr_expect_str_eq(argv[first], "A");
	cr_expect_str_eq(argv[first + 1], "B");
}

Test(options, help_is_implied)
{
	struct cfg c = { 0 };

	cr_expect_eq(PARSE(&c, NULL, "--help"), KS_CLI_HELP);
	cr_expect_eq(PARSE(&c, NULL, "-h"), KS_CLI_HELP);
}

Test(options, bad_values_name_the_option, .init = cr_redirect_stderr)
{
	struct cfg c = { 0 };

	cr_expect_eq(PARSE(&c, NULL, "--count", "11"), -1);
	cr_expect_eq(PARSE(&c, NULL, "--count", "x"), -1);
	cr_expect_eq(PARSE(&c, NULL, "--size", "2G"), -1);
	cr_expect_eq(PARSE(&c, NULL, "--nope"), -1);
	cr_expect_eq(PARSE(&c, NULL, "-o"), -1);
	cr_expect_eq(PARSE(&c, NULL, "--item", "bad"), -1);
	fflush(stderr);
	cr_expect_stderr_eq_str(
		"kmemstorm test: --count 11: 11 is out of range [1, 10]\n"
		"kmemstorm test: --count x: invalid number 'x'\n"
		"kmemstorm test: --size 2G: must be 1.0M to 1.0G\n"
		"kmemstorm test: no such option '--nope'\n"
		"kmemstorm test: a value is needed after '-o'\n");
}

Test(options, help_lines_follow_the_table, .init = cr_redirect_stdout)
{
	ks_cli_opts_help(stdout, opts + 6);
	ks_cli_opts_help(stdout, ks_cli_help_opts);
	fflush(stdout);
	cr_expect_stdout_eq_str(
		"      --noise PCT         percent\n"
		"      --item X            repeated\n"
		"                          second line\n"
		"  -h, --help              this text\n");
}

// SPDX-License-Identifier: GPL-2.0
/* Table-driven command options (options.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "units.h"

#define HELP_COLUMN 26
/* getopt_long values of options without a short name: 0x100 + row. */
#define LONG_ONLY 0x100


struct row {
	const struct ks_cli_opt *opt;
	const struct ks_cli_set *set;
};

static int set_value(const char *cmd, const struct row *r, const char *arg)
{
	const struct ks_cli_opt *o = r->opt;
	char *dst = (char *)r->set->dst + o->off;
	char err[128];
	int64_t v;

	switch (o->kind) {
	case KS_ARG_FLAG:
		*(int *)dst = 1;
		return 0;
	case KS_ARG_VALUE:
		*(int *)dst = (int)o->min;
		return 0;
	case KS_ARG_STR:
		*(const char **)dst = arg;
		return 0;
	case KS_ARG_CALL:
		return o->call(r->set->dst, cmd, arg);
	case KS_ARG_SIZE:
		if (ks_parse_size(arg, &v, err, sizeof(err)))
			goto bad;
		if (v < o->min || v > o->max) {
			char lo[32], hi[32];

			ks_format_size(o->min, lo, sizeof(lo));
			ks_format_size(o->max, hi, sizeof(hi));
			snprintf(err, sizeof(err), "must be %s to %s", lo, hi);
			goto bad;
		}
		*(int64_t *)dst = v;
		return 0;
	case KS_ARG_INT:
	case KS_ARG_PCT:
		if (ks_parse_int(arg, o->min, o->max, &v, err, sizeof(err)))
			goto bad;
		if (o->kind == KS_ARG_INT)
			*(int *)dst = (int)v;
		else
			*(double *)dst = v / 100.0;
		return 0;
	}
	snprintf(err, sizeof(err), "unknown option kind");
bad:
	fprintf(stderr, "kmemstorm %s: --%s %s: %s\n", cmd, o->name, arg, err);
	return -1;
}

/* Rows in order, the implied --help last; -1 when the tables overflow. */
static int collect(const struct ks_cli_set *sets, struct row *rows,
		   struct option *lo, char *shorts)
{
	static const struct ks_cli_set help_set = { ks_cli_help_opts, NULL,
						    NULL };
	const struct ks_cli_set *s;
	const struct ks_cli_opt *o;
	int n = 0, ns = 0;

	shorts[ns++] = ':';	/* a missing value is ':', not '?' */

	for (s = sets; ; s++) {
		const struct ks_cli_set *set = s->opts ? s : &help_set;

		for (o = set->opts; o->name; o++) {
			if (n == KS_CLI_MAX_OPTS)
				return -1;
			rows[n] = (struct row){ o, set };
			lo[n] = (struct option){ o->name, o->arg ?
				required_argument : no_argument, NULL,
				o->short_name ? o->short_name : LONG_ONLY + n };
			if (o->short_name) {
				shorts[ns++] = o->short_name;
				if (o->arg)
					shorts[ns++] = ':';
			}
			n++;
		}
		if (set == &help_set)
			break;
	}
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';
	return n;
}

int ks_cli_parse(const char *cmd, const struct ks_cli_set *sets, int argc,
		 char **argv)
{
	struct option lo[KS_CLI_MAX_OPTS + 1];
	char shorts[2 * KS_CLI_MAX_OPTS + 2];
	struct row rows[KS_CLI_MAX_OPTS];
	int n, ch, i;

	n = collect(sets, rows, lo, shorts);
	if (n < 0) {
		fprintf(stderr, "kmemstorm %s: too many options\n", cmd);
		return -1;
	}
	optind = 0;	/* a fresh scan, even after another command's */
	opterr = 0;	/* said here, naming the command */
	while ((ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (ch == '?' || ch == ':') {
			fprintf(stderr, "kmemstorm %s: %s '%s'\n", cmd,
				ch == ':' ? "a value is needed after" :
				"no such option", argv[optind - 1]);
			return -1;
		}
		for (i = 0; i < n; i++)
			if (lo[i].val == ch)
				break;
		if (i == n)
			return -1;
		if (rows[i].opt == ks_cli_help_opts)
			return KS_CLI_HELP;
		if (set_value(cmd, &rows[i], optarg))
			return -1;
		if (rows[i].set->given)
			(*rows[i].set->given)++;
	}
	return optind;
}

int ks_cli_getopts(const char *cmd, const struct ks_cli_set *sets, int argc,
		   char **argv, void (*usage)(FILE *f), int *code)
{
	int first = ks_cli_parse(cmd, sets, argc, argv);

	if (first >= 0)
		return first;
	*code = first == KS_CLI_HELP ? 0 : 2;
	usage(first == KS_CLI_HELP ? stdout : stderr);
	return -1;
}

const struct ks_cli_opt ks_cli_help_opts[] = {
	{ "help", 'h', KS_ARG_FLAG, 0, 0, 0, NULL, NULL, "this text" },
	KS_ARG_END,
};

void ks_cli_opts_help(FILE *f, const struct ks_cli_opt *opts)
{
	const struct ks_cli_opt *o;
	const char *h, *nl;
	char names[80];
	int len;

	for (o = opts; o->name; o++) {
		if (o->short_name)
			len = snprintf(names, sizeof(names), "-%c, --%s%s%s",
				       o->short_name, o->name,
				       o->arg ? " " : "", o->arg ? o->arg : "");
		else
			len = snprintf(names, sizeof(names), "    --%s%s%s",
				       o->name, o->arg ? " " : "",
				       o->arg ? o->arg : "");
		fprintf(f, "  %-*s", HELP_COLUMN - 2, names);
		if (len > HELP_COLUMN - 3)
			fprintf(f, "\n%*s", HELP_COLUMN, "");
		for (h = o->help; (nl = strchr(h, '\n')); h = nl + 1)
			fprintf(f, "%.*s\n%*s", (int)(nl - h), h, HELP_COLUMN,
				"");
		fprintf(f, "%s\n", h);
	}
}

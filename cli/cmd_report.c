// SPDX-License-Identifier: GPL-2.0
/* kmemstorm report: journals into the formats dashboards read. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"
#include "report.h"

struct report_cli {
	const struct ks_report_format *fmt;
	const char *outpath;
};

static int take_format(void *dst, const char *cmd, const char *arg)
{
	struct report_cli *c = dst;

	c->fmt = ks_report_format_find(arg);
	if (c->fmt)
		return 0;
	fprintf(stderr, "kmemstorm %s: --format %s: unknown; one of:\n", cmd,
		arg);
	ks_report_formats_list(stderr);
	return -1;
}

static int take_kcidb(void *dst, const char *cmd, const char *arg)
{
	char err[128];

	(void)dst;
	if (!ks_report_kcidb_version(arg, err, sizeof(err)))
		return 0;
	fprintf(stderr, "kmemstorm %s: --kcidb-version: %s\n", cmd, err);
	return -1;
}

const struct ks_cli_opt ks_report_cli_opts[] = {
	{ "format", 'f', KS_ARG_CALL, 0, 0, 0, take_format, "FORMAT",
	  "the format (default text), one of those below" },
	{ "output", 'o', KS_ARG_STR, offsetof(struct report_cli, outpath), 0,
	  0, NULL, "FILE", "write there (default standard output)" },
	{ "kcidb-version", 0, KS_ARG_CALL, 0, 0, 0, take_kcidb, "V",
	  "--format kcidb: the KCIDB I/O schema, 5.3 (default) or 4.5" },
	KS_ARG_END,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm report [--format FORMAT] [--kcidb-version V] [-o FILE] JOURNAL...\n"
		"\n"
		"Write a report of the runs in the journals: each JOURNAL is a journal.jsonl,\n"
		"a run directory, or a 'kmemstorm vm' directory of several guests.\n");
	ks_cli_opts_help(f, ks_report_cli_opts);
	ks_cli_opts_help(f, ks_cli_help_opts);
	fprintf(f, "formats:\n");
	ks_report_formats_list(f);
	fprintf(f,
		"Exit: 0 written, 2 usage error or a journal that cannot be read.\n");
}

/* Long but flat: the options, then one pass over the journals. */
int ks_cmd_report(int argc, char **argv)
{
	struct report_cli o = { ks_report_format_find("text"), NULL };
	const struct ks_cli_set sets[] = { { ks_report_cli_opts, &o, NULL },
					   { NULL, NULL, NULL } };
	const struct ks_report_format *fmt;
	const char *outpath;
	struct ks_run_view *runs;
	char err[512], tmp[4200];
	size_t nruns;
	FILE *out = stdout;
	int rc, first = ks_cli_getopts("report", sets, argc, argv, usage, &rc);

	if (first < 0)
		return rc;
	fmt = o.fmt;
	outpath = o.outpath;
	if (first == argc) {
		fprintf(stderr, "kmemstorm report: no journal given\n");
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	if (ks_run_views_load_args(argv + first, argc - first, &runs, &nruns,
				   err, sizeof(err))) {
		fprintf(stderr, "kmemstorm report: %s\n", err);
		return KS_EXIT_USAGE;
	}
	if (outpath) {
		/* Written aside and renamed: no half report under its name. */
		snprintf(tmp, sizeof(tmp), "%s.tmp", outpath);
		out = fopen(tmp, "we");
		if (!out) {
			fprintf(stderr, "kmemstorm report: %s: %s\n", tmp,
				strerror(errno));
			ks_run_views_free(runs, nruns);
			return KS_EXIT_USAGE;
		}
	}
	rc = fmt->write(out, runs, nruns);
	if (fflush(out) || ferror(out)) {
		fprintf(stderr, "kmemstorm report: writing %s: %s\n",
			outpath ? tmp : "standard output", strerror(errno));
		rc = -1;
	}
	if (outpath) {
		if (fclose(out) && !rc) {
			fprintf(stderr, "kmemstorm report: %s: %s\n", tmp,
				strerror(errno));
			rc = -1;
		}
		if (rc)
			unlink(tmp);
		else if (rename(tmp, outpath)) {
			fprintf(stderr, "kmemstorm report: %s: %s\n", outpath,
				strerror(errno));
			unlink(tmp);
			rc = -1;
		}
	}
	ks_run_views_free(runs, nruns);
	return rc ? 2 : 0;
}

// SPDX-License-Identifier: GPL-2.0
/* kmemstorm report: journals into the formats dashboards read. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm report [--format FORMAT] [-o FILE] JOURNAL...\n"
		"\n"
		"Write a report of the runs in the journals: each JOURNAL is a journal.jsonl,\n"
		"a run directory, or a 'kmemstorm vm' directory of several guests.\n"
		"  -f, --format FORMAT  (default text):\n");
	ks_report_formats_list(f);
	fprintf(f,
		"  -o, --output FILE    write there (default standard output)\n"
		"Exit: 0 written, 2 usage error or a journal that cannot be read.\n");
}

/* Long but flat: the options, then one pass over the journals. */
int ks_cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct ks_report_format *fmt = ks_report_format_find("text");
	const char *outpath = NULL;
	struct ks_run_view *runs;
	char err[512], tmp[4200];
	size_t nruns;
	FILE *out = stdout;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = ks_report_format_find(optarg);
			if (!fmt) {
				fprintf(stderr, "kmemstorm report: --format %s: unknown; one of:\n",
					optarg);
				ks_report_formats_list(stderr);
				return KS_EXIT_USAGE;
			}
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return KS_EXIT_USAGE;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "kmemstorm report: no journal given\n");
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	if (ks_run_views_load_args(argv + optind, argc - optind, &runs, &nruns,
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

// SPDX-License-Identifier: GPL-2.0
/* kmemstorm compare BASELINE CANDIDATE: what changed, exit 1 on regression. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "compare.h"
#include "units.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm compare [--noise PCT] [--overshoot-tolerance SIZE] [--json]\n"
		"                         BASELINE CANDIDATE\n"
		"\n"
		"List per scenario what changed from BASELINE to CANDIDATE (each a journal,\n"
		"a run directory or a directory of guest runs): verdicts, kernel report\n"
		"titles, ENOMEM surfaced as other errnos, ENOMEM paths, limits reached,\n"
		"global OOMs, usage over the limit, ops/s beyond noise.\n"
		"  --noise PCT                 smallest ops/s change counted (default %.0f;\n"
		"                              larger when the runs' own rates spread more)\n"
		"  --overshoot-tolerance SIZE  over-limit change taken as noise (default 1M)\n"
		"  --json                      the changes as JSON\n"
		"Exit: 0 no regression, 1 a regression, 2 usage error or unreadable journal.\n",
		KS_COMPARE_NOISE * 100);
}

int ks_cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "noise", required_argument, NULL, 'n' },
		{ "overshoot-tolerance", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ks_compare_opts o = { KS_COMPARE_NOISE, KS_COMPARE_OVERSHOOT_TOL };
	struct ks_run_view *base = NULL, *cand = NULL;
	size_t nbase = 0, ncand = 0;
	int c, json = 0, regs, rc = KS_EXIT_USAGE;
	char err[512];
	int64_t v;
	json_t *diff;

	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (ks_parse_int(optarg, 0, 1000, &v, err, sizeof(err))) {
				fprintf(stderr, "kmemstorm compare: --noise %s: %s\n",
					optarg, err);
				return KS_EXIT_USAGE;
			}
			o.noise = v / 100.0;
			break;
		case 't':
			if (ks_parse_size(optarg, &v, err, sizeof(err))) {
				fprintf(stderr, "kmemstorm compare: --overshoot-tolerance %s: %s\n",
					optarg, err);
				return KS_EXIT_USAGE;
			}
			o.overshoot_tol = v;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return KS_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "kmemstorm compare: needs BASELINE and CANDIDATE\n");
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	if (ks_run_views_load_args(argv + optind, 1, &base, &nbase, err,
				   sizeof(err)) ||
	    ks_run_views_load_args(argv + optind + 1, 1, &cand, &ncand, err,
				   sizeof(err))) {
		fprintf(stderr, "kmemstorm compare: %s\n", err);
		goto out;
	}
	diff = ks_compare(base, nbase, cand, ncand, &o, &regs);
	if (json) {
		json_t *doc = json_pack("{s:i, s:s, s:s, s:i, s:o}", "schema", 1,
					"baseline", argv[optind], "candidate",
					argv[optind + 1], "regressions", regs,
					"scenarios", diff);

		json_dumpf(doc, stdout, JSON_INDENT(1));
		putchar('\n');
		json_decref(doc);
	} else {
		ks_compare_print(stdout, diff, regs, &o);
		json_decref(diff);
	}
	rc = regs ? 1 : 0;
out:
	ks_run_views_free(base, nbase);
	ks_run_views_free(cand, ncand);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/* kmemstorm compare BASELINE CANDIDATE: what changed, exit 1 on regression. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "options.h"
#include "compare.h"
#include "utf8.h"

#define CMP(f) offsetof(struct ks_compare_opts, f)

/* Shared with gate, which decides as compare does. */
const struct ks_cli_opt ks_decide_cli_opts[] = {
	{ "noise", 0, KS_ARG_PCT, CMP(noise), 0, 1000, NULL, "PCT",
	  "smallest ops/s change counted (default 10;\n"
	  "larger when the runs' own rates spread more)" },
	{ "overshoot-tolerance", 0, KS_ARG_SIZE, CMP(overshoot_tol), 0,
	  INT64_MAX, NULL, "SIZE", "over-limit change taken as noise (default 1M)" },
	KS_ARG_END,
};

const struct ks_cli_opt ks_compare_cli_opts[] = {
	{ "json", 0, KS_ARG_FLAG, 0, 0, 0, NULL, NULL, "the changes as JSON" },
	KS_ARG_END,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm compare [--noise PCT] [--overshoot-tolerance SIZE] [--json]\n"
		"                         BASELINE CANDIDATE\n"
		"\n"
		"List per scenario what changed from BASELINE to CANDIDATE (each a journal,\n"
		"a run directory or a directory of guest runs): verdicts, kernel report\n"
		"titles, ENOMEM surfaced as other errnos, ENOMEM paths, limits reached,\n"
		"global OOMs, usage over the limit, ops/s beyond noise.\n");
	ks_cli_opts_help(f, ks_decide_cli_opts);
	ks_cli_opts_help(f, ks_compare_cli_opts);
	ks_cli_opts_help(f, ks_cli_help_opts);
	fprintf(f,
		"Exit: 0 no regression, 1 a regression, 2 usage error or unreadable journal.\n");
}

int ks_cmd_compare(int argc, char **argv)
{
	struct ks_compare_opts o = { KS_COMPARE_NOISE, KS_COMPARE_OVERSHOOT_TOL };
	struct ks_run_view *base = NULL, *cand = NULL;
	size_t nbase = 0, ncand = 0;
	int json = 0, regs, rc = KS_EXIT_USAGE, first;
	const struct ks_cli_set sets[] = { { ks_decide_cli_opts, &o, NULL },
					   { ks_compare_cli_opts, &json, NULL },
					   { NULL, NULL, NULL } };
	char err[512];
	json_t *diff;

	first = ks_cli_getopts("compare", sets, argc, argv, usage, &rc);
	if (first < 0)
		return rc;
	rc = KS_EXIT_USAGE;
	if (argc - first != 2) {
		fprintf(stderr, "kmemstorm compare: needs BASELINE and CANDIDATE\n");
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	if (ks_run_views_load_args(argv + first, 1, &base, &nbase, err,
				   sizeof(err)) ||
	    ks_run_views_load_args(argv + first + 1, 1, &cand, &ncand, err,
				   sizeof(err))) {
		fprintf(stderr, "kmemstorm compare: %s\n", err);
		goto out;
	}
	diff = ks_compare(base, nbase, cand, ncand, &o, &regs);
	if (json) {
		json_t *doc = json_pack("{s:i, s:o, s:o, s:i, s:o}", "schema", 1,
					"baseline", ks_json_text(argv[first]),
					"candidate",
					ks_json_text(argv[first + 1]),
					"regressions", regs,
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

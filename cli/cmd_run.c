// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "options.h"
#include "plan.h"
#include "run.h"

#define RUN(f) offsetof(struct ks_run_opts, f)

const struct ks_cli_opt ks_run_cli_opts[] = {
	{ "output", 'o', KS_ARG_STR, RUN(outdir), 0, 0, NULL, "DIR",
	  "write journal.jsonl and kmsg.log to DIR\n"
	  "(default ./kmemstorm-out/PLAN-TIME)" },
	{ "progress", 0, KS_ARG_VALUE, RUN(progress), 1, 0, NULL, NULL,
	  "live progress line even when not on a terminal" },
	{ "no-progress", 0, KS_ARG_VALUE, RUN(progress), 0, 0, NULL, NULL,
	  "no live progress line" },
	{ "journal-tee", 0, KS_ARG_STR, RUN(journal_tee), 0, 0, NULL, "FILE",
	  "also write every journal record to FILE" },
	{ "start-at", 0, KS_ARG_INT, RUN(start_at), 1, 100000, NULL, "N",
	  "begin with the plan's Nth scenario (a guest resuming\n"
	  "a plan after a crash)" },
	KS_ARG_END,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm run [-o DIR] [--progress|--no-progress] [--journal-tee FILE]\n"
		"                     [--start-at N] [PLAN]\n"
		"\n"
		"Run PLAN (a plan file, or the name of a built-in plan; default: %s).\n",
		KS_DEFAULT_PLAN);
	ks_cli_opts_help(f, ks_run_cli_opts);
	ks_cli_opts_help(f, ks_cli_help_opts);
	fprintf(f,
		"Exit: 0 all passed, 1 some failed, 2 usage or harness error,\n"
		"4 everything skipped, 128+N ended by signal N.\n");
}

int ks_cmd_run(int argc, char **argv)
{
	struct ks_run_opts o = { .progress = -1 };
	const struct ks_cli_set sets[] = { { ks_run_cli_opts, &o, NULL },
					   { NULL, NULL, NULL } };
	int code, first = ks_cli_getopts("run", sets, argc, argv, usage, &code);

	if (first < 0)
		return code;
	if (argc - first > 1) {
		fprintf(stderr, "kmemstorm run: one plan at a time\n");
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	o.plan = first < argc ? argv[first] : NULL;
	return ks_run(&o);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kmemstorm sweep: a fail-nth sweep of whole storms from the command line,
 * as a plan of "mode = sweep" scenarios written next to its results.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "options.h"
#include "plan.h"
#include "fsutil.h"
#include "session.h"
#include "vm.h"

struct sweep_cfg {
	const char *ops, *max_n, *duration, *outdir;
};

#define SW(f) offsetof(struct sweep_cfg, f)

/* Values go into the plan as given: the plan parser names what is wrong. */
const struct ks_cli_opt ks_sweep_cli_opts[] = {
	{ "ops", 0, KS_ARG_STR, SW(ops), 0, 0, NULL, "OP,...",
	  "only these operations (of every WORKLOAD)" },
	{ "max-n", 0, KS_ARG_STR, SW(max_n), 0, 0, NULL, "N",
	  "give up on an operation after N steps (default 10000)" },
	{ "duration", 0, KS_ARG_STR, SW(duration), 0, 0, NULL, "D",
	  "at most this long per workload (default 10m)" },
	{ "output", 'o', KS_ARG_STR, SW(outdir), 0, 0, NULL, "DIR",
	  "sweep.plan and the run's results" },
	KS_ARG_END,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm sweep [-o DIR] [--ops OP,...] [--max-n N] [--duration D]\n"
		"                       [--vm [--kernel BZIMAGE] [--append ARGS] [--accel A]] WORKLOAD...\n"
		"\n"
		"For each operation of each WORKLOAD, fail its 1st, 2nd, ... fault-injectable\n"
		"call (/proc/thread-self/fail-nth) until it completes without the fault\n"
		"firing; list every allocation site hit, with the errno it became.\n"
		"--vm is needed on a kernel not marked disposable (kmemstorm.disposable=1).\n");
	ks_cli_opts_help(f, ks_sweep_cli_opts);
	ks_cli_opts_help(f, ks_guest_cli_opts);
	ks_cli_opts_help(f, ks_qemu_cli_opts);
	ks_cli_opts_help(f, ks_cli_help_opts);
	fprintf(f, "Exit: as 'kmemstorm run'.\n");
}

/* A "mode = sweep" scenario per workload.  0, or -1 (said on stderr). */
static int write_plan(const char *path, char **wl, int n,
		      const struct sweep_cfg *c)
{
	FILE *f = fopen(path, "we");
	int i;

	if (!f) {
		fprintf(stderr, "kmemstorm: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* Values go in as given: the plan parser names what is wrong. */
	fprintf(f, "; written by kmemstorm sweep\n[plan]\nname = sweep\n"
		"description = fail-nth sweep of");
	for (i = 0; i < n; i++)
		fprintf(f, " %s", wl[i]);
	fprintf(f, "\n\n[defaults]\nmode = sweep\nduration = %s\nsweep.max_n = %s\n",
		c->duration, c->max_n);
	for (i = 0; i < n; i++) {
		fprintf(f, "\n[scenario %s-sweep]\nworkload = %s\n", wl[i],
			wl[i]);
		if (c->ops)
			fprintf(f, "sweep.ops = %s\n", c->ops);
	}
	if (fclose(f)) {
		fprintf(stderr, "kmemstorm: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int ks_cmd_sweep(int argc, char **argv)
{
	struct sweep_cfg cfg = { NULL, "10000", "10m", NULL };
	static struct ks_session s;
	struct ks_cli_guest g = { .o = &s.base };
	struct ks_cli_set sets[4] = { { ks_sweep_cli_opts, &cfg, NULL } };
	char dflt[64], plan[4096], out[4096];
	const char *outdir;
	int i, r, code, first;

	ks_session_init(&s, "sweep");
	ks_cli_guest_sets(&g, sets + 1);
	first = ks_cli_getopts("sweep", sets, argc, argv, usage, &code);
	if (first < 0)
		return code;
	if (first == argc) {
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	if (ks_cli_guest_check(&g, "sweep"))
		return KS_EXIT_USAGE;
	for (i = first; i < argc; i++)
		if (!ks_workload_find(argv[i])) {
			fprintf(stderr, "kmemstorm: no workload '%s' (see 'kmemstorm list')\n",
				argv[i]);
			return KS_EXIT_USAGE;
		}
	outdir = cfg.outdir;
	if (!outdir) {
		ks_default_outdir(dflt, sizeof(dflt), "sweep");
		outdir = dflt;
	}
	r = ks_mkdirs(outdir, 0755);
	if (r) {
		fprintf(stderr, "kmemstorm: %s: %s\n", outdir, strerror(-r));
		return KS_EXIT_USAGE;
	}
	snprintf(plan, sizeof(plan), "%s/sweep.plan", outdir);
	if (write_plan(plan, argv + first, argc - first, &cfg))
		return KS_EXIT_USAGE;
	snprintf(out, sizeof(out), "%s/%s", outdir, g.vm ? "vm" : "run");
	return ks_run_plan_file(plan, out, &g);
}

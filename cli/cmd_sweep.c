// SPDX-License-Identifier: GPL-2.0
/*
 * kmemstorm sweep: a fail-nth sweep of whole storms from the command line,
 * as a plan of "mode = sweep" scenarios written next to its results.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "plan.h"
#include "fsutil.h"
#include "session.h"
#include "vm.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm sweep [-o DIR] [--ops OP,...] [--max-n N] [--duration D]\n"
		"                       [--vm [--kernel BZIMAGE] [--append ARGS] [--accel A]] WORKLOAD...\n"
		"\n"
		"For each operation of each WORKLOAD, fail its 1st, 2nd, ... fault-injectable\n"
		"call (/proc/thread-self/fail-nth) until it completes without the fault\n"
		"firing; list every allocation site hit, with the errno it became.\n"
		"  --ops OP,...       only these operations (of every WORKLOAD)\n"
		"  --max-n N          give up on an operation after N steps (default 10000)\n"
		"  --duration D       at most this long per workload (default 10m)\n"
		"  --vm               in a QEMU guest, as 'kmemstorm vm'; needed on a kernel\n"
		"                     not marked disposable (kmemstorm.disposable=1)\n"
		"  --kernel, --append, --accel, --memory, --cpus, --timeout,\n"
		"  --hang-timeout, --qemu   for the guest, as for 'kmemstorm vm'\n"
		"  -o, --output DIR   sweep.plan and the run's results\n"
		"Exit: as 'kmemstorm run'.\n");
}

struct sweep_cfg {
	const char *ops, *max_n, *duration;
};

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
	static const struct option longopts[] = {
		{ "ops", required_argument, NULL, 'p' },
		{ "max-n", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		KS_GUEST_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sweep_cfg cfg = { NULL, "10000", "10m" };
	const char *outdir = NULL;
	static struct ks_session s;
	struct ks_cli_guest g = { .o = &s.base };
	char dflt[64], plan[4096], out[4096];
	int c, i, r;

	ks_session_init(&s, "sweep");

	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': cfg.ops = optarg; break;
		case 'n': cfg.max_n = optarg; break;
		case 'd': cfg.duration = optarg; break;
		case 'o': outdir = optarg; break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			if (ks_cli_guest_opt(&g, "sweep", c, optarg)) {
				usage(stderr);
				return KS_EXIT_USAGE;
			}
		}
	}
	if (optind == argc) {
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	if (ks_cli_guest_check(&g, "sweep"))
		return KS_EXIT_USAGE;
	for (i = optind; i < argc; i++)
		if (!ks_workload_find(argv[i])) {
			fprintf(stderr, "kmemstorm: no workload '%s' (see 'kmemstorm list')\n",
				argv[i]);
			return KS_EXIT_USAGE;
		}
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
	if (write_plan(plan, argv + optind, argc - optind, &cfg))
		return KS_EXIT_USAGE;
	snprintf(out, sizeof(out), "%s/%s", outdir, g.vm ? "vm" : "run");
	return ks_run_plan_file(plan, out, &g);
}

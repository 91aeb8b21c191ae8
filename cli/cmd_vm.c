// SPDX-License-Identifier: GPL-2.0
/*
 * kmemstorm vm: run plans in QEMU guests, side by side with --jobs, one
 * guest per (kernel, command line, plan).  The default kernel is the one
 * scripts/build-kernel builds (and caches) from the project's fragment.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "plan.h"
#include "run.h"
#include "scenario.h"
#include "session.h"
#include "units.h"
#include "vm.h"

#define MAX_LIST 16

struct vm_cli {
	const char *kernels[MAX_LIST];
	int nkernels;
	const char *appends[MAX_LIST];
	int nappends;
	const char *plans[MAX_LIST];
	int nplans;
	const char *outdir;
	int jobs;
	struct ks_vm_opts base;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm vm [--kernel BZIMAGE]... [--append ARGS]... [--memory SIZE]\n"
		"                    [--cpus N] [--timeout S] [--hang-timeout S] [--jobs J]\n"
		"                    [--qemu BINARY] [--accel auto|kvm|tcg] [-o DIR] [PLAN]...\n"
		"\n"
		"Boot each kernel in QEMU with each extra command line and run each PLAN\n"
		"(file or built-in name; default %s) inside, on cgroup v2.\n"
		"  --kernel BZIMAGE    kernel under test (default: scripts/build-kernel's)\n"
		"  --append ARGS       extra kernel command line, e.g. cgroup.memory=nokmem\n"
		"  --memory SIZE       guest memory (default 1G)\n"
		"  --cpus N            guest CPUs (default 2)\n"
		"  --timeout S         whole run, seconds (default 1800)\n"
		"  --hang-timeout S    no journal progress for S seconds is a hang (default 120)\n"
		"  --jobs J            guests at once (default 1)\n"
		"  --accel A           auto (default; $KMEMSTORM_ACCEL): KVM when /dev/kvm\n"
		"                      works, and a guest QEMU cannot run under KVM boots\n"
		"                      again under TCG; kvm or tcg: only that one\n"
		"  -o, --output DIR    results (default ./kmemstorm-out/vm-TIME)\n"
		"Exit: as 'kmemstorm run'; a guest panic or hang counts as a failed scenario,\n"
		"a timeout or QEMU failure as a harness error.\n", KS_DEFAULT_PLAN);
}

static int parse_args(int argc, char **argv, struct vm_cli *c)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "append", required_argument, NULL, 'a' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		KS_VM_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[128];
	int64_t jobs;
	int ch;

	while ((ch = getopt_long(argc, argv, "+o:j:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k':
		case 'a':
			if ((ch == 'k' ? c->nkernels : c->nappends) == MAX_LIST) {
				fprintf(stderr, "kmemstorm vm: at most %d of --%s\n",
					MAX_LIST, ch == 'k' ? "kernel" : "append");
				return -1;
			}
			if (ch == 'k')
				c->kernels[c->nkernels++] = optarg;
			else
				c->appends[c->nappends++] = optarg;
			break;
		case 'j':
			if (ks_parse_int(optarg, 1, 64, &jobs, err,
					 sizeof(err))) {
				fprintf(stderr, "kmemstorm vm: --jobs: %s\n",
					err);
				return -1;
			}
			c->jobs = (int)jobs;
			break;
		case 'o':
			c->outdir = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			if (ks_cli_vm_opt("vm", ch, optarg, &c->base))
				return -1;
		}
	}
	for (; optind < argc; optind++) {
		if (c->nplans == MAX_LIST) {
			fprintf(stderr, "kmemstorm vm: at most %d plans\n",
				MAX_LIST);
			return -1;
		}
		c->plans[c->nplans++] = argv[optind];
	}
	if (!c->nplans)
		c->plans[c->nplans++] = KS_DEFAULT_PLAN;
	if (!c->nappends)
		c->appends[c->nappends++] = "";
	return 0;
}

/* Every (kernel, command line, plan), named k<K>-a<A>-<plan> when many. */
static int add_guests(struct vm_cli *c, struct ks_session *s)
{
	int k, a, p, nk = c->nkernels ? c->nkernels : 1;

	for (k = 0; k < nk; k++)
		for (a = 0; a < c->nappends; a++)
			for (p = 0; p < c->nplans; p++)
				if (!ks_session_add(s, c->nkernels ?
						    c->kernels[k] : NULL,
						    c->appends[a],
						    c->plans[p]))
					return -1;
	return 0;
}

static void name_dirs(struct vm_cli *c, struct ks_session *s)
{
	int i, per_kernel = c->nappends * c->nplans;

	if (s->n == 1)
		return;
	for (i = 0; i < s->n; i++)
		snprintf(s->guest[i].dir, sizeof(s->guest[i].dir),
			 "%s/k%d-a%d-%s", s->dir, i / per_kernel,
			 i % per_kernel / c->nplans,
			 s->guest[i].plan_name);
}

int ks_cmd_vm(int argc, char **argv)
{
	static struct ks_session s;
	struct vm_cli c = { 0 };
	int code;

	ks_session_init(&s, "vm");
	c.base = s.base;
	c.jobs = s.jobs;
	if (parse_args(argc, argv, &c)) {
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	s.base = c.base;
	s.jobs = c.jobs;
	s.outdir = c.outdir;
	if (add_guests(&c, &s) || ks_session_prepare(&s))
		return KS_EXIT_USAGE;
	name_dirs(&c, &s);
	code = ks_session_run(&s);
	if (s.n > 1)
		printf("journals: %s/*/journal.jsonl\n", s.dir);
	return code;
}

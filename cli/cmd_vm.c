// SPDX-License-Identifier: GPL-2.0
/*
 * kmemstorm vm: run plans in QEMU guests, side by side with --jobs, one
 * guest per (kernel, command line, plan).  The default kernel is the one
 * scripts/build-kernel builds (and caches) from the project's fragment.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"
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

static int add_to(const char **list, int *n, const char *arg,
		  const char *cmd, const char *opt)
{
	if (*n == MAX_LIST) {
		fprintf(stderr, "kmemstorm %s: at most %d of --%s\n", cmd,
			MAX_LIST, opt);
		return -1;
	}
	list[(*n)++] = arg;
	return 0;
}

static int take_kernel(void *dst, const char *cmd, const char *arg)
{
	struct vm_cli *c = dst;

	return add_to(c->kernels, &c->nkernels, arg, cmd, "kernel");
}

static int take_append(void *dst, const char *cmd, const char *arg)
{
	struct vm_cli *c = dst;

	return add_to(c->appends, &c->nappends, arg, cmd, "append");
}

const struct ks_cli_opt ks_vm_cli_opts[] = {
	{ "kernel", 0, KS_ARG_CALL, 0, 0, 0, take_kernel, "BZIMAGE",
	  "kernel under test (default: scripts/build-kernel's);\n"
	  "may be given up to 16 times" },
	{ "append", 0, KS_ARG_CALL, 0, 0, 0, take_append, "ARGS",
	  "extra kernel command line, e.g. cgroup.memory=nokmem;\n"
	  "may be given up to 16 times" },
	{ "jobs", 'j', KS_ARG_INT, offsetof(struct vm_cli, jobs), 1, 64, NULL,
	  "J", "guests at once (default 1)" },
	{ "output", 'o', KS_ARG_STR, offsetof(struct vm_cli, outdir), 0, 0,
	  NULL, "DIR", "results (default ./kmemstorm-out/vm-TIME)" },
	KS_ARG_END,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm vm [--kernel BZIMAGE]... [--append ARGS]... [--memory SIZE]\n"
		"                    [--cpus N] [--timeout S] [--hang-timeout S] [--jobs J]\n"
		"                    [--qemu BINARY] [--accel auto|kvm|tcg] [-o DIR] [PLAN]...\n"
		"\n"
		"Boot each kernel in QEMU with each extra command line and run each PLAN\n"
		"(file or built-in name; default %s) inside, on cgroup v2.\n",
		KS_DEFAULT_PLAN);
	ks_cli_opts_help(f, ks_vm_cli_opts);
	ks_cli_opts_help(f, ks_qemu_cli_opts);
	ks_cli_opts_help(f, ks_cli_help_opts);
	fprintf(f,
		"Exit: as 'kmemstorm run'; a guest panic or hang counts as a failed scenario,\n"
		"a timeout or QEMU failure as a harness error.\n");
}

/* -1 on a bad option (said), 1 for --help (said), 0 to go on. */
static int parse_args(int argc, char **argv, struct vm_cli *c, int *code)
{
	const struct ks_cli_set sets[] = { { ks_vm_cli_opts, c, NULL },
					   { ks_qemu_cli_opts, &c->base, NULL },
					   { NULL, NULL, NULL } };
	int first = ks_cli_getopts("vm", sets, argc, argv, usage, code);

	if (first < 0)
		return -1;
	for (; first < argc; first++) {
		if (c->nplans == MAX_LIST) {
			fprintf(stderr, "kmemstorm vm: at most %d plans\n",
				MAX_LIST);
			*code = KS_EXIT_USAGE;
			return -1;
		}
		c->plans[c->nplans++] = argv[first];
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
	if (parse_args(argc, argv, &c, &code))
		return code;
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

// SPDX-License-Identifier: GPL-2.0
/* kmemstorm: stress and fault injection for memcg kmem accounting. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "failpoint.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", ks_cmd_run, "run a plan on this machine" },
	{ "vm", ks_cmd_vm, "run plans inside QEMU guests" },
	{ "classify", ks_cmd_classify, "name the kernel reports in saved logs" },
	{ "sweep", ks_cmd_sweep, "fail-nth sweeps of storms' operations" },
	{ "replay", ks_cmd_replay, "run one recorded fail-nth sweep step again" },
	{ "report", ks_cmd_report, "write reports of journals (text, JUnit, TAP, KCIDB, HTML)" },
	{ "compare", ks_cmd_compare, "what changed between two runs; exit 1 on a regression" },
	{ "gate", ks_cmd_gate, "run a plan under kernel configs and decide from the journals" },
	{ "list", ks_cmd_list, "list workloads, their options, and built-in plans" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: kmemstorm COMMAND [ARGS]\n"
		   "       kmemstorm --help | --version\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'kmemstorm COMMAND --help' describes a command; "
		   "see also kmemstorm(1), kmemstorm.plan(5).\n");
}

int main(int argc, char **argv)
{
	size_t i;

	/* fiu-run enables points before main; this makes fiu_fail() safe. */
	if (fiu_init(0))
		fprintf(stderr, "kmemstorm: libfiu failed to initialise\n");
	if (argc < 2) {
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("kmemstorm %s\n", PACKAGE_VERSION);
#ifdef FIU_ENABLE
		printf("built with libfiu failure points (docs/failure-points.md)\n");
#endif
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "kmemstorm: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return KS_EXIT_USAGE;
}

// SPDX-License-Identifier: GPL-2.0
/* kmemstorm: stress and fault injection for memcg kmem accounting. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "failpoint.h"

static void usage(FILE *f)
{
	const struct ks_command *c;

	fprintf(f, "usage: kmemstorm COMMAND [ARGS]\n"
		   "       kmemstorm --help | --version\n\ncommands:\n");
	for (c = ks_commands; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "\n'kmemstorm COMMAND --help' describes a command; "
		   "see also kmemstorm(1), kmemstorm.plan(5).\n");
}

int main(int argc, char **argv)
{
	const struct ks_command *c;

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
	for (c = ks_commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "kmemstorm: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return KS_EXIT_USAGE;
}

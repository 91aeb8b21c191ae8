// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "plan.h"
#include "run.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm run [-o DIR] [--progress|--no-progress] [--journal-tee FILE] [PLAN]\n"
		"\n"
		"Run PLAN (a plan file, or the name of a built-in plan; default: %s).\n"
		"  -o, --output DIR      write journal.jsonl and kmsg.log to DIR\n"
		"                        (default ./kmemstorm-out/PLAN-TIME)\n"
		"      --progress        live progress line even when not on a terminal\n"
		"      --no-progress     no live progress line\n"
		"      --journal-tee FILE  also write every journal record to FILE\n"
		"  -h, --help            this text\n"
		"\n"
		"Exit: 0 all passed, 1 some failed, 2 usage or harness error,\n"
		"4 everything skipped, 128+N ended by signal N.\n",
		KS_DEFAULT_PLAN);
}

int ks_cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "progress", no_argument, NULL, 'p' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "journal-tee", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ks_run_opts o = { .progress = -1 };
	int c;

	while ((c = getopt_long(argc, argv, "+o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.outdir = optarg;
			break;
		case 'p':
			o.progress = 1;
			break;
		case 'P':
			o.progress = 0;
			break;
		case 't':
			o.journal_tee = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return KS_EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "kmemstorm run: one plan at a time\n");
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	o.plan = optind < argc ? argv[optind] : NULL;
	return ks_run(&o);
}

// SPDX-License-Identifier: GPL-2.0
/* kmemstorm classify: the run loop's report classifier on saved logs. */
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "syz.h"
#include "cli.h"
#include "options.h"

struct classify_cli {
	int json;
	int all;
	int syzkaller;
	int rules;
};

#define CLS(f) offsetof(struct classify_cli, f)

const struct ks_cli_opt ks_classify_cli_opts[] = {
	{ "json", 0, KS_ARG_FLAG, CLS(json), 0, 0, NULL, NULL,
	  "the journal's kernel_report fields, one object per line" },
	{ "all", 0, KS_ARG_FLAG, CLS(all), 0, 0, NULL, NULL,
	  "also fault-injection context blocks of their own" },
	{ "syzkaller", 0, KS_ARG_FLAG, CLS(syzkaller), 0, 0, NULL, NULL,
	  "only the reports syzkaller finds, each as its title alone (with --json: their records)" },
	{ "rules", 0, KS_ARG_FLAG, CLS(rules), 0, 0, NULL, NULL,
	  "print the title rules (header, kind, title format), one a line, and exit" },
	KS_ARG_END,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm classify [--json] [--all] [--syzkaller] FILE...\n"
		"\n"
		"Classify the kernel reports in saved logs (dmesg, serial console,\n"
		"kmsg.log, console.log; '-' is standard input), one per line:\n"
		"SEVERITY KIND TITLE, with the guilty frame, and why a report is\n"
		"corrupted.\n");
	ks_cli_opts_help(f, ks_classify_cli_opts);
	ks_cli_opts_help(f, ks_cli_help_opts);
	fprintf(f,
		"Exit: 0 no bug-severity report, 1 some, 2 a file could not be read.\n");
}

static int syz_only;

static void print(const struct ks_kreport *r, int as_json, int *bugs)
{
	if (syz_only && !ks_kreport_syzkaller(r))
		return;
	if (ks_kreport_severity(r) == KS_SEV_BUG)
		(*bugs)++;
	if (as_json) {
		json_t *o = ks_kreport_json(r);
		char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(o);
		return;
	}
	if (syz_only) {
		printf("%s\n", r->title);
		return;
	}
	printf("%-7s %-16s %s", ks_severity_name(ks_kreport_severity(r)),
	       ks_kreport_kind(r), r->title);
	if (r->has_context)
		printf("  [after injected failure in %s]", r->context_site);
	if (r->corrupted)
		printf("  [corrupted: %s]", r->corrupt_why);
	printf("\n");
}

struct print_opts {
	int as_json;
	int *bugs;
};

static void found(const struct ks_kreport *r, void *arg)
{
	const struct print_opts *p = arg;

	print(r, p->as_json, p->bugs);
}

int ks_cmd_classify(int argc, char **argv)
{
	struct classify_cli o = { 0 };
	const struct ks_cli_set sets[] = { { ks_classify_cli_opts, &o, NULL },
					   { NULL, NULL, NULL } };
	int bugs = 0, i, failed = 0, code;
	struct print_opts p = { 0, &bugs };
	int first = ks_cli_getopts("classify", sets, argc, argv, usage, &code);

	if (first < 0)
		return code;
	if (o.rules) {
		size_t k, f;

		for (k = 0; k < ks_noopses; k++)
			for (f = 0; ks_oopses[k].fmts[f].title; f++)
				printf("%s\t%s\t%s\n", ks_oopses[k].header,
				       ks_oopses[k].fmts[f].kind,
				       ks_oopses[k].fmts[f].fmt);
		return 0;
	}
	if (first >= argc) {
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	syz_only = o.syzkaller;
	p.as_json = o.json;
	for (i = first; i < argc; i++) {
		FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;

		if (!f) {
			fprintf(stderr, "kmemstorm classify: %s: %s\n",
				argv[i], strerror(errno));
			failed = 1;
			continue;
		}
		if (ks_classify_log(f, o.all, found, &p)) {
			fprintf(stderr, "kmemstorm classify: out of memory\n");
			failed = 1;
		}
		if (f != stdin)
			fclose(f);
	}
	return failed ? 2 : bugs ? 1 : 0;
}

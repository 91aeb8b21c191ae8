// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "plan.h"
#include "workload.h"

static const char *type_name(enum ks_opt_type t)
{
	static const char *const names[] = { "int", "size", "bool", "string" };

	return t <= KS_OPT_STRING ? names[t] : "?";
}

/* " op=ENOSPC,EDQUOT": one word per operation. */
static void print_allow(const char *op, const char *allow)
{
	const char *p;

	printf(" %s=", op);
	if (!allow || !*allow)
		putchar('-');
	for (p = allow; p && *p; p++)
		putchar(*p == ' ' ? ',' : *p);
}

int ks_cmd_list(int argc, char **argv)
{
	const struct ks_builtin_plan *b;
	int i, k;

	if (argc > 1) {
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			printf("usage: kmemstorm list\n");
			return 0;
		}
		fprintf(stderr, "usage: kmemstorm list\n");
		return KS_EXIT_USAGE;
	}
	printf("workloads:\n");
	for (i = 0; ks_workloads[i]; i++) {
		const struct ks_workload *wl = ks_workloads[i];

		printf("  %-10s %s\n", wl->name, wl->summary);
		printf("             operations:");
		for (k = 0; k < KS_MAX_OPS && wl->ops[k]; k++)
			printf(" %s", wl->ops[k]);
		printf("\n             errnos allowed under pressure besides ENOMEM:");
		for (k = 0; k < KS_MAX_OPS && wl->ops[k]; k++)
			print_allow(wl->ops[k], wl->allow[k]);
		printf("\n");
		for (k = 0; wl->opts && wl->opts[k].name; k++)
			printf("             %s.%s (%s, default %s): %s\n",
			       wl->name, wl->opts[k].name,
			       type_name(wl->opts[k].type),
			       wl->opts[k].def && *wl->opts[k].def ?
			       wl->opts[k].def : "none", wl->opts[k].help);
	}
	printf("\nbuilt-in plans:\n");
	for (b = ks_builtin_plans; b->name; b++) {
		struct ks_plan_errors errs;
		struct ks_plan plan;

		if (ks_plan_parse(b->text, b->name, &plan, &errs)) {
			printf("  %-10s (invalid!)\n", b->name);
			continue;
		}
		printf("  %-10s %d scenarios: %s%s\n", b->name,
		       plan.nscenarios, plan.description,
		       strcmp(b->name, KS_DEFAULT_PLAN) ? "" : " (default)");
		ks_plan_free(&plan);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "options.h"
#include "injector.h"
#include "plan.h"
#include "workload.h"

static const char *type_name(enum ks_opt_type t)
{
	static const char *const names[] = { "int", "size", "bool", "string" };

	return t <= KS_OPT_STRING ? names[t] : "?";
}

static void print_opts(const char *owner, const struct ks_opt_desc *opts)
{
	int k;

	for (k = 0; opts && opts[k].name; k++)
		printf("             %s.%s (%s, default %s): %s\n", owner,
		       opts[k].name, type_name(opts[k].type),
		       opts[k].def && *opts[k].def ? opts[k].def : "none",
		       opts[k].help);
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

/*
 * --names: every plan key, workload option and injector option, one per
 * line ("key NAME", "workload NAME OPTION", "injector NAME OPTION"), for
 * the check that kmemstorm.plan(5) documents exactly these; and every
 * command's options ("option COMMAND NAME") for kmemstorm(1)'s.
 */
static void print_names(void)
{
	const struct ks_plan_key *pk;
	const struct ks_command *c;
	const struct ks_cli_opt *o;
	int i, k;

	for (c = ks_commands; c->name; c++)
		for (k = 0; c->opts[k]; k++)
			for (o = c->opts[k]; o->name; o++)
				printf("option %s %s\n", c->name, o->name);

	for (pk = ks_plan_keys; pk->key; pk++)
		printf("key %s\n", pk->key);
	for (i = 0; ks_workloads[i]; i++)
		for (k = 0; ks_workloads[i]->opts &&
			    ks_workloads[i]->opts[k].name; k++)
			printf("workload %s %s\n", ks_workloads[i]->name,
			       ks_workloads[i]->opts[k].name);
	for (i = 0; ks_injectors[i]; i++)
		for (k = 0; ks_injectors[i]->opts &&
			    ks_injectors[i]->opts[k].name; k++)
			printf("injector %s %s\n", ks_injectors[i]->name,
			       ks_injectors[i]->opts[k].name);
}

static void print_keys(void)
{
	const struct ks_plan_key *pk;

	printf("\nscenario keys ([defaults] and [scenario NAME]):\n");
	for (pk = ks_plan_keys; pk->key; pk++)
		printf("  %s%s = %s\n             %s\n", pk->key,
		       pk->apply_rest ? "WORKLOAD.OP" : "", pk->value,
		       pk->help);
	printf("  WORKLOAD.OPTION, INJECTOR.OPTION = value\n"
	       "             the options listed above\n");
}

int ks_cmd_list(int argc, char **argv)
{
	const struct ks_builtin_plan *b;
	int i, k;

	if (argc > 1) {
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			printf("usage: kmemstorm list [--names]\n");
			return 0;
		}
		if (argc == 2 && !strcmp(argv[1], "--names")) {
			print_names();
			return 0;
		}
		fprintf(stderr, "usage: kmemstorm list [--names]\n");
		return KS_EXIT_USAGE;
	}
	printf("workloads:\n");
	for (i = 0; ks_workloads[i]; i++) {
		const struct ks_workload *wl = ks_workloads[i];

		printf("  %-10s %s%s\n", wl->name, wl->summary,
		       wl->step ? " [sweeps]" : "");
		printf("             operations:");
		for (k = 0; k < KS_MAX_OPS && wl->ops[k]; k++)
			printf(" %s", wl->ops[k]);
		printf("\n             errnos allowed under pressure besides ENOMEM:");
		for (k = 0; k < KS_MAX_OPS && wl->ops[k]; k++)
			print_allow(wl->ops[k], wl->allow[k]);
		printf("\n");
		for (k = 0; k < KS_MAX_OPS && wl->ops[k] && !wl->known[k]; k++)
			;
		if (k < KS_MAX_OPS && wl->ops[k]) {
			printf("             known conversions, allowed under injection:");
			for (k = 0; k < KS_MAX_OPS && wl->ops[k]; k++)
				if (wl->known[k])
					print_allow(wl->ops[k], wl->known[k]);
			printf("\n");
		}
		print_opts(wl->name, wl->opts);
	}
	printf("\ninjectors (inject = NAME[, NAME...]):\n");
	for (i = 0; ks_injectors[i]; i++) {
		const struct ks_injector *inj = ks_injectors[i];

		printf("  %-16s %s%s\n", inj->name, inj->summary,
		       inj->kernel ? " [disposable kernels only]" : "");
		print_opts(inj->name, inj->opts);
	}
	print_keys();
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

/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands; each returns the process exit code. */
#ifndef KS_CLI_H
#define KS_CLI_H

#define KS_EXIT_USAGE 2

int ks_cmd_run(int argc, char **argv);
int ks_cmd_list(int argc, char **argv);
int ks_cmd_vm(int argc, char **argv);
int ks_cmd_classify(int argc, char **argv);
int ks_cmd_replay(int argc, char **argv);
int ks_cmd_reproduce(int argc, char **argv);
int ks_cmd_sweep(int argc, char **argv);
int ks_cmd_report(int argc, char **argv);
int ks_cmd_compare(int argc, char **argv);
int ks_cmd_gate(int argc, char **argv);

#include "options.h"

/* Each command's option tables (options.h), in its cmd_*.c. */
extern const struct ks_cli_opt ks_run_cli_opts[], ks_vm_cli_opts[],
	ks_classify_cli_opts[], ks_sweep_cli_opts[], ks_replay_cli_opts[],
	ks_reproduce_cli_opts[],
	ks_report_cli_opts[], ks_compare_cli_opts[], ks_gate_cli_opts[];

/* The commands, their summaries and every option table each one reads. */
struct ks_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const struct ks_cli_opt *opts[5];	/* NULL-terminated */
};
extern const struct ks_command ks_commands[];	/* name NULL at the end */
/*
 * The guest options of vm, gate, sweep --vm and replay --vm, as option
 * tables (options.h) into a struct ks_vm_opts.
 */
extern const struct ks_cli_opt ks_qemu_cli_opts[];
/* compare's and gate's --noise and --overshoot-tolerance. */
extern const struct ks_cli_opt ks_decide_cli_opts[];
/* sweep's and replay's --vm: one guest, its kernel, command line, options. */
struct ks_vm_opts;
struct ks_cli_guest {
	int vm;			/* --vm given */
	int opts;		/* guest options given, --vm among them */
	const char *kernel;	/* NULL: the default kernel */
	const char *append;
	struct ks_vm_opts *o;	/* where ks_qemu_cli_opts put the rest */
};
extern const struct ks_cli_opt ks_guest_cli_opts[];
/* Fill sets[0] and sets[1] with the --vm and the guest options of g. */
void ks_cli_guest_sets(struct ks_cli_guest *g, struct ks_cli_set *sets);
/* After the options: guest options need --vm; a bad --accel is refused. */
int ks_cli_guest_check(const struct ks_cli_guest *g, const char *cmd);
/* Run a plan file here, or with g->vm in one guest, as 'kmemstorm vm'. */
int ks_run_plan_file(const char *plan, const char *out,
		     const struct ks_cli_guest *g);

#endif

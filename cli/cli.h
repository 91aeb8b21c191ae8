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
int ks_cmd_sweep(int argc, char **argv);
int ks_cmd_report(int argc, char **argv);
int ks_cmd_compare(int argc, char **argv);
int ks_cmd_gate(int argc, char **argv);
/*
 * The guest options of vm, gate, sweep --vm and replay --vm: getopt_long
 * entries (KS_VM_LONGOPTS) and their parser.  ks_cli_vm_opt(): 0 taken
 * into *o, -1 bad (said on stderr, naming cmd), 1 not one of them.
 */
enum {
	KS_VM_OPT_MEMORY = 0x100, KS_VM_OPT_CPUS, KS_VM_OPT_TIMEOUT,
	KS_VM_OPT_HANG, KS_VM_OPT_QEMU, KS_VM_OPT_ACCEL,
};
#define KS_VM_LONGOPTS \
	{ "memory", required_argument, NULL, KS_VM_OPT_MEMORY }, \
	{ "cpus", required_argument, NULL, KS_VM_OPT_CPUS }, \
	{ "timeout", required_argument, NULL, KS_VM_OPT_TIMEOUT }, \
	{ "hang-timeout", required_argument, NULL, KS_VM_OPT_HANG }, \
	{ "qemu", required_argument, NULL, KS_VM_OPT_QEMU }, \
	{ "accel", required_argument, NULL, KS_VM_OPT_ACCEL }
struct ks_vm_opts;
int ks_cli_vm_opt(const char *cmd, int ch, const char *arg,
		  struct ks_vm_opts *o);
/* sweep's and replay's --vm: one guest, its kernel, command line, options. */
struct ks_cli_guest {
	int vm;			/* --vm given */
	int opts;		/* some guest option given */
	const char *kernel;	/* NULL: the default kernel */
	const char *append;
	struct ks_vm_opts *o;	/* where ks_cli_vm_opt() puts the rest */
};
/*
 * ch from getopt_long: 'v' (--vm), 'k' (--kernel), 'a' (--append) or a
 * KS_VM_OPT_*.  0 taken, -1 bad or not one of them (said on stderr).
 */
int ks_cli_guest_opt(struct ks_cli_guest *g, const char *cmd, int ch,
		     const char *arg);
/* After the options: guest options need --vm; a bad --accel is refused. */
int ks_cli_guest_check(const struct ks_cli_guest *g, const char *cmd);
#define KS_GUEST_LONGOPTS \
	{ "vm", no_argument, NULL, 'v' }, \
	{ "kernel", required_argument, NULL, 'k' }, \
	{ "append", required_argument, NULL, 'a' }, \
	KS_VM_LONGOPTS
/* Run a plan file here, or with g->vm in one guest, as 'kmemstorm vm'. */
int ks_run_plan_file(const char *plan, const char *out,
		     const struct ks_cli_guest *g);

#endif

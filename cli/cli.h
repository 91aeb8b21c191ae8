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
/* Where scripts/ is: $KS_SCRIPTS, next to the binary, or installed. */
const char *ks_scripts_dir(void);
/* Run a shell command; 0 and its last line of stdout in out if it worked. */
int ks_run_script(const char *cmd, char *out, size_t len);
/* Run a plan file here, or in a guest as 'kmemstorm vm' with vm_args. */
int ks_run_plan_file(const char *plan, const char *out, int vm,
		     char **vm_args, int nvm);

#endif

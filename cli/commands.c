// SPDX-License-Identifier: GPL-2.0
/*
 * The command table: main() dispatches by it, its usage lists it, and
 * 'kmemstorm list --names' prints every command's options from it for
 * scripts/check-man-cmd.
 */
#include <stddef.h>

#include "cli.h"
#include "options.h"

const struct ks_command ks_commands[] = {
	{ "run", ks_cmd_run, "run a plan on this machine",
	  { ks_run_cli_opts, NULL } },
	{ "vm", ks_cmd_vm, "run plans inside QEMU guests",
	  { ks_vm_cli_opts, ks_qemu_cli_opts, NULL } },
	{ "classify", ks_cmd_classify, "name the kernel reports in saved logs",
	  { ks_classify_cli_opts, NULL } },
	{ "sweep", ks_cmd_sweep, "fail-nth sweeps of storms' operations",
	  { ks_sweep_cli_opts, ks_guest_cli_opts, ks_qemu_cli_opts, NULL } },
	{ "replay", ks_cmd_replay, "run one recorded fail-nth sweep step again",
	  { ks_replay_cli_opts, ks_guest_cli_opts, ks_qemu_cli_opts, NULL } },
	{ "reproduce", ks_cmd_reproduce,
	  "rerun a journaled crash until it recurs; minimise it; emit C",
	  { ks_reproduce_cli_opts, ks_guest_cli_opts, ks_qemu_cli_opts,
	    NULL } },
	{ "report", ks_cmd_report,
	  "write reports of journals (text, JUnit, TAP, KCIDB, HTML)",
	  { ks_report_cli_opts, NULL } },
	{ "compare", ks_cmd_compare,
	  "what changed between two runs; exit 1 on a regression",
	  { ks_decide_cli_opts, ks_compare_cli_opts, NULL } },
	{ "gate", ks_cmd_gate,
	  "run a plan under kernel configs and decide from the journals",
	  { ks_gate_cli_opts, ks_decide_cli_opts, ks_qemu_cli_opts, NULL } },
	{ "list", ks_cmd_list,
	  "list workloads, their options, and built-in plans", { NULL } },
	{ NULL, NULL, NULL, { NULL } },
};

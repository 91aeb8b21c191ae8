// SPDX-License-Identifier: GPL-2.0
/* The guest options every command that boots guests takes (cli.h). */
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "options.h"
#include "units.h"
#include "vm.h"

/* The guest's memory is in MiB, asked for as a size. */
static int take_memory(void *dst, const char *cmd, const char *arg)
{
	struct ks_vm_opts *o = dst;
	char err[128];
	int64_t mem;

	if (ks_parse_size(arg, &mem, err, sizeof(err))) {
		fprintf(stderr, "kmemstorm %s: --memory %s: %s\n", cmd, arg, err);
		return -1;
	}
	if (mem < (64 << 20) || mem > (64LL << 30)) {
		fprintf(stderr, "kmemstorm %s: --memory %s: must be 64M to 64G\n",
			cmd, arg);
		return -1;
	}
	o->memory_mb = (int)(mem >> 20);
	return 0;
}

#define VM(f) offsetof(struct ks_vm_opts, f)

/* --accel is checked by ks_session_prepare(), before anything is made. */
const struct ks_cli_opt ks_qemu_cli_opts[] = {
	{ "memory", 0, KS_ARG_CALL, 0, 0, 0, take_memory, "SIZE",
	  "guest memory (default 1G)" },
	{ "cpus", 0, KS_ARG_INT, VM(cpus), 1, 64, NULL, "N",
	  "guest CPUs (default 2)" },
	{ "timeout", 0, KS_ARG_INT, VM(timeout_s), 1, 86400, NULL, "S",
	  "whole run, seconds (default 1800)" },
	{ "hang-timeout", 0, KS_ARG_INT, VM(hang_s), 1, 86400, NULL, "S",
	  "no journal progress for S seconds is a hang\n(default 120)" },
	{ "restarts", 0, KS_ARG_INT, VM(max_restarts), 0, 64, NULL, "N",
	  "after a guest panics, hangs or dies in a scenario, boot\n"
	  "a fresh one that resumes the plan at the next scenario,\n"
	  "at most N times (default 8; 0: the night ends there)" },
	{ "qemu", 0, KS_ARG_STR, VM(qemu), 0, 0, NULL, "BINARY",
	  "QEMU to run (default qemu-system-x86_64)" },
	{ "accel", 0, KS_ARG_STR, VM(accel), 0, 0, NULL, "A",
	  "auto (default; $KMEMSTORM_ACCEL): KVM when\n"
	  "/dev/kvm works, and a guest QEMU cannot run under\n"
	  "KVM boots again under TCG; kvm or tcg: only that one" },
	KS_ARG_END,
};

#define GUEST(f) offsetof(struct ks_cli_guest, f)

const struct ks_cli_opt ks_guest_cli_opts[] = {
	{ "vm", 0, KS_ARG_FLAG, GUEST(vm), 0, 0, NULL, NULL,
	  "in a fresh QEMU guest, as 'kmemstorm vm'" },
	{ "kernel", 0, KS_ARG_STR, GUEST(kernel), 0, 0, NULL, "BZIMAGE",
	  "with --vm: kernel under test\n(default: scripts/build-kernel's)" },
	{ "append", 0, KS_ARG_STR, GUEST(append), 0, 0, NULL, "ARGS",
	  "with --vm: extra kernel command line" },
	KS_ARG_END,
};

void ks_cli_guest_sets(struct ks_cli_guest *g, struct ks_cli_set *sets)
{
	sets[0] = (struct ks_cli_set){ ks_guest_cli_opts, g, &g->opts };
	sets[1] = (struct ks_cli_set){ ks_qemu_cli_opts, g->o, &g->opts };
}

int ks_cli_guest_check(const struct ks_cli_guest *g, const char *cmd)
{
	/* --vm itself is counted in opts too: only the others need it. */
	if (g->opts && !g->vm) {
		fprintf(stderr, "kmemstorm %s: guest options need --vm\n", cmd);
		return -1;
	}
	/* Refused now, before anything is written. */
	if (g->vm && !ks_vm_accel_pick(cmd, g->o->accel))
		return -1;
	return 0;
}

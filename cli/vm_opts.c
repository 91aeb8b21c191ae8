// SPDX-License-Identifier: GPL-2.0
/* The guest options every command that boots guests takes (cli.h). */
#include <stdio.h>

#include "cli.h"
#include "units.h"
#include "vm.h"

static int parse_num(const char *cmd, const char *opt, const char *v,
		     int min, int max, int *out)
{
	char err[128];
	int64_t n;

	if (ks_parse_int(v, min, max, &n, err, sizeof(err))) {
		fprintf(stderr, "kmemstorm %s: %s: %s\n", cmd, opt, err);
		return -1;
	}
	*out = (int)n;
	return 0;
}

int ks_cli_vm_opt(const char *cmd, int ch, const char *arg,
		  struct ks_vm_opts *o)
{
	char err[128];
	int64_t mem;

	switch (ch) {
	case KS_VM_OPT_MEMORY:
		if (ks_parse_size(arg, &mem, err, sizeof(err))) {
			fprintf(stderr, "kmemstorm %s: --memory: %s\n", cmd,
				err);
			return -1;
		}
		if (mem < (64 << 20) || mem > (64LL << 30)) {
			fprintf(stderr, "kmemstorm %s: --memory: must be 64M to 64G\n",
				cmd);
			return -1;
		}
		o->memory_mb = (int)(mem >> 20);
		return 0;
	case KS_VM_OPT_CPUS:
		return parse_num(cmd, "--cpus", arg, 1, 64, &o->cpus);
	case KS_VM_OPT_TIMEOUT:
		return parse_num(cmd, "--timeout", arg, 1, 86400,
				 &o->timeout_s);
	case KS_VM_OPT_HANG:
		return parse_num(cmd, "--hang-timeout", arg, 1, 86400,
				 &o->hang_s);
	case KS_VM_OPT_QEMU:
		o->qemu = arg;
		return 0;
	case KS_VM_OPT_ACCEL:
		/* Checked by ks_session_prepare(), before anything is made. */
		o->accel = arg;
		return 0;
	default:
		return 1;
	}
}

int ks_cli_guest_opt(struct ks_cli_guest *g, const char *cmd, int ch,
		     const char *arg)
{
	switch (ch) {
	case 'v':
		g->vm = 1;
		return 0;
	case 'k':
		g->kernel = arg;
		break;
	case 'a':
		g->append = arg;
		break;
	default:
		if (ks_cli_vm_opt(cmd, ch, arg, g->o))
			return -1;
	}
	g->opts = 1;
	return 0;
}

int ks_cli_guest_check(const struct ks_cli_guest *g, const char *cmd)
{
	if (g->opts && !g->vm) {
		fprintf(stderr, "kmemstorm %s: guest options need --vm\n", cmd);
		return -1;
	}
	/* Refused now, before anything is written. */
	if (g->vm && !ks_vm_accel_pick(cmd, g->o->accel))
		return -1;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One QEMU guest running one plan: the host side of `kmemstorm vm`.  The
 * guest's journal arrives on a virtio-serial port and is written to disk
 * as it arrives; the console is saved whole and scanned with the same
 * kernel-report scan the in-guest monitor uses.  However the guest ends
 * (finished, panic, hang, timeout, QEMU failure), QEMU is killed and the
 * outcome is the last journal record.
 */
#ifndef KS_VM_H
#define KS_VM_H

#include <limits.h>
#include <stdint.h>

enum ks_vm_outcome {
	KS_VM_FINISHED,		/* the guest harness ran to its end */
	KS_VM_PANIC,		/* kernel panic (the guest rebooted) */
	KS_VM_HANG,		/* no progress for hang_s */
	KS_VM_TIMEOUT,		/* the whole run took longer than timeout_s */
	KS_VM_QEMU_FAILURE,	/* QEMU failed, or the guest died unexplained */
	KS_VM_INTERRUPTED,	/* SIGINT/SIGTERM on the host */
};

struct ks_vm_opts {
	const char *qemu;	/* binary, default qemu-system-x86_64 */
	const char *accel;	/* auto (default), kvm or tcg */
	const char *kernel;	/* bzImage */
	const char *initrd;	/* initramfs from scripts/mkinitramfs */
	const char *append;	/* extra kernel command line */
	const char *plan;	/* name the guest runs: a /ks/plans file or built-in */
	const char *outdir;	/* journal.jsonl, console.log */
	int memory_mb;
	int scratch_mb;		/* sparse btrfs scratch disk for the workdir */
	int cpus;
	int timeout_s;		/* whole run */
	int hang_s;		/* no journal progress (console before it) */
	int quiet;		/* no progress lines on stderr */
	/*
	 * After a guest panics, hangs or dies in a scenario, a fresh one
	 * resumes the plan at the next scenario, up to max_restarts times;
	 * the journal and console.log go on in the same files.
	 */
	int max_restarts;
	int start_at;		/* 1-based first scenario; 0/1 all (set by the runner) */
	int guest;		/* 1-based guest of the run (set by the runner) */
	const char *resume_why;	/* why this guest was booted (guest > 1) */
	struct json_t *ends_out; /* every guest's scenario_end; summary at the end */
};

struct ks_vm_result {
	enum ks_vm_outcome outcome;
	int guest_exit;		/* -1 when the guest never said */
	int exit_code;		/* for the process: see kmemstorm(1) */
	int npass, nfail, nskip, nerror;
	int nscenarios;		/* in the plan, from run_start */
	int resume_at;		/* 1-based scenario a new guest would begin at; 0 none */
	char stopped_in[64];	/* the scenario the guest stopped in */
	int restarts;		/* guests booted again after a crash */
};

#define KS_VM_MAX_RESTARTS 8	/* --restarts default */

int ks_vm_run(const struct ks_vm_opts *o, struct ks_vm_result *res);
/* 0 when name is auto, kvm or tcg. */
int ks_vm_accel_valid(const char *name);
/*
 * The accelerator a command asks for: arg (its --accel, may be NULL),
 * else $KMEMSTORM_ACCEL, else auto.  NULL, with the error on stderr
 * naming cmd and the knob, when it is none of those.
 */
const char *ks_vm_accel_pick(const char *cmd, const char *arg);
const char *ks_vm_outcome_name(enum ks_vm_outcome o);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest sessions: the one way a command boots guests ('kmemstorm vm',
 * gate, sweep --vm, replay --vm, reproduce, and scripts/nightly through
 * gate).
 *
 *   ks_session_init()     defaults (QEMU, memory, CPUs, timeouts)
 *   ks_session_add()      a guest: kernel, extra command line, plan
 *   ks_session_prepare()  plans and kernels checked, the default kernel
 *                         built once, the output directory made
 *   ks_session_run()      one initramfs carrying every plan file, then
 *                         the guests, at most jobs at a time
 *
 * Exit codes are those of 'kmemstorm vm' (kmemstorm(1)), the worst one
 * of the session's guests; 128+N when signal N ended it.
 */
#ifndef KS_SESSION_H
#define KS_SESSION_H

#include <limits.h>

#include "vm.h"

#define KS_SESSION_MAX	48	/* guests in one session */

struct ks_guest {
	const char *kernel;	/* NULL: the default kernel */
	const char *append;	/* extra kernel command line, "" for none */
	const char *plan;	/* plan file or built-in name, as given */
	const char *label;	/* for messages; default: the plan's */
	char dir[PATH_MAX];	/* its output; default set by prepare() */
	char log[PATH_MAX];	/* non-empty: its messages go there */
	char plan_name[PATH_MAX];	/* what the guest runs (/ks/plans) */
	int debug_kernel;	/* the plan's [plan] kernel = debug */
	int exit_code;		/* after ks_session_run(); -1 not run */
};

struct ks_session {
	const char *cmd;	/* "vm", "gate": messages, default dir */
	struct ks_vm_opts base;	/* qemu, accel, memory, cpus, timeouts */
	int jobs;		/* guests at once */
	const char *outdir;	/* NULL: kmemstorm-out/CMD-STAMP */
	char dir[PATH_MAX];	/* the output directory, once made */
	char kernel[PATH_MAX];	/* the default kernel, once built */
	char kernel_debug[PATH_MAX];	/* its debug flavour, when a plan asks */
	char initrd[PATH_MAX];
	int n;
	struct ks_guest guest[KS_SESSION_MAX];
};

void ks_session_init(struct ks_session *s, const char *cmd);
/* NULL (said on stderr) when the session is full. */
struct ks_guest *ks_session_add(struct ks_session *s, const char *kernel,
				const char *append, const char *plan);
/*
 * Check every plan and kernel, build the default kernel if a guest needs
 * it, make the output directory, and give every guest without a
 * directory one (the session's own for a single guest, else DIR/gN).
 * 0, or -1 after saying why on stderr: nothing has booted.
 */
int ks_session_prepare(struct ks_session *s);
/* Build the initramfs and run every guest: the worst exit code. */
int ks_session_run(struct ks_session *s);

/* Where scripts/ is: $KS_SCRIPTS, next to the binary, or installed. */
const char *ks_scripts_dir(void);

#endif

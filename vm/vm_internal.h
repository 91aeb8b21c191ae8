/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by vm.c (QEMU and the poll loop), vm_console.c, vm_journal.c. */
#ifndef KS_VM_INTERNAL_H
#define KS_VM_INTERNAL_H

#include <jansson.h>
#include <stdio.h>
#include <sys/types.h>

#include "journal.h"
#include "classify.h"
#include "plan.h"
#include "vm.h"

#define KS_VM_TAIL 60		/* console lines kept for the last record */
#define KS_VM_FIRST_LINE_S 30	/* KVM guest silent this long: KVM failed */
/*
 * A kernel bug printed in the running scenario and then no journal for
 * this long: the guest is stuck behind it (a dying worker holding a
 * lock), not slow; the hang timeout is for silent hangs.  Long enough for
 * the quiet steps of a scenario's end that survived its bug (the leak
 * check's 10 s, a kmemleak scan on the debug flavour under TCG).
 */
#define KS_VM_CRASH_QUIET_S 45
/* The longest guest record taken (a run_start holds its plan's text). */
#define KS_VM_RECORD_MAX (4 << 20)
/* How much of a garbled line its journal_garbled record keeps. */
#define KS_VM_GARBLED_KEEP 4096
#define KS_STR_(x) #x
#define KS_STR(x) KS_STR_(x)

struct ks_vm {
	const struct ks_vm_opts *o;
	int64_t t0_ns;
	int64_t last_progress_ns;

	/* console */
	FILE *con_log;
	char con_line[2048];
	size_t con_len;
	char tail[KS_VM_TAIL][256];
	int tail_n;
	char con_scenario[KS_NAME_MAX];	/* from the guest's kmsg markers */
	char rep_scenario[KS_NAME_MAX];	/* running when the open report began */
	struct ks_classifier cls;	/* the same one as in the guest */
	struct ks_kreport done;		/* scratch for finished reports */
	json_t *con_reports;		/* reports seen on the console */
	int guest_started;
	int guest_exit;
	char guest_sha[72];
	long long guest_bytes;
	int panic;
	char panic_title[256];
	int64_t bug_ns;			/* a bug report in the running scenario */
	char bug_title[256];
	int stuck_after_bug;		/* ended by KS_VM_CRASH_QUIET_S */

	/* journal channel */
	int listen_fd;
	int jfd;
	struct ks_journal journal;
	/*
	 * The guest's line being received: written to the host journal
	 * when its newline arrives if it is a record, else replaced by a
	 * journal_garbled record, so the journal always loads.
	 */
	char *jline;
	size_t jline_len, jline_cap;
	size_t jline_over;		/* bytes beyond KS_VM_RECORD_MAX */
	int garbled;			/* journal_garbled records written */
	long long jbytes;
	char running[KS_NAME_MAX];	/* scenario_start without its end */
	char running_wl[KS_NAME_MAX];	/* and its workload */
	int running_index;		/* its 1-based index; 0 none */
	int last_index;			/* of the last scenario started */
	int nscenarios;			/* in the plan (run_start) */
	json_t *ran;			/* names of the scenarios started */
	long long joff;			/* journal size when this guest began */
	json_t *ends;			/* scenario_end records */
	json_t *titles;			/* kernel_report titles from the guest */
	int run_end;

	/* QEMU */
	pid_t qemu;
	int con_fd, err_fd;
	int scratch_fd;			/* the guest's scratch disk, unlinked */
	char qemu_err[2048];
	size_t qemu_err_len;
	int qemu_status;		/* waitpid status, -1 while running */
	const char *accel;		/* the one accelerator QEMU was given */
	long long con_bytes;		/* console bytes from the guest */
	int first_line_s;		/* 0, or KS_VM_FIRST_LINE_S under KVM */
	char fallback[512];		/* why KVM was given up, or "" */
};

/*
 * One boot of the guest under accel (kvm or tcg); fallback is recorded as
 * vm_end.accel_fallback.  When QEMU was gone or silent before the guest's
 * first console line, why goes into early; with retry set, such a boot
 * prints no summary (it is about to be booted again).
 */
int ks_vm_boot(const struct ks_vm_opts *o, const char *accel,
	       const char *fallback, int retry, struct ks_vm_result *res,
	       char *early, size_t earlylen);

void ks_vm_console_feed(struct ks_vm *vm, const char *buf, size_t len);
void ks_vm_console_flush(struct ks_vm *vm);
json_t *ks_vm_console_tail(const struct ks_vm *vm);

void ks_vm_journal_feed(struct ks_vm *vm, const char *buf, size_t len);
/* A bug-severity report of the running scenario was seen (title). */
void ks_vm_bug_seen(struct ks_vm *vm, const char *title);
/* Host records after the guest is gone; fills res. */
void ks_vm_journal_finish(struct ks_vm *vm, struct ks_vm_result *res,
			  json_t *vm_info);

#endif

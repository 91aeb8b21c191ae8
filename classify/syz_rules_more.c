// SPDX-License-Identifier: GPL-2.0
/*
 * The rest of syzkaller's Linux report formats (see syz_rules.c), the
 * header table in the order syzkaller looks for headers, and the rules
 * about stack traces every format shares.
 */
#include "syz_rules.h"

static const char *const none[] = { NULL };

static const struct ks_syzfmt arm_fault_fmts[] = {
	{ "page_fault", "Unable to handle kernel (paging request|NULL pointer "
	  "dereference|access to user memory)", NULL,
	  "BUG: unable to handle kernel %[1]v in %[2]v",
	  { "bad-access in %[2]v" }, RIP_STACK },
	{ NULL },
};

static const struct ks_syzfmt gpf_fmts[] = {
	{ "gpf", "general protection fault.*:", NULL,
	  "general protection fault in %[1]v", { "bad-access in %[1]v" },
	  RIP_STACK },
	{ NULL },
};

/* A user-space fault report ("traps: ... general protection fault ip:"). */
static const char *const gpf_suppress[] = {
	"general protection fault .* error:\\d+ in ", NULL,
};

static const struct ks_syzfmt stack_segment_fmts[] = {
	{ "gpf", "stack segment: ", NULL, "stack segment fault in %[1]v",
	  { NULL }, RIP_STACK },
	{ NULL },
};

static const struct ks_syzfmt panic_fmts[] = {
	/* The corrupted stack may leave no symbol and no trace. */
	{ "stack_protector", "Kernel panic - not syncing: stack-protector:",
	  "Kernel panic - not syncing: stack-protector: Kernel stack is "
	  "corrupted in: {{FUNC}}", "kernel panic: stack is corrupted in %[1]v",
	  .no_stack = 1 },
	{ "stack_protector", "Kernel panic - not syncing: stack-protector:",
	  "Kernel panic - not syncing: stack-protector: Kernel stack is "
	  "corrupted in: [a-f0-9]+", "kernel panic: stack is corrupted in %[1]v",
	  { NULL }, TRACE_STACK("stack_chk") },
	{ "stack_corruption", "Kernel panic - not syncing: corrupted stack end",
	  "Kernel panic - not syncing: corrupted stack end detected inside "
	  "scheduler", "kernel panic: corrupted stack end in %[1]v",
	  { "stack-overflow in %[1]v" },
	  STACK({ TRACE, P }, .skip = { "schedule", "retint_kernel" },
		.extractor = KS_X_STALL) },
	{ "stack_guard", "Kernel panic - not syncing: kernel stack overflow",
	  NULL, "kernel stack overflow in %[1]v", { "stack-overflow in %[1]v" },
	  STACK({ TRACE, P }, .skip = { "bad_stack" },
		.extractor = KS_X_STALL) },
	{ "panic", "Kernel panic - not syncing: Attempted to kill init!", NULL,
	  "kernel panic: Attempted to kill init!" },
	{ "panic", "Kernel panic - not syncing: Couldn't open N_TTY ldisc for "
	  "[^ ]+ --- error -[0-9]+", NULL,
	  "kernel panic: Couldn't open N_TTY ldisc" },
	/*
	 * Panics that follow a report (BUG, WARNING with panic_on_warn, a
	 * hung task): alone, the report before them was lost.
	 */
	{ "panic", "Kernel panic - not syncing: Fatal exception", NULL,
	  "kernel panic: Fatal exception", .corrupted = 1 },
	{ "panic", "Kernel panic - not syncing: panic_on_warn set", NULL,
	  "kernel panic: panic_on_warn set", .corrupted = 1 },
	{ "panic", "Kernel panic - not syncing: hung_task: blocked tasks", NULL,
	  "kernel panic: hung_task: blocked tasks", .corrupted = 1 },
	{ "panic", "Kernel panic - not syncing: (.*)", NULL, "kernel panic: %[1]v" },
	{ NULL },
};

static const struct ks_syzfmt double_fault_fmts[] = {
	{ "double_fault", "PANIC: double fault", NULL,
	  "PANIC: double fault in %[1]v", { NULL }, STACK({ RIP }) },
	{ NULL },
};

static const struct ks_syzfmt rust_fmts[] = {
	{ "rust_panic", "rust_kernel: panicked",
	  "rust_kernel: panicked at [^\\n]*?\\n(.+?)\\n", "%[1]v in %[2]v",
	  { NULL }, TRACE_STACK("__rustc::rust_begin_unwind") },
	{ NULL },
};

static const struct ks_syzfmt kernel_bug_fmts[] = {
	{ "usercopy", "kernel BUG at mm/usercopy.c", NULL,
	  "BUG: bad usercopy in %[1]v", { NULL },
	  TRACE_STACK("usercopy", "__check") },
	/* Also from corruption or a race: the frame says more than the list. */
	{ "list_corruption", "kernel BUG at lib/list_debug.c", NULL,
	  "BUG: corrupted list in %[1]v", { "bad-access in %[1]v" },
	  TRACE_STACK(NULL) },
	/* skb helpers BUG_ON their caller's mistakes. */
	{ "bug", "kernel BUG at (.*)", NULL, "kernel BUG in %[2]v", { NULL },
	  STACK({ RIP, TRACE, P }, .skip = { "^skb_" }) },
	{ NULL },
};

static const struct ks_syzfmt ppc_bug_fmts[] = {
	{ "bug", "Kernel BUG (.*)", NULL, "kernel BUG %[1]v" },
	{ NULL },
};

static const struct ks_syzfmt slab_fmts[] = {
	{ "slab", "BUG kmalloc-.*: Object already free", NULL,
	  "BUG: Object already free" },
	{ NULL },
};

static const struct ks_syzfmt divide_fmts[] = {
	{ "divide_error", "divide error: ", NULL, "divide error in %[1]v",
	  { NULL }, STACK({ RIP }) },
	{ NULL },
};

/* The misspelt header of some 5.x kernels. */
static const struct ks_syzfmt divide2_fmts[] = {
	{ "divide_error", "divide_error: ", NULL, "divide error in %[1]v",
	  { NULL }, STACK({ RIP }) },
	{ NULL },
};

static const struct ks_syzfmt opcode_fmts[] = {
	{ "invalid_opcode", "invalid opcode: ", NULL, "invalid opcode in %[1]v",
	  { NULL }, STACK({ RIP }) },
	{ NULL },
};

static const struct ks_syzfmt ubsan_fmts[] = {
	{ "ubsan", "UBSAN:", "UBSAN: Undefined behaviour in",
	  "UBSAN: undefined-behaviour in %[1]v", { NULL },
	  TRACE_STACK("ubsan", "overflow") },
	{ "ubsan", "UBSAN: array-index-out-of-bounds in", NULL,
	  "UBSAN: array-index-out-of-bounds in %[1]v",
	  { "bad-access in %[1]v" }, TRACE_STACK("ubsan", "overflow") },
	{ "ubsan", "UBSAN:", "UBSAN: (.*?) in", "UBSAN: %[1]v in %[2]v",
	  { NULL }, TRACE_STACK("ubsan", "overflow") },
	{ NULL },
};

static const struct ks_syzfmt reboot_fmts[] = {
	{ "reboot", "^Booting the kernel", NULL, "unexpected kernel reboot",
	  .no_stack = 1 },
	{ NULL },
};

/* Boot messages read back and printed by the kernel again. */
static const char *const reboot_suppress[] = {
	"Parsing ELF|Decompressing Linux|Unknown parameter '", NULL,
};

static const struct ks_syzfmt netdev_fmts[] = {
	{ "netdev_leak", "unregister_netdevice: waiting for (?:.*) to become "
	  "free", NULL, "unregister_netdevice: waiting for DEV to become free",
	  .no_stack = 1 },
	{ NULL },
};

static const struct ks_syzfmt vfs_close_fmts[] = {
	{ "vfs", "VFS: Close: file count is 0", NULL,
	  "VFS: Close: file count is zero (use-after-free)", .no_stack = 1 },
	{ NULL },
};

static const struct ks_syzfmt vfs_busy_fmts[] = {
	{ "vfs", "VFS: Busy inodes after unmount", NULL,
	  "VFS: Busy inodes after unmount (use-after-free)", .no_stack = 1 },
	{ NULL },
};

/* arm64: a synchronous external abort is x86's bad access. */
static const struct ks_syzfmt internal_fmts[] = {
	{ "internal_error", "Internal error:", NULL, "Internal error in %[1]v",
	  { "bad-access in %[1]v" }, RIP_STACK },
	{ NULL },
};

static const struct ks_syzfmt unhandled_fmts[] = {
	{ "page_fault", "Unhandled fault:", NULL, "Unhandled fault in %[1]v",
	  { "bad-access in %[1]v" }, RIP_STACK },
	{ NULL },
};

static const struct ks_syzfmt alignment_fmts[] = {
	{ "alignment", "Alignment trap:", NULL, "Alignment trap in %[1]v",
	  { NULL }, RIP_STACK },
	{ NULL },
};

static const struct ks_syzfmt trusty_fmts[] = {
	{ "trusty", "trusty: panic.* ASSERT FAILED",
	  "trusty: panic \\(.*?\\):(?: DEBUG)? ASSERT FAILED at \\(.*?\\): (.+)",
	  "trusty: ASSERT FAILED: %[1]v", .no_stack = 1 },
	{ "trusty", "trusty: panic.* ASSERT FAILED.*: *(.*)", NULL,
	  "trusty: ASSERT FAILED: %[1]v", .corrupted = 1 },
	{ "trusty", "trusty: panic", "trusty: panic \\(.*?\\): (.+)",
	  "trusty: panic: %[1]v", .no_stack = 1 },
	{ NULL },
};

static const struct ks_syzfmt go_fmts[] = {
	{ "go_runtime", "fatal error:", NULL, "go runtime error", .no_stack = 1 },
	{ NULL },
};

static const char *const go_suppress[] = {
	"ALSA", "fatal error: cannot create timer", NULL,
};

/* What syzkaller's own programs print. */
static const struct ks_syzfmt syzfail_fmts[] = {
	{ "syz", "SYZFAIL:(.*)", NULL, "SYZFAIL:%[1]v", .no_stack = 1 },
	{ NULL },
};

static const struct ks_syzfmt syzfatal_fmts[] = {
	{ "syz", "SYZFATAL:(.*)()", NULL, "SYZFATAL:%[1]v", { "SYZFATAL%[2]v" },
	  .no_stack = 1 },
	{ NULL },
};

static const struct ks_syzfmt gopanic_fmts[] = {
	{ "syz", "panic: Sentry detected .* stuck task", NULL,
	  "panic: Sentry detected stuck tasks", .no_stack = 1 },
	{ "syz", "panic:(.*)", NULL, "panic:%[1]v", .no_stack = 1 },
	{ NULL },
};

/* skb_panic: and the like are kernel functions, not a Go panic. */
static const char *const gopanic_suppress[] = {
	"_panic:", "xlog_status:", "ddb\\.onpanic:", "evtlog_status:", NULL,
};

const struct ks_oops ks_oopses[] = {
	{ "BUG:", ks_bug_fmts, ks_bug_suppress },
	{ "WARNING:", ks_warning_fmts, ks_warning_suppress },
	{ "INFO:", ks_info_fmts, ks_info_suppress },
	{ "Unable to handle kernel", arm_fault_fmts, none },
	{ "general protection fault", gpf_fmts, gpf_suppress },
	{ "stack segment: ", stack_segment_fmts, none },
	{ "Kernel panic", panic_fmts, none },
	{ "PANIC: double fault", double_fault_fmts, none },
	{ "rust_kernel: panicked", rust_fmts, none },
	{ "kernel BUG", kernel_bug_fmts, none },
	{ "Kernel BUG", ppc_bug_fmts, none },
	{ "BUG kmalloc-", slab_fmts, none },
	{ "divide error:", divide_fmts, none },
	{ "divide_error:", divide2_fmts, none },
	{ "invalid opcode:", opcode_fmts, none },
	{ "UBSAN:", ubsan_fmts, none },
	{ "Booting the kernel.", reboot_fmts, reboot_suppress },
	{ "unregister_netdevice: waiting for", netdev_fmts, none },
	{ "VFS: Close: file count is 0", vfs_close_fmts, none },
	{ "VFS: Busy inodes after unmount", vfs_busy_fmts, none },
	{ "Internal error:", internal_fmts, none },
	{ "Unhandled fault:", unhandled_fmts, none },
	{ "Alignment trap:", alignment_fmts, none },
	{ "trusty: panic", trusty_fmts, none },
	{ "fatal error:", go_fmts, go_suppress },
	{ "SYZFAIL:", syzfail_fmts, none },
	{ "SYZFATAL:", syzfatal_fmts, none },
	{ "panic:", gopanic_fmts, gopanic_suppress },
};
const size_t ks_noopses = sizeof(ks_oopses) / sizeof(ks_oopses[0]);

const char *const ks_start_ignores[] = {
	"invalid opcode: 0000", "Kernel panic - not syncing",
	"unregister_netdevice: waiting for",
	/* Paging faults of a badly corrupted kernel; often synchronous. */
	"PANIC: double fault", "Internal error:", NULL,
};

const char *const ks_info_with_stack[] = {
	"vmalloc: allocation failure:", "FAULT_INJECTION: forcing a failure",
	"FAULT_FLAG_ALLOW_RETRY missing", NULL,
};

const char *const ks_stack_start[] = {
	"Call (?:T|t)race", "Allocated:", "Allocated by task [0-9]+:", "Freed:",
	"Freed by task [0-9]+:",
	/*
	 * kmemleak's, with or without its crc; not lockdep's "stack
	 * backtrace:".  syzkaller's "[^k] backtrace" as a lookbehind: the
	 * same lines, and a search can start only at a space.
	 */
	"(?<=[^k]) backtrace(?: \\(crc [[:xdigit:]]*\\))?:", "Backtrace:",
	"Uninit was stored to memory at",
	/* RISC-V prints no marker before a kernel-mode stack dump. */
	"status: [0-9a-f]{16} badaddr: [0-9a-f]{16} cause: [0-9a-f]{16}", NULL,
};

/*
 * A line with none of these starts no trace: one cheap scan instead of
 * the regexes on each line of each report (test_classify checks that
 * every rule above contains one of them).
 */
const char *const ks_stack_start_needles[] = {
	"race", "Allocated", "Freed", "acktrace", "Uninit was stored",
	"badaddr: ", NULL,
};

const char *const ks_frame_res[] = {
	"^ *(?:{{PC}} ){0,2}{{FUNC}}",
	/* arm: "[<pc>] (f) from [<pc>] (g+0x": both the frame and its caller. */
	"^ *{{PC}} \\(([a-zA-Z0-9_.]+)\\) from {{PC}} \\({{FUNC}}", NULL,
};

const char *const ks_corrupted_lines[] = {
	/* A fault-injection stack mixed into the report's. */
	"^( \\[\\<?(?:0x)?[0-9a-f]+\\>?\\])? should_fail(slab)?(\\.[a-z0-9.]+)?\\+0x",
	NULL,
};

const char *const ks_strip_prefixes[] = {
	"SYSC_", "SyS_", "sys_", "__x64_", "__ia32_", "__arm64_", "____sys_",
	"___sys_", "__sys_", "__se_", "__se_sys_", "__do_sys_", "compat_SYSC_",
	"compat_SyS_", "ksys_", NULL,
};

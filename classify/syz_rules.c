// SPDX-License-Identifier: GPL-2.0
/*
 * The report formats syzkaller titles on Linux, as learnt from its
 * pkg/report (docs/classifier.md lists each with an example): header,
 * then formats in the order syzkaller tries them (the earliest match in
 * the report wins, ties go to the first).  Placeholders in regexes:
 * {{PC}} a "[<ffff...>]" address, {{FUNC}} a function name (captured)
 * followed by '+' or '.', {{SRC}} "file.c:123" (captured), {{ADDR}} 0x...
 * Frames are skipped when a skip pattern matches anywhere in their name.
 */
#include "syz_rules.h"

const struct ks_syzfmt ks_bug_fmts[] = {
	{ "kasan", "BUG: KASAN:",
	  "BUG: KASAN: ([a-z\\-]+) in {{FUNC}}(?:.*\\n)+?.*(Read|Write) "
	  "(?:of size|at addr) (?:[0-9a-f]+)",
	  "KASAN: %[1]v %[3]v in %[4]v", { "bad-access in %[4]v" },
	  STACK({ "BUG: KASAN: (?:[a-z\\-]+) in {{FUNC}}", TRACE, P },
		.skip = { "kernel_fault", "tag_check", "mem_abort", "^el1_",
			  "^el1h_" }) },
	{ "kasan", "BUG: KASAN:",
	  "BUG: KASAN: (?:double-free or invalid-free|double-free|"
	  "invalid-free) in {{FUNC}}",
	  "KASAN: invalid-free in %[2]v", { "invalid-free in %[2]v" },
	  STACK({ "BUG: KASAN: (?:double-free or invalid-free|double-free|"
		  "invalid-free) in {{FUNC}}", TRACE, P },
		.skip = { "slab_", "kfree", "vunmap", "vfree" }) },
	{ "kasan", "BUG: KASAN: ([a-z\\-]+) on address(?:.*\\n)+?.*(Read|Write)"
	  " of size ([0-9]+)", NULL, "KASAN: %[1]v %[2]v" },
	{ "kasan", "BUG: KASAN: (.*)", NULL, "KASAN: %[1]v",
	  .corrupted = 1 },
	{ "kmsan", "BUG: KMSAN: kernel-usb-infoleak",
	  "BUG: KMSAN: kernel-usb-infoleak in {{FUNC}}",
	  "KMSAN: kernel-usb-infoleak in %[2]v", { "KMSAN origin in %[3]v" },
	  STACK({ P, "(Local variable .* created at:|Uninit was created at:)",
		  P }, .skip = { "alloc_skb", "usb_submit_urb",
				 "usb_start_wait_urb", "usb_bulk_msg",
				 "usb_interrupt_msg", "usb_control_msg" }),
	  .no_stack = 1 },
	{ "kmsan", "BUG: KMSAN:", "BUG: KMSAN: ([a-z\\-]+) in {{FUNC}}",
	  "KMSAN: %[1]v in %[3]v", { "bad-access in %[3]v" },
	  STACK({ P, "(Local variable .* created at:|Uninit was created at:)",
		  P }, .skip = { "alloc_skb", "netlink_ack", "netlink_rcv_skb",
				 "_encrypt$", "^(?:crypto|cipher|drbg|rng)_" }),
	  .no_stack = 1 },
	{ "kcsan", "BUG: KCSAN: data-race", "BUG: KCSAN: (.*)", "KCSAN: %[1]v",
	  .no_stack = 1 },
	{ "kcsan", "BUG: KCSAN:", "BUG: KCSAN: (.*)", "KCSAN: %[1]v",
	  .no_stack = 1 },
#define KFENCE_STACK STACK({ "BUG: KFENCE: (?:[a-z\\- ]+) in {{FUNC}}", P })
	{ "kfence", "BUG: KFENCE: (use-after-free|out-of-bounds) (read|write) "
	  "in {{FUNC}}", NULL, "KFENCE: %[1]v %[2]v in %[4]v",
	  { "bad-access in %[4]v" }, KFENCE_STACK },
	{ "kfence", "BUG: KFENCE: invalid free in {{FUNC}}", NULL,
	  "KFENCE: invalid free in %[2]v", { "invalid-free in %[2]v" },
	  KFENCE_STACK, .no_stack = 1 },
	{ "kfence", "BUG: KFENCE: invalid (read|write) in {{FUNC}}", NULL,
	  "KFENCE: invalid %[1]v in %[3]v", { "bad-access in %[3]v" },
	  KFENCE_STACK },
	{ "kfence", "BUG: KFENCE: memory corruption in {{FUNC}}", NULL,
	  "KFENCE: memory corruption in %[2]v", { NULL }, KFENCE_STACK,
	  .no_stack = 1 },
	{ "page_fault", "BUG: (?:unable to handle kernel paging request|"
	  "unable to handle page fault for address|Unable to handle kernel "
	  "data access)", NULL,
	  "BUG: unable to handle kernel paging request in %[1]v",
	  { "bad-access in %[1]v" }, RIP_STACK },
	{ "page_fault", "BUG: (?:unable to handle kernel NULL pointer "
	  "dereference|kernel NULL pointer dereference|Kernel NULL pointer "
	  "dereference)", NULL,
	  "BUG: unable to handle kernel NULL pointer dereference in %[1]v",
	  { "bad-access in %[1]v" }, RIP_STACK },
	/* The second half of the header is a printk of its own: lost. */
	{ "page_fault", "BUG: (?:unable to handle kernel|Unable to handle "
	  "kernel)", NULL, "BUG: unable to handle kernel", .corrupted = 1 },
	{ "spinlock", "BUG: (spinlock|rwlock) (lockup suspected|already "
	  "unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|"
	  "trylock failure on UP)", NULL, "BUG: %[1]v %[2]v in %[3]v", { NULL },
	  TRACE_STACK("spin_", "_lock", "_unlock") },
	{ "soft_lockup", "BUG: soft lockup", NULL, "BUG: soft lockup in %[1]v",
	  { "stall in %[1]v" },
	  STACK({ RIP, TRACE, P }, .extractor = KS_X_STALL) },
	{ "lockdep", "BUG: .*still has locks held!",
	  "BUG: .*still has locks held!(?:.*\\n)+?.*{{PC}} +{{FUNC}}",
	  "BUG: still has locks held in %[1]v" },
	{ "sched_atomic", "BUG: scheduling while atomic", NULL,
	  "BUG: scheduling while atomic in %[1]v", { NULL },
	  TRACE_STACK("schedule") },
	{ "lockdep_held_return", "BUG: lock held when returning to user space",
	  "BUG: lock held when returning to user space(?:.*\\n)+?.*leaving "
	  "the kernel with locks still held(?:.*\\n)+?.*at: (?:{{PC}} +)?"
	  "{{FUNC}}", "BUG: lock held when returning to user space in %[1]v",
	  .no_stack = 1 },
	{ "lockdep", "BUG: bad unlock balance detected!", NULL,
	  "BUG: bad unlock balance in %[1]v", { NULL },
	  STACK({ "{{PC}} +{{FUNC}}", TRACE, P }) },
	{ "lockdep", "BUG: held lock freed!",
	  "BUG: held lock freed!(?:.*\\n)+?.*{{PC}} +{{FUNC}}",
	  "BUG: held lock freed in %[1]v" },
	{ "mm_state", "BUG: Bad rss-counter state", NULL,
	  "BUG: Bad rss-counter state", .no_stack = 1 },
	{ "mm_state", "BUG: non-zero nr_ptes on freeing mm", NULL,
	  "BUG: non-zero nr_ptes on freeing mm", .no_stack = 1 },
	{ "mm_state", "BUG: non-zero nr_pmds on freeing mm", NULL,
	  "BUG: non-zero nr_pmds on freeing mm", .no_stack = 1 },
	/* Not the block device (loop0, loop1...): one bug, one title. */
	{ "dentry", "BUG: Dentry .* still in use",
	  "BUG: Dentry .* still in use \\([0-9]+\\) \\[(unmount) of "
	  "([^\\]]+)\\]", "BUG: Dentry still in use in %[1]v",
	  { "BUG: Dentry still in use [%[1]v of %[2]v]" } },
	{ "bad_page", "BUG: Bad page (state|cache)", NULL,
	  "BUG: Bad page %[1]v in %[2]v", { NULL },
	  STACK({ "page last allocated", P },
		.skip = { "(free|put|get|update|release)_page", "free_unref",
			  "^_*folio", "truncate_inode_pages", "page_frag_free",
			  "alloc", "vmap", "page_owner" }) },
	{ "bad_page", "BUG: Bad page map", NULL, "BUG: Bad page map" },
	{ "wq_lockup", "BUG: workqueue lockup", NULL, "BUG: workqueue lockup",
	  .no_stack = 1 },
	{ "sleep_invalid", "BUG: sleeping function called from invalid "
	  "context at (.*)", NULL,
	  "BUG: sleeping function called from invalid context in %[2]v",
	  { NULL }, TRACE_STACK(NULL) },
	{ "preemptible", "BUG: using ([a-z_]+)\\(\\) in preemptible", NULL,
	  "BUG: using %[1]v() in preemptible code in %[2]v", { NULL },
	  TRACE_STACK("dump_stack", "preemption", "preempt", "debug_",
		      "processor_id", "this_cpu") },
	{ "wq_leak", "BUG: workqueue leaked lock or atomic",
	  "BUG: workqueue leaked lock or atomic(?:.*\\n)+?"
	  ".*last function: ([a-zA-Z0-9_]+)\\n",
	  "BUG: workqueue leaked lock or atomic in %[1]v", .no_stack = 1 },
	{ "kmemleak", "BUG: memory leak", NULL, "memory leak in %[1]v",
	  { NULL }, STACK({ "backtrace(?: \\(crc [[:xdigit:]]*\\))?:", P },
		.skip = { "kmemleak", "mmap", "kmem", "slab", "alloc",
			  "create_object", "idr_get", "list_lru_init",
			  "kasprintf", "kvasprintf", "pcpu_create", "strdup",
			  "strndup", "memdup" }) },
	{ "stack_guard", "BUG: .*stack guard page was hit at", NULL,
	  "BUG: stack guard page was hit in %[1]v",
	  { "stack-overflow in %[1]v" },
	  STACK({ RIP, TRACE, P }, .extractor = KS_X_STALL) },
	/* arm64's wording of what x86 calls a locking bug. */
	{ "lockdep", "BUG: Invalid wait context", NULL,
	  "WARNING: locking bug in %[1]v", { NULL },
	  TRACE_STACK("lock_sock", "release_sock") },
	{ "bug", "BUG:[[:space:]]*(?:\\n|$)", NULL, "BUG: corrupted",
	  .corrupted = 1 },
	{ NULL },
};

const char *const ks_bug_suppress[] = {
	"ODEBUG:", "Boot_DEBUG:", "xlog_status:", "DEBUG:",
	"BUG: no syscalls can create resource", NULL,
};

#define LOCKDEP_AT "(?:.*\\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"
const struct ks_syzfmt ks_warning_fmts[] = {
	/* WARNINGs named after the file that warns. */
	{ "odebug", "WARNING: .*lib/debugobjects\\.c.* (?:debug_print|"
	  "debug_check|at)", NULL, "WARNING: ODEBUG bug in %[1]v", { NULL },
	  WARN_STACK("debug_", "rcu", "hrtimer_", "timer_", "work_", "percpu_",
		     "vunmap", "vfree", "__free_", "debug_check", "kobject_") },
	{ "usercopy", "WARNING: .*mm/usercopy\\.c.* (?:usercopy_warn|at)",
	  NULL, "WARNING: bad usercopy in %[1]v", { NULL },
	  WARN_STACK("usercopy", "__check") },
	{ "kobject", "WARNING: .*lib/kobject\\.c.* (?:kobject_|at)", NULL,
	  "WARNING: kobject bug in %[1]v", { NULL }, WARN_STACK("kobject_") },
	{ "warning", "WARNING: .*fs/proc/generic\\.c.* (?:proc_register|at)",
	  NULL, "WARNING: proc registration bug in %[1]v", { NULL },
	  WARN_STACK("proc_") },
	{ "refcount", "WARNING: .*lib/refcount\\.c.* (?:refcount_|at)", NULL,
	  "WARNING: refcount bug in %[1]v", { NULL },
	  WARN_STACK("refcount", "kobject_") },
	{ "lockdep", "WARNING: .*kernel/locking/lockdep\\.c.*lock_", NULL,
	  "WARNING: locking bug in %[1]v", { NULL },
	  WARN_STACK("lock_sock", "release_sock") },
	{ "lockdep", "WARNING: .*still has locks held!",
	  "WARNING: .*still has locks held!(?:.*\\n)+?.*at: {{FUNC}}",
	  "WARNING: still has locks held in %[1]v" },
	{ "lockdep", "WARNING: Nested lock was not taken", NULL,
	  "WARNING: nested lock was not taken in %[1]v", { NULL },
	  WARN_STACK(NULL) },
	{ "lockdep_held_return",
	  "WARNING: lock held when returning to user space",
	  "WARNING: lock held when returning to user space(?:.*\\n)+?.*"
	  "leaving the kernel with locks still held" LOCKDEP_AT,
	  "WARNING: lock held when returning to user space in %[1]v",
	  .no_stack = 1 },
	{ "warning", "WARNING: .*mm/.*\\.c.* k?.?malloc", NULL,
	  "WARNING: kmalloc bug in %[1]v", { NULL },
	  WARN_STACK("kmalloc", "krealloc", "slab", "kmem") },
	{ "warning", "WARNING: .*mm/vmalloc.c.*__vmalloc_node", NULL,
	  "WARNING: zero-size vmalloc in %[1]v", { NULL }, WARN_STACK(NULL) },
	{ "warning", "WARNING: .* usb_submit_urb", NULL,
	  "WARNING in %[1]v/usb_submit_urb", { NULL },
	  WARN_STACK("usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg",
		     "usb_interrupt_msg", "usb_control_msg") },
	/* The format of upcoming kernels: "WARNING: f.c:12 at 0x0, CPU#1". */
	{ "warning", "WARNING: {{SRC}} at 0x\\d+, CPU#\\d+", NULL,
	  "WARNING in %[2]v", { NULL }, WARN_STACK(NULL) },
	{ "warning", "WARNING: .* at {{SRC}} {{FUNC}}", NULL, "WARNING in %[3]v",
	  { NULL }, WARN_STACK(NULL) },
	{ "warning", "WARNING: {{SRC}} at {{FUNC}}", NULL, "WARNING in %[3]v",
	  { NULL }, WARN_STACK(NULL) },
	{ "warning", "WARNING: \\[.*\\] {{SRC}} at {{FUNC}}.*", NULL,
	  "WARNING in %[3]v", { NULL }, WARN_STACK(NULL) },
	/* lockdep: the lock being taken names it, not the stack. */
	{ "lockdep_deadlock",
	  "WARNING: possible circular locking dependency detected",
	  "WARNING: possible circular locking dependency detected(?:.*\\n)+?"
	  ".*is trying to acquire lock", "possible deadlock in %[1]v", { NULL },
	  STACK({ "at: (?:{{PC}} +)?{{FUNC}}", "at: (?:{{PC}} +)?{{FUNC}}", P },
		.skip = { "process_one_work", "flush_workqueue",
			  "drain_workqueue", "destroy_workqueue" }) },
	{ "lockdep_deadlock",
	  "WARNING: possible irq lock inversion dependency detected",
	  "WARNING: possible irq lock inversion dependency detected"
	  "(?:.*\\n)+?.*just changed the state of lock" LOCKDEP_AT,
	  "possible deadlock in %[1]v" },
	{ "lockdep_deadlock", "WARNING: .*-safe -> .*-unsafe lock order "
	  "detected", NULL, "possible deadlock in %[1]v", { NULL },
	  STACK({ "which became (?:.*) at:", P }) },
	{ "lockdep_deadlock", "WARNING: possible recursive locking detected",
	  "WARNING: possible recursive locking detected(?:.*\\n)+?.*is trying "
	  "to acquire lock" LOCKDEP_AT, "possible deadlock in %[1]v" },
	{ "lockdep_inconsistent", "WARNING: inconsistent lock state",
	  "WARNING: inconsistent lock state(?:.*\\n)+?.*takes" LOCKDEP_AT,
	  "inconsistent lock state in %[2]v", { NULL }, TRACE_STACK(NULL) },
	{ "rcu_usage", "WARNING: suspicious RCU usage",
	  "WARNING: suspicious RCU usage(?:.*\\n)+?.*?{{SRC}}",
	  "WARNING: suspicious RCU usage in %[2]v", { NULL },
	  TRACE_STACK("rcu", "kmem", "slab") },
	{ "warning", "WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad "
	  "'([^']+)' value", NULL,
	  "WARNING: kernel stack regs has bad '%[1]v' value", .no_stack = 1 },
	{ "warning", "WARNING: kernel stack frame pointer at [0-9a-f]+ in "
	  "[^ ]* has bad value", NULL,
	  "WARNING: kernel stack frame pointer has bad value", .no_stack = 1 },
	{ "lockdep", "WARNING: bad unlock balance detected!", NULL,
	  "WARNING: bad unlock balance in %[1]v", { NULL },
	  STACK({ "{{PC}} +{{FUNC}}", TRACE, P }) },
	{ "lockdep", "WARNING: held lock freed!",
	  "WARNING: held lock freed!(?:.*\\n)+?.*at:(?: {{PC}})? +{{FUNC}}",
	  "WARNING: held lock freed in %[1]v" },
	{ "warning", "WARNING: kernel stack regs .* has bad 'bp' value", NULL,
	  "WARNING: kernel stack regs has bad value", .no_stack = 1 },
	{ "warning", "WARNING: kernel stack frame pointer .* has bad value",
	  NULL, "WARNING: kernel stack regs has bad value", .no_stack = 1 },
	{ "warning", "WARNING:[[:space:]]*(?:\\n|$)", NULL,
	  "WARNING: corrupted", .corrupted = 1 },
	{ NULL },
};

/* WARNING lines that are not kernel warnings. */
const char *const ks_warning_suppress[] = {
	"WARNING: /etc/ssh/moduli does not exist, using fixed modulus",
	"WARNING: workqueue cpumask: online intersect > possible intersect",
	"WARNING: [Tt]he mand mount option",
	"WARNING: Unsupported flag value\\(s\\) of 0x%x in DT_FLAGS_1",
	"WARNING: Unprivileged eBPF is enabled with eIBRS",
	"WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size "
	"(\\((?:\\d+)x(?:\\d+) vs\\. (?:\\d+)x(?:\\d+)\\))",
	"WARNING: See https.* for mitigation options.",
	"WARNING: kernel not compiled with CPU_SRSO",
	"EXT4-[Ff][Ss](?: \\(.*\\))?:",
	"(?i)warning: .* uses (deprecated v2 capabilities|wireless extensions)",
	"XFS \\(\\w+\\): WARNING",
	NULL,
};

/* Old lockdep reports: "[ INFO: ... ]" headers, "at: [<pc>] f+0x". */
#define OLD_AT "(?:.*\\n)+?.*at: {{PC}} +{{FUNC}}"
const struct ks_syzfmt ks_info_fmts[] = {
	{ "lockdep_deadlock", "INFO: possible circular locking dependency "
	  "detected", "INFO: possible circular locking dependency detected "
	  "\\](?:.*\\n)+?.*is trying to acquire lock" OLD_AT,
	  "possible deadlock in %[1]v" },
	{ "lockdep_deadlock", "INFO: possible irq lock inversion dependency "
	  "detected", "INFO: possible irq lock inversion dependency detected "
	  "\\](?:.*\\n)+?.*just changed the state of lock" OLD_AT,
	  "possible deadlock in %[1]v" },
	{ "lockdep_deadlock", "INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order "
	  "detected", "INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected "
	  "\\](?:.*\\n)+?.*is trying to acquire" OLD_AT,
	  "possible deadlock in %[1]v" },
	{ "lockdep_deadlock", "INFO: possible recursive locking detected",
	  "INFO: possible recursive locking detected \\](?:.*\\n)+?.*is "
	  "trying to acquire lock" OLD_AT, "possible deadlock in %[1]v" },
	{ "lockdep_inconsistent", "INFO: inconsistent lock state",
	  "INFO: inconsistent lock state \\](?:.*\\n)+?.*takes" OLD_AT,
	  "inconsistent lock state in %[1]v" },
	/* The interrupted code, not the detector's frames. */
	{ "rcu_stall", "INFO: rcu_(?:preempt|sched|bh) (?:self-)?detected"
	  "(?: expedited)? stall", NULL, "INFO: rcu detected stall in %[1]v",
	  { "stall in %[1]v" },
	  STACK({ "apic_timer_interrupt", RIP, P },
		{ "(?:apic_timer_interrupt|Exception stack|el1h_64_irq)", P },
		.skip = { "apic_timer_interrupt", "rcu" },
		.extractor = KS_X_STALL) },
	{ "lockdep", "INFO: trying to register non-static key", NULL,
	  "INFO: trying to register non-static key in %[1]v", { NULL },
	  TRACE_STACK("stack", "lock", "IRQ") },
	{ "rcu_usage", "INFO: suspicious RCU usage",
	  "INFO: suspicious RCU usage(?:.*\\n)+?.*?{{SRC}}",
	  "INFO: suspicious RCU usage in %[2]v", { NULL },
	  TRACE_STACK("rcu", "kmem", "slab") },
	{ "hung_task", "INFO: task .* blocked for more than [0-9]+ seconds",
	  NULL, "INFO: task hung in %[1]v", { "hang in %[1]v" },
	  STACK({ TRACE, P }, .extractor = KS_X_HANG) },
	{ "hung_task", "INFO: task .* can't die for more than .* seconds",
	  NULL, "INFO: task can't die in %[1]v", { "hang in %[1]v" },
	  TRACE_STACK("schedule") },
	/* The tail of an old KASAN report whose header was lost. */
	{ "kasan", "INFO: (Freed|Allocated) in (.*)", NULL,
	  "INFO: %[1]v in %[2]v", .corrupted = 1 },
	{ "info", "INFO:[[:space:]]*(?:\\n|$)", NULL, "INFO: corrupted",
	  .corrupted = 1 },
	{ NULL },
};

const char *const ks_info_suppress[] = {
	"INFO: lockdep is turned off", "INFO: Stall ended before state dump start",
	"INFO: NMI handler", "INFO: recovery required on readonly filesystem",
	"(handler|interrupt).*took too long",
	"INFO: sys_.* is not present in /proc/kallsyms",
	"INFO: no syscalls can create resource", "rmt_storage:INFO:", "_INFO:",
	NULL,
};

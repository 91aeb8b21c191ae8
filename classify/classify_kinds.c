// SPDX-License-Identifier: GPL-2.0
/*
 * What each kind of kernel report looks like (docs/classifier.md).  Order
 * matters: the first matching entry wins, so specific prefixes ("BUG:
 * KASAN:") stand before general ones ("BUG:").
 */
#include <string.h>

#include "classify_internal.h"

const struct ks_kind ks_kinds[] = {
	{ "kasan", KS_SEV_BUG, { "BUG: KASAN: " }, NULL,
	  "KASAN: %T%A in %F", 1, KS_END_MARKER, "=================", NULL },
	{ "kfence", KS_SEV_BUG, { "BUG: KFENCE: " }, NULL,
	  "KFENCE: %T in %F", 1, KS_END_MARKER, "=================", NULL },
	{ "page_fault", KS_SEV_BUG,
	  { "BUG: kernel NULL pointer dereference",
	    "BUG: unable to handle kernel NULL pointer dereference",
	    "BUG: unable to handle page fault",
	    "BUG: unable to handle kernel paging request" }, NULL,
	  "BUG: unable to handle kernel %T in %F", 1, KS_END_MARKER,
	  "---[ end trace", NULL },
	{ "bad_page", KS_SEV_BUG, { "BUG: Bad page state" }, NULL,
	  "BUG: Bad page state in %F", 1, KS_END_STACK, NULL, NULL },
	{ "sched_atomic", KS_SEV_BUG, { "BUG: scheduling while atomic" },
	  NULL, "BUG: scheduling while atomic in %F", 1, KS_END_STACK, NULL, NULL },
	{ "sleep_invalid", KS_SEV_BUG,
	  { "BUG: sleeping function called from invalid context" }, NULL,
	  "BUG: sleeping function called from invalid context in %F", 1,
	  KS_END_STACK, NULL, NULL },
	{ "soft_lockup", KS_SEV_BUG,
	  { "watchdog: BUG: soft lockup", "BUG: soft lockup" }, NULL,
	  "BUG: soft lockup in %F", 1, KS_END_STACK, NULL, NULL },
	{ "hard_lockup", KS_SEV_BUG, { NULL }, "Watchdog detected hard LOCKUP",
	  "BUG: hard lockup in %F", 1, KS_END_STACK, NULL, NULL },
	{ "bug", KS_SEV_BUG, { "kernel BUG at " }, NULL, "kernel BUG in %F",
	  1, KS_END_MARKER, "---[ end trace", NULL },
	{ "lockdep_deadlock", KS_SEV_BUG,
	  { "WARNING: possible recursive locking detected",
	    "WARNING: possible circular locking dependency detected" }, NULL,
	  "possible deadlock in %F", 1, KS_END_STACK, NULL, NULL },
	/*
	 * No stack: the held locks follow, each "... at: FUNC+0x..", and
	 * the first one's taker is the guilty function.
	 */
	{ "lockdep_held_return", KS_SEV_BUG,
	  { "WARNING: lock held when returning to user space" }, NULL,
	  "WARNING: lock held when returning to user space in %F", 0,
	  KS_END_MARKER, ", at: ", NULL },
	{ "lockdep_inconsistent", KS_SEV_BUG,
	  { "WARNING: inconsistent lock state" }, NULL,
	  "inconsistent lock state in %F", 1, KS_END_STACK, NULL, NULL },
	{ "warning", KS_SEV_BUG, { "WARNING: CPU: ", "WARNING: at " }, NULL,
	  "WARNING in %F", 1, KS_END_MARKER, "---[ end trace", NULL },
	{ "hung_task", KS_SEV_BUG, { "INFO: task " }, NULL,
	  "INFO: task hung in %F", 1, KS_END_STACK, NULL, NULL },
	{ "rcu_stall", KS_SEV_BUG, { "rcu: INFO: rcu_", "INFO: rcu_" }, NULL,
	  "INFO: rcu detected stall in %F", 1, KS_END_STACK, NULL, NULL },
	{ "gpf", KS_SEV_BUG,
	  { "general protection fault", "Oops: general protection fault" },
	  NULL, "general protection fault in %F", 1, KS_END_MARKER,
	  "---[ end trace", NULL },
	/* 6.x ends with an end-trace line, older kernels with a rule. */
	{ "ubsan", KS_SEV_BUG, { "UBSAN: " }, NULL, "UBSAN: %T in %F", 1,
	  KS_END_MARKER, "---[ end trace", "=================" },
	{ "kmemleak", KS_SEV_BUG, { "unreferenced object 0x" }, NULL,
	  "memory leak in %F", 1, KS_END_STACK, NULL, NULL },
	{ "oom_no_killable", KS_SEV_BUG,
	  { "Out of memory and no killable processes" }, NULL,
	  "out of memory: no killable processes", 0, KS_END_STACK, NULL, NULL },
	/*
	 * Kind switches to memcg_oom on a CONSTRAINT_MEMCG line, to
	 * oom_no_killable or memcg_oom_no_killable on the line above.
	 */
	{ "oom", KS_SEV_INFO, { NULL }, " invoked oom-killer: ",
	  "out of memory: global OOM kill", 0, KS_END_KILLED, NULL, NULL },
	{ "memcg_oom", KS_SEV_INFO, { NULL }, NULL,
	  "memcg OOM kill in %C", 0, KS_END_KILLED, NULL, NULL },
	/*
	 * oom_no_killable in a memcg: the charge fails with ENOMEM and the
	 * kernel goes on (a global one panics).  What chargefail provokes.
	 */
	{ "memcg_oom_no_killable", KS_SEV_INFO, { NULL }, NULL,
	  "memcg OOM: no killable processes in %C", 0, KS_END_STACK, NULL,
	  NULL },
	{ "alloc_fail", KS_SEV_INFO, { NULL }, ": page allocation failure: order:",
	  "page allocation failure: order:%O in %F", 1, KS_END_STACK, NULL, NULL },
	{ "fault_inject", KS_SEV_CONTEXT, { "FAULT_INJECTION: forcing a failure" },
	  NULL, "fault injection in %F", 1, KS_END_STACK, NULL, NULL },
	{ "oops", KS_SEV_BUG, { "Oops: " }, NULL, "Oops in %F", 1,
	  KS_END_MARKER, "---[ end trace", NULL },
	/*
	 * With panic=-1 the kernel reboots without its "---[ end Kernel
	 * panic" line: the report ends with its trace.
	 */
	{ "panic", KS_SEV_BUG, { "Kernel panic - not syncing: " }, NULL,
	  "kernel panic: %M", 0, KS_END_STACK, NULL, NULL },
	{ NULL, 0, { NULL }, NULL, NULL, 0, 0, NULL, NULL },
};

const struct ks_kind *ks_kind_named(const char *name)
{
	const struct ks_kind *k;

	for (k = ks_kinds; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

const struct ks_kind *ks_kind_match(const char *line)
{
	static unsigned char first[256];
	static int ready;
	const struct ks_kind *k;
	int i;

	/* A line can only start a report with a first letter some kind has. */
	if (!ready) {
		for (k = ks_kinds; k->name; k++)
			for (i = 0; i < 4 && k->start[i]; i++)
				first[(unsigned char)k->start[i][0]] = 1;
		ready = 1;
	}
	for (k = ks_kinds; k->name; k++) {
		if (first[(unsigned char)line[0]])
			for (i = 0; i < 4 && k->start[i]; i++)
				if (!strncmp(line, k->start[i],
					     strlen(k->start[i])))
					return k;
		if (k->within && strstr(line, k->within))
			return k;
	}
	return NULL;
}

/* The guilty frame is never memcg's business to hide. */
static const char *const keep[] = {
	"memcg_", "mem_cgroup_", "__mem_cgroup_", "obj_cgroup_",
	"__memcg_", "try_charge_memcg", "mod_memcg_", "refill_obj_stock",
	NULL,
};

/* "name*" is a prefix, anything else an exact function name. */
static const char *const skip[] = {
	/* debugging and reporting */
	"dump_stack*", "__dump_stack", "show_stack", "show_trace_log_lvl",
	"panic", "nmi_panic", "__warn", "warn_slowpath*", "report_bug",
	"handle_bug", "exc_invalid_op", "asm_exc_*", "do_trap",
	"do_error_trap", "die", "__die*", "oops_*", "do_user_addr_fault",
	"exc_page_fault", "page_fault_oops", "kernelmode_fixup_or_oops",
	"__bad_area*", "bad_area*", "printk", "_printk", "vprintk*",
	"__printk*", "kasan_*", "__kasan_*", "__asan_*", "kfence_*",
	"__kfence_*", "ubsan_*", "__ubsan_*", "print_*", "end_report",
	"check_memory_region", "fail_dump", "should_fail*", "__should_fail*",
	"warn_alloc", "watchdog_*", "__hrtimer_run_queues",
	"hrtimer_interrupt", "rcu_dump_*", "lockdep_*", "debug_check_*",
	"check_noncircular", "check_prev_add", "validate_chain", "mark_lock*",
	"bad_page", "free_page_is_bad*", "__might_sleep", "__might_resched",
	"__schedule_bug", "schedule_debug",
	/* allocators and freeing */
	"kmalloc", "__kmalloc*", "kmalloc_trace*", "kmalloc_node*",
	"kmem_cache_alloc*", "kmem_cache_free", "__kmem_cache_*", "slab_*",
	"___slab_alloc", "__slab_alloc*", "new_slab", "allocate_slab",
	"alloc_slab_page", "alloc_pages*", "__alloc_pages*", "folio_alloc*",
	"__folio_alloc*", "get_page_from_freelist", "kvmalloc*",
	"__kvmalloc*", "krealloc*", "kzalloc*", "__vmalloc*", "vmalloc*",
	"kmemleak_*", "kfree", "__kfree*", "free_pages", "__free_pages*",
	"free_unref_*", "__free_one_page", "__folio_put", "folio_put",
	"put_page", "__put_page", "alloc_slab_obj_exts",
	/* locking and scheduling */
	"_raw_spin_*", "_raw_read_*", "_raw_write_*", "do_raw_spin_*",
	"queued_*", "native_queued_*", "__pv_queued_*", "mutex_lock*",
	"__mutex_lock*", "mutex_unlock", "lock_acquire", "__lock_acquire",
	"lock_release", "down_read*", "down_write*", "__down*", "up_read",
	"up_write", "rwsem_*", "__schedule", "schedule", "schedule_*",
	"preempt_schedule*", "io_schedule*", "context_switch",
	"__switch_to*", "wait_for_completion*", "__wait_for_common",
	"wait_for_common*", "do_wait_for_common", "msleep*",
	/* the OOM killer's own frames */
	"out_of_memory", "oom_kill_process", "__oom_kill_process",
	"dump_header",
	NULL,
};

static int matches(const char *fn, const char *pat)
{
	size_t n = strlen(pat);

	if (pat[n - 1] == '*')
		return !strncmp(fn, pat, n - 1);
	return !strcmp(fn, pat);
}

int ks_frame_skipped(const char *fn)
{
	int i;

	for (i = 0; keep[i]; i++)
		if (!strncmp(fn, keep[i], strlen(keep[i])))
			return 0;
	for (i = 0; skip[i]; i++)
		if (matches(fn, skip[i]))
			return 1;
	return 0;
}

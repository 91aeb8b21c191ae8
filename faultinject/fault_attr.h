/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What failslab.c and fail_page_alloc.c share: the kernel's fault_attr
 * in debugfs (Documentation/fault-injection/fault-injection.rst), scoped
 * to the workers: task-filter=Y here, make-it-fail=1 in each worker.
 *
 * Defaults differ from the kernel's on purpose: ignore-gfp-wait=N (else
 * every GFP_KERNEL_ACCOUNT allocation, the ones we care about, is skipped)
 * and min-order=0 (else single pages never fail).  "times" is set even
 * when unlimited, so that what is left of it counts the injections.
 */
#ifndef KS_FAULT_ATTR_H
#define KS_FAULT_ATTR_H

#include <jansson.h>
#include <stdint.h>

#include "injector.h"

enum {
	O_PROBABILITY, O_INTERVAL, O_TIMES, O_SPACE, O_VERBOSE,
	O_RATELIMIT_MS, O_RATELIMIT_BURST, O_IGNORE_GFP_WAIT, O_REQUIRE,
	O_STACK_DEPTH, O_EXTRA,		/* cache (failslab), min_order */
	O_EXTRA2,			/* ignore_gfp_highmem */
};

#define COMMON_OPTS							\
	{ "probability", KS_OPT_INT, "10", 0, 100,			\
	  "percent of eligible allocations that fail" },		\
	{ "interval", KS_OPT_INT, "1", 1, INT_MAX,			\
	  "only every Nth eligible allocation may fail" },		\
	{ "times", KS_OPT_INT, "-1", -1, INT_MAX - 1,			\
	  "most failures to inject; -1: unlimited" },			\
	{ "space", KS_OPT_SIZE, "0", 0, 0,				\
	  "bytes of allocations let through before any fails" },	\
	{ "verbose", KS_OPT_INT, "1", 0, 2,				\
	  "0 silent, 1 one line per failure, 2 and a stack trace" },	\
	{ "ratelimit_ms", KS_OPT_INT, "1000", 0, INT_MAX,		\
	  "verbose_ratelimit_interval_ms: at most ratelimit_burst "	\
	  "messages per this many ms; 0: every failure printed" },	\
	{ "ratelimit_burst", KS_OPT_INT, "10", 0, INT_MAX,		\
	  "verbose_ratelimit_burst (the injected count is exact "	\
	  "either way)" },						\
	{ "ignore_gfp_wait", KS_OPT_BOOL, "no", 0, 0,			\
	  "spare allocations that may sleep (the kernel's default yes "	\
	  "spares every GFP_KERNEL_ACCOUNT one)" },			\
	{ "require", KS_OPT_STRING, "", 0, 0,				\
	  "fail only allocations called from this function, module or "	\
	  "START-END text range (require-start/end; needs "		\
	  "CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)" },		\
	{ "stacktrace_depth", KS_OPT_INT, "32", 1, 64,			\
	  "frames searched for require" }

struct ks_fa_armed {
	char dir[256];
	int64_t times_set;	/* written to "times"; -1 unlimited */
	int64_t times_left;	/* read back at disarm */
	char slab_knob[256];	/* /sys/kernel/slab/<cache>/failslab */
	uint64_t req_start, req_end;
};

/* Write printf-style value to the attribute's knob: 0 or -errno (ctx->err). */
int ks_fa_set(struct ks_inj_ctx *ctx, struct ks_fa_armed *a, const char *knob,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Everything but probability, on debugfs's attribute attr: 0 or KS_INJ_*. */
int ks_fa_arm_common(struct ks_inj_ctx *ctx, const char *attr);
/* Last, the probability: injection starts. */
int ks_fa_arm_finish(struct ks_inj_ctx *ctx);
/* The injector ops both share. */
void ks_fa_make_it_fail(const struct ks_inj_ctx *ctx);
void ks_fa_disarm(struct ks_inj_ctx *ctx);
json_t *ks_fa_report(struct ks_inj_ctx *ctx);

#endif

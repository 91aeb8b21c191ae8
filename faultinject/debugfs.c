// SPDX-License-Identifier: GPL-2.0
/*
 * failslab and fail_page_alloc through their debugfs attributes
 * (Documentation/fault-injection/fault-injection.rst), scoped to the
 * workers: task-filter=Y here, make-it-fail=1 in each worker.
 *
 * Defaults differ from the kernel's on purpose: ignore-gfp-wait=N (else
 * every GFP_KERNEL_ACCOUNT allocation, the ones we care about, is skipped)
 * and min-order=0 (else single pages never fail).  "times" is set even
 * when unlimited, so that what is left of it counts the injections.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "injector.h"
#include "knobs.h"
#include "symrange.h"

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

static const struct ks_opt_desc failslab_opts[] = {
	COMMON_OPTS,
	{ "cache", KS_OPT_STRING, "", 0, 0,
	  "fail only this slab cache (cache-filter and "
	  "/sys/kernel/slab/CACHE/failslab; a merged cache fails with its "
	  "aliases)" },
	{ NULL },
};

static const struct ks_opt_desc fail_page_alloc_opts[] = {
	COMMON_OPTS,
	{ "min_order", KS_OPT_INT, "0", 0, 10,
	  "smallest allocation order that may fail (kernel default 1)" },
	{ "ignore_gfp_highmem", KS_OPT_BOOL, "yes", 0, 0,
	  "spare highmem allocations, i.e. the storm's own user pages" },
	{ NULL },
};

struct armed {
	char dir[256];
	int64_t times_set;	/* written to "times"; -1 unlimited */
	int64_t times_left;	/* read back at disarm */
	char slab_knob[256];	/* /sys/kernel/slab/<cache>/failslab */
	uint64_t req_start, req_end;
};

static int set(struct ks_inj_ctx *ctx, struct armed *a, const char *knob,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int set(struct ks_inj_ctx *ctx, struct armed *a, const char *knob,
	       const char *fmt, ...)
{
	char path[512], value[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", a->dir, knob);
	return ks_knob_set(path, value, ctx->err, sizeof(ctx->err));
}

/* Mounted debugfs here, or mount it (the run has a mount namespace). */
static void ensure_debugfs(const char *root)
{
	struct stat st;
	char probe[512];

	snprintf(probe, sizeof(probe), "%s/fault_around_bytes", root);
	if (stat(probe, &st) == 0 || getenv("KMEMSTORM_DEBUGFS"))
		return;
	mount("debugfs", root, "debugfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	      NULL);
}

static int arm_common(struct ks_inj_ctx *ctx, const char *attr)
{
	const struct ks_opt_value *o = ctx->opt;
	struct armed *a;
	struct stat st;

	a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(ctx->err, sizeof(ctx->err), "out of memory");
		return KS_INJ_FAILED;
	}
	ctx->priv = a;
	ensure_debugfs(ks_debugfs_root());
	snprintf(a->dir, sizeof(a->dir), "%s/%s", ks_debugfs_root(), attr);
	if (stat(a->dir, &st)) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "no %s: this kernel lacks CONFIG_%s and CONFIG_FAULT_INJECTION_DEBUG_FS (or debugfs)",
			 a->dir, !strcmp(attr, "failslab") ? "FAILSLAB" :
			 "FAIL_PAGE_ALLOC");
		return KS_INJ_UNSUPPORTED;
	}
	if (o[O_REQUIRE].str[0]) {
		char err[200];

		snprintf(err, sizeof(err), "%s/require-start", a->dir);
		if (stat(err, &st)) {
			snprintf(ctx->err, sizeof(ctx->err),
				 "%s.require needs CONFIG_FAULT_INJECTION_STACKTRACE_FILTER",
				 attr);
			return KS_INJ_UNSUPPORTED;
		}
		if (ks_symrange(o[O_REQUIRE].str, &a->req_start, &a->req_end,
				err, sizeof(err))) {
			snprintf(ctx->err, sizeof(ctx->err), "%s.require: %s",
				 attr, err);
			return KS_INJ_FAILED;
		}
	}
	a->times_set = o[O_TIMES].num < 0 ? INT_MAX : o[O_TIMES].num;
	/* Scope first: nothing else changes unless it holds. */
	if (set(ctx, a, "task-filter", "Y") ||
	    set(ctx, a, "probability", "0") ||
	    set(ctx, a, "interval", "%" PRId64, o[O_INTERVAL].num) ||
	    set(ctx, a, "times", "%" PRId64, a->times_set) ||
	    set(ctx, a, "space", "%" PRId64, o[O_SPACE].num) ||
	    set(ctx, a, "verbose", "%" PRId64, o[O_VERBOSE].num) ||
	    set(ctx, a, "verbose_ratelimit_interval_ms", "%" PRId64,
		o[O_RATELIMIT_MS].num) ||
	    set(ctx, a, "verbose_ratelimit_burst", "%" PRId64,
		o[O_RATELIMIT_BURST].num) ||
	    set(ctx, a, "ignore-gfp-wait", o[O_IGNORE_GFP_WAIT].num ? "Y" : "N"))
		return KS_INJ_FAILED;
	if (o[O_REQUIRE].str[0] &&
	    (set(ctx, a, "stacktrace-depth", "%" PRId64,
		 o[O_STACK_DEPTH].num) ||
	     set(ctx, a, "require-start", "%#" PRIx64, a->req_start) ||
	     set(ctx, a, "require-end", "%#" PRIx64, a->req_end)))
		return KS_INJ_FAILED;
	return 0;
}

static int arm_finish(struct ks_inj_ctx *ctx)
{
	struct armed *a = ctx->priv;

	return set(ctx, a, "probability", "%" PRId64,
		   ctx->opt[O_PROBABILITY].num) ? KS_INJ_FAILED : 0;
}

static int failslab_arm(struct ks_inj_ctx *ctx)
{
	const char *cache = ctx->opt[O_EXTRA].str;
	struct armed *a;
	int r = arm_common(ctx, "failslab");

	if (r)
		return r;
	a = ctx->priv;
	if (cache[0]) {
		struct stat st;

		if (strchr(cache, '/') || !strcmp(cache, "..")) {
			snprintf(ctx->err, sizeof(ctx->err),
				 "failslab.cache: '%s' is not a cache name",
				 cache);
			return KS_INJ_FAILED;
		}
		snprintf(a->slab_knob, sizeof(a->slab_knob),
			 "/sys/kernel/slab/%s/failslab", cache);
		if (stat(a->slab_knob, &st)) {
			snprintf(ctx->err, sizeof(ctx->err),
				 "failslab.cache: no %s (unknown cache, or a kernel without SLUB sysfs)",
				 a->slab_knob);
			return KS_INJ_UNSUPPORTED;
		}
		if (ks_knob_set(a->slab_knob, "1", ctx->err,
				sizeof(ctx->err)) ||
		    set(ctx, a, "cache-filter", "Y"))
			return KS_INJ_FAILED;
	}
	return arm_finish(ctx);
}

static int fail_page_alloc_arm(struct ks_inj_ctx *ctx)
{
	struct armed *a;
	int r = arm_common(ctx, "fail_page_alloc");

	if (r)
		return r;
	a = ctx->priv;
	if (set(ctx, a, "min-order", "%" PRId64, ctx->opt[O_EXTRA].num) ||
	    set(ctx, a, "ignore-gfp-highmem", ctx->opt[O_EXTRA2].num ?
		"Y" : "N"))
		return KS_INJ_FAILED;
	return arm_finish(ctx);
}

/* In each worker: only tasks with make-it-fail see failures. */
static void make_it_fail(const struct ks_inj_ctx *ctx)
{
	FILE *f = fopen("/proc/self/make-it-fail", "w");

	if (!f || fputs("1", f) == EOF || fclose(f)) {
		fprintf(stderr, "kmemstorm: %s: /proc/self/make-it-fail: %s\n",
			ctx->inj->name, strerror(errno));
		if (f)
			fclose(f);
	}
}

static void debugfs_disarm(struct ks_inj_ctx *ctx)
{
	struct armed *a = ctx->priv;
	char path[512], v[64];

	if (!a)
		return;
	/* Read before the knobs are restored: what is left counts. */
	snprintf(path, sizeof(path), "%s/times", a->dir);
	a->times_left = -1;
	if (ks_read_small(path, v, sizeof(v)) == 0)
		a->times_left = strtoll(v, NULL, 10);
	/* The knobs themselves go back with every other, in inject.c. */
}

static json_t *debugfs_report(struct ks_inj_ctx *ctx)
{
	struct armed *a = ctx->priv;
	json_t *o;

	if (!a)
		return NULL;
	o = json_pack("{s:s}", "attr", a->dir);
	if (a->times_left >= 0 && a->times_left <= a->times_set)
		json_object_set_new(o, "injected",
			json_integer(a->times_set - a->times_left));
	if (a->req_end)
		json_object_set_new(o, "require",
			json_sprintf("%#" PRIx64 "-%#" PRIx64, a->req_start,
				     a->req_end));
	free(a);
	ctx->priv = NULL;
	return o;
}

const struct ks_injector ks_inj_failslab = {
	.name = "failslab",
	.summary = "slab allocations of the workers fail at random "
		   "(debugfs failslab, task-filter)",
	.opts = failslab_opts,
	.kernel = true,
	.worker = make_it_fail,
	.arm = failslab_arm,
	.disarm = debugfs_disarm,
	.report = debugfs_report,
};

const struct ks_injector ks_inj_fail_page_alloc = {
	.name = "fail_page_alloc",
	.summary = "page allocations of the workers fail at random "
		   "(debugfs fail_page_alloc, task-filter)",
	.opts = fail_page_alloc_opts,
	.kernel = true,
	.worker = make_it_fail,
	.arm = fail_page_alloc_arm,
	.disarm = debugfs_disarm,
	.report = debugfs_report,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * failslab: slab allocations of the workers fail at random, through the
 * debugfs fault_attr (fault_attr.c); optionally one cache only.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fault_attr.h"
#include "knobs.h"

static const struct ks_opt_desc failslab_opts[] = {
	COMMON_OPTS,
	{ "cache", KS_OPT_STRING, "", 0, 0,
	  "fail only this slab cache (cache-filter and "
	  "/sys/kernel/slab/CACHE/failslab; a merged cache fails with its "
	  "aliases)" },
	{ NULL },
};

static int failslab_arm(struct ks_inj_ctx *ctx)
{
	const char *cache = ctx->opt[O_EXTRA].str;
	struct ks_fa_armed *a;
	int r = ks_fa_arm_common(ctx, "failslab");

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
		    ks_fa_set(ctx, a, "cache-filter", "Y"))
			return KS_INJ_FAILED;
	}
	return ks_fa_arm_finish(ctx);
}

const struct ks_injector ks_inj_failslab = {
	.name = "failslab",
	.summary = "slab allocations of the workers fail at random "
		   "(debugfs failslab, task-filter)",
	.opts = failslab_opts,
	.kernel = true,
	.worker = ks_fa_make_it_fail,
	.arm = failslab_arm,
	.disarm = ks_fa_disarm,
	.report = ks_fa_report,
};

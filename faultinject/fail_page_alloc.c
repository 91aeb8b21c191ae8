// SPDX-License-Identifier: GPL-2.0
/*
 * fail_page_alloc: page allocations of the workers fail at random,
 * through the debugfs fault_attr (fault_attr.c).
 */
#include <inttypes.h>
#include <limits.h>

#include "fault_attr.h"

static const struct ks_opt_desc fail_page_alloc_opts[] = {
	COMMON_OPTS,
	{ "min_order", KS_OPT_INT, "0", 0, 10,
	  "smallest allocation order that may fail (kernel default 1)" },
	{ "ignore_gfp_highmem", KS_OPT_BOOL, "yes", 0, 0,
	  "spare highmem allocations, i.e. the storm's own user pages" },
	{ NULL },
};

static int fail_page_alloc_arm(struct ks_inj_ctx *ctx)
{
	struct ks_fa_armed *a;
	int r = ks_fa_arm_common(ctx, "fail_page_alloc");

	if (r)
		return r;
	a = ctx->priv;
	if (ks_fa_set(ctx, a, "min-order", "%" PRId64, ctx->opt[O_EXTRA].num) ||
	    ks_fa_set(ctx, a, "ignore-gfp-highmem", ctx->opt[O_EXTRA2].num ?
		"Y" : "N"))
		return KS_INJ_FAILED;
	return ks_fa_arm_finish(ctx);
}

const struct ks_injector ks_inj_fail_page_alloc = {
	.name = "fail_page_alloc",
	.summary = "page allocations of the workers fail at random "
		   "(debugfs fail_page_alloc, task-filter)",
	.opts = fail_page_alloc_opts,
	.kernel = true,
	.worker = ks_fa_make_it_fail,
	.arm = fail_page_alloc_arm,
	.disarm = ks_fa_disarm,
	.report = ks_fa_report,
};

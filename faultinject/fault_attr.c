// SPDX-License-Identifier: GPL-2.0
/* The debugfs fault_attr both kernel injectors use (fault_attr.h). */
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

#include "fault_attr.h"
#include "knobs.h"
#include "symrange.h"
#include "utf8.h"

int ks_fa_set(struct ks_inj_ctx *ctx, struct ks_fa_armed *a, const char *knob,
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

int ks_fa_arm_common(struct ks_inj_ctx *ctx, const char *attr)
{
	const struct ks_opt_value *o = ctx->opt;
	struct ks_fa_armed *a;
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
	if (ks_fa_set(ctx, a, "task-filter", "Y") ||
	    ks_fa_set(ctx, a, "probability", "0") ||
	    ks_fa_set(ctx, a, "interval", "%" PRId64, o[O_INTERVAL].num) ||
	    ks_fa_set(ctx, a, "times", "%" PRId64, a->times_set) ||
	    ks_fa_set(ctx, a, "space", "%" PRId64, o[O_SPACE].num) ||
	    ks_fa_set(ctx, a, "verbose", "%" PRId64, o[O_VERBOSE].num) ||
	    ks_fa_set(ctx, a, "verbose_ratelimit_interval_ms", "%" PRId64,
		o[O_RATELIMIT_MS].num) ||
	    ks_fa_set(ctx, a, "verbose_ratelimit_burst", "%" PRId64,
		o[O_RATELIMIT_BURST].num) ||
	    ks_fa_set(ctx, a, "ignore-gfp-wait", o[O_IGNORE_GFP_WAIT].num ? "Y" : "N"))
		return KS_INJ_FAILED;
	if (o[O_REQUIRE].str[0] &&
	    (ks_fa_set(ctx, a, "stacktrace-depth", "%" PRId64,
		 o[O_STACK_DEPTH].num) ||
	     ks_fa_set(ctx, a, "require-start", "%#" PRIx64, a->req_start) ||
	     ks_fa_set(ctx, a, "require-end", "%#" PRIx64, a->req_end)))
		return KS_INJ_FAILED;
	return 0;
}

int ks_fa_arm_finish(struct ks_inj_ctx *ctx)
{
	struct ks_fa_armed *a = ctx->priv;

	return ks_fa_set(ctx, a, "probability", "%" PRId64,
		   ctx->opt[O_PROBABILITY].num) ? KS_INJ_FAILED : 0;
}

/* In each worker: only tasks with make-it-fail see failures. */
void ks_fa_make_it_fail(const struct ks_inj_ctx *ctx)
{
	FILE *f = fopen("/proc/self/make-it-fail", "w");

	if (!f || fputs("1", f) == EOF || fclose(f)) {
		fprintf(stderr, "kmemstorm: %s: /proc/self/make-it-fail: %s\n",
			ctx->inj->name, strerror(errno));
		if (f)
			fclose(f);
	}
}

void ks_fa_disarm(struct ks_inj_ctx *ctx)
{
	struct ks_fa_armed *a = ctx->priv;
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

json_t *ks_fa_report(struct ks_inj_ctx *ctx)
{
	struct ks_fa_armed *a = ctx->priv;
	json_t *o;

	if (!a)
		return NULL;
	o = json_pack("{s:o}", "attr", ks_json_text(a->dir));
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

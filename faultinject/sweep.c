// SPDX-License-Identifier: GPL-2.0
#include "clock.h"
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "knobs.h"
#include "sysinfo.h"

static int send_rec(int out, int ack, const struct ks_sweep_rec *r)
{
	char c;

	if (write(out, r, sizeof(*r)) != (ssize_t)sizeof(*r))
		return -1;
	/* Wait until the harness has read the kernel log of this step. */
	return read(ack, &c, 1) == 1 ? 0 : -1;
}

static int write_nth(int fd, int n)
{
	char b[16];
	int l = snprintf(b, sizeof(b), "%d", n);

	return pwrite(fd, b, l, 0) == l ? 0 : -errno;
}

/* What the step counted: the first failure, the op itself first. */
static void outcome(const struct ks_counters *a, const struct ks_counters *b,
		    int op, struct ks_sweep_rec *r)
{
	int k, e, order[KS_MAX_OPS + 1], i;

	r->fail_op = -1;
	for (k = 0; k < KS_MAX_OPS; k++) {
		r->ok += (int32_t)(b->ops[k] - a->ops[k]);
		r->fails += (int32_t)(b->fails[k] - a->fails[k]);
	}
	order[0] = op;
	for (k = 0, i = 1; k < KS_MAX_OPS; k++)
		if (k != op)
			order[i++] = k;
	for (i = 0; i < KS_MAX_OPS && r->fail_op < 0; i++)
		for (e = 0; e < KS_ERRNO_MAX; e++)
			if (b->err[order[i]][e] != a->err[order[i]][e]) {
				r->fail_op = order[i];
				r->err = e;
				break;
			}
}

/* Sweep one op; 0 to go on, -1 when the harness is gone. */
static int sweep_op(struct ks_wl_ctx *ctx, const struct ks_sweep_cfg *cfg,
		    int op, int nth, int out, int ack)
{
	const struct ks_workload *wl = ctx->wl;
	struct ks_sweep_rec r = { .op = op };
	struct ks_counters before;
	void *st = wl->begin(ctx);
	int n, ret = 0;

	if (!st) {
		r.kind = KS_SWEEP_SKIPPED;
		r.err = errno;
		return send_rec(out, ack, &r);
	}
	for (n = cfg->first_n; n <= cfg->max_n; n++) {
		char left[16] = "";
		int64_t t0;

		if (ks_should_stop(ctx))
			goto out;
		memset(&r, 0, sizeof(r));
		r.op = op;
		r.n = n;
		if (wl->prepare && wl->prepare(st, op)) {
			r.kind = KS_SWEEP_SKIPPED;
			r.err = errno;
			ret = send_rec(out, ack, &r);
			goto out;
		}
		before = *ctx->ctr;
		t0 = ks_now_ns() / 1000;
		/* Nothing but the operation between arming and disarming. */
		if (write_nth(nth, n))
			break;
		wl->step(st, op);
		if (pread(nth, left, sizeof(left) - 1, 0) <= 0)
			left[0] = '?';
		write_nth(nth, 0);
		r.us = ks_now_ns() / 1000 - t0;
		r.fired = left[0] == '0';
		outcome(&before, ctx->ctr, op, &r);
		r.kind = KS_SWEEP_STEP;
		if (send_rec(out, ack, &r))
			return -1;
		if (!r.fired) {
			memset(&r, 0, sizeof(r));
			r.op = op;
			r.n = n;
			r.kind = KS_SWEEP_DONE;
			ret = send_rec(out, ack, &r);
			goto out;
		}
	}
	memset(&r, 0, sizeof(r));
	r.op = op;
	r.n = cfg->max_n;
	r.kind = KS_SWEEP_LIMIT;
	ret = send_rec(out, ack, &r);
out:
	wl->end(st);
	return ret;
}

int ks_sweep_worker(struct ks_wl_ctx *ctx, const struct ks_sweep_cfg *cfg,
		    int out, int ack)
{
	struct ks_sweep_rec r = { .op = -1 };
	int k, nth;

	nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth < 0 || !ctx->wl->step) {
		r.kind = KS_SWEEP_NO_FAILNTH;
		r.err = nth < 0 ? errno : EOPNOTSUPP;
		send_rec(out, ack, &r);
		return 3;
	}
	for (k = 0; k < KS_MAX_OPS && ctx->wl->ops[k]; k++) {
		if (!(cfg->ops & (1u << k)))
			continue;
		if (sweep_op(ctx, cfg, k, nth, out, ack))
			break;
		if (ks_should_stop(ctx))
			break;
	}
	close(nth);
	return 0;
}

static int set(const char *attr, const char *knob, const char *v, char *why,
	       size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/%s", ks_debugfs_root(), attr, knob);
	return ks_knob_set(path, v, why, len);
}

int ks_sweep_arm(char *why, size_t len)
{
	static const char *const attrs[] = { "failslab", "fail_page_alloc" };
	struct stat st;
	char dir[512];
	int i, found = 0;

	if (!ks_kernel_is_disposable()) {
		snprintf(why, len,
			 "refusing a fail-nth sweep: this kernel is not marked disposable (boot it with kmemstorm.disposable=1, as 'kmemstorm vm' does, or force with KMEMSTORM_DISPOSABLE_KERNEL=1)");
		return 1;
	}
	if (stat("/proc/thread-self/fail-nth", &st)) {
		snprintf(why, len,
			 "no /proc/thread-self/fail-nth: this kernel lacks CONFIG_FAULT_INJECTION");
		return 1;
	}
	for (i = 0; i < 2; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", ks_debugfs_root(), attrs[i]);
		if (stat(dir, &st))
			continue;
		found++;
		/* Probability 0: only fail-nth fires, and it names the site. */
		if (set(attrs[i], "probability", "0", why, len) ||
		    set(attrs[i], "verbose", "2", why, len) ||
		    set(attrs[i], "verbose_ratelimit_interval_ms", "0", why,
			len) ||
		    set(attrs[i], "times", "-1", why, len) ||
		    set(attrs[i], "space", "0", why, len) ||
		    set(attrs[i], "interval", "1", why, len) ||
		    set(attrs[i], "ignore-gfp-wait", "N", why, len))
			return -1;
		if (i == 1 && set(attrs[i], "min-order", "0", why, len))
			return -1;
	}
	if (!found) {
		snprintf(why, len,
			 "neither failslab nor fail_page_alloc in %s: fail-nth would fail nothing (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS)",
			 ks_debugfs_root());
		return 1;
	}
	return 0;
}

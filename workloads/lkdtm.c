// SPDX-License-Identifier: GPL-2.0
/*
 * lkdtm: make the kernel crash on purpose through LKDTM's
 * /sys/kernel/debug/provoke-crash/DIRECT, to test that the harness
 * reports what a real bug would produce (BUG, WARNING, panic, hang) and
 * attributes it to the right scenario.  Worker 0 writes the crash type
 * once after a delay; every worker then idles until the deadline.
 *
 * Only on a kernel that is disposable: a QEMU guest started by
 * `kmemstorm vm` (kmemstorm.disposable=1 on its command line), or where
 * KMEMSTORM_DISPOSABLE_KERNEL=1 says so explicitly.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "sysinfo.h"
#include "workload.h"

#define DIRECT "/sys/kernel/debug/provoke-crash/DIRECT"

enum { OP_PROVOKE, NR_OPS };
enum { OPT_CRASH, OPT_DELAY_MS, OPT_REPEAT, NR_OPTS };

static const struct ks_opt_desc lkdtm_opts[] = {
	[OPT_CRASH] = { "crash", KS_OPT_STRING, "WARNING", 0, 0,
		"LKDTM crash type written to provoke-crash/DIRECT: BUG, WARNING, EXCEPTION, PANIC, SOFTLOCKUP, HUNG_TASK, ..." },
	[OPT_DELAY_MS] = { "delay_ms", KS_OPT_INT, "500", 0, 600000,
		"milliseconds into the storm before the crash is provoked" },
	/*
	 * Sampling detectors (KFENCE) see one allocation in many: the same
	 * crash provoked again and again lands on a sampled object sooner
	 * or later.
	 */
	[OPT_REPEAT] = { "repeat", KS_OPT_INT, "1", 1, 1000000,
		"times the crash is provoked, back to back (for sampling detectors such as KFENCE)" },
	{ NULL },
};

static int lkdtm_setup(struct ks_wl_ctx *ctx)
{
	const char *crash = ctx->opt[OPT_CRASH].str;
	size_t i;

	if (!crash[0] || strlen(crash) > 64)
		goto bad;
	for (i = 0; crash[i]; i++)
		if (!(crash[i] >= 'A' && crash[i] <= 'Z') &&
		    !(crash[i] >= '0' && crash[i] <= '9') && crash[i] != '_')
			goto bad;
	if (!ks_kernel_is_disposable()) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "refusing to crash a kernel that is not disposable (run it with 'kmemstorm vm', or set KMEMSTORM_DISPOSABLE_KERNEL=1)");
		return -1;
	}
	if (access(DIRECT, W_OK)) {
		snprintf(ctx->err, sizeof(ctx->err), "%s: %s (CONFIG_LKDTM and debugfs needed)",
			 DIRECT, strerror(errno));
		return -1;
	}
	return 0;
bad:
	snprintf(ctx->err, sizeof(ctx->err),
		 "lkdtm.crash '%s' is not an LKDTM crash type name", crash);
	return -1;
}

static void sleep_until(int64_t deadline_ns)
{
	struct timespec ts = { deadline_ns / 1000000000,
			       deadline_ns % 1000000000 };

	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static int lkdtm_run(struct ks_wl_ctx *ctx)
{
	int64_t at, n;
	int fd, r;

	at = ks_now_ns() + ctx->opt[OPT_DELAY_MS].num * 1000000;
	if (ctx->worker == 0) {
		sleep_until(at);
		fd = open(DIRECT, O_WRONLY | O_CLOEXEC);
		for (n = 0; n < ctx->opt[OPT_REPEAT].num &&
			    !ks_should_stop(ctx); n++) {
			r = fd < 0 ? -1 :
			    (int)write(fd, ctx->opt[OPT_CRASH].str,
				       strlen(ctx->opt[OPT_CRASH].str));
			ks_count(ctx, OP_PROVOKE, r < 0 ? -1 : 0, errno);
			if (fd < 0)
				break;
		}
		if (fd >= 0)
			close(fd);
	}
	while (!ks_should_stop(ctx)) {
		struct timespec pause = { 0, 20000000 };

		nanosleep(&pause, NULL);
	}
	return 0;
}

const struct ks_workload ks_wl_lkdtm = {
	.name = "lkdtm",
	.summary = "provoke a kernel crash through LKDTM (disposable kernels only): tests the harness's reporting",
	.ops = { "provoke", NULL },
	.allow = { "*" },
	.opts = lkdtm_opts,
	.setup = lkdtm_setup,
	.run = lkdtm_run,
};

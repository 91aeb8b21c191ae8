// SPDX-License-Identifier: GPL-2.0
/*
 * Which accelerator a guest boots under, and what auto learns: QEMU gets
 * one accelerator per boot (vm.c), and this file decides which, and
 * whether a KVM boot that failed before the guest said a word is tried
 * again under TCG.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "scenario.h"
#include "summary.h"
#include "vm_internal.h"

/*
 * What auto learnt about KVM, per host boot, QEMU binary, kernel and
 * /dev/kvm device:
 * $KS_CACHE/accel/<key> holds "tcg" once KVM failed, so later guests go
 * straight to TCG instead of waiting for KVM to fail again.
 */
/*
 * The KVM device auto looks at: $KS_KVM_DEV, for a test on a host that
 * has none to stand one in for a QEMU wrapper that aborts under KVM.
 */
static const char *kvm_dev(void)
{
	const char *d = getenv("KS_KVM_DEV");

	return d && *d ? d : "/dev/kvm";
}

static void accel_cache_path(const struct ks_vm_opts *o, char *out,
			     size_t len)
{
	char id[PATH_MAX * 2 + 128] = "", boot[64] = "", q[PATH_MAX];
	const char *cache = getenv("KS_CACHE"), *base = getenv("XDG_CACHE_HOME");
	unsigned long long h = 1469598103934665603ULL;
	struct stat sq = { 0 }, sk = { 0 }, sd = { 0 };
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	size_t i;

	if (f) {
		if (!fgets(boot, sizeof(boot), f))
			boot[0] = '\0';
		fclose(f);
	}
	snprintf(q, sizeof(q), "%s", o->qemu);
	stat(o->qemu, &sq);
	stat(o->kernel, &sk);
	/*
	 * And what /dev/kvm is: a test (or a container) that puts something
	 * else there must not teach the real one's answer.
	 */
	stat(kvm_dev(), &sd);
	snprintf(id, sizeof(id), "%s %lld %lld %s %lld %lld %s %llx %s", q,
		 (long long)sq.st_size, (long long)sq.st_mtime, o->kernel,
		 (long long)sk.st_size, (long long)sk.st_mtime, boot,
		 (unsigned long long)sd.st_rdev, kvm_dev());
	for (i = 0; id[i]; i++)
		h = (h ^ (unsigned char)id[i]) * 1099511628211ULL;
	if (cache && *cache)
		snprintf(out, len, "%s/accel/%016llx", cache, h);
	else if (base && *base)
		snprintf(out, len, "%s/kmemstorm/accel/%016llx", base, h);
	else
		snprintf(out, len, "%s/.cache/kmemstorm/accel/%016llx",
			 getenv("HOME") ? getenv("HOME") : "/tmp", h);
}

static int accel_cached_tcg(const char *path, char *why, size_t len)
{
	FILE *f = fopen(path, "re");
	int tcg = 0;

	if (!f)
		return 0;
	if (fgets(why, (int)len, f) && !strncmp(why, "tcg ", 4)) {
		why[strcspn(why, "\n")] = '\0';
		memmove(why, why + 4, strlen(why + 4) + 1);
		tcg = 1;
	}
	fclose(f);
	return tcg;
}

static void accel_remember_tcg(const char *path, const char *why)
{
	char dir[PATH_MAX + 64], tmp[PATH_MAX + 80];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0755);
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	f = fopen(tmp, "we");
	if (!f)
		return;
	fprintf(f, "tcg %s\n", why);
	if (fclose(f) == 0)
		rename(tmp, path);
	else
		unlink(tmp);
}

/* A guest that stopped inside the plan, with scenarios left after it. */
static int resumable(const struct ks_vm_result *r)
{
	return (r->outcome == KS_VM_PANIC || r->outcome == KS_VM_HANG ||
		r->outcome == KS_VM_QEMU_FAILURE) && !ks_interrupted &&
	       r->resume_at > 1 && r->resume_at <= r->nscenarios;
}

/* Exit codes of two guests of one run: the worse, "all skipped" least. */
static int worse(int a, int b)
{
	if (a == 4)
		return b;
	if (b == 4)
		return a;
	return a > b ? a : b;
}

static void add_result(struct ks_vm_result *all, const struct ks_vm_result *r)
{
	int code = worse(all->exit_code, r->exit_code);

	all->npass += r->npass;
	all->nfail += r->nfail;
	all->nskip += r->nskip;
	all->nerror += r->nerror;
	all->outcome = r->outcome;
	all->guest_exit = r->guest_exit;
	all->resume_at = r->resume_at;
	all->nscenarios = r->nscenarios ? r->nscenarios : all->nscenarios;
	snprintf(all->stopped_in, sizeof(all->stopped_in), "%s", r->stopped_in);
	all->exit_code = code;
	all->restarts++;
}

/*
 * One plan, in as many guests as it takes: a guest that panics, hangs or
 * dies in scenario K ends K (its journal says how), and a fresh guest
 * resumes at K + 1, so that one night reports every crash of the plan,
 * each against its own scenario.  At most max_restarts guests more, in
 * what is left of timeout_s.
 */
static int boot_plan(const struct ks_vm_opts *o, const char *accel,
		     const char *fallback, int retry,
		     struct ks_vm_result *res, char *early, size_t earlylen)
{
	struct ks_vm_opts g = *o;
	struct ks_vm_result r;
	int64_t t0 = ks_now_ns();
	json_t *ends = json_array();
	char why[320];
	int left;

	g.guest = 1;
	g.start_at = 0;
	g.ends_out = ends;
	ks_vm_boot(&g, accel, fallback, retry, res, early, earlylen);
	while (!early[0] && resumable(res) && res->restarts < o->max_restarts) {
		left = o->timeout_s - (int)((ks_now_ns() - t0) / 1000000000);
		if (left < 30)
			break;
		snprintf(why, sizeof(why), "guest %d: %s %s%s", g.guest,
			 ks_vm_outcome_name(res->outcome),
			 res->stopped_in[0] ? "in scenario " :
			 "between scenarios",
			 res->stopped_in);
		if (!o->quiet)
			fprintf(stderr, "kmemstorm vm: %s: %s; a fresh guest resumes at scenario %d of %d\n",
				o->plan, why, res->resume_at, res->nscenarios);
		g.guest++;
		g.start_at = res->resume_at;
		g.resume_why = why;
		g.timeout_s = left;
		ks_vm_boot(&g, accel, fallback, 0, &r, early, earlylen);
		add_result(res, &r);
	}
	/* A boot that failed before the guest spoke is tried again: no summary. */
	if (!early[0] && !o->quiet)
		ks_summary_print(stdout, ends);
	json_decref(ends);
	return res->exit_code;
}

/*
 * auto: KVM when /dev/kvm can be used, and a guest that QEMU could not
 * run under KVM (it initialises on some hosts and then aborts the guest:
 * "failed to set MSR", SIGABRT) is booted again under TCG, once.
 */
int ks_vm_run(const struct ks_vm_opts *o, struct ks_vm_result *res)
{
	const char *want = o->accel && *o->accel ? o->accel : "auto";
	char early[512], why[PATH_MAX + 700], cpath[PATH_MAX + 64];
	int code;

	if (strcmp(want, "auto")) {
		code = boot_plan(o, want, "", 0, res, early, sizeof(early));
		if (early[0] && !strcmp(want, "kvm"))
			fprintf(stderr, "kmemstorm vm: --accel kvm: %s; try --accel tcg or auto\n",
				early);
		return code;
	}
	if (access(kvm_dev(), R_OK | W_OK)) {
		snprintf(why, sizeof(why), "%s: %s", kvm_dev(), strerror(errno));
		if (!o->quiet)
			fprintf(stderr, "kmemstorm vm: accel auto: TCG (%s)\n",
				why);
		return boot_plan(o, "tcg", why, 0, res, early, sizeof(early));
	}
	accel_cache_path(o, cpath, sizeof(cpath));
	if (accel_cached_tcg(cpath, early, sizeof(early))) {
		snprintf(why, sizeof(why), "kvm (learnt earlier on this boot, %s): %s",
			 cpath, early);
		if (!o->quiet)
			fprintf(stderr, "kmemstorm vm: accel auto: TCG, %s\n",
				why);
		return boot_plan(o, "tcg", why, 0, res, early, sizeof(early));
	}
	code = boot_plan(o, "kvm", "", 1, res, early, sizeof(early));
	if (!early[0] || ks_interrupted)
		return code;
	accel_remember_tcg(cpath, early);
	snprintf(why, sizeof(why), "kvm: %s", early);
	fprintf(stderr, "kmemstorm vm: accel auto: %s; booting again under TCG\n",
		early);
	return boot_plan(o, "tcg", why, 0, res, early, sizeof(early));
}

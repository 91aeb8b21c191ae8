// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workload.h"

/* lkdtm crashes kernels: its setup must refuse unless told otherwise. */
static int lkdtm_setup_with(const char *crash, const char *disposable,
			    char *err, size_t len)
{
	const struct ks_workload *wl = ks_workload_find("lkdtm");
	struct ks_opt_value opt[KS_MAX_OPTS] = { 0 };
	struct ks_wl_ctx ctx = { .wl = wl, .opt = opt };
	int r;

	cr_assert_not_null(wl);
	snprintf(opt[ks_workload_opt_index(wl, "crash")].str,
		 sizeof(opt[0].str), "%s", crash);
	opt[ks_workload_opt_index(wl, "delay_ms")].num = 0;
	if (disposable)
		setenv("KMEMSTORM_DISPOSABLE_KERNEL", disposable, 1);
	else
		unsetenv("KMEMSTORM_DISPOSABLE_KERNEL");
	r = wl->setup(&ctx);
	unsetenv("KMEMSTORM_DISPOSABLE_KERNEL");
	snprintf(err, len, "%s", ctx.err);
	return r;
}

Test(lkdtm, refuses_a_kernel_that_is_not_disposable)
{
	char err[256], cmdline[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = '\0';
		fclose(f);
	}
	if (strstr(cmdline, "kmemstorm.disposable=1"))
		cr_skip_test("this kernel is a disposable kmemstorm guest");
	cr_expect_eq(lkdtm_setup_with("BUG", NULL, err, sizeof(err)), -1);
	cr_expect(strstr(err, "refusing to crash a kernel that is not disposable"),
		  "%s", err);
	cr_expect_eq(lkdtm_setup_with("BUG", "0", err, sizeof(err)), -1);
	cr_expect(strstr(err, "not disposable"), "%s", err);
}

Test(lkdtm, rejects_bad_crash_names)
{
	char err[256];

	cr_expect_eq(lkdtm_setup_with("BUG; reboot", "1", err, sizeof(err)), -1);
	cr_expect_str_eq(err,
		"lkdtm.crash 'BUG; reboot' is not an LKDTM crash type name");
	cr_expect_eq(lkdtm_setup_with("", "1", err, sizeof(err)), -1);
}

Test(lkdtm, names_the_missing_lkdtm_file)
{
	char err[256];

	if (access("/sys/kernel/debug/provoke-crash/DIRECT", F_OK) == 0)
		cr_skip_test("this kernel has LKDTM");
	cr_expect_eq(lkdtm_setup_with("WARNING", "1", err, sizeof(err)), -1);
	cr_expect(strstr(err, "/sys/kernel/debug/provoke-crash/DIRECT: "),
		  "%s", err);
}

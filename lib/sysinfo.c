// SPDX-License-Identifier: GPL-2.0
#include "sysinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "utf8.h"

json_t *ks_sysinfo_kernel(void)
{
	struct utsname u;
	char cmdline[4096] = "", banner[1024] = "";

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	ks_read_small("/proc/cmdline", cmdline, sizeof(cmdline));
	/* "Linux version R (builder) (COMPILER, LINKER) #1 ...": its compiler */
	ks_read_small("/proc/version", banner, sizeof(banner));
	return json_pack("{s:o, s:o, s:o, s:o, s:I, s:o}", "release",
			 ks_json_text(u.release),
			 "version", ks_json_text(u.version), "machine",
			 ks_json_text(u.machine),
			 "cmdline", ks_json_text(cmdline), "tainted",
			 (json_int_t)ks_sysinfo_tainted(), "banner",
			 ks_json_text(banner));
}

long ks_sysinfo_tainted(void)
{
	char buf[32];

	if (ks_read_small("/proc/sys/kernel/tainted", buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

const char *ks_sysinfo_utc(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

int ks_kernel_is_disposable(void)
{
	const char *env = getenv("KMEMSTORM_DISPOSABLE_KERNEL");
	char cmdline[4096], *p;

	if (env && !strcmp(env, "1"))
		return 1;
	if (ks_read_small("/proc/cmdline", cmdline, sizeof(cmdline)))
		return 0;
	for (p = strtok(cmdline, " "); p; p = strtok(NULL, " "))
		if (!strcmp(p, "kmemstorm.disposable=1"))
			return 1;
	return 0;
}

static const struct { char letter; const char *meaning; } taints[] = {
	{ 'P', "a proprietary module was loaded" },
	{ 'F', "a module was force-loaded" },
	{ 'S', "running on out-of-spec hardware" },
	{ 'R', "a module was force-unloaded" },
	{ 'M', "a machine check exception occurred" },
	{ 'B', "bad page referenced or unexpected page flags" },
	{ 'U', "taint requested by user space" },
	{ 'D', "the kernel died: Oops or BUG" },
	{ 'A', "an ACPI table was overridden" },
	{ 'W', "a WARNING was issued" },
	{ 'C', "a staging driver was loaded" },
	{ 'I', "a platform firmware bug workaround was applied" },
	{ 'O', "an out-of-tree module was loaded" },
	{ 'E', "an unsigned module was loaded" },
	{ 'L', "a soft lockup occurred" },
	{ 'K', "the kernel was live patched" },
	{ 'X', "auxiliary taint (distribution-defined)" },
	{ 'T', "built with the struct randomization plugin" },
	{ 'N', "an in-kernel test was run" },
};

const char *ks_taint_letters(long mask, char *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(taints) / sizeof(taints[0]) && n + 1 < len; i++)
		if (mask & (1L << i))
			buf[n++] = taints[i].letter;
	buf[n] = '\0';
	return buf;
}

const char *ks_taint_describe(long mask, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(taints) / sizeof(taints[0]); i++) {
		if (!(mask & (1L << i)))
			continue;
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%c (%s)",
			      n ? ", " : "", taints[i].letter,
			      taints[i].meaning);
	}
	for (i = sizeof(taints) / sizeof(taints[0]); i < 8 * sizeof(long); i++)
		if (mask & (1L << i))
			n += snprintf(buf + n, n < len ? len - n : 0,
				      "%sbit %zu", n ? ", " : "", i);
	return buf;
}

long long ks_sysinfo_uptime_ms(void)
{
	FILE *f = fopen("/proc/uptime", "re");
	double up;
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%lf", &up) == 1;
	fclose(f);
	return ok ? (long long)(up * 1000) : -1;
}

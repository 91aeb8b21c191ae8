// SPDX-License-Identifier: GPL-2.0
#include "sysinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int ks_read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

json_t *ks_sysinfo_kernel(void)
{
	struct utsname u;
	char cmdline[4096] = "";

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	ks_read_small("/proc/cmdline", cmdline, sizeof(cmdline));
	return json_pack("{s:s, s:s, s:s, s:s, s:I}", "release", u.release,
			 "version", u.version, "machine", u.machine,
			 "cmdline", cmdline, "tainted",
			 (json_int_t)ks_sysinfo_tainted());
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

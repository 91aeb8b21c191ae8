// SPDX-License-Identifier: GPL-2.0
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "failpoint.h"

ssize_t ks_file_read(const char *path, char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;
	int fd, ret;

	if (!len)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		buf[0] = '\0';
		return -errno;
	}
	for (;;) {
		if (off == len - 1) {
			char c;

			/* Full: only fine if the file ends exactly here. */
			n = read(fd, &c, 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n != 0) {
				ret = n < 0 ? -errno : -EFBIG;
				goto fail;
			}
			break;
		}
		n = read(fd, buf + off, len - 1 - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto fail;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	return (ssize_t)off;
fail:
	close(fd);
	buf[0] = '\0';
	return ret;
}

int ks_read_small(const char *path, char *buf, size_t len)
{
	ssize_t n = ks_file_read(path, buf, len);

	if (n < 0)
		return (int)n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int ks_file_write(const char *path, const char *val, const char *fiu_point,
		  const char **what)
{
	size_t len = strlen(val);
	const char *step = "open";
	ssize_t n;
	int fd, ret = 0;

	/* O_TRUNC: harmless on cgroupfs and procfs, needed on plain files. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	step = "write";
	n = fiu_point ? ks_fiu_sys(fiu_point, EIO, write(fd, val, len)) :
			write(fd, val, len);
	if (n < 0) {
		ret = -errno;
		close(fd);
		goto out;
	}
	step = "close";
	if (close(fd) < 0 && errno != EINTR) {
		ret = -errno;
		goto out;
	}
	if ((size_t)n != len) {
		step = "short write";
		ret = -EIO;
	}
out:
	if (what)
		*what = step;
	return ret;
}

int ks_mkdirs(const char *path, mode_t mode)
{
	char buf[4096];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (ks_fiu_sys("kmemstorm/outdir/mkdir", EROFS, mkdir(buf, mode)) &&
	    errno != EEXIST)
		return -errno;
	return 0;
}

void ks_default_outdir(char *out, size_t len, const char *name)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(out, len, "kmemstorm-out/%s-%s", name, stamp);
}

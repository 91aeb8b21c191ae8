// SPDX-License-Identifier: GPL-2.0
/*
 * A scratch block device for storms that need a filesystem of their own
 * (btrfs): a loop device attached by ioctl (no losetup, no shell), and the
 * filesystem's mkfs, which only a fork and exec can run.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/loop.h>

#include "clock.h"
#include "failpoint.h"
#include "loopdev.h"

/* mkfs of an image this size takes a second; on a slow guest, a few. */
#define KS_MKFS_TIMEOUT_S	30

/* Is /dev/loop<nr> bound to path?  Its sysfs backing_file says. */
static bool loop_bound(int nr, const char *path)
{
	char sys[96], buf[4096];
	ssize_t n;
	int fd;

	snprintf(sys, sizeof(sys), "/sys/block/loop%d/loop/backing_file", nr);
	fd = open(sys, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	/* A deleted backing file reads "<path> (deleted)". */
	return !strncmp(buf, path, strlen(path));
}

/*
 * Attach the open image img (named image) to a free loop device that
 * detaches itself (autoclear) once its last user goes.  LOOP_CONFIGURE
 * (5.8) does it in one step; before it, LOOP_SET_FD and LOOP_SET_STATUS64.
 * Another attacher may take the free device between LOOP_CTL_GET_FREE and
 * ours: then EBUSY, and another try.  Returns the open device, whose number
 * and path are in *nr and dev, or -1 with err.
 */
int ks_loop_attach(int img, const char *image, int *nr, char *dev,
		   size_t devlen, char *err, size_t elen)
{
	struct loop_config cfg = { .fd = img, .block_size = 4096 };
	int ctl, n, fd = -1, tries, r = -1;

	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
	snprintf((char *)cfg.info.lo_file_name, LO_NAME_SIZE, "%s", image);
	ctl = ks_fiu_sys("kmemstorm/loop/attach", ENODEV,
			 open("/dev/loop-control", O_RDWR | O_CLOEXEC));
	if (ctl < 0) {
		snprintf(err, elen, "loop: /dev/loop-control: %s",
			 strerror(errno));
		return -1;
	}
	for (tries = 0; tries < 16 && r; tries++) {
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0)
			break;
		snprintf(dev, devlen, "/dev/loop%d", n);
		fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			break;
		r = ioctl(fd, LOOP_CONFIGURE, &cfg);
		if (r && errno == EINVAL) {
			r = ioctl(fd, LOOP_SET_FD, img);
			if (!r && ioctl(fd, LOOP_SET_STATUS64, &cfg.info)) {
				r = -1;
				ioctl(fd, LOOP_CLR_FD, 0);
			}
		}
		if (!r) {
			*nr = n;
			break;
		}
		close(fd);
		fd = -1;
		if (errno != EBUSY)
			break;
	}
	if (r)
		snprintf(err, elen, "loop: attaching %.100s: %s", image,
			 strerror(errno));
	close(ctl);
	return r ? -1 : fd;
}

/*
 * Let go of loop device nr (fd: ours, or -1) bound to image, after its
 * filesystem was unmounted (MNT_DETACH: maybe still busy for a moment).
 * Says in err only when it stays bound.
 */
void ks_loop_release(int fd, int nr, const char *image, char *err,
		     size_t elen)
{
	const struct timespec pause = { 0, 10000000 };
	char dev[64];
	int i;

	if (fd >= 0) {
		/*
		 * Still open by a mount going away, the kernel only sets
		 * autoclear (or says EBUSY before 5.19): both fine.
		 */
		ioctl(fd, LOOP_CLR_FD, 0);
		close(fd);
	}
	/* btrfs's final commit at unmount takes a moment: wait, 5 s at most. */
	for (i = 0; i < 500 && loop_bound(nr, image); i++)
		nanosleep(&pause, NULL);
	if (!loop_bound(nr, image))
		return;
	/* Autoclear never came: detach by hand, last resort. */
	snprintf(dev, sizeof(dev), "/dev/loop%d", nr);
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, LOOP_CLR_FD, 0))
		snprintf(err, elen, "loop: %s still bound to %.150s", dev,
			 image);
	if (fd >= 0)
		close(fd);
}

/* Find prog in PATH (and the sbin dirs a plain user's PATH lacks). */
static int find_prog(const char *prog, char *out, size_t len)
{
	const char *env = getenv("PATH");
	char path[8192], *dir, *save;

	snprintf(path, sizeof(path), "%s:/usr/sbin:/sbin",
		 env ? env : "/usr/bin:/bin");
	for (dir = strtok_r(path, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", *dir ? dir : ".", prog);
		if (!access(out, X_OK))
			return 0;
	}
	return -1;
}

/*
 * Run "prog -f -q dev" (mkfs.btrfs, mkfs.xfs style), the storm who's; when
 * prog is missing, say which package brings it.  0, or -1 with err.
 */
int ks_mkfs(const char *who, const char *prog, const char *pkg,
	    const char *dev, char *err, size_t elen)
{
	const struct timespec pause = { 0, 10000000 };
	int64_t t0;
	char path[4096];
	int status, nul;
	pid_t pid;

	if (find_prog(prog, path, sizeof(path))) {
		snprintf(err, elen, "%s storm needs %s (Debian package %s)",
			 who, prog, pkg);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, elen, "%s: fork: %s", who, strerror(errno));
		return -1;
	}
	if (!pid) {
		/* -q still chatters on stdout in some versions. */
		nul = open("/dev/null", O_WRONLY);
		if (nul >= 0)
			dup2(nul, STDOUT_FILENO);
		execl(path, prog, "-f", "-q", dev, (char *)NULL);
		_exit(127);
	}
	/* A mkfs that hangs must not hang the harness. */
	t0 = ks_now_ns();
	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (ks_ms_since(t0) >= KS_MKFS_TIMEOUT_S * 1000) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			snprintf(err, elen, "%s: %s -f -q %s did not finish in %d s",
				 who, path, dev, KS_MKFS_TIMEOUT_S);
			return -1;
		}
		nanosleep(&pause, NULL);
	}
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	snprintf(err, elen, "%s: %s -f -q %s failed (status %d)", who, path,
		 dev, status);
	return -1;
}

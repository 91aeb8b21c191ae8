/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scratch block device for storms that need a filesystem of their own:
 * a loop device attached by ioctl (no losetup, no shell), and mkfs.
 */
#ifndef KS_LOOPDEV_H
#define KS_LOOPDEV_H

#include <stddef.h>

/*
 * Attach the open image img (path image) to a free loop device with
 * autoclear; its number in *nr and "/dev/loopN" in dev.  0 or -1 with err.
 */
int ks_loop_attach(int img, const char *image, int *nr, char *dev,
		   size_t devlen, char *err, size_t elen);
/* Close fd and make sure /dev/loop<nr> no longer serves image. */
void ks_loop_release(int fd, int nr, const char *image, char *err,
		     size_t elen);
/* Run prog (from package pkg, for storm who) on dev: 0 or -1 with err. */
int ks_mkfs(const char *who, const char *prog, const char *pkg,
	    const char *dev, char *err, size_t elen);

#endif

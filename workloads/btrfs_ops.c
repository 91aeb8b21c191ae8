// SPDX-License-Identifier: GPL-2.0
/*
 * The btrfs storm's operations: see btrfs.c for what the storm does and
 * btrfs_ops.h for how the two files share its state.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <linux/btrfs.h>
#include <linux/fs.h>

#include "btrfs_ops.h"

#ifndef EUCLEAN
#define EUCLEAN 117
#endif

/* Read-only or corrupt: what the storm is looking for, said once. */
void bt_count(struct bstorm *s, int op, int r, int e)
{
	ks_count(s->ctx, op, r, e);
	if (r >= 0 || s->said || (e != EROFS && e != EIO && e != EUCLEAN))
		return;
	s->said = true;
	fprintf(stderr, "kmemstorm: btrfs worker %d: FINDING: %s: %s\n",
		s->ctx->worker, s->ctx->wl->ops[op], strerror(e));
}

static void fname(struct bstorm *s, const struct bfile *f, char *buf)
{
	snprintf(buf, sizeof(s->name), "%sf%" PRIx64, f->in_d ? "d/" : "",
		 (uint64_t)f->serial);
}

void bt_newest_name(struct bstorm *s, char *buf)
{
	fname(s, &s->ring[(s->head + s->n - 1) % s->max], buf);
}

static struct bfile *pick(struct bstorm *s)
{
	return &s->ring[(s->head + ks_rand64(&s->rnd) % s->n) % s->max];
}

void bt_set_objects(struct bstorm *s)
{
	__atomic_store_n(&s->ctx->ctr->objects,
			 (uint64_t)(s->n + s->snap.n + s->vol.n),
			 __ATOMIC_RELAXED);
}

void bt_delete_oldest(struct bstorm *s)
{
	int r;

	if (!s->n)
		return;
	fname(s, &s->ring[s->head], s->name);
	r = unlinkat(s->wfd, s->name, 0);
	bt_count(s, OP_DELETE, r, errno);
	/* A failed unlink leaves the file to teardown: the ring stays small. */
	s->head = (s->head + 1) % s->max;
	s->n--;
	bt_set_objects(s);
}

static void add_file(struct bstorm *s, uint64_t serial)
{
	s->ring[(s->head + s->n) % s->max] = (struct bfile){ .serial = serial };
	s->n++;
	bt_set_objects(s);
}

void bt_write_new(struct bstorm *s, int fd, uint64_t serial)
{
	char tag[24];
	ssize_t w;
	int r;

	/* Text with the serial in it: compressible, never two alike. */
	snprintf(tag, sizeof(tag), "f%" PRIx64, serial);
	memcpy(s->buf, tag, strlen(tag));
	w = write(fd, s->buf, s->wlen);
	if (w >= 0 && (size_t)w != s->wlen) {
		w = -1;
		errno = ENOSPC;
	}
	r = w < 0 ? -1 : fsync(fd);
	bt_count(s, OP_WRITE, r, errno);
	add_file(s, serial);	/* even a short one: delete it in turn */
}

void bt_write_fsync(struct bstorm *s)
{
	uint64_t serial = s->next++;
	int fd;

	if (s->n == s->max)
		bt_delete_oldest(s);
	snprintf(s->name, sizeof(s->name), "f%" PRIx64, serial);
	fd = openat(s->wfd, s->name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
		    0600);
	if (fd < 0) {
		bt_count(s, OP_WRITE, -1, errno);
		bt_delete_oldest(s);
		return;
	}
	bt_write_new(s, fd, serial);
	close(fd);
}

/*
 * Whole file, or a range cloned one block in: both code paths.  The
 * range runs to the source's end (src_length 0): a source whose write an
 * injected failure cut short is shorter than wlen, and a range past its
 * end is the caller's EINVAL, not the kernel's (seen in btrfs-failslab).
 */
void bt_clone(struct bstorm *s, int dst, int src, uint64_t serial)
{
	struct file_clone_range fcr = {
		.src_fd = src, .src_length = 0, .dest_offset = 4096,
	};
	int r;

	if (serial & 1)
		r = ioctl(dst, FICLONE, src);
	else
		r = ioctl(dst, FICLONERANGE, &fcr);
	bt_count(s, OP_REFLINK, r, errno);
	add_file(s, serial);
}

void bt_reflink(struct bstorm *s)
{
	uint64_t serial;
	int src, dst;

	if (!s->n)
		return bt_write_fsync(s);
	if (s->n == s->max)
		bt_delete_oldest(s);
	fname(s, pick(s), s->name);
	src = openat(s->wfd, s->name, O_RDONLY | O_CLOEXEC);
	if (src < 0) {
		bt_count(s, OP_REFLINK, -1, errno);
		return;
	}
	serial = s->next++;
	snprintf(s->name2, sizeof(s->name2), "f%" PRIx64, serial);
	dst = openat(s->wfd, s->name2, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
		     0600);
	if (dst < 0) {
		bt_count(s, OP_REFLINK, -1, errno);
		close(src);
		return;
	}
	bt_clone(s, dst, src, serial);
	close(dst);
	close(src);
}

void bt_set_xattr(struct bstorm *s, int fd, const char *name)
{
	int r = fsetxattr(fd, name, s->xval, s->xlen, 0);

	/* errno read after the call: argument order is unspecified. */
	bt_count(s, OP_XATTR, r, errno);
}

void bt_xattr(struct bstorm *s)
{
	int fd;

	if (!s->n)
		return bt_write_fsync(s);
	fname(s, pick(s), s->name);
	fd = openat(s->wfd, s->name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		bt_count(s, OP_XATTR, -1, errno);
		return;
	}
	/* A second name now and then: more items in the leaf. */
	bt_set_xattr(s, fd, ks_rand64(&s->rnd) & 1 ? "user.ks0" : "user.ks1");
	close(fd);
}

void bt_rename(struct bstorm *s)
{
	struct bfile *f;
	int r;

	if (!s->n)
		return bt_write_fsync(s);
	f = pick(s);
	fname(s, f, s->name);
	f->in_d = !f->in_d;
	fname(s, f, s->name2);
	r = renameat(s->wfd, s->name, s->wfd, s->name2);
	bt_count(s, OP_RENAME, r, errno);
	if (r)
		f->in_d = !f->in_d;
}

void bt_vol_destroy(struct bstorm *s, int op)
{
	struct vring *v = op == OP_SNAPSHOT ? &s->snap : &s->vol;
	struct btrfs_ioctl_vol_args a = { 0 };
	int r;

	if (!v->n)
		return;
	/* Snapshots at the top, nested subvolumes in the worker's own. */
	if (op == OP_SNAPSHOT)
		snprintf(a.name, sizeof(a.name), "s%d.%" PRIx64,
			 s->ctx->worker, v->serial[v->head]);
	else
		snprintf(a.name, sizeof(a.name), "v%" PRIx64,
			 v->serial[v->head]);
	r = ioctl(op == OP_SNAPSHOT ? s->mfd : s->wfd, BTRFS_IOC_SNAP_DESTROY,
		  &a);
	bt_count(s, op, r, errno);
	v->head = (v->head + 1) % v->max;
	v->n--;
	bt_set_objects(s);
}

static void vol_add(struct bstorm *s, struct vring *v, uint64_t serial)
{
	v->serial[(v->head + v->n) % v->max] = serial;
	v->n++;
	bt_set_objects(s);
}

void bt_subvol(struct bstorm *s)
{
	struct btrfs_ioctl_vol_args a = { 0 };
	uint64_t serial = s->next++;
	int r;

	if (s->vol.n == s->vol.max)
		bt_vol_destroy(s, OP_SUBVOL);
	snprintf(a.name, sizeof(a.name), "v%" PRIx64, serial);
	r = ioctl(s->wfd, BTRFS_IOC_SUBVOL_CREATE, &a);
	bt_count(s, OP_SUBVOL, r, errno);
	if (!r)
		vol_add(s, &s->vol, serial);
	else
		bt_vol_destroy(s, OP_SUBVOL);
}

void bt_snapshot(struct bstorm *s)
{
	struct btrfs_ioctl_vol_args_v2 a = { .fd = s->wfd };
	uint64_t serial = s->next++;
	int r;

	if (s->snap.n == s->snap.max)
		bt_vol_destroy(s, OP_SNAPSHOT);
	snprintf(a.name, sizeof(a.name), "s%d.%" PRIx64, s->ctx->worker,
		 serial);
	r = ioctl(s->mfd, BTRFS_IOC_SNAP_CREATE_V2, &a);
	bt_count(s, OP_SNAPSHOT, r, errno);
	if (!r)
		vol_add(s, &s->snap, serial);
	else
		bt_vol_destroy(s, OP_SNAPSHOT);
}

/*
 * Make and open w<worker> (a subvolume) and its d/.  Inside the cgroup, so
 * failures are counted and retried until stop: 0, or 1 when stopped first.
 */
int bt_worker_root(struct bstorm *s)
{
	const struct timespec pause = { 0, 1000000 };
	struct btrfs_ioctl_vol_args a = { 0 };
	int r;

	snprintf(a.name, sizeof(a.name), "w%d", s->ctx->worker);
	while (!ks_should_stop(s->ctx)) {
		if (s->wfd < 0) {
			r = ioctl(s->mfd, BTRFS_IOC_SUBVOL_CREATE, &a);
			if (r && errno != EEXIST)
				bt_count(s, OP_SUBVOL, r, errno);
			else if (!r)
				bt_count(s, OP_SUBVOL, 0, 0);
			s->wfd = openat(s->mfd, a.name, O_RDONLY |
					O_DIRECTORY | O_CLOEXEC);
		}
		if (s->wfd >= 0 && mkdirat(s->wfd, "d", 0700) &&
		    errno != EEXIST)
			bt_count(s, OP_WRITE, -1, errno);
		else if (s->wfd >= 0)
			return 0;
		nanosleep(&pause, NULL);
	}
	return 1;
}

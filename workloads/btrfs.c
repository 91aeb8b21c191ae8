// SPDX-License-Identifier: GPL-2.0
/*
 * btrfs storm: btrfs metadata, its transactions and compressed writeback
 * charged to the cgroup, on a private btrfs that setup() makes: a sparse
 * image in the workdir on a loop device (attached by ioctl, no losetup),
 * mkfs.btrfs, mounted below the workdir.
 *
 * Each worker owns a subvolume w<worker> at the top.  In it, up to caps,
 * oldest removed first: small compressible files written and fsync'd,
 * reflink copies of them (FICLONE, FICLONERANGE), xattrs on them, renames
 * between the subvolume's top and its directory d/, nested subvolumes
 * v<serial>; and snapshots s<worker>.<serial> of the whole subvolume at the
 * top.  Renames stay inside the subvolume: btrfs refuses a rename across
 * subvolumes with EXDEV, which would only count a refusal.
 *
 * A btrfs that turns read-only (EROFS) or reports EIO/EUCLEAN under the
 * storm is a finding: counted like any errno and said once per worker on
 * stderr, never a worker or harness failure.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <linux/btrfs.h>
#include <linux/fs.h>

#include "workload.h"

#ifndef EUCLEAN
#define EUCLEAN 117
#endif
#include "loopdev.h"

#define MAX_VOLS	64	/* cap on snapshots and nested subvolumes */

enum {
	OP_SUBVOL, OP_SNAPSHOT, OP_REFLINK, OP_WRITE, OP_XATTR, OP_RENAME,
	OP_DELETE, NR_OPS
};

enum {
	OPT_IMAGE_SIZE, OPT_MOUNT_OPTS, OPT_MAX_FILES, OPT_MAX_SNAPS,
	OPT_MAX_SUBVOLS, OPT_WRITE_SIZE, OPT_XATTR_SIZE,
	NR_OPTS
};

static const struct ks_opt_desc btrfs_opts[NR_OPTS + 1] = {
	[OPT_IMAGE_SIZE] = { "image_size", KS_OPT_SIZE, "1G", 128 << 20,
		INT64_MAX / 2,
		"size of the sparse image file in the workdir holding the "
		"btrfs; only what the storm writes takes space" },
	[OPT_MOUNT_OPTS] = { "mount_opts", KS_OPT_STRING, "compress=zstd",
		0, 0, "btrfs mount options, passed through as given" },
	[OPT_MAX_FILES] = { "max_files", KS_OPT_INT, "8192", 16, 1 << 22,
		"live files per worker; at the cap the oldest is deleted (8 "
		"bytes of worker memory per file, faulted in at start)" },
	[OPT_MAX_SNAPS] = { "max_snaps", KS_OPT_INT, "8", 1, MAX_VOLS,
		"snapshots per worker; at the cap the oldest is destroyed" },
	[OPT_MAX_SUBVOLS] = { "max_subvols", KS_OPT_INT, "16", 1, MAX_VOLS,
		"nested subvolumes per worker; at the cap the oldest is "
		"destroyed" },
	[OPT_WRITE_SIZE] = { "write_size", KS_OPT_SIZE, "256K", 4096, 16 << 20,
		"compressible bytes written (and fsync'd) per new file, "
		"rounded down to 4K" },
	[OPT_XATTR_SIZE] = { "xattr_size", KS_OPT_SIZE, "1K", 1, 3900,
		"bytes of each user.* xattr (btrfs keeps them in its tree "
		"leaves, so under a leaf's size)" },
	[NR_OPTS] = { NULL },
};

/*
 * Relative weights of the operations run() picks, out of 100.  Subvolume
 * and snapshot creation commit a transaction each, so they stay rare.
 */
static const int weight[NR_OPS] = {
	[OP_SUBVOL] = 3, [OP_SNAPSHOT] = 3, [OP_REFLINK] = 20,
	[OP_WRITE] = 35, [OP_XATTR] = 17, [OP_RENAME] = 15, [OP_DELETE] = 7,
};

struct btrfs_priv {
	char image[4096], mnt[4096], dev[64];
	int loop_nr;		/* -1 until attached */
	int loop_fd;		/* kept open until the mount holds the device */
	bool made_image, made_mnt, mounted;
};

/* 8 bytes: the ring is faulted in whole, at max_files entries. */
struct bfile {
	uint64_t serial:63;	/* pid << 32 | count, see btrfs_run() */
	uint64_t in_d:1;	/* below d/, moved there by a rename */
};

struct vring {
	uint64_t serial[MAX_VOLS];
	int head, n, max;
};

/* One worker's state; everything bounded by the caps. */
struct bstorm {
	struct ks_wl_ctx *ctx;
	uint64_t rnd, next;
	int mfd, wfd, dfd;	/* mount top, w<worker>, w<worker>/d */
	struct bfile *ring;	/* live files, oldest at head */
	size_t head, n, max, wlen, xlen;
	struct vring snap, vol;
	char *buf, *xval;
	bool said;		/* the finding was reported */
	char name[64], name2[64];
};

/* Read-only or corrupt: what the storm is looking for, said once. */
static void count(struct bstorm *s, int op, int r, int e)
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

static struct bfile *pick(struct bstorm *s)
{
	return &s->ring[(s->head + ks_rand64(&s->rnd) % s->n) % s->max];
}

static void set_objects(struct bstorm *s)
{
	__atomic_store_n(&s->ctx->ctr->objects,
			 (uint64_t)(s->n + s->snap.n + s->vol.n),
			 __ATOMIC_RELAXED);
}

static void delete_oldest(struct bstorm *s)
{
	int r;

	if (!s->n)
		return;
	fname(s, &s->ring[s->head], s->name);
	r = unlinkat(s->wfd, s->name, 0);
	count(s, OP_DELETE, r, errno);
	/* A failed unlink leaves the file to teardown: the ring stays small. */
	s->head = (s->head + 1) % s->max;
	s->n--;
	set_objects(s);
}

static void add_file(struct bstorm *s, uint64_t serial)
{
	s->ring[(s->head + s->n) % s->max] = (struct bfile){ .serial = serial };
	s->n++;
	set_objects(s);
}

static void write_fsync(struct bstorm *s)
{
	uint64_t serial = s->next++;
	ssize_t w;
	int fd, r;

	if (s->n == s->max)
		delete_oldest(s);
	snprintf(s->name, sizeof(s->name), "f%" PRIx64, serial);
	fd = openat(s->wfd, s->name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
		    0600);
	if (fd < 0) {
		count(s, OP_WRITE, -1, errno);
		delete_oldest(s);
		return;
	}
	/* Text with the serial in it: compressible, never two alike. */
	memcpy(s->buf, s->name, strlen(s->name));
	w = write(fd, s->buf, s->wlen);
	if (w >= 0 && (size_t)w != s->wlen) {
		w = -1;
		errno = ENOSPC;
	}
	r = w < 0 ? -1 : fsync(fd);
	count(s, OP_WRITE, r, errno);
	close(fd);
	add_file(s, serial);	/* even a short one: delete it in turn */
}

static void reflink(struct bstorm *s)
{
	struct file_clone_range fcr = { .src_length = s->wlen };
	uint64_t serial;
	int src, dst, r;

	if (!s->n)
		return write_fsync(s);
	if (s->n == s->max)
		delete_oldest(s);
	fname(s, pick(s), s->name);
	src = openat(s->wfd, s->name, O_RDONLY | O_CLOEXEC);
	if (src < 0) {
		count(s, OP_REFLINK, -1, errno);
		return;
	}
	serial = s->next++;
	snprintf(s->name2, sizeof(s->name2), "f%" PRIx64, serial);
	dst = openat(s->wfd, s->name2, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
		     0600);
	if (dst < 0) {
		count(s, OP_REFLINK, -1, errno);
		close(src);
		return;
	}
	/* Whole file, or a range cloned one block in: both code paths. */
	if (serial & 1) {
		r = ioctl(dst, FICLONE, src);
	} else {
		fcr.src_fd = src;
		fcr.dest_offset = 4096;
		r = ioctl(dst, FICLONERANGE, &fcr);
	}
	count(s, OP_REFLINK, r, errno);
	close(dst);
	close(src);
	add_file(s, serial);
}

static void xattr(struct bstorm *s)
{
	int fd, r;

	if (!s->n)
		return write_fsync(s);
	fname(s, pick(s), s->name);
	fd = openat(s->wfd, s->name, O_RDONLY | O_CLOEXEC);
	r = fd;
	if (fd >= 0) {
		/* A second name now and then: more items in the leaf. */
		r = fsetxattr(fd, ks_rand64(&s->rnd) & 1 ? "user.ks0" :
			      "user.ks1", s->xval, s->xlen, 0);
		close(fd);
	}
	count(s, OP_XATTR, r, errno);
}

static void rename_one(struct bstorm *s)
{
	struct bfile *f;
	int r;

	if (!s->n)
		return write_fsync(s);
	f = pick(s);
	fname(s, f, s->name);
	f->in_d = !f->in_d;
	fname(s, f, s->name2);
	r = renameat(s->wfd, s->name, s->wfd, s->name2);
	count(s, OP_RENAME, r, errno);
	if (r)
		f->in_d = !f->in_d;
}

/* Destroy the oldest subvolume or snapshot of v, below dirfd. */
static void vol_destroy(struct bstorm *s, struct vring *v, int dirfd, int op)
{
	struct btrfs_ioctl_vol_args a = { 0 };
	int r;

	if (!v->n)
		return;
	if (op == OP_SNAPSHOT)
		snprintf(a.name, sizeof(a.name), "s%d.%" PRIx64,
			 s->ctx->worker, v->serial[v->head]);
	else
		snprintf(a.name, sizeof(a.name), "v%" PRIx64,
			 v->serial[v->head]);
	r = ioctl(dirfd, BTRFS_IOC_SNAP_DESTROY, &a);
	count(s, op, r, errno);
	v->head = (v->head + 1) % v->max;
	v->n--;
	set_objects(s);
}

static void vol_add(struct bstorm *s, struct vring *v, uint64_t serial)
{
	v->serial[(v->head + v->n) % v->max] = serial;
	v->n++;
	set_objects(s);
}

static void subvol(struct bstorm *s)
{
	struct btrfs_ioctl_vol_args a = { 0 };
	uint64_t serial = s->next++;
	int r;

	if (s->vol.n == s->vol.max)
		vol_destroy(s, &s->vol, s->wfd, OP_SUBVOL);
	snprintf(a.name, sizeof(a.name), "v%" PRIx64, serial);
	r = ioctl(s->wfd, BTRFS_IOC_SUBVOL_CREATE, &a);
	count(s, OP_SUBVOL, r, errno);
	if (!r)
		vol_add(s, &s->vol, serial);
	else
		vol_destroy(s, &s->vol, s->wfd, OP_SUBVOL);
}

static void snapshot(struct bstorm *s)
{
	struct btrfs_ioctl_vol_args_v2 a = { .fd = s->wfd };
	uint64_t serial = s->next++;
	int r;

	if (s->snap.n == s->snap.max)
		vol_destroy(s, &s->snap, s->mfd, OP_SNAPSHOT);
	snprintf(a.name, sizeof(a.name), "s%d.%" PRIx64, s->ctx->worker,
		 serial);
	r = ioctl(s->mfd, BTRFS_IOC_SNAP_CREATE_V2, &a);
	count(s, OP_SNAPSHOT, r, errno);
	if (!r)
		vol_add(s, &s->snap, serial);
	else
		vol_destroy(s, &s->snap, s->mfd, OP_SNAPSHOT);
}

static void one_op(struct bstorm *s)
{
	int r = ks_rand64(&s->rnd) % 100, op;

	for (op = 0; op < NR_OPS - 1 && r >= weight[op]; op++)
		r -= weight[op];
	switch (op) {
	case OP_SUBVOL:		subvol(s); break;
	case OP_SNAPSHOT:	snapshot(s); break;
	case OP_REFLINK:	reflink(s); break;
	case OP_WRITE:		write_fsync(s); break;
	case OP_XATTR:		xattr(s); break;
	case OP_RENAME:		rename_one(s); break;
	default:		delete_oldest(s); break;
	}
}

/*
 * Make and open w<worker> (a subvolume) and its d/.  Inside the cgroup, so
 * failures are counted and retried until stop: 0, or 1 when stopped first.
 */
static int worker_root(struct bstorm *s)
{
	const struct timespec pause = { 0, 1000000 };
	struct btrfs_ioctl_vol_args a = { 0 };
	int r;

	snprintf(a.name, sizeof(a.name), "w%d", s->ctx->worker);
	while (!ks_should_stop(s->ctx)) {
		if (s->wfd < 0) {
			r = ioctl(s->mfd, BTRFS_IOC_SUBVOL_CREATE, &a);
			if (r && errno != EEXIST)
				count(s, OP_SUBVOL, r, errno);
			else if (!r)
				count(s, OP_SUBVOL, 0, 0);
			s->wfd = openat(s->mfd, a.name, O_RDONLY |
					O_DIRECTORY | O_CLOEXEC);
		}
		if (s->wfd >= 0 && mkdirat(s->wfd, "d", 0700) &&
		    errno != EEXIST)
			count(s, OP_WRITE, -1, errno);
		else if (s->wfd >= 0)
			return 0;
		nanosleep(&pause, NULL);
	}
	return 1;
}

static int btrfs_run(struct ks_wl_ctx *ctx)
{
	const struct ks_opt_value *o = ctx->opt;
	const struct btrfs_priv *p = ctx->priv;
	struct bstorm s = { .ctx = ctx, .mfd = -1, .wfd = -1 };
	size_t len, i;

	if (!p || !p->mounted)
		return 1;
	s.max = o[OPT_MAX_FILES].num;
	s.wlen = o[OPT_WRITE_SIZE].num & ~(int64_t)4095;
	s.xlen = o[OPT_XATTR_SIZE].num;
	s.snap.max = o[OPT_MAX_SNAPS].num;
	s.vol.max = o[OPT_MAX_SUBVOLS].num;
	/* A respawned worker finds the dead one's files: the pid parts them. */
	s.next = (uint64_t)getpid() << 32;
	s.rnd = s.next | 1;
	/*
	 * Faulted in now and unmapped at the end: with the cgroup's OOM
	 * killer off, a page fault at the limit would stall the worker.
	 */
	len = s.max * sizeof(*s.ring) + s.wlen + s.xlen;
	s.ring = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (s.ring == MAP_FAILED) {
		fprintf(stderr, "kmemstorm: btrfs worker %d: mmap: %s\n",
			ctx->worker, strerror(errno));
		return 1;
	}
	s.buf = (char *)(s.ring + s.max);
	s.xval = s.buf + s.wlen;
	for (i = 0; i < s.wlen; i++)
		s.buf[i] = "kmemstorm btrfs storm, compressible.\n"[i % 37];
	memset(s.xval, 'x', s.xlen);
	set_objects(&s);
	s.mfd = open(p->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.mfd < 0) {
		/* Not even the top opens: nothing to storm, but no failure. */
		count(&s, OP_SUBVOL, -1, errno);
		goto out;
	}
	if (worker_root(&s))
		goto out;
	while (!ks_should_stop(ctx))
		one_op(&s);
out:
	if (s.wfd >= 0)
		close(s.wfd);
	if (s.mfd >= 0)
		close(s.mfd);
	munmap(s.ring, len);
	return 0;
}

static int btrfs_setup(struct ks_wl_ctx *ctx)
{
	const struct ks_opt_value *o = ctx->opt;
	struct btrfs_priv *p;
	int img, r, n, m;

	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(ctx->err, sizeof(ctx->err), "btrfs: out of memory");
		return -1;
	}
	p->loop_nr = -1;
	p->loop_fd = -1;
	ctx->priv = p;
	n = snprintf(p->image, sizeof(p->image), "%s/btrfs.img", ctx->workdir);
	m = snprintf(p->mnt, sizeof(p->mnt), "%s/mnt", ctx->workdir);
	if (n < 0 || m < 0 || (size_t)n >= sizeof(p->image) ||
	    (size_t)m >= sizeof(p->mnt)) {
		snprintf(ctx->err, sizeof(ctx->err), "btrfs: path too long");
		return -1;
	}
	img = open(p->image, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (img < 0) {
		snprintf(ctx->err, sizeof(ctx->err), "btrfs: %.200s: %s",
			 p->image, strerror(errno));
		return -1;
	}
	p->made_image = true;
	if (ftruncate(img, o[OPT_IMAGE_SIZE].num)) {
		snprintf(ctx->err, sizeof(ctx->err), "btrfs: sizing %.200s: %s",
			 p->image, strerror(errno));
		close(img);
		return -1;
	}
	r = ks_loop_attach(img, p->image, &p->loop_nr, p->dev, sizeof(p->dev),
			   ctx->err, sizeof(ctx->err));
	if (r >= 0) {
		p->loop_fd = r;
		r = 0;
	}
	/* The loop device holds its own reference to the image. */
	close(img);
	if (r || ks_mkfs("btrfs", "mkfs.btrfs", "btrfs-progs", p->dev,
			 ctx->err, sizeof(ctx->err)))
		return -1;
	if (mkdir(p->mnt, 0700)) {
		snprintf(ctx->err, sizeof(ctx->err), "btrfs: mkdir %.200s: %s",
			 p->mnt, strerror(errno));
		return -1;
	}
	p->made_mnt = true;
	if (mount(p->dev, p->mnt, "btrfs", MS_NOSUID | MS_NODEV,
		  o[OPT_MOUNT_OPTS].str)) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "btrfs: mount %s on %.100s -o %.60s: %s", p->dev,
			 p->mnt, o[OPT_MOUNT_OPTS].str, strerror(errno));
		return -1;
	}
	p->mounted = true;
	/* The harness's namespace is private already; this mount too. */
	mount(NULL, p->mnt, NULL, MS_PRIVATE, NULL);
	return 0;
}

static void btrfs_teardown(struct ks_wl_ctx *ctx)
{
	struct btrfs_priv *p = ctx->priv;

	if (!p)
		return;
	/*
	 * Detached even while busy (files of a SIGKILLed worker, not yet
	 * closed): the superblock goes with its last user, then autoclear
	 * frees the loop device.
	 */
	if (p->mounted && umount2(p->mnt, MNT_DETACH)) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "btrfs: umount %.200s: %s", p->mnt, strerror(errno));
		p->made_mnt = false;	/* never reach into the btrfs */
	}
	if (p->loop_nr >= 0)
		ks_loop_release(p->loop_fd, p->loop_nr, p->image, ctx->err,
				sizeof(ctx->err));
	if (p->made_image && unlink(p->image) && errno != ENOENT)
		snprintf(ctx->err, sizeof(ctx->err), "btrfs: unlink %.200s: %s",
			 p->image, strerror(errno));
	if (p->made_mnt && rmdir(p->mnt) && errno != ENOENT)
		/* Not mounted any more: whatever is left is ours to remove. */
		ks_rmtree_at(AT_FDCWD, p->mnt);
	free(p);
	ctx->priv = NULL;
}

const struct ks_workload ks_wl_btrfs = {
	.name = "btrfs",
	.summary = "subvolumes, snapshots, reflinks, fsync'd compressed "
		   "writes, xattrs and renames on a private loop-mounted btrfs",
	.ops = { [OP_SUBVOL] = "subvol", [OP_SNAPSHOT] = "snapshot",
		 [OP_REFLINK] = "reflink", [OP_WRITE] = "write_fsync",
		 [OP_XATTR] = "xattr", [OP_RENAME] = "rename",
		 [OP_DELETE] = "delete", [NR_OPS] = NULL },
	/* Not EROFS, EIO, EUCLEAN: a btrfs giving up is the finding. */
	.allow = { [OP_SUBVOL] = "ENOSPC EDQUOT",
		   [OP_SNAPSHOT] = "ENOSPC EDQUOT",
		   [OP_REFLINK] = "ENOSPC EDQUOT",
		   [OP_WRITE] = "ENOSPC EDQUOT",
		   [OP_XATTR] = "ENOSPC EDQUOT E2BIG",
		   [OP_RENAME] = "ENOSPC EDQUOT",
		   [OP_DELETE] = "ENOSPC" },
	.opts = btrfs_opts,
	.setup = btrfs_setup,
	.run = btrfs_run,
	.teardown = btrfs_teardown,
};

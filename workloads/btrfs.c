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
 *
 * run() is begin(), step() of weighted random picks, end(); a fail-nth
 * sweep runs each operation alone (btrfs_step() says what one is).
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
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <linux/magic.h>
#include <sys/xattr.h>

#include "btrfs_ops.h"
#include "clock.h"
#include "loopdev.h"

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
	[OPT_REMOUNT] = { "remount", KS_OPT_BOOL, "yes", 0, 0,
		"a btrfs that went read-only mid-storm (an aborted "
		"transaction, counted as EROFS) is mounted again and the storm "
		"goes on past it, at most once a second" },
	[NR_OPTS] = { NULL },
};

/*
 * Relative weights of the operations run() picks, out of 100.  Subvolume
 * and snapshot creation commit a transaction each, so they stay rare.
 */
static const uint64_t weight[NR_OPS] = {
	[OP_SUBVOL] = 3, [OP_SNAPSHOT] = 3, [OP_REFLINK] = 20,
	[OP_WRITE] = 35, [OP_XATTR] = 17, [OP_RENAME] = 15, [OP_DELETE] = 7,
};


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
	/* EINVAL: a storm's remount left it unmounted. */
	if (p->mounted && umount2(p->mnt, MNT_DETACH) && errno != EINVAL) {
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

static void close_prepared(struct bstorm *s)
{
	if (s->pfd >= 0)
		close(s->pfd);
	s->pfd = -1;
	s->pop = -1;
}

static void btrfs_end(void *state)
{
	struct bstorm *s = state;

	close_prepared(s);
	if (s->src >= 0)
		close(s->src);
	if (s->wfd >= 0)
		close(s->wfd);
	if (s->mfd >= 0)
		close(s->mfd);
	if (s->ring)
		munmap(s->ring, s->maplen);
	free(s);
}

/*
 * NULL with errno 0 when there is nothing to storm but nothing failed
 * either: the top would not open (counted), or stop came first.
 */
static void *btrfs_begin(struct ks_wl_ctx *ctx)
{
	static unsigned int generation;	/* begin()s in this process */
	const struct ks_opt_value *o = ctx->opt;
	const struct btrfs_priv *p = ctx->priv;
	struct bstorm *s = calloc(1, sizeof(*s));
	size_t i;
	int e;

	if (!s) {
		fprintf(stderr, "kmemstorm: btrfs worker %d: out of memory\n",
			ctx->worker);
		return NULL;
	}
	s->ctx = ctx;
	s->mfd = s->wfd = s->pfd = s->src = s->pop = -1;
	errno = EINVAL;
	if (!p || !p->mounted)
		goto fail;
	s->max = o[OPT_MAX_FILES].num;
	s->wlen = o[OPT_WRITE_SIZE].num & ~(int64_t)4095;
	s->xlen = o[OPT_XATTR_SIZE].num;
	s->snap.max = o[OPT_MAX_SNAPS].num;
	s->vol.max = o[OPT_MAX_SUBVOLS].num;
	/*
	 * A respawned worker finds the dead one's files: the pid parts them,
	 * and the generation the states of one sweep worker.
	 */
	s->next = (uint64_t)getpid() << 32 |
		  (uint64_t)(generation++ & 0xfff) << 20;
	s->rnd = ks_worker_seed(ctx, 1);
	/*
	 * Faulted in now and unmapped at the end: with the cgroup's OOM
	 * killer off, a page fault at the limit would stall the worker.
	 */
	s->maplen = s->max * sizeof(*s->ring) + s->wlen + s->xlen;
	s->ring = ks_map_populated(ctx, s->maplen);
	if (!s->ring)
		goto fail;
	s->buf = (char *)(s->ring + s->max);
	s->xval = s->buf + s->wlen;
	for (i = 0; i < s->wlen; i++)
		s->buf[i] = "kmemstorm btrfs storm, compressible.\n"[i % 37];
	memset(s->xval, 'x', s->xlen);
	bt_set_objects(s);
	s->mfd = open(p->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->mfd < 0) {
		/* Not even the top opens: nothing to storm, but no failure. */
		bt_count(s, OP_SUBVOL, -1, errno);
		errno = 0;
		goto fail;
	}
	if (!bt_worker_root(s))
		return s;
	errno = 0;
fail:
	e = errno;
	btrfs_end(s);
	errno = e;
	return NULL;
}

/* A live file of this state: the newest, written first if there is none. */
static int live_file(struct bstorm *s)
{
	if (!s->n)
		bt_write_fsync(s);
	if (!s->n)
		return -1;
	bt_newest_name(s, s->name);
	return 0;
}

/* Open a new file for write_fsync or as a clone's target: pfd, pserial. */
static int new_file(struct bstorm *s, int op)
{
	if (s->n == s->max)
		bt_delete_oldest(s);
	s->pserial = s->next++;
	snprintf(s->name2, sizeof(s->name2), "f%" PRIx64, s->pserial);
	s->pfd = openat(s->wfd, s->name2, O_CREAT | O_EXCL | O_WRONLY |
			O_CLOEXEC, 0600);
	if (s->pfd < 0)
		bt_count(s, op, -1, errno);
	return s->pfd < 0 ? -1 : 0;
}

/*
 * An injected failure inside a transaction may abort it, and btrfs turns
 * read-only for good (counted as EROFS, the kernel says where): every
 * later step would fail at once and end the sweep early.  Mount it again
 * then, before anything is armed: btrfs comes back at its last commit,
 * and this state forgets its files, subvolumes and snapshots (teardown
 * removes whatever is left).  What the kernel prints on the way (the
 * aborted mount's unmount) lands in the next step's record.  0, or -1.
 */
/* Let go of everything on the mount: the state starts over after it. */
static void forget_mount(struct bstorm *s)
{
	close_prepared(s);
	if (s->src >= 0)
		close(s->src);
	if (s->wfd >= 0)
		close(s->wfd);
	if (s->mfd >= 0)
		close(s->mfd);
	s->src = s->wfd = s->mfd = -1;
	s->head = s->n = 0;
	s->snap.head = s->snap.n = s->vol.head = s->vol.n = 0;
	bt_set_objects(s);
}

static int remount_if_read_only(struct bstorm *s)
{
	const struct btrfs_priv *p = s->ctx->priv;
	struct statvfs sv;

	if (fstatvfs(s->mfd, &sv) || !(sv.f_flag & ST_RDONLY))
		return 0;
	forget_mount(s);
	/* Not detached: the aborted superblock must be gone for a new one. */
	if (umount2(p->mnt, 0) ||
	    mount(p->dev, p->mnt, "btrfs", MS_NOSUID | MS_NODEV,
		  s->ctx->opt[OPT_MOUNT_OPTS].str)) {
		fprintf(stderr, "kmemstorm: btrfs worker %d: mounting %s "
			"again: %s\n", s->ctx->worker, p->dev, strerror(errno));
		return -1;
	}
	mount(NULL, p->mnt, NULL, MS_PRIVATE, NULL);
	s->mfd = open(p->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return s->mfd < 0 || bt_worker_root(s) ? -1 : 0;
}

/*
 * Everything but the operation, before anything is armed: room below the
 * caps, the new file a write or a clone goes to, created and open; a
 * clone's source, written once and kept open for the state's life; the
 * file an xattr goes on, open and without it, so each step creates the
 * xattr; a live file to rename or delete; a btrfs that is not read-only.
 * A sweep clones ranges one block in (FICLONERANGE) only, where the storm
 * alternates with whole files: every step must take the same path.
 */
static int btrfs_prepare(void *state, int op)
{
	struct bstorm *s = state;

	close_prepared(s);
	if (remount_if_read_only(s))
		return -1;
	switch (op) {
	case OP_SUBVOL:
		if (s->vol.n == s->vol.max)
			bt_vol_destroy(s, OP_SUBVOL);
		return 0;
	case OP_SNAPSHOT:
		if (s->snap.n == s->snap.max)
			bt_vol_destroy(s, OP_SNAPSHOT);
		return 0;
	case OP_REFLINK:
		if (s->src < 0) {
			if (live_file(s))
				return -1;
			s->src = openat(s->wfd, s->name, O_RDONLY | O_CLOEXEC);
			if (s->src < 0)
				return -1;
		}
		s->next += s->next & 1;		/* even: FICLONERANGE */
		if (new_file(s, OP_REFLINK))
			return -1;
		break;
	case OP_WRITE:
		if (new_file(s, OP_WRITE))
			return -1;
		break;
	case OP_XATTR:
		if (live_file(s))
			return -1;
		s->pfd = openat(s->wfd, s->name, O_RDONLY | O_CLOEXEC);
		if (s->pfd < 0)
			return -1;
		if (fremovexattr(s->pfd, "user.ks0") && errno != ENODATA)
			return -1;
		break;
	case OP_RENAME:
	case OP_DELETE:
		return s->n || !live_file(s) ? 0 : -1;
	}
	s->pop = op;
	return 0;
}

/*
 * One operation: subvol one BTRFS_IOC_SUBVOL_CREATE, snapshot one
 * BTRFS_IOC_SNAP_CREATE_V2 (with its transaction commit), reflink one
 * FICLONERANGE, write_fsync one write() and one fsync() (the operation
 * is both), xattr one fsetxattr(), rename one renameat(), delete one
 * unlinkat().  A failed subvolume or snapshot creation also destroys the
 * oldest, as the storm does to give memory back.  Without a prepare()
 * for op (run()), the operation as the storm does it: with its open()s.
 */
static void btrfs_step(void *state, int op)
{
	struct bstorm *s = state;
	bool prepared = s->pop == op;

	s->pop = -1;
	switch (op) {
	case OP_SUBVOL:
		bt_subvol(s);
		break;
	case OP_SNAPSHOT:
		bt_snapshot(s);
		break;
	case OP_REFLINK:
		if (prepared)
			bt_clone(s, s->pfd, s->src, s->pserial);
		else
			bt_reflink(s);
		break;
	case OP_WRITE:
		if (prepared)
			bt_write_new(s, s->pfd, s->pserial);
		else
			bt_write_fsync(s);
		break;
	case OP_XATTR:
		if (prepared)
			bt_set_xattr(s, s->pfd, "user.ks0");
		else
			bt_xattr(s);
		break;
	case OP_RENAME:
		bt_rename(s);
		break;
	default:
		bt_delete_oldest(s);
		break;
	}
}

/* Is the mount point a btrfs that takes writes (not read-only, not gone)? */
static bool mount_writable(const char *mnt)
{
	struct statfs sf;
	struct statvfs sv;

	return !statfs(mnt, &sf) && sf.f_type == BTRFS_SUPER_MAGIC &&
	       !statvfs(mnt, &sv) && !(sv.f_flag & ST_RDONLY);
}

/*
 * The worker's own allocations are what failslab fails (task-filter):
 * mounting again is the break between bursts, so the worker's
 * make-it-fail is off meanwhile, and back as it was after.
 */
static int set_make_it_fail(const char *v, char *old, size_t len)
{
	int fd = open("/proc/thread-self/make-it-fail", O_RDWR | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	if (old) {
		n = read(fd, old, len - 1);
		old[n > 0 ? n : 0] = '\0';
		lseek(fd, 0, SEEK_SET);
	}
	n = write(fd, v, strlen(v));
	close(fd);
	return n < 0 ? -1 : 0;
}

static int mount_again(struct bstorm *s)
{
	const struct btrfs_priv *p = s->ctx->priv;
	char was[8] = "";
	int i, e = 0, quiet = 0;

	/* Opening the knob allocates too, and may be failed itself. */
	for (i = 0; i < 20 && !quiet; i++)
		quiet = !set_make_it_fail("0", was, sizeof(was));

	for (i = 0; i < 50; i++) {
		if (!mount(p->dev, p->mnt, "btrfs", MS_NOSUID | MS_NODEV,
			   s->ctx->opt[OPT_MOUNT_OPTS].str)) {
			mount(NULL, p->mnt, NULL, MS_PRIVATE, NULL);
			if (quiet)
				set_make_it_fail(was, NULL, 0);
			return 0;
		}
		e = errno;
		usleep(20000);
	}
	if (quiet)
		set_make_it_fail(was, NULL, 0);
	fprintf(stderr, "kmemstorm: btrfs worker %d: mounting %s again: %s\n",
		s->ctx->worker, p->dev, strerror(e));
	return -1;
}

/*
 * remount = yes: the storm goes on past an aborted transaction.  Every
 * worker that finds the btrfs read-only lets go of it; under a lock on
 * the image the first whose unmount is no longer busy (the others have
 * let go too) mounts it again, and the rest find it writable.  0, or -1
 * when it could not be mounted again (said on stderr).
 */
static int storm_remount(struct bstorm *s)
{
	const struct btrfs_priv *p = s->ctx->priv;
	int lk, tries, r = -1;

	forget_mount(s);
	lk = open(p->image, O_RDONLY | O_CLOEXEC);
	for (tries = 0; lk >= 0 && tries < 1000 && !ks_should_stop(s->ctx);
	     tries++) {
		flock(lk, LOCK_EX);
		if (mount_writable(p->mnt)) {
			r = 0;
		} else if (!umount2(p->mnt, 0) || errno == EINVAL) {
			/* Unmounted (by us, or by a worker whose mount failed). */
			r = mount_again(s);
			tries = 1000;	/* mounted, or it never will be */
		} else if (errno != EBUSY) {
			tries = 1000;
		}
		flock(lk, LOCK_UN);
		if (!r || tries >= 1000)
			break;
		usleep(10000);	/* another worker still has files open */
	}
	if (lk >= 0)
		close(lk);
	if (r)
		return -1;
	s->mfd = open(p->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return s->mfd < 0 || bt_worker_root(s) ? -1 : 0;
}

static bool read_only(struct bstorm *s)
{
	struct statvfs sv;

	return s->mfd >= 0 && !fstatvfs(s->mfd, &sv) &&
	       (sv.f_flag & ST_RDONLY);
}

static int btrfs_run(struct ks_wl_ctx *ctx)
{
	struct bstorm *s = btrfs_begin(ctx);
	int64_t last_remount = 0;
	struct ks_mix mix;

	if (!s)
		return errno && !ks_should_stop(ctx);
	ks_mix_init(&mix, weight, NR_OPS, ctx);
	while (!ks_should_stop(ctx)) {
		btrfs_step(s, ks_mix_pick(&mix));
		if (!ctx->opt[OPT_REMOUNT].num || !read_only(s) ||
		    ks_now_ns() - last_remount < 1000000000)
			continue;
		last_remount = ks_now_ns();
		if (storm_remount(s))
			break;
	}
	btrfs_end(s);
	return 0;
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
	/*
	 * Under injection: a failed allocation in a transaction aborts it
	 * and the filesystem goes read-only, so everything after is EROFS;
	 * the fsync or snapshot commit that hit it may say EIO.
	 */
	.known = { [OP_SUBVOL] = "EROFS", [OP_SNAPSHOT] = "EROFS EIO",
		   [OP_REFLINK] = "EROFS", [OP_WRITE] = "EROFS EIO",
		   [OP_XATTR] = "EROFS", [OP_RENAME] = "EROFS",
		   [OP_DELETE] = "EROFS" },
	.opts = btrfs_opts,
	.setup = btrfs_setup,
	.run = btrfs_run,
	.teardown = btrfs_teardown,
	.begin = btrfs_begin,
	.prepare = btrfs_prepare,
	.step = btrfs_step,
	.end = btrfs_end,
};

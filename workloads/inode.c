// SPDX-License-Identifier: GPL-2.0
/*
 * inode storm: pin inodes, xattrs and dentries charged to the cgroup.
 *
 * By default on a tmpfs that setup() mounts privately below the workdir:
 * there nothing is reclaimable (no backing store for an inode, its xattrs
 * or its dentries), so the storm drives the cgroup into its limit instead
 * of into reclaim.  Each file gets one xattr and some hard links; the
 * oldest files go (links first) once a worker holds max_files, or when a
 * create fails, so the storm keeps going at the limit.
 *
 * tmpfs reports a failed inode allocation as ENOSPC (seen here on 6.18
 * with memory.oom_control=1: ENOSPC from create on a tmpfs with unlimited
 * nr_inodes and room to spare), so there ENOSPC may well mean ENOMEM.
 *
 *   <root>/w<worker>/f<serial>[.<link>]
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
#include <sys/xattr.h>

#include "workload.h"

enum { OP_CREATE, OP_XATTR, OP_LINK, OP_UNLINK, NR_OPS };

enum {
	OPT_PATH, OPT_TMPFS_SIZE, OPT_TMPFS_INODES, OPT_XATTR_SIZE,
	OPT_LINKS, OPT_MAX_FILES,
	NR_OPTS
};

static const struct ks_opt_desc inode_opts[NR_OPTS + 1] = {
	[OPT_PATH] = { "path", KS_OPT_STRING, "", 0, 0,
		"existing directory to storm in (a private subdirectory is "
		"made there) instead of a private tmpfs; the tmpfs needs "
		"CAP_SYS_ADMIN" },
	[OPT_TMPFS_SIZE] = { "tmpfs_size", KS_OPT_SIZE, "1G", 1 << 20,
		INT64_MAX / 2,
		"size= of the private tmpfs: large, so that the cgroup limit "
		"and not the tmpfs runs out" },
	[OPT_TMPFS_INODES] = { "tmpfs_inodes", KS_OPT_INT, "0", 0,
		INT64_MAX / 2,
		"nr_inodes= of the private tmpfs; 0: unlimited (and user "
		"xattrs unlimited too)" },
	[OPT_XATTR_SIZE] = { "xattr_size", KS_OPT_SIZE, "256", 0, 65536,
		"bytes of the xattr set on each file; 0: none.  user.*, or "
		"trusted.* as root where user.* is not supported" },
	[OPT_LINKS] = { "links", KS_OPT_INT, "2", 0, 1000,
		"hard links made to each file" },
	[OPT_MAX_FILES] = { "max_files", KS_OPT_INT, "200000", 1, 4194304,
		"live files per worker; at the cap the oldest is unlinked "
		"first (8 bytes of worker memory per file, faulted in at "
		"start)" },
	[NR_OPTS] = { NULL },
};

struct inode_priv {
	char mnt[4096];		/* our tmpfs mount point */
	char root[4096];	/* the tree's top */
	bool made_mnt, mounted, made_root;
};

/* 8 bytes: the ring is faulted in whole, at max_files entries. */
struct ifile {
	uint64_t serial:54;	/* pid << 32 | count, see inode_run() */
	uint64_t links:10;	/* made, so to unlink; links <= 1000 */
};

/* One worker's state; everything bounded by max_files. */
struct istorm {
	struct ks_wl_ctx *ctx;
	int wfd;
	struct ifile *ring;	/* live files, oldest at head */
	size_t head, n, max;
	uint64_t next;
	unsigned int links;
	const char *xname;
	bool trusted;
	char *xval;
	size_t xlen;
	int xfd;		/* a live file, open for a sweep's xattr */
	char name[48], lname[64];
};

static void set_objects(struct istorm *s)
{
	__atomic_store_n(&s->ctx->ctr->objects, (uint64_t)s->n,
			 __ATOMIC_RELAXED);
}

static void link_name(struct istorm *s, uint64_t serial, uint32_t k)
{
	snprintf(s->lname, sizeof(s->lname), "f%" PRIx64 ".%" PRIu32,
		 serial, k);
}

static void unlink_oldest(struct istorm *s)
{
	struct ifile *f;
	int r;

	if (!s->n)
		return;
	f = &s->ring[s->head];
	while (f->links) {
		link_name(s, f->serial, f->links - 1);
		r = unlinkat(s->wfd, s->lname, 0);
		ks_count(s->ctx, OP_UNLINK, r, errno);
		f->links--;
	}
	snprintf(s->name, sizeof(s->name), "f%" PRIx64, (uint64_t)f->serial);
	r = unlinkat(s->wfd, s->name, 0);
	ks_count(s->ctx, OP_UNLINK, r, errno);
	/* A failed unlink leaves the file to teardown: the ring stays small. */
	s->head = (s->head + 1) % s->max;
	s->n--;
	set_objects(s);
}

static void set_xattr(struct istorm *s, int fd)
{
	int r;

	r = fsetxattr(fd, s->xname, s->xval, s->xlen, 0);
	if (r < 0 && errno == EOPNOTSUPP && !s->trusted && !geteuid()) {
		/*
		 * tmpfs before 6.6 has no user.* xattrs; trusted.* lands in
		 * the same simple_xattr memory.  Switch once, for good.
		 */
		s->trusted = true;
		s->xname = "trusted.kmemstorm";
		r = fsetxattr(fd, s->xname, s->xval, s->xlen, 0);
	}
	ks_count(s->ctx, OP_XATTR, r, errno);
}

/* Create the next file; its fd, or -1 (counted, room made). */
static int create_file(struct istorm *s)
{
	struct ifile f = { .serial = s->next++ };
	int fd;

	if (s->n == s->max)
		unlink_oldest(s);
	snprintf(s->name, sizeof(s->name), "f%" PRIx64, (uint64_t)f.serial);
	fd = openat(s->wfd, s->name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC |
		    O_NOCTTY, 0600);
	ks_count(s->ctx, OP_CREATE, fd, errno);
	if (fd < 0) {
		/* ENOSPC, ENOMEM: give back something and go on. */
		unlink_oldest(s);
		return -1;
	}
	s->ring[(s->head + s->n) % s->max] = f;
	s->n++;
	set_objects(s);
	return fd;
}

/* One more hard link to the newest file, if it can take one. */
static void link_newest(struct istorm *s)
{
	struct ifile *f = &s->ring[(s->head + s->n - 1) % s->max];
	int r;

	if (!s->n || f->links >= 1000)
		return;
	snprintf(s->name, sizeof(s->name), "f%" PRIx64, (uint64_t)f->serial);
	link_name(s, f->serial, f->links);
	r = linkat(s->wfd, s->name, s->wfd, s->lname, 0);
	ks_count(s->ctx, OP_LINK, r, errno);
	/* Failed links are retried under the same name: links stay dense. */
	if (!r)
		f->links++;
}

static void one_file(struct istorm *s)
{
	unsigned int k;
	int fd = create_file(s);

	if (fd < 0)
		return;
	if (s->xlen)
		set_xattr(s, fd);
	close(fd);
	for (k = 0; k < s->links; k++)
		link_newest(s);
}

static int inode_setup(struct ks_wl_ctx *ctx)
{
	const struct ks_opt_value *o = ctx->opt;
	struct inode_priv *p;
	char data[128];
	int n;

	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(ctx->err, sizeof(ctx->err), "inode: out of memory");
		return -1;
	}
	ctx->priv = p;
	if (o[OPT_PATH].str[0]) {
		n = snprintf(p->root, sizeof(p->root),
			     "%s/kmemstorm-inode.XXXXXX", o[OPT_PATH].str);
		if (n < 0 || (size_t)n >= sizeof(p->root))
			goto too_long;
		if (!mkdtemp(p->root)) {
			snprintf(ctx->err, sizeof(ctx->err),
				 "inode: mkdir %.200s: %s", p->root,
				 strerror(errno));
			return -1;
		}
		p->made_root = true;
		return 0;
	}

	n = snprintf(p->mnt, sizeof(p->mnt), "%s/tmpfs", ctx->workdir);
	if (n < 0 || (size_t)n >= sizeof(p->mnt))
		goto too_long;
	if (mkdir(p->mnt, 0700)) {
		snprintf(ctx->err, sizeof(ctx->err), "inode: mkdir %.200s: %s",
			 p->mnt, strerror(errno));
		return -1;
	}
	p->made_mnt = true;
	snprintf(data, sizeof(data), "size=%" PRId64 ",nr_inodes=%" PRId64
		 ",mode=0700", o[OPT_TMPFS_SIZE].num, o[OPT_TMPFS_INODES].num);
	/*
	 * The harness runs in a private mount namespace, so the mount dies
	 * with it whatever happens; teardown still detaches it at once.
	 */
	if (mount("kmemstorm", p->mnt, "tmpfs", MS_NOSUID | MS_NODEV, data)) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "inode: mount tmpfs on %.150s: %s%s", p->mnt,
			 strerror(errno), errno == EPERM ?
			 " (needs CAP_SYS_ADMIN, or set inode.path)" : "");
		return -1;
	}
	p->mounted = true;
	strcpy(p->root, p->mnt);
	return 0;

too_long:
	snprintf(ctx->err, sizeof(ctx->err), "inode: path too long");
	return -1;
}

static void inode_end(void *state)
{
	struct istorm *s = state;

	if (s->xfd >= 0)
		close(s->xfd);
	if (s->wfd >= 0)
		close(s->wfd);
	if (s->ring)
		munmap(s->ring, s->max * sizeof(*s->ring) + s->xlen);
	free(s);
}

static void *inode_begin(struct ks_wl_ctx *ctx)
{
	static unsigned int generation;	/* begin()s in this process */
	const struct ks_opt_value *o = ctx->opt;
	const struct inode_priv *p = ctx->priv;
	struct istorm *s = calloc(1, sizeof(*s));

	if (!s) {
		fprintf(stderr, "kmemstorm: inode worker %d: out of memory\n",
			ctx->worker);
		return NULL;
	}
	s->ctx = ctx;
	s->wfd = s->xfd = -1;
	s->max = o[OPT_MAX_FILES].num;
	s->links = o[OPT_LINKS].num;
	s->xlen = o[OPT_XATTR_SIZE].num;
	s->xname = "user.kmemstorm";
	/*
	 * A worker the harness respawns after an OOM kill reuses the dead
	 * one's directory, and its files: the pid keeps names apart, and
	 * the generation the states of one sweep worker.
	 */
	s->next = (uint64_t)getpid() << 32 |
		  (uint64_t)(generation++ & 0xfff) << 20;
	/*
	 * Faulted in now and unmapped, not freed, at the end: with the
	 * cgroup's OOM killer off (v1 memory.oom_control=1, to get ENOMEM
	 * rather than kills) any page fault at the limit, even a
	 * copy-on-write one in malloc's heap, stalls the worker until killed.
	 */
	s->ring = ks_map_populated(ctx, s->max * sizeof(*s->ring) + s->xlen);
	if (!s->ring)
		goto fail;
	s->xval = (char *)(s->ring + s->max);
	memset(s->xval, 'k', s->xlen);
	set_objects(s);
	if (!p || ks_worker_dir(ctx, p->root, OP_CREATE, &s->wfd) ||
	    s->wfd < 0)
		goto fail;
	return s;
fail:
	inode_end(s);
	return NULL;
}

/* A live file for xattr, link and unlink; xattr gets it open here. */
static int inode_prepare(void *state, int op)
{
	struct istorm *s = state;
	int fd;

	if (s->xfd >= 0) {
		close(s->xfd);
		s->xfd = -1;
	}
	if (op == OP_CREATE)
		return 0;
	if (!s->n || (op == OP_XATTR && !s->xlen)) {
		fd = create_file(s);
		if (fd < 0)
			return -1;
		if (op == OP_XATTR) {
			s->xfd = fd;
			return s->xlen ? 0 : -1;
		}
		close(fd);
		return 0;
	}
	if (op == OP_XATTR) {
		snprintf(s->name, sizeof(s->name), "f%" PRIx64,
			 (uint64_t)s->ring[(s->head + s->n - 1) % s->max].serial);
		s->xfd = openat(s->wfd, s->name, O_WRONLY | O_CLOEXEC);
		return s->xfd >= 0 && s->xlen ? 0 : -1;
	}
	return 0;
}

static void inode_step(void *state, int op)
{
	struct istorm *s = state;
	int fd;

	switch (op) {
	case OP_CREATE:
		fd = create_file(s);
		if (fd >= 0)
			close(fd);
		break;
	case OP_XATTR:
		set_xattr(s, s->xfd);
		break;
	case OP_LINK:
		link_newest(s);
		break;
	case OP_UNLINK:
		unlink_oldest(s);
		break;
	}
}

static int inode_run(struct ks_wl_ctx *ctx)
{
	struct istorm *s = inode_begin(ctx);

	if (!s)
		return ks_should_stop(ctx) ? 0 : 1;
	while (!ks_should_stop(ctx))
		one_file(s);
	inode_end(s);
	return 0;
}

static void inode_teardown(struct ks_wl_ctx *ctx)
{
	struct inode_priv *p = ctx->priv;
	int r = 0;

	if (!p)
		return;
	/* Unmounting frees the whole tmpfs: no need to walk it. */
	if (p->mounted && umount2(p->mnt, MNT_DETACH)) {
		r = -errno;
		snprintf(ctx->err, sizeof(ctx->err),
			 "inode: umount %.200s: %s", p->mnt, strerror(-r));
		/* Still mounted: at least give its memory back. */
		ks_rmtree_at(AT_FDCWD, p->mnt);
	}
	if (p->made_mnt && !r && rmdir(p->mnt) && errno != ENOENT)
		snprintf(ctx->err, sizeof(ctx->err), "inode: rmdir %.200s: %s",
			 p->mnt, strerror(errno));
	if (p->made_root)
		ks_wl_remove_root(ctx, "inode", p->root);
	free(p);
	ctx->priv = NULL;
}

const struct ks_workload ks_wl_inode = {
	.name = "inode",
	.summary = "files with an xattr and hard links on a private tmpfs: "
		   "unreclaimable inodes, xattrs and dentries",
	.ops = { [OP_CREATE] = "create", [OP_XATTR] = "xattr",
		 [OP_LINK] = "link", [OP_UNLINK] = "unlink",
		 [NR_OPS] = NULL },
	/*
	 * Not ENOSPC: the private tmpfs is far larger than any limit, and
	 * tmpfs reports a failed inode allocation as ENOSPC.  Plans with a
	 * bounded tmpfs or inode.path on a disk allow it themselves.
	 */
	.allow = { [OP_CREATE] = "EDQUOT", [OP_XATTR] = "E2BIG EDQUOT",
		   [OP_LINK] = "EMLINK EDQUOT" },
	/* Under injection: tmpfs says ENOSPC for an inode it could not get. */
	.known = { [OP_CREATE] = "ENOSPC" },
	.opts = inode_opts,
	.setup = inode_setup,
	.run = inode_run,
	.teardown = inode_teardown,
	.begin = inode_begin,
	.prepare = inode_prepare,
	.step = inode_step,
	.end = inode_end,
};

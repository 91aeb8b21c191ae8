// SPDX-License-Identifier: GPL-2.0
/*
 * dentry storm: fill the dcache with dentries charged to the cgroup.
 *
 * Negative lookups of names longer than DNAME_INLINE_LEN (32 bytes on
 * 64-bit 6.x, 40 in newer kernels) allocate a dentry plus an external name,
 * both with GFP_KERNEL_ACCOUNT, and leave them in the dcache.  Creates,
 * renames (which allocate a new external name) and unlinks of such names
 * churn positive dentries and inodes in a per-worker tree:
 *
 *   <root>/w<worker>/<fanout dir, hex>/<name>
 *
 * Negative dentries only pile up on disk filesystems: tmpfs and ramfs
 * (simple_lookup() + always_delete_dentry()) drop them at the final dput(),
 * so there the lookups exercise the allocation but not the accumulation.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "workload.h"

enum { OP_LOOKUP_NEG, OP_CREATE, OP_RENAME, OP_UNLINK, NR_OPS };

enum {
	OPT_PATH, OPT_NAME_LEN, OPT_FANOUT, OPT_MAX_FILES,
	OPT_W_LOOKUP_NEG, OPT_W_CREATE, OPT_W_RENAME, OPT_W_UNLINK,
	NR_OPTS
};

static const struct ks_opt_desc dentry_opts[NR_OPTS + 1] = {
	[OPT_PATH] = { "path", KS_OPT_STRING, "", 0, 0,
		"existing directory to storm in (a private subdirectory is "
		"made there); empty: the scenario workdir.  Negative dentries "
		"accumulate only on disk filesystems, tmpfs/ramfs drop them "
		"at once" },
	[OPT_NAME_LEN] = { "name_len", KS_OPT_INT, "64", 1, 255,
		"length of names; above DNAME_INLINE_LEN (32, or 40 on newer "
		"kernels) each dentry also gets an external name.  Names "
		"stay unique, so short values may be exceeded" },
	[OPT_FANOUT] = { "fanout", KS_OPT_INT, "64", 1, 4096,
		"directories per worker the names are spread over" },
	[OPT_MAX_FILES] = { "max_files", KS_OPT_INT, "200000", 1, 4194304,
		"live files per worker; at the cap creates unlink one first "
		"(8 bytes of worker memory per file, faulted in at start)" },
	[OPT_W_LOOKUP_NEG] = { "lookup_neg", KS_OPT_INT, "60", 0, 1000,
		"relative weight of negative lookups (stat of a new name)" },
	[OPT_W_CREATE] = { "create", KS_OPT_INT, "25", 0, 1000,
		"relative weight of file creates" },
	[OPT_W_RENAME] = { "rename", KS_OPT_INT, "10", 0, 1000,
		"relative weight of renames of a live file to a new name" },
	[OPT_W_UNLINK] = { "unlink", KS_OPT_INT, "5", 0, 1000,
		"relative weight of unlinks of a live file" },
	[NR_OPTS] = { NULL },
};

struct dentry_priv {
	char root[4096];	/* the tree's top, removed by teardown */
	bool made;
};

/* One worker's state; everything bounded by max_files. */
struct dstorm {
	struct ks_wl_ctx *ctx;
	int wfd;
	uint64_t rnd;
	uint64_t next;		/* serial of the next file name */
	uint64_t nnext;		/* serial of the next negative name */
	uint64_t *live;		/* serials of this worker's live files */
	size_t nlive, max;
	unsigned int fanout, name_len;
	char path[320], path2[320];
};

static unsigned int dir_of(const struct dstorm *s, uint64_t serial)
{
	/* Fibonacci hashing: consecutive serials land in different dirs. */
	return (unsigned int)((serial * 0x9E3779B97F4A7C15ULL) >> 32) %
	       s->fanout;
}

/*
 * "<dir>/<kind><worker>.<serial>xxx..." padded to name_len: unique per
 * worker and serial, so workers and kinds never collide.
 */
static const char *name_of(const struct dstorm *s, char *buf, char kind,
			   uint64_t serial)
{
	int d = snprintf(buf, sizeof(s->path), "%x/", dir_of(s, serial));
	int n = snprintf(buf + d, sizeof(s->path) - d, "%c%d.%" PRIx64,
			 kind, s->ctx->worker, serial);

	if ((unsigned int)n < s->name_len) {
		memset(buf + d + n, 'x', s->name_len - n);
		buf[d + s->name_len] = '\0';
	}
	return buf;
}

static void set_objects(struct dstorm *s)
{
	__atomic_store_n(&s->ctx->ctr->objects, (uint64_t)s->nlive,
			 __ATOMIC_RELAXED);
}

/* A fanout dir went missing (its mkdir failed at start): make it now. */
static void remake_dir(struct dstorm *s, const char *path)
{
	char dir[16];
	int r;

	snprintf(dir, sizeof(dir), "%.*s", (int)strcspn(path, "/"), path);
	r = mkdirat(s->wfd, dir, 0700);
	if (r < 0 && errno == EEXIST)
		return;
	ks_count(s->ctx, OP_CREATE, r, errno);
}

static void do_lookup_neg(struct dstorm *s)
{
	struct stat st;
	int r;

	name_of(s, s->path, 'n', s->nnext++);
	r = fstatat(s->wfd, s->path, &st, AT_SYMLINK_NOFOLLOW);
	/* ENOENT is the point: a negative dentry was made. */
	if (r < 0 && errno == ENOENT)
		r = 0;
	ks_count(s->ctx, OP_LOOKUP_NEG, r, errno);
}

static void forget(struct dstorm *s, size_t i)
{
	s->live[i] = s->live[--s->nlive];
	set_objects(s);
}

static void do_unlink(struct dstorm *s)
{
	size_t i;
	int r;

	if (!s->nlive)
		return;
	i = ks_rand64(&s->rnd) % s->nlive;
	r = unlinkat(s->wfd, name_of(s, s->path, 'f', s->live[i]), 0);
	ks_count(s->ctx, OP_UNLINK, r, errno);
	if (!r || errno == ENOENT)
		forget(s, i);
}

static void do_create(struct dstorm *s)
{
	uint64_t serial;
	int fd, retried = 0;

	if (s->nlive >= s->max) {
		do_unlink(s);
		/* Unlink failed: never outgrow the array. */
		if (s->nlive >= s->max)
			return;
	}
	serial = s->next++;
	name_of(s, s->path, 'f', serial);
	for (;;) {
		fd = openat(s->wfd, s->path, O_CREAT | O_EXCL | O_WRONLY |
			    O_CLOEXEC | O_NOCTTY, 0600);
		ks_count(s->ctx, OP_CREATE, fd, errno);
		if (fd >= 0 || errno != ENOENT || retried++)
			break;
		remake_dir(s, s->path);
	}
	if (fd < 0) {
		/* A full filesystem must not end the storm: make room. */
		if (errno == ENOSPC || errno == EDQUOT)
			do_unlink(s);
		return;
	}
	close(fd);
	s->live[s->nlive++] = serial;
	set_objects(s);
}

static void do_rename(struct dstorm *s)
{
	uint64_t serial;
	int r, retried = 0;
	size_t i;

	if (!s->nlive) {
		do_create(s);
		return;
	}
	i = ks_rand64(&s->rnd) % s->nlive;
	serial = s->next++;
	name_of(s, s->path, 'f', s->live[i]);
	name_of(s, s->path2, 'f', serial);
	for (;;) {
		r = renameat(s->wfd, s->path, s->wfd, s->path2);
		ks_count(s->ctx, OP_RENAME, r, errno);
		if (!r || errno != ENOENT || retried++)
			break;
		/* Either end may be missing; only the target dir can be. */
		if (faccessat(s->wfd, s->path, F_OK, AT_SYMLINK_NOFOLLOW |
			      AT_EACCESS) && errno == ENOENT) {
			forget(s, i);
			return;
		}
		remake_dir(s, s->path2);
	}
	if (!r)
		s->live[i] = serial;
}

static int dentry_setup(struct ks_wl_ctx *ctx)
{
	const struct ks_opt_value *o = ctx->opt;
	struct dentry_priv *p;
	int n;

	if (o[OPT_W_LOOKUP_NEG].num + o[OPT_W_CREATE].num +
	    o[OPT_W_RENAME].num + o[OPT_W_UNLINK].num <= 0) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "dentry: all operation weights are 0");
		return -1;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(ctx->err, sizeof(ctx->err), "dentry: out of memory");
		return -1;
	}
	ctx->priv = p;
	if (o[OPT_PATH].str[0])
		n = snprintf(p->root, sizeof(p->root),
			     "%s/kmemstorm-dentry.XXXXXX", o[OPT_PATH].str);
	else
		n = snprintf(p->root, sizeof(p->root), "%s/dentry",
			     ctx->workdir);
	if (n < 0 || (size_t)n >= sizeof(p->root)) {
		snprintf(ctx->err, sizeof(ctx->err), "dentry: path too long");
		return -1;
	}
	if (o[OPT_PATH].str[0] ? !mkdtemp(p->root) : mkdir(p->root, 0700)) {
		snprintf(ctx->err, sizeof(ctx->err), "dentry: mkdir %.200s: %s",
			 p->root, strerror(errno));
		return -1;
	}
	p->made = true;
	return 0;
}

static void dentry_end(void *state)
{
	struct dstorm *s = state;

	if (s->wfd >= 0)
		close(s->wfd);
	if (s->live)
		munmap(s->live, s->max * sizeof(*s->live));
	free(s);
}

static void *dentry_begin(struct ks_wl_ctx *ctx)
{
	static unsigned int generation;	/* begin()s in this process */
	const struct ks_opt_value *o = ctx->opt;
	const struct dentry_priv *p = ctx->priv;
	struct dstorm *s = calloc(1, sizeof(*s));
	unsigned int i;
	char dir[16];
	int r;

	if (!s) {
		fprintf(stderr, "kmemstorm: dentry worker %d: out of memory\n",
			ctx->worker);
		return NULL;
	}
	s->ctx = ctx;
	s->wfd = -1;
	s->fanout = o[OPT_FANOUT].num;
	s->name_len = o[OPT_NAME_LEN].num;
	s->max = o[OPT_MAX_FILES].num;
	s->rnd = ks_worker_seed(ctx, 1);
	/*
	 * A worker the harness respawns after an OOM kill reuses the dead
	 * one's directories, and its files: the pid keeps names apart, and
	 * the generation the states of one sweep worker.
	 */
	s->next = s->nnext = (uint64_t)getpid() << 32 |
		  (uint64_t)(generation++ & 0xfff) << 20;

	/*
	 * Faulted in now and unmapped, not freed, at the end: with the
	 * cgroup's OOM killer off (v1 memory.oom_control=1, to get ENOMEM
	 * rather than kills) any page fault at the limit, even a
	 * copy-on-write one in malloc's heap, stalls the worker until killed.
	 */
	s->live = ks_map_populated(ctx, s->max * sizeof(*s->live));
	if (!s->live)
		goto fail;
	set_objects(s);
	if (!p || ks_worker_dir(ctx, p->root, OP_CREATE, &s->wfd) ||
	    s->wfd < 0)
		goto fail;
	/* Missing ones are made again when a create or rename needs them. */
	for (i = 0; i < s->fanout && !ks_should_stop(ctx); i++) {
		snprintf(dir, sizeof(dir), "%x", i);
		r = mkdirat(s->wfd, dir, 0700);
		if (r < 0 && errno == EEXIST)
			continue;
		ks_count(ctx, OP_CREATE, r, errno);
	}
	return s;
fail:
	dentry_end(s);
	return NULL;
}

static int dentry_prepare(void *state, int op)
{
	struct dstorm *s = state;

	if ((op == OP_RENAME || op == OP_UNLINK) && !s->nlive)
		do_create(s);
	return (op == OP_RENAME || op == OP_UNLINK) && !s->nlive ? -1 : 0;
}

static void dentry_step(void *state, int op)
{
	struct dstorm *s = state;

	switch (op) {
	case OP_LOOKUP_NEG:
		do_lookup_neg(s);
		break;
	case OP_CREATE:
		do_create(s);
		break;
	case OP_RENAME:
		do_rename(s);
		break;
	case OP_UNLINK:
		if (s->nlive)
			do_unlink(s);
		else
			do_create(s);
		break;
	}
}

static void dentry_weights(const struct ks_wl_ctx *ctx, uint64_t *w)
{
	w[OP_LOOKUP_NEG] = ctx->opt[OPT_W_LOOKUP_NEG].num;
	w[OP_CREATE] = ctx->opt[OPT_W_CREATE].num;
	w[OP_RENAME] = ctx->opt[OPT_W_RENAME].num;
	w[OP_UNLINK] = ctx->opt[OPT_W_UNLINK].num;
}

static void dentry_teardown(struct ks_wl_ctx *ctx)
{
	struct dentry_priv *p = ctx->priv;

	if (!p)
		return;
	if (p->made)
		ks_wl_remove_root(ctx, "dentry", p->root);
	free(p);
	ctx->priv = NULL;
}

const struct ks_workload ks_wl_dentry = {
	.name = "dentry",
	.summary = "negative lookups, creates, renames and unlinks of long "
		   "names: dentries, external names and inodes",
	.ops = { [OP_LOOKUP_NEG] = "lookup_neg", [OP_CREATE] = "create",
		 [OP_RENAME] = "rename", [OP_UNLINK] = "unlink",
		 [NR_OPS] = NULL },
	/* ENOENT: a fan-out directory a failed mkdir did not make. */
	.allow = { [OP_CREATE] = "ENOSPC EDQUOT ENOENT",
		   [OP_RENAME] = "ENOSPC EDQUOT ENOENT" },
	.opts = dentry_opts,
	.setup = dentry_setup,
	.weights = dentry_weights,
	.teardown = dentry_teardown,
	.begin = dentry_begin,
	.prepare = dentry_prepare,
	.step = dentry_step,
	.end = dentry_end,
};

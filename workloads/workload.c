// SPDX-License-Identifier: GPL-2.0
/*
 * What every storm shares: the stop test, operation counting, registry
 * lookups, the per-worker directory and recursive teardown.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "clock.h"
#include "workload.h"

/* Deep enough for any tree a storm builds, shallow enough for the stack. */
#define RMTREE_MAX_DEPTH	64
#define RMTREE_MAX_PASSES	100000

int64_t ks_deadline(const struct ks_wl_ctx *ctx)
{
	if (ctx->deadline_live)
		return __atomic_load_n(ctx->deadline_live, __ATOMIC_RELAXED);
	return ctx->deadline_ns;
}

bool ks_should_stop(const struct ks_wl_ctx *ctx)
{
	/*
	 * Per process, and every worker is its own process.  Reading the
	 * clock only every 64 calls costs at most 63 operations past the
	 * deadline, but keeps clock_gettime() off the hot path when the
	 * clocksource has no vDSO fast path (e.g. in some guests).
	 */
	static unsigned int calls;
	static bool stopped;	/* once true, for good: callers rely on it */
	int64_t deadline;

	if (stopped || (ctx->stop && *ctx->stop))
		return stopped = true;
	if (calls++ % 64)
		return false;
	/* No deadline set: run until the harness raises *stop. */
	deadline = ks_deadline(ctx);
	if (deadline <= 0)
		return false;
	stopped = ks_now_ns() >= deadline;
	return stopped;
}

/*
 * One writer per counter, so a relaxed load and store suffice: a locked add
 * would cost more than many of the operations being counted.
 */
static inline void ctr_inc(uint64_t *c)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
}

void ks_count(struct ks_wl_ctx *ctx, int op, int ret, int e)
{
	struct ks_counters *c = ctx->ctr;

	if (!c || op < 0 || op >= KS_MAX_OPS)
		return;
	if (ret >= 0) {
		ctr_inc(&c->ops[op]);
		return;
	}
	ctr_inc(&c->fails[op]);
	if (e == ENOMEM)
		ctr_inc(&c->enomem[op]);
	/* err[op][0] collects what has no slot of its own: 0 or >= KS_ERRNO_MAX. */
	ctr_inc(&c->err[op][e > 0 && e < KS_ERRNO_MAX ? e : 0]);
}

int ks_mix_init(struct ks_mix *m, const uint64_t *w, int n,
		const struct ks_wl_ctx *ctx)
{
	int k;

	memset(m, 0, sizeof(*m));
	for (k = 0; k < n && k < KS_MAX_OPS; k++) {
		m->sum += w[k];
		m->cum[k] = m->sum;
	}
	for (; k < KS_MAX_OPS; k++)
		m->cum[k] = m->sum;
	m->rnd = ks_worker_seed(ctx, 0);
	m->ctr = ctx->ctr;
	return m->sum ? 0 : -1;
}

/* splitmix64's finaliser: neighbouring inputs, unrelated outputs. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

uint64_t ks_worker_seed(const struct ks_wl_ctx *ctx, unsigned int stream)
{
	uint64_t z = mix64(ctx->seed + 0x9E3779B97F4A7C15ULL *
			   ((uint64_t)ctx->worker + 1));

	return mix64(z + 0x9E3779B97F4A7C15ULL * ((uint64_t)stream + 1)) | 1;
}

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

int ks_mix_pick(struct ks_mix *m)
{
	uint64_t x = ks_rand64(&m->rnd) % m->sum;
	struct ks_counters *c = m->ctr;
	int op = 0;

	while (x >= m->cum[op])
		op++;
	if (c && c->picks_traced < KS_PICK_TRACE) {
		uint64_t h = c->picks_traced ? c->pick_hash : FNV_OFFSET;

		__atomic_store_n(&c->pick_hash, (h ^ (uint64_t)op) * FNV_PRIME,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&c->picks_traced, c->picks_traced + 1,
				 __ATOMIC_RELAXED);
	}
	return op;
}

int ks_workload_run(struct ks_wl_ctx *ctx)
{
	const struct ks_workload *wl = ctx->wl;
	uint64_t w[KS_MAX_OPS] = { 0 };
	struct ks_mix mix;
	void *st;

	if (wl->run)
		return wl->run(ctx);
	wl->weights(ctx, w);
	if (ks_mix_init(&mix, w, KS_MAX_OPS, ctx)) {
		fprintf(stderr, "kmemstorm: %s worker %d: every operation has weight 0\n",
			wl->name, ctx->worker);
		return 1;
	}
	st = wl->begin(ctx);
	if (!st)
		return ks_should_stop(ctx) ? 0 : 1;
	while (!ks_should_stop(ctx))
		wl->step(st, ks_mix_pick(&mix));
	wl->end(st);
	return 0;
}

const struct ks_workload *ks_workload_find(const char *name)
{
	const struct ks_workload *const *w;

	if (!name)
		return NULL;
	for (w = ks_workloads; *w; w++)
		if (!strcmp((*w)->name, name))
			return *w;
	return NULL;
}

int ks_workload_opt_index(const struct ks_workload *wl, const char *name)
{
	int i;

	if (!wl || !wl->opts || !name)
		return -1;
	for (i = 0; wl->opts[i].name; i++)
		if (!strcmp(wl->opts[i].name, name))
			return i;
	return -1;
}

/*
 * Errors worth waiting out: the storm of a sibling worker (or an injected
 * fault) may hold the cgroup or the filesystem at its limit right now.
 */
static bool transient(int e)
{
	return e == ENOMEM || e == ENOSPC || e == EDQUOT || e == EINTR ||
	       e == EAGAIN || e == ENFILE;
}

void *ks_map_populated(struct ks_wl_ctx *ctx, size_t len)
{
	const struct timespec pause = { 0, 1000000 };
	void *p;

	while (!ks_should_stop(ctx)) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p != MAP_FAILED)
			return p;
		if (errno != ENOMEM && errno != EAGAIN) {
			fprintf(stderr, "kmemstorm: %s worker %d: mmap: %s\n",
				ctx->wl ? ctx->wl->name : "?", ctx->worker,
				strerror(errno));
			return NULL;
		}
		nanosleep(&pause, NULL);
	}
	return NULL;
}

int ks_worker_dir(struct ks_wl_ctx *ctx, const char *root, int op, int *fd)
{
	const struct timespec pause = { 0, 1000000 };
	char name[32];
	bool made = false;
	int dfd = -1;
	int e;

	snprintf(name, sizeof(name), "w%d", ctx->worker);
	*fd = -1;
	/*
	 * This runs inside the cgroup, possibly after siblings filled it, so
	 * ENOMEM here is a result to count, not a harness failure.
	 */
	for (;;) {
		if (dfd < 0)
			dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0 && !made) {
			if (!mkdirat(dfd, name, 0700)) {
				ks_count(ctx, op, 0, 0);
				made = true;
			} else {
				made = errno == EEXIST;
			}
		}
		if (made) {
			*fd = openat(dfd, name,
				     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (*fd >= 0)
				break;
		}
		e = errno;
		if (!transient(e)) {
			fprintf(stderr, "kmemstorm: %s worker %d: %s/%s: %s\n",
				ctx->wl ? ctx->wl->name : "?", ctx->worker,
				root, name, strerror(e));
			goto fail;
		}
		ks_count(ctx, op, -1, e);
		if (ks_should_stop(ctx))
			break;
		nanosleep(&pause, NULL);
	}
	if (dfd >= 0)
		close(dfd);
	return 0;
fail:
	if (dfd >= 0)
		close(dfd);
	return -1;
}

static int rm_below(int fd, dev_t dev, int depth);

/* Remove one entry of the directory fd; a directory only on our device. */
static int rm_entry(int fd, const char *name, unsigned char type, dev_t dev,
		    int depth)
{
	struct stat st;
	int sub, ret;

	/* Some filesystems report DT_UNKNOWN: then EISDIR tells. */
	if (type != DT_DIR) {
		if (!unlinkat(fd, name, 0) || errno == ENOENT)
			return 0;
		if (errno != EISDIR)
			return -errno;
	}
	sub = openat(fd, name,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(sub, &st) || st.st_dev != dev) {
		/* A mount point: never reach into another filesystem. */
		close(sub);
		return -EBUSY;
	}
	ret = rm_below(sub, dev, depth + 1);
	if (unlinkat(fd, name, AT_REMOVEDIR) && errno != ENOENT && !ret)
		ret = -errno;
	return ret;
}

/*
 * Empty the directory fd (consumed).  Removing entries while reading the
 * directory may make some filesystems skip entries, and a read may fail
 * half way: read it again while passes remove something, and up to four
 * times while they do not.  The last pass's first error wins.
 */
static int rm_below(int fd, dev_t dev, int depth)
{
	struct dirent *de;
	int ret, stuck = 0, pass, r;
	bool removed;
	DIR *d;

	if (depth > RMTREE_MAX_DEPTH) {
		close(fd);
		return -ELOOP;
	}
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	/* The bound only stops a filesystem listing what it cannot find. */
	for (pass = 0; pass < RMTREE_MAX_PASSES; pass++) {
		removed = false;
		ret = 0;
		if (pass)
			rewinddir(d);
		while ((errno = 0, de = readdir(d))) {
			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			r = rm_entry(dirfd(d), de->d_name, de->d_type, dev,
				     depth);
			if (!r)
				removed = true;
			else if (!ret)
				ret = r;
		}
		if (errno && !ret)
			ret = -errno;
		if ((!ret && !removed) || (!removed && ++stuck >= 4))
			break;
	}
	closedir(d);
	return ret;
}

int ks_rmtree_at(int dfd, const char *name)
{
	struct stat st;
	int fd, ret;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dfd, name, 0) && errno != ENOENT ? -errno : 0;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	/* The top may be a mount point (a tmpfs left mounted): its device. */
	ret = rm_below(fd, st.st_dev, 0);
	if (unlinkat(dfd, name, AT_REMOVEDIR) && errno != ENOENT && !ret)
		ret = -errno;
	return ret;
}

void ks_wl_remove_root(struct ks_wl_ctx *ctx, const char *wl,
		       const char *root)
{
	int r = ks_rmtree_at(AT_FDCWD, root);

	if (r)
		snprintf(ctx->err, sizeof(ctx->err), "%s: removing %.200s: %s",
			 wl, root, strerror(-r));
}

uint64_t ks_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur;
}

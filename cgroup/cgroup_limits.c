// SPDX-License-Identifier: GPL-2.0
/*
 * Memory limits of a cgroup: which knobs the running kernel can honour
 * (ks_cg_check_limits()) and writing them (ks_cg_set_limits()), mapping
 * one struct ks_cg_limits onto the v1 and v2 file sets; and the changes
 * a fault injector makes while workers run (ks_cg_set_max(), a
 * memory.peak of its own).  Also home of the control-file helpers
 * cgroup.c shares (cgroup_internal.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_internal.h"
#include "failpoint.h"

int ks_cg_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

int ks_cg_join(char *out, size_t len, const char *dir, const char *name)
{
	int n = snprintf(out, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Write a short string to a control file; err names the file. */
int ks_cg_write_file(const char *path, const char *val, char *err,
		     size_t errlen)
{
	const char *what;
	int ret = ks_file_write(path, val, "kmemstorm/cgroup/write", &what);

	if (!ret)
		return 0;
	if (!strcmp(what, "open"))
		return ks_cg_fail(err, errlen, ret, "%s: open: %s", path,
				  strerror(-ret));
	if (!strcmp(what, "short write"))
		return ks_cg_fail(err, errlen, ret,
				  "%s: short write of \"%s\"", path, val);
	return ks_cg_fail(err, errlen, ret, "%s: write \"%s\": %s", path, val,
			  strerror(-ret));
}

int ks_cg_write_in(const char *dir, const char *file, const char *val,
		   char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (ks_cg_join(path, sizeof(path), dir, file))
		return ks_cg_fail(err, errlen, -ENAMETOOLONG,
				  "%s/%s: path too long", dir, file);
	return ks_cg_write_file(path, val, err, errlen);
}

void ks_cg_limits_init(struct ks_cg_limits *lim)
{
	lim->max = -1;
	lim->high = -1;
	lim->swap_max = -1;
	lim->kmem_max = -1;
	lim->tcp_max = -1;
	lim->low = -1;
	lim->min = -1;
	lim->oom_group = KS_CG_UNSET;
	lim->oom_kill_disable = KS_CG_UNSET;
}

bool ks_cg_kmem_limit_ignored(const char *release)
{
	unsigned int major = 0, minor = 0;

	/* Unparsable: assume a modern kernel rather than a working knob. */
	if (sscanf(release, "%u.%u", &major, &minor) != 2)
		return true;
	return major > 5 || (major == 5 && minor >= 16);
}

static bool exists_in(const char *dir, const char *file)
{
	char path[PATH_MAX];

	return !ks_cg_join(path, sizeof(path), dir, file) &&
	       !access(path, F_OK);
}

/*
 * The checks shared by ks_cg_check_limits() (before anything exists) and
 * ks_cg_set_limits(); dir is where to look for optional files, NULL to
 * skip those checks.
 */
static int check_knobs(enum ks_cg_version v, const char *dir,
		       const struct ks_cg_limits *lim, char *err,
		       size_t errlen)
{
	const char *vn = ks_cg_version_name(v);
	struct utsname uts;

	if (v != KS_CG_V1 && v != KS_CG_V2)
		return ks_cg_fail(err, errlen, -ENODEV,
				  "no memory cgroup controller");
	if (lim->max < -1 || lim->high < -1 || lim->swap_max < -1 ||
	    lim->kmem_max < -1 || lim->tcp_max < -1 || lim->low < -1 ||
	    lim->min < -1)
		return ks_cg_fail(err, errlen, -EINVAL,
				  "memory limits: negative size");
	if (lim->oom_group < -1 || lim->oom_group > 1 ||
	    lim->oom_kill_disable < -1 || lim->oom_kill_disable > 1)
		return ks_cg_fail(err, errlen, -EINVAL,
				  "memory limits: oom flags must be 0 or 1");

	if (v == KS_CG_V1) {
		if (lim->high >= 0)
			return ks_cg_fail(err, errlen, -EOPNOTSUPP,
					  "memory.high: not supported on cgroup %s", vn);
		if (lim->low >= 0 || lim->min >= 0)
			return ks_cg_fail(err, errlen, -EOPNOTSUPP,
					  "%s: not supported on cgroup %s",
					  lim->low >= 0 ? "memory.low" :
					  "memory.min", vn);
		if (lim->swap_max >= 0 && lim->max < 0)
			return ks_cg_fail(err, errlen, -EINVAL,
					  "memory.memsw.limit_in_bytes: swap_max needs max on cgroup v1 (memsw = max + swap)");
		if (lim->swap_max >= 0 && dir &&
		    !exists_in(dir, "memory.memsw.limit_in_bytes"))
			return ks_cg_fail(err, errlen, -EOPNOTSUPP,
					  "memory.memsw.limit_in_bytes: not supported: swap accounting disabled");
		if (lim->kmem_max >= 0 && uname(&uts) < 0)
			snprintf(uts.release, sizeof(uts.release), "unknown");
		if (lim->kmem_max >= 0 && ks_cg_kmem_limit_ignored(uts.release))
			return ks_cg_fail(err, errlen, -EOPNOTSUPP,
					  "memory.kmem.limit_in_bytes: not supported: ignored since Linux 5.16 (running %s); kernel memory counts against memory.limit_in_bytes",
					  uts.release);
		if (lim->tcp_max >= 0 && dir &&
		    !exists_in(dir, "memory.kmem.tcp.limit_in_bytes"))
			return ks_cg_fail(err, errlen, -EOPNOTSUPP,
					  "memory.kmem.tcp.limit_in_bytes: not supported by this kernel");
		if (lim->oom_group >= 0)
			return ks_cg_fail(err, errlen, -EOPNOTSUPP,
					  "memory.oom.group: not supported on cgroup %s", vn);
		return 0;
	}

	if (lim->swap_max >= 0 && dir &&
	    !exists_in(dir, "memory.swap.max"))
		return ks_cg_fail(err, errlen, -EOPNOTSUPP,
				  "memory.swap.max: not supported: swap accounting disabled");
	if (lim->kmem_max >= 0)
		return ks_cg_fail(err, errlen, -EOPNOTSUPP,
				  "memory.kmem.limit_in_bytes: not supported on cgroup %s (kernel memory counts against memory.max)",
				  vn);
	if (lim->tcp_max >= 0)
		return ks_cg_fail(err, errlen, -EOPNOTSUPP,
				  "memory.kmem.tcp.limit_in_bytes: not supported on cgroup %s (socket memory counts against memory.max)",
				  vn);
	if (lim->oom_kill_disable >= 0)
		return ks_cg_fail(err, errlen, -EOPNOTSUPP,
				  "memory.oom_control: not supported on cgroup %s", vn);
	return 0;
}

int ks_cg_check_limits(const struct ks_cg_root *root,
		       const struct ks_cg_limits *lim, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	const char *probe = dir;

	/*
	 * On v2 the root cgroup has no memory.* files at all, so optional
	 * files can only be probed in a non-root own cgroup.
	 */
	if (ks_cg_self_dir(root, dir, sizeof(dir)) ||
	    (root->version == KS_CG_V2 && !strcmp(root->self, "/")))
		probe = NULL;
	return check_knobs(root->version, probe, lim, err, errlen);
}

static const char *fmt_size(enum ks_cg_version v, int64_t bytes, char *buf,
			    size_t len)
{
	if (bytes == INT64_MAX)
		return v == KS_CG_V2 ? "max" : "-1";
	snprintf(buf, len, "%lld", (long long)bytes);
	return buf;
}

static int set_v1(struct ks_cgroup *cg, const struct ks_cg_limits *lim,
		  char *err, size_t errlen)
{
	char max[24], memsw[24], kmem[24];
	const char *smax, *smemsw = NULL;
	int ret;

	if (lim->max >= 0) {
		smax = fmt_size(KS_CG_V1, lim->max, max, sizeof(max));
		if (lim->swap_max >= 0) {
			/* v1 limits memory + swap together. */
			int64_t sum = lim->max > INT64_MAX - lim->swap_max ?
				      INT64_MAX : lim->max + lim->swap_max;

			smemsw = fmt_size(KS_CG_V1, sum, memsw, sizeof(memsw));
		}
		ret = ks_cg_write_in(cg->path, "memory.limit_in_bytes", smax,
				     err, errlen);
		/*
		 * v1 insists on limit <= memsw at every step: lowering works
		 * limit first, raising only memsw first.
		 */
		if (ret == -EINVAL && smemsw) {
			ret = ks_cg_write_in(cg->path,
					     "memory.memsw.limit_in_bytes",
					     smemsw, err, errlen);
			if (!ret)
				ret = ks_cg_write_in(cg->path,
						     "memory.limit_in_bytes",
						     smax, err, errlen);
		} else if (!ret && smemsw) {
			ret = ks_cg_write_in(cg->path,
					     "memory.memsw.limit_in_bytes",
					     smemsw, err, errlen);
		}
		if (ret)
			return ret;
	}
	if (lim->kmem_max >= 0) {
		ret = ks_cg_write_in(cg->path, "memory.kmem.limit_in_bytes",
				     fmt_size(KS_CG_V1, lim->kmem_max, kmem,
					      sizeof(kmem)), err, errlen);
		if (ret)
			return ret;
	}
	if (lim->tcp_max >= 0) {
		/* Writing it, even -1, is what turns on v1 socket charging. */
		ret = ks_cg_write_in(cg->path, "memory.kmem.tcp.limit_in_bytes",
				     fmt_size(KS_CG_V1, lim->tcp_max, kmem,
					      sizeof(kmem)), err, errlen);
		if (ret)
			return ret;
	}
	if (lim->oom_kill_disable >= 0)
		return ks_cg_write_in(cg->path, "memory.oom_control",
				      lim->oom_kill_disable ? "1" : "0", err,
				      errlen);
	return 0;
}

static int set_v2(struct ks_cgroup *cg, const struct ks_cg_limits *lim,
		  char *err, size_t errlen)
{
	const struct {
		const char *file;
		int64_t val;
	} sizes[] = {
		{ "memory.max", lim->max },
		{ "memory.high", lim->high },
		{ "memory.swap.max", lim->swap_max },
		{ "memory.low", lim->low },
		{ "memory.min", lim->min },
	};
	char buf[24];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (sizes[i].val < 0)
			continue;
		ret = ks_cg_write_in(cg->path, sizes[i].file,
				     fmt_size(KS_CG_V2, sizes[i].val, buf,
					      sizeof(buf)), err, errlen);
		if (ret)
			return ret;
	}
	if (lim->oom_group >= 0)
		return ks_cg_write_in(cg->path, "memory.oom.group",
				      lim->oom_group ? "1" : "0", err, errlen);
	return 0;
}

int ks_cg_set_limits(struct ks_cgroup *cg, const struct ks_cg_limits *lim,
		     char *err, size_t errlen)
{
	int ret;

	ret = check_knobs(cg->version, cg->path, lim, err, errlen);
	if (ret)
		return ret;
	return cg->version == KS_CG_V2 ? set_v2(cg, lim, err, errlen) :
					 set_v1(cg, lim, err, errlen);
}

int ks_cg_set_max(struct ks_cgroup *cg, int64_t bytes, char *err,
		  size_t errlen)
{
	char buf[24];

	if (cg->version != KS_CG_V1 && cg->version != KS_CG_V2)
		return ks_cg_fail(err, errlen, -ENODEV,
				  "no memory cgroup controller");
	if (bytes < 0)
		return ks_cg_fail(err, errlen, -EINVAL,
				  "memory limit: negative size");
	/*
	 * v1 keeps memory.limit_in_bytes <= memory.memsw.limit_in_bytes;
	 * lowering never breaks that, and raising goes back at most to what
	 * ks_cg_set_limits() set under the same memsw limit.
	 */
	return ks_cg_write_in(cg->path, cg->version == KS_CG_V2 ?
			      "memory.max" : "memory.limit_in_bytes",
			      fmt_size(cg->version, bytes, buf, sizeof(buf)),
			      err, errlen);
}

int ks_cg_peak_open(struct ks_cgroup *cg, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int fd, ret;

	if (cg->version != KS_CG_V2)
		return ks_cg_fail(err, errlen, -EOPNOTSUPP,
				  "memory.peak: no per-file reset on cgroup %s",
				  ks_cg_version_name(cg->version));
	if (ks_cg_join(path, sizeof(path), cg->path, "memory.peak"))
		return ks_cg_fail(err, errlen, -ENAMETOOLONG,
				  "%s/memory.peak: path too long", cg->path);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return ks_cg_fail(err, errlen, ret == -ENOENT ? -EOPNOTSUPP :
				  ret, "%s: open: %s", path, strerror(-ret));
	}
	/* Before 6.12 memory.peak has no write handler: EINVAL. */
	ret = ks_cg_peak_reset(fd);
	if (ret) {
		close(fd);
		return ks_cg_fail(err, errlen, ret == -EINVAL ? -EOPNOTSUPP :
				  ret, "%s: reset: %s (Linux 6.12+ resets it)",
				  path, strerror(-ret));
	}
	return fd;
}

int ks_cg_peak_reset(int fd)
{
	ssize_t n = pwrite(fd, "reset\n", 6, 0);

	if (n < 0)
		return -errno;
	return n == 6 ? 0 : -EIO;
}

int64_t ks_cg_peak_read(int fd)
{
	char buf[32];
	int64_t v;
	ssize_t n;

	/* A seq_file: reading from offset 0 shows the value anew. */
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (ks_cg_parse_value(buf, &v))
		return -EINVAL;
	return v;
}

/*
 * Reclaim what can be reclaimed from cg and below: v2 memory.reclaim
 * (5.19+; EAGAIN when it fell short, which is no error here), v1
 * memory.force_empty (only with no tasks in cg itself).
 */
int ks_cg_reclaim(struct ks_cgroup *cg, char *err, size_t errlen)
{
	const char *file = cg->version == KS_CG_V2 ? "memory.reclaim" :
			   "memory.force_empty";
	int ret = ks_cg_write_in(cg->path, file,
				 cg->version == KS_CG_V2 ? "1G" : "0", err,
				 errlen);

	return ret == -EAGAIN ? 0 : ret;
}

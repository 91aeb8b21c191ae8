/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one cgroup layer: the same calls on cgroup v2 (memory controller in
 * the unified hierarchy) and v1 (memory controller mounted on its own).
 * Every function that can fail returns 0 or a negative errno and leaves a
 * reason naming the file at fault in err.
 */
#ifndef KS_CGROUP_H
#define KS_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>	/* pid_t, ssize_t */

#include "fsutil.h"	/* ks_file_read() for control files */

enum ks_cg_version { KS_CG_NONE = 0, KS_CG_V1 = 1, KS_CG_V2 = 2 };

/* Where the memory controller lives and where this process sits in it. */
struct ks_cg_root {
	enum ks_cg_version version;
	char mount[PATH_MAX];	/* e.g. /sys/fs/cgroup/memory */
	char self[PATH_MAX];	/* own cgroup, relative to mount, "/" form */
};

/*
 * Detect from a mounts table (/proc/self/mounts format) and a
 * /proc/self/cgroup file.  prefix is prepended to every mount point found,
 * so unit tests can point at a fake tree ("" for the real system).
 * v2 wins when its cgroup.controllers lists "memory".
 */
int ks_cg_detect_from(struct ks_cg_root *root, const char *mounts,
		      const char *self_cgroup, const char *prefix,
		      char *err, size_t errlen);
/* The same on the real system. */
int ks_cg_detect(struct ks_cg_root *root, char *err, size_t errlen);

const char *ks_cg_version_name(enum ks_cg_version v);	/* "v1", "v2", "none" */

struct ks_cgroup {
	enum ks_cg_version version;
	char path[PATH_MAX];	/* absolute directory */
	int dirfd;		/* O_PATH|O_DIRECTORY, for CLONE_INTO_CGROUP */
};

/*
 * Limits a scenario asks for; -1 (or KS_CG_UNSET for flags) leaves a knob
 * alone.  Sizes in bytes, INT64_MAX for "max".
 */
#define KS_CG_UNSET (-1)
struct ks_cg_limits {
	int64_t max;		/* v2 memory.max        v1 memory.limit_in_bytes */
	int64_t high;		/* v2 memory.high       v1: unsupported */
	int64_t swap_max;	/* v2 memory.swap.max   v1 memsw = max + swap_max */
	int64_t kmem_max;	/* v2: unsupported      v1 memory.kmem.limit_in_bytes,
				 * unsupported where the kernel ignores it (>= 5.16) */
	int64_t tcp_max;	/* v2: unsupported      v1 memory.kmem.tcp.limit_in_bytes:
				 * v1 charges socket buffers only once written */
	int64_t low;		/* v2 memory.low        v1: unsupported */
	int64_t min;		/* v2 memory.min        v1: unsupported */
	int oom_group;		/* v2 memory.oom.group  v1: unsupported */
	int oom_kill_disable;	/* v2: unsupported      v1 memory.oom_control */
};
void ks_cg_limits_init(struct ks_cg_limits *lim);

/*
 * Which limits the kernel can honour: 0, or -EOPNOTSUPP with the name of
 * the first unsupported knob and why in err.  Checked before anything is
 * created, so a scenario can be skipped cleanly.
 */
int ks_cg_check_limits(const struct ks_cg_root *root,
		       const struct ks_cg_limits *lim, char *err, size_t errlen);

/*
 * Create the directory parent/name (parent NULL: the process's own
 * cgroup).  On v2 enables +memory in the parent's cgroup.subtree_control
 * when it is not yet enabled.  Fails with -EEXIST if it exists.
 */
int ks_cg_create(const struct ks_cg_root *root, const struct ks_cgroup *parent,
		 const char *name, struct ks_cgroup *out, char *err,
		 size_t errlen);
/* Forget cg without removing it (its dirfd closed); safe twice. */
void ks_cg_close(struct ks_cgroup *cg);
int ks_cg_set_limits(struct ks_cgroup *cg, const struct ks_cg_limits *lim,
		     char *err, size_t errlen);

/*
 * Change the memory limit of a cgroup whose workers run: v2 memory.max,
 * v1 memory.limit_in_bytes (INT64_MAX: no limit).  Below the usage, v2
 * reclaims (and OOMs if it cannot), v1 reclaims and fails with -EBUSY if
 * it cannot.  Other limits are left as they are.
 */
int ks_cg_set_max(struct ks_cgroup *cg, int64_t bytes, char *err,
		  size_t errlen);

/*
 * memory.peak through a file of our own (v2, Linux 6.12+): writing to it
 * resets the watermark seen through that file only, so "the peak since
 * the last reset" can be had without disturbing memory.peak for anyone
 * else.  open: the fd, or -EOPNOTSUPP where there is no such reset (v1,
 * older kernels).  read: bytes or -errno.
 */
int ks_cg_peak_open(struct ks_cgroup *cg, char *err, size_t errlen);
int ks_cg_peak_reset(int fd);
int64_t ks_cg_peak_read(int fd);

/* Move pid (0: the caller) into cg. */
int ks_cg_attach(struct ks_cgroup *cg, pid_t pid, char *err, size_t errlen);

/*
 * Start fn(arg) in a child that is inside cg from its first instruction:
 * clone3(CLONE_INTO_CGROUP) on v2 when the kernel has it, otherwise fork()
 * and the child attaches itself before calling fn.  The child _exit()s with
 * fn's return value.  Returns the pid or a negative errno.
 */
pid_t ks_cg_spawn(struct ks_cgroup *cg, int (*fn)(void *), void *arg);

/* Normalised view of memory.* files.  -1: not available on this kernel. */
struct ks_memcg_stats {
	int64_t current;	/* memory.current / usage_in_bytes */
	int64_t peak;		/* memory.peak / max_usage_in_bytes */
	int64_t limit;		/* memory.max / limit_in_bytes (INT64_MAX: max) */
	int64_t high;		/* memory.high */
	int64_t swap_current;	/* memory.swap.current / memsw - usage */
	/* memory.events (hierarchical) */
	int64_t ev_low, ev_high, ev_max, ev_oom, ev_oom_kill, ev_oom_group_kill;
	/* memory.events.local */
	int64_t evl_low, evl_high, evl_max, evl_oom, evl_oom_kill;
	/* v1; memsw_failcnt counts the hits of a memory+swap limit */
	int64_t failcnt, memsw_failcnt, kmem_usage, kmem_max_usage,
		kmem_failcnt;
	int64_t tcp_usage, under_oom, oom_kill_disable;
	/* memory.stat, v2 names; v1 fills what it has */
	int64_t anon, file, kernel, kernel_stack, slab, slab_reclaimable,
		slab_unreclaimable, sock, shmem, percpu;
	/* cgroup.stat (v2) */
	int64_t nr_descendants, nr_dying_descendants;
};
void ks_memcg_stats_init(struct ks_memcg_stats *st);
/* Read everything available; missing files leave -1.  0 or -errno. */
int ks_cg_read_stats(struct ks_cgroup *cg, struct ks_memcg_stats *st);
/*
 * What a sampler of many cgroups reads of each: usage, limit hits and OOM
 * kills, from two files (four on v1) instead of ks_cg_read_stats()'s
 * ten.  dir is the cgroup's directory; buf is the caller's scratch.
 * -1 where unknown.  0 or -errno (-ENOENT: the cgroup is gone).
 */
struct ks_cg_usage {
	int64_t current, peak, limit_hits, oom_kills;
	int64_t low_events;	/* v2 memory.events low: reclaimed below it */
};
int ks_cg_read_usage(enum ks_cg_version v, const char *dir, int with_peak,
		     struct ks_cg_usage *u, char *buf, size_t len);

/*
 * "Limit hit" events in one number: v2 memory.events max, v1 failcnt
 * plus memsw.failcnt (with a swap limit, v1 charges fail on memsw first).
 * oom kills: v2 oom_kill, v1 oom_control oom_kill.
 */
int64_t ks_memcg_limit_hits(const struct ks_memcg_stats *st);
int64_t ks_memcg_oom_kills(const struct ks_memcg_stats *st);

/* Reclaim cg and its subtree; 0 or -errno (-ENOENT: no such knob). */
int ks_cg_reclaim(struct ks_cgroup *cg, char *err, size_t errlen);

/* Pids in cgroup.procs; returns count (<= max) or -errno. */
int ks_cg_pids(struct ks_cgroup *cg, pid_t *pids, int max);

/* SIGKILL every process in cg (cgroup.kill where it exists). */
int ks_cg_kill(struct ks_cgroup *cg);
/* Wait until cgroup.procs is empty; -ETIMEDOUT after timeout_ms. */
int ks_cg_drain(struct ks_cgroup *cg, int timeout_ms);
/*
 * Kill, drain, rmdir with retry (EBUSY while the last tasks exit); closes
 * dirfd.  Safe on a zeroed or already removed cgroup.
 */
int ks_cg_destroy(struct ks_cgroup *cg, char *err, size_t errlen);

/*
 * The run cgroup, own/<name>, below which every scenario's cgroup goes.
 * On v2 a cgroup with processes cannot hand the memory controller to its
 * children ("no internal processes"), so when the own cgroup is not the
 * root and does not delegate memory yet, the harness first moves itself
 * into a leaf own/<name>/harness, then enables memory in own.  The end
 * undoes it: back into own, own's subtree_control as it was, cgroups gone.
 */
struct ks_cg_run {
	struct ks_cgroup run;
	char own[PATH_MAX];	/* the own cgroup's directory */
	char leaf[PATH_MAX];	/* run/harness, when the harness moved there */
	int own_enabled;	/* we wrote +memory to own's subtree_control */
};
int ks_cg_run_begin(const struct ks_cg_root *root, const char *name,
		    struct ks_cg_run *r, char *err, size_t errlen);
/* Scenario cgroups must be gone already; errors are described in err. */
int ks_cg_run_end(struct ks_cg_run *r, char *err, size_t errlen);

/*
 * Remove "kmemstorm-<pid>" run cgroups below the own cgroup whose pid is
 * no longer alive: what a kill -9 left behind.  Returns how many.
 */
int ks_cg_reap_stale(const struct ks_cg_root *root, const char *prefix_name);

/*
 * The pure parsers behind the calls above, exported so unit tests can feed
 * them buffers.
 *
 * A single value ("max" or a number, as in memory.max): 0 or -EINVAL.
 * "max" and the v1 spelling of no limit (PAGE_COUNTER_MAX pages, e.g.
 * 9223372036854771712 with 4 KiB pages) both become INT64_MAX.
 */
int ks_cg_parse_value(const char *buf, int64_t *val);
/*
 * The value of "key <value>" in a flat-keyed file (memory.stat,
 * memory.events, cgroup.stat, memory.oom_control).  key must start a
 * line and be followed by blanks: "file" does not match "file_mapped".
 * 0, -ENOENT when the key is absent, -EINVAL when the value is not a number.
 */
int ks_cg_parse_key(const char *buf, const char *key, int64_t *val);
/* Whether a kernel of this uname release ignores memory.kmem.limit_in_bytes. */
bool ks_cg_kmem_limit_ignored(const char *release);
/* Is word an element of list, elements separated by any char of seps? */
bool ks_cg_list_has(const char *list, const char *word, const char *seps);
/* The own cgroup's directory (mount + self): 0 or -ENAMETOOLONG. */
int ks_cg_self_dir(const struct ks_cg_root *root, char *out, size_t len);

#endif

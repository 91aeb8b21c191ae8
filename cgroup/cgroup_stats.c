// SPDX-License-Identifier: GPL-2.0
/*
 * The reading half of the cgroup layer: the pure parsers of control files
 * and ks_cg_read_stats(), which folds the v1 and v2 file sets into one
 * struct ks_memcg_stats.  Detection is in cgroup_detect.c; writing in
 * cgroup.c (creation, processes, teardown) and cgroup_limits.c.
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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_internal.h"
#include "failpoint.h"

/*
 * The kernel prints "no limit" as PAGE_COUNTER_MAX pages in bytes on v1:
 * INT64_MAX rounded down to the page size (9223372036854771712 with 4 KiB
 * pages).  Page sizes differ between architectures (up to 1 MiB), and no
 * real usage or limit comes anywhere near this, so anything above it means
 * "max".
 */
#define KS_CG_NOLIMIT_MIN (INT64_MAX - ((int64_t)1 << 20) + 1)

/* A big memory.stat (NUMA, hugetlb, every option) is about 4 KiB. */
#define KS_CG_STATBUF (64 * 1024)

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Parse one value in [s, end): blanks, "max" or digits, blanks. */
static int parse_span(const char *s, const char *end, int64_t *val)
{
	uint64_t v = 0;
	bool digits = false;

	while (s < end && is_blank(*s))
		s++;
	if (end - s >= 3 && !memcmp(s, "max", 3)) {
		v = UINT64_MAX;
		s += 3;
	} else {
		for (; s < end && *s >= '0' && *s <= '9'; s++) {
			unsigned int d = (unsigned int)(*s - '0');

			digits = true;
			/* Saturate: a number this big can only mean "max". */
			if (v > (UINT64_MAX - d) / 10)
				v = UINT64_MAX;
			else
				v = v * 10 + d;
		}
		if (!digits)
			return -EINVAL;
	}
	while (s < end && is_blank(*s))
		s++;
	if (s != end)
		return -EINVAL;
	if (v >= (uint64_t)KS_CG_NOLIMIT_MIN)
		*val = INT64_MAX;
	else
		*val = (int64_t)v;
	return 0;
}

int ks_cg_parse_value(const char *buf, int64_t *val)
{
	return parse_span(buf, buf + strlen(buf), val);
}

int ks_cg_parse_key(const char *buf, const char *key, int64_t *val)
{
	size_t klen = strlen(key);
	const char *line = buf;

	while (*line) {
		const char *eol = strchr(line, '\n');

		if (!eol)
			eol = line + strlen(line);
		/*
		 * Whole-word match at the start of the line only, so "file"
		 * does not pick up "file_mapped" and "swap" not "total_swap".
		 */
		if ((size_t)(eol - line) > klen && !strncmp(line, key, klen) &&
		    (line[klen] == ' ' || line[klen] == '\t'))
			return parse_span(line + klen, eol, val);
		line = *eol ? eol + 1 : eol;
	}
	return -ENOENT;
}

bool ks_cg_list_has(const char *list, const char *word, const char *seps)
{
	size_t wlen = strlen(word);
	const char *p = list;

	while (*p) {
		size_t n;

		p += strspn(p, seps);
		n = strcspn(p, seps);
		if (n == wlen && !strncmp(p, word, wlen))
			return true;
		p += n;
	}
	return false;
}

const char *ks_cg_version_name(enum ks_cg_version v)
{
	switch (v) {
	case KS_CG_V1:
		return "v1";
	case KS_CG_V2:
		return "v2";
	default:
		return "none";
	}
}

void ks_memcg_stats_init(struct ks_memcg_stats *st)
{
	int64_t *p = (int64_t *)st;
	size_t i;

	/* Every member is an int64_t, so "all unknown" is a plain fill. */
	for (i = 0; i < sizeof(*st) / sizeof(int64_t); i++)
		p[i] = -1;
}

/* A scratch buffer and the directory being read, to keep calls short. */
struct stat_reader {
	const char *dir;
	char *buf;
	size_t len;
};

/* Read dir/file into the scratch buffer; false when it is not there. */
static bool rd_file(struct stat_reader *r, const char *file)
{
	char path[PATH_MAX];
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", r->dir, file);
	if (n < 0 || (size_t)n >= sizeof(path))
		return false;
	fiu_return_on("kmemstorm/cgroup/stats", false);
	return ks_file_read(path, r->buf, r->len) >= 0;
}

/* A one-value file; a missing or unparsable file leaves *out alone. */
static void rd_value(struct stat_reader *r, const char *file, int64_t *out)
{
	int64_t v;

	if (rd_file(r, file) && !ks_cg_parse_value(r->buf, &v))
		*out = v;
}

struct stat_key {
	const char *key;
	int64_t *out;
};

/* Several keys of one flat-keyed file; missing keys leave -1. */
static void rd_keys(struct stat_reader *r, const char *file,
		    const struct stat_key *keys, size_t nkeys)
{
	size_t i;
	int64_t v;

	if (!rd_file(r, file))
		return;
	for (i = 0; i < nkeys; i++)
		if (!ks_cg_parse_key(r->buf, keys[i].key, &v))
			*keys[i].out = v;
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void read_v2(struct stat_reader *r, struct ks_memcg_stats *st)
{
	const struct stat_key events[] = {
		{ "low", &st->ev_low },
		{ "high", &st->ev_high },
		{ "max", &st->ev_max },
		{ "oom", &st->ev_oom },
		{ "oom_kill", &st->ev_oom_kill },
		{ "oom_group_kill", &st->ev_oom_group_kill },
	};
	const struct stat_key events_local[] = {
		{ "low", &st->evl_low },
		{ "high", &st->evl_high },
		{ "max", &st->evl_max },
		{ "oom", &st->evl_oom },
		{ "oom_kill", &st->evl_oom_kill },
	};
	const struct stat_key stat[] = {
		{ "anon", &st->anon },
		{ "file", &st->file },
		{ "kernel", &st->kernel },
		{ "kernel_stack", &st->kernel_stack },
		{ "slab", &st->slab },
		{ "slab_reclaimable", &st->slab_reclaimable },
		{ "slab_unreclaimable", &st->slab_unreclaimable },
		{ "sock", &st->sock },
		{ "shmem", &st->shmem },
		{ "percpu", &st->percpu },
	};
	const struct stat_key cgstat[] = {
		{ "nr_descendants", &st->nr_descendants },
		{ "nr_dying_descendants", &st->nr_dying_descendants },
	};

	rd_value(r, "memory.current", &st->current);
	rd_value(r, "memory.peak", &st->peak);
	rd_value(r, "memory.max", &st->limit);
	rd_value(r, "memory.high", &st->high);
	rd_value(r, "memory.swap.current", &st->swap_current);
	rd_keys(r, "memory.events", events, ARRAY_LEN(events));
	rd_keys(r, "memory.events.local", events_local,
		ARRAY_LEN(events_local));
	rd_keys(r, "memory.stat", stat, ARRAY_LEN(stat));
	rd_keys(r, "cgroup.stat", cgstat, ARRAY_LEN(cgstat));
}

static void read_v1(struct stat_reader *r, struct ks_memcg_stats *st)
{
	int64_t memsw = -1, swap = -1;
	/*
	 * v1 memory.stat has no slab or kernel lines; its plain keys are
	 * this cgroup's own (the total_* ones are hierarchical), which for
	 * the leaf cgroups workers run in is the same thing.
	 */
	const struct stat_key stat[] = {
		{ "rss", &st->anon },
		{ "cache", &st->file },
		{ "shmem", &st->shmem },
		{ "swap", &swap },
	};
	const struct stat_key oom[] = {
		{ "oom_kill_disable", &st->oom_kill_disable },
		{ "under_oom", &st->under_oom },
		{ "oom_kill", &st->ev_oom_kill },
	};

	rd_value(r, "memory.usage_in_bytes", &st->current);
	rd_value(r, "memory.max_usage_in_bytes", &st->peak);
	rd_value(r, "memory.limit_in_bytes", &st->limit);
	rd_value(r, "memory.failcnt", &st->failcnt);
	rd_value(r, "memory.memsw.failcnt", &st->memsw_failcnt);
	rd_value(r, "memory.kmem.usage_in_bytes", &st->kmem_usage);
	rd_value(r, "memory.kmem.max_usage_in_bytes", &st->kmem_max_usage);
	rd_value(r, "memory.kmem.failcnt", &st->kmem_failcnt);
	rd_value(r, "memory.kmem.tcp.usage_in_bytes", &st->tcp_usage);
	rd_keys(r, "memory.oom_control", oom, ARRAY_LEN(oom));
	rd_keys(r, "memory.stat", stat, ARRAY_LEN(stat));
	st->kernel = st->kmem_usage;

	/*
	 * memory.stat "swap" is exact; memsw - usage comes from two reads
	 * taken at different moments and can even go negative, so it is
	 * only the fallback.
	 */
	if (swap >= 0) {
		st->swap_current = swap;
	} else {
		rd_value(r, "memory.memsw.usage_in_bytes", &memsw);
		if (memsw >= 0 && st->current >= 0)
			st->swap_current = memsw > st->current ?
					   memsw - st->current : 0;
	}
}

int ks_cg_read_stats(struct ks_cgroup *cg, struct ks_memcg_stats *st)
{
	struct stat_reader r = { .dir = cg->path, .len = KS_CG_STATBUF };
	struct stat sb;

	ks_memcg_stats_init(st);
	if (cg->version != KS_CG_V1 && cg->version != KS_CG_V2)
		return -EINVAL;
	if (!cg->path[0])
		return -EINVAL;
	/* Missing files are normal; a missing cgroup is not. */
	if (stat(cg->path, &sb) < 0)
		return -errno;
	if (!S_ISDIR(sb.st_mode))
		return -ENOTDIR;
	r.buf = malloc(r.len);
	if (!r.buf)
		return -ENOMEM;
	if (cg->version == KS_CG_V2)
		read_v2(&r, st);
	else
		read_v1(&r, st);
	free(r.buf);
	return 0;
}

int ks_cg_read_usage(enum ks_cg_version v, const char *dir, int with_peak,
		     struct ks_cg_usage *u, char *buf, size_t len)
{
	struct stat_reader r = { .dir = dir, .buf = buf, .len = len };
	int64_t failcnt = -1, memsw_failcnt = -1;
	const struct stat_key ev2[] = {
		{ "max", &u->limit_hits },
		{ "oom_kill", &u->oom_kills },
		{ "low", &u->low_events },
	};
	const struct stat_key ev1[] = {
		{ "oom_kill", &u->oom_kills },
	};

	u->current = u->peak = u->limit_hits = u->oom_kills = -1;
	u->low_events = -1;
	if (v == KS_CG_V2) {
		rd_value(&r, "memory.current", &u->current);
		rd_keys(&r, "memory.events", ev2, ARRAY_LEN(ev2));
		if (with_peak)
			rd_value(&r, "memory.peak", &u->peak);
	} else if (v == KS_CG_V1) {
		rd_value(&r, "memory.usage_in_bytes", &u->current);
		rd_value(&r, "memory.failcnt", &failcnt);
		rd_value(&r, "memory.memsw.failcnt", &memsw_failcnt);
		rd_keys(&r, "memory.oom_control", ev1, ARRAY_LEN(ev1));
		if (with_peak)
			rd_value(&r, "memory.max_usage_in_bytes", &u->peak);
		u->limit_hits = failcnt >= 0 && memsw_failcnt >= 0 ?
				failcnt + memsw_failcnt : failcnt;
	} else {
		return -EINVAL;
	}
	/* A cgroup that vanished reads as nothing at all. */
	if (u->current < 0 && access(dir, F_OK))
		return -errno;
	return 0;
}

int64_t ks_memcg_limit_hits(const struct ks_memcg_stats *st)
{
	if (st->ev_max >= 0)
		return st->ev_max;
	/*
	 * With memory.memsw.limit_in_bytes set, v1 charges memsw first and
	 * a hit is counted there, not in memory.failcnt.
	 */
	if (st->failcnt >= 0 && st->memsw_failcnt >= 0)
		return st->failcnt + st->memsw_failcnt;
	return st->failcnt;
}

int64_t ks_memcg_oom_kills(const struct ks_memcg_stats *st)
{
	/* v1 fills ev_oom_kill from memory.oom_control's oom_kill. */
	return st->ev_oom_kill;
}

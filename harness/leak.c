// SPDX-License-Identifier: GPL-2.0
/* The leak check after every scenario (leak.h). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "fsutil.h"
#include "sysinfo.h"
#include "leak.h"
#include "units.h"
#include "utf8.h"

/* a - b of a field both sides have, else -1 (unknown). */
static int64_t less(int64_t a, int64_t b)
{
	return a >= 0 && b >= 0 ? a - b : a;
}

static int read_level(struct ks_cg_run *r, struct ks_leak_level *l)
{
	struct ks_memcg_stats st, own;
	struct ks_cgroup leaf = { .version = r->run.version, .dirfd = -1 };

	if (ks_cg_read_stats(&r->run, &st) || st.current < 0)
		return -1;
	*l = (struct ks_leak_level){ st.current, st.slab, st.sock, st.kernel,
				     st.kmem_usage, st.tcp_usage,
				     st.nr_dying_descendants };
	if (!r->leaf[0])
		return 0;
	snprintf(leaf.path, sizeof(leaf.path), "%s", r->leaf);
	if (ks_cg_read_stats(&leaf, &own))
		return -1;
	/*
	 * Before the run cgroup hands memory to its children (the first
	 * scenario's cgroup does that) the leaf has no memory.current and
	 * the harness is charged to the run cgroup itself.
	 */
	if (own.current < 0)
		return 0;
	l->current = less(l->current, own.current);
	l->slab = less(l->slab, own.slab);
	l->sock = less(l->sock, own.sock);
	l->kernel = less(l->kernel, own.kernel);
	return 0;
}

void ks_leak_baseline(struct ks_leak_check *c, struct ks_cg_run *r)
{
	memset(c, 0, sizeof(*c));
	if (read_level(r, &c->before)) {
		snprintf(c->why, sizeof(c->why), "%s: usage unreadable",
			 r->run.path);
		return;
	}
	c->ok = 1;
}

static int settled(struct ks_leak_check *c, int64_t margin, int dying_max)
{
	c->leaked = c->after.current - c->before.current > margin;
	c->dying_left = c->after.dying > dying_max;
	return !c->leaked && !c->dying_left;
}

int ks_leak_settle(struct ks_leak_check *c, struct ks_cg_run *r,
		   const char *fs, int64_t margin, int dying_max,
		   int64_t wait_ms)
{
	int64_t t0 = ks_now_ns(), pause_ms = 50;
	char err[256];
	int fd;

	if (!c->ok)
		return 0;
	/*
	 * Dirty page cache (a disk filesystem's metadata) cannot be
	 * reclaimed and pins the dead cgroup it is charged to until the
	 * next commit: write the scenario's filesystem back first.
	 */
	fd = fs ? open(fs, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		syncfs(fd);
		close(fd);
	}
	/*
	 * Clean page cache and slab a dead cgroup's charges pin it by are
	 * dropped outright on a disposable kernel (a guest), not on a host.
	 */
	if (ks_kernel_is_disposable())
		ks_file_write("/proc/sys/vm/drop_caches", "3\n", NULL, NULL);
	for (;;) {
		/* Reclaim failing (v1 with tasks, no knob) still lets us look. */
		ks_cg_reclaim(&r->run, err, sizeof(err));
		c->rounds++;
		if (read_level(r, &c->after)) {
			snprintf(c->why, sizeof(c->why),
				 "%s: usage unreadable after the scenario",
				 r->run.path);
			c->ok = 0;
			return 0;
		}
		c->waited_ms = ks_ms_since(t0);
		if (settled(c, margin, dying_max) || c->waited_ms >= wait_ms)
			break;
		/* Dying cgroups go once RCU and workqueues have run. */
		usleep((useconds_t)pause_ms * 1000);
		if (pause_ms < 1000)
			pause_ms *= 2;
	}
	return c->leaked || c->dying_left;
}

static void put_delta(json_t *o, const char *key, int64_t after,
		      int64_t before)
{
	if (after >= 0 && before >= 0)
		json_object_set_new(o, key, json_integer(after - before));
}

json_t *ks_leak_json(const struct ks_leak_check *c)
{
	json_t *o;

	if (!c->ok)
		return c->why[0] ? json_pack("{s:o}", "unchecked",
				   ks_json_text(c->why)) :
				   NULL;
	o = json_object();
	put_delta(o, "bytes", c->after.current, c->before.current);
	put_delta(o, "slab", c->after.slab, c->before.slab);
	put_delta(o, "sock", c->after.sock, c->before.sock);
	put_delta(o, "kernel", c->after.kernel, c->before.kernel);
	put_delta(o, "kmem", c->after.kmem, c->before.kmem);
	put_delta(o, "tcp", c->after.tcp, c->before.tcp);
	/* Dying cgroups are judged whole: how many there are now. */
	if (c->after.dying >= 0)
		json_object_set_new(o, "dying", json_integer(c->after.dying));
	json_object_set_new(o, "waited_ms", json_integer(c->waited_ms));
	json_object_set_new(o, "rounds", json_integer(c->rounds));
	json_object_set_new(o, "leaked", json_boolean(c->leaked));
	json_object_set_new(o, "dying_left", json_boolean(c->dying_left));
	return o;
}

static void kind(char *buf, size_t len, size_t *at, const char *name,
		 int64_t after, int64_t before)
{
	char sz[16];

	if (after < 0 || before < 0 || after - before <= 0 || *at >= len)
		return;
	ks_format_size(after - before, sz, sizeof(sz));
	*at += snprintf(buf + *at, len - *at, "%s%s %s", *at ? ", " : "",
			name, sz);
}

const char *ks_leak_describe(const struct ks_leak_check *c, char *buf,
			     size_t len)
{
	char total[16], kinds[96] = "";
	size_t at = 0;

	ks_format_size(c->after.current - c->before.current, total,
		       sizeof(total));
	kind(kinds, sizeof(kinds), &at, "slab", c->after.slab, c->before.slab);
	kind(kinds, sizeof(kinds), &at, "sock", c->after.sock, c->before.sock);
	kind(kinds, sizeof(kinds), &at, "kernel", c->after.kernel,
	     c->before.kernel);
	kind(kinds, sizeof(kinds), &at, "kmem", c->after.kmem, c->before.kmem);
	kind(kinds, sizeof(kinds), &at, "tcp", c->after.tcp, c->before.tcp);
	snprintf(buf, len, "%s%s%s%s%s%s%lld dying cgroup(s) below it, after %lld ms of reclaim",
		 c->leaked ? total : "no charge", " left in the run cgroup",
		 kinds[0] ? " (" : "", kinds, kinds[0] ? ")" : "", "; ",
		 (long long)(c->after.dying > 0 ? c->after.dying : 0),
		 (long long)c->waited_ms);
	return buf;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Reports of our own (classify_kinds.c): an OOM kill and its memcg and
 * victim, an allocation failure and its order, a fault-injection block
 * and the allocation it failed.  Their guilty frame is the first frame
 * of the call trace that syzkaller would not skip, nor we: the
 * allocator and fault-injection frames.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify_internal.h"
#include "syz.h"
#include "utf8.h"

/* What passes a failure on: never where it was asked for. */
static const char *const ours[] = {
	"should_fail", "fail_dump", "out_of_memory", "oom_kill_process",
	"dump_header", "get_page_from_freelist", "__alloc_pages", "new_slab",
	"alloc_pages", "warn_alloc", NULL,
};

void ks_extra_reset(struct ks_classifier *c)
{
	c->memcg = c->global_mem = 0;
	c->kasan_type[0] = '\0';
}

/* Copy a token after key in l, up to a character in stop. */
static void field(const char *l, const char *key, const char *stop,
		  char *out, size_t len)
{
	const char *p = strstr(l, key);
	size_t n;

	if (!p)
		return;
	p += strlen(key);
	n = strcspn(p, stop);
	if (n >= len)
		n = ks_utf8_prefix(p, len - 1);
	memcpy(out, p, n);
	out[n] = '\0';
}

/* The run cgroup's pid would make every run's title differ. */
static void normalise_cgroup(char *s)
{
	char *p = s, *d;

	while ((p = strstr(p, "kmemstorm-"))) {
		p += 10;
		for (d = p; isdigit((unsigned char)*d); d++)
			;
		if (d > p && (*d == '/' || !*d)) {
			*p = 'N';
			memmove(p + 1, d, strlen(d) + 1);
		}
	}
}

static void set_kind(struct ks_classifier *c, const char *name)
{
	const struct ks_kind *k = ks_kind_named(name);

	c->extra = k;
	c->cur.sev = k->sev;
	ks_utf8_copy(c->cur.kind, sizeof(c->cur.kind), k->name);
}

static void guilty_from(struct ks_classifier *c, const char *line)
{
	struct ks_kreport *r = &c->cur;
	char fn[128];
	int unrel, i;

	if (r->guilty[0] || !c->after_trace ||
	    !ks_frame_name(line, fn, sizeof(fn), &unrel) || unrel)
		return;
	for (i = 0; ours[i]; i++)
		if (strstr(fn, ours[i]))
			return;
	if (!ks_syz_frame_skipped(fn))
		ks_utf8_copy(r->guilty, sizeof(r->guilty), fn);
}

void ks_extra_gather(struct ks_classifier *c, const char *line)
{
	struct ks_kreport *r = &c->cur;

	if (r->lines == 1 && !strcmp(c->extra->name, "alloc_fail")) {
		char order[16] = "";

		field(line, "order:", ",", order, sizeof(order));
		r->order = atoi(order);
		field(line, "mode:", ",", r->gfp, sizeof(r->gfp));
	}
	guilty_from(c, line);
	if (!strncmp(line, "oom-kill:constraint=", 20)) {
		if (!strncmp(line + 20, "CONSTRAINT_MEMCG", 16))
			set_kind(c, "memcg_oom");
		field(line, "oom_memcg=", ",", r->cgroup, sizeof(r->cgroup));
		normalise_cgroup(r->cgroup);
		field(line, ",task=", ",", r->victim, sizeof(r->victim));
	}
	if (strstr(line, "Killed process ") && !r->victim[0])
		field(strstr(line, "Killed process "), "(", ")", r->victim,
		      sizeof(r->victim));
	/*
	 * mem_cgroup_print_oom_meminfo(): the OOM is a memcg's, whose path
	 * is the title's (no oom-kill:constraint line without a victim).
	 */
	if (!strncmp(line, "memory: usage ", 14))
		c->memcg = 1;
	if (!strncmp(line, "Memory cgroup stats for ", 24) && !r->cgroup[0]) {
		c->memcg = 1;
		field(line, "stats for ", ":", r->cgroup, sizeof(r->cgroup));
		normalise_cgroup(r->cgroup);
	}
	/*
	 * Global only when the report shows the global memory dump: under a
	 * storm of failed charges /dev/kmsg overruns and the ring loses the
	 * lines between the header and this one (memcg lines included), and
	 * dump_header() is ratelimited while this line is not.  A global one
	 * always goes on to panic("System is deadlocked on memory"), a
	 * report of its own, so nothing is hidden by leaning to the memcg.
	 */
	if (!strncmp(line, "Mem-Info:", 9))
		c->global_mem = 1;
	if (!strncmp(line, "Out of memory and no killable processes", 39))
		set_kind(c, c->memcg || !c->global_mem ?
			 "memcg_oom_no_killable" : "oom_no_killable");
}

void ks_extra_finish(struct ks_classifier *c)
{
	struct ks_kreport *r = &c->cur;
	const char *f = c->extra->title_fmt;
	char *o = r->title, *end = r->title + sizeof(r->title) - 1;
	char val[256];

	if ((!strcmp(c->extra->name, "hard_lockup") ||
	     !strcmp(c->extra->name, "alloc_fail") ||
	     !strcmp(c->extra->name, "fault_inject")) && !c->frames) {
		r->corrupted = 1;
		ks_utf8_copy(r->corrupt_why, sizeof(r->corrupt_why), "no stack trace in report");
	}
	for (; *f && o < end; f++) {
		if (*f != '%') {
			*o++ = *f;
			continue;
		}
		f++;
		val[0] = '\0';
		if (*f == 'F')
			ks_utf8_copy(val, sizeof(val), r->guilty[0] ? r->guilty : "?");
		else if (*f == 'C')
			ks_utf8_copy(val, sizeof(val), r->cgroup[0] ? r->cgroup : "?");
		else if (*f == 'O')
			snprintf(val, sizeof(val), "%d", r->order);
		ks_utf8_copy(o, end - o + 1, val);
		o += strlen(o);
	}
	*o = '\0';
}

int ks_extra_ends_before(struct ks_classifier *c, const char *line)
{
	return c->extra->end == KS_END_STACK && c->trace_frames &&
	       !ks_is_trace_line(line);
}

int ks_extra_ends_with(struct ks_classifier *c, const char *line)
{
	return c->extra->end == KS_END_KILLED && strstr(line, "Killed process");
}

int ks_extra_continues(struct ks_classifier *c, const struct ks_kind *k)
{
	/* syzkaller's "BUG: memory leak" header, then kmemleak's object */
	if (c->oops >= 0)
		return k->syz_leak && !c->leak_objects++ &&
		       !strcmp(c->cur.first, "BUG: memory leak");
	/* The OOM killer found no victim: the same report, another kind. */
	if (!strcmp(k->name, "oom_no_killable"))
		return !strcmp(c->extra->name, "oom");
	return 0;
}

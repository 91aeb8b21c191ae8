// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel messages the harness records that syzkaller does not title (OOM
 * kills, allocation failures, fault-injection blocks, hard lockups,
 * kmemleak objects on the console), and what a report's lines look like:
 * frames, trace lines, and the line that ends each kind of report.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "classify_internal.h"

const struct ks_kind ks_kinds[] = {
	/* No syzkaller header: its own, until the panic that may follow. */
	{ "hard_lockup", KS_SEV_BUG, NULL, "Watchdog detected hard LOCKUP",
	  "BUG: hard lockup in %F", KS_END_STACK, 0 },
	{ "kmemleak", KS_SEV_BUG, "unreferenced object 0x", NULL,
	  "memory leak in %F", KS_END_STACK, 1 },
	{ "oom_no_killable", KS_SEV_BUG,
	  "Out of memory and no killable processes", NULL,
	  "out of memory: no killable processes", KS_END_STACK, 0 },
	/*
	 * Kind switches to memcg_oom on a CONSTRAINT_MEMCG line, to
	 * oom_no_killable or memcg_oom_no_killable on the line above.
	 */
	{ "oom", KS_SEV_INFO, NULL, " invoked oom-killer: ",
	  "out of memory: global OOM kill", KS_END_KILLED, 0 },
	{ "memcg_oom", KS_SEV_INFO, NULL, NULL, "memcg OOM kill in %C",
	  KS_END_KILLED, 0 },
	/*
	 * oom_no_killable in a memcg: the charge fails with ENOMEM and the
	 * kernel goes on (a global one panics).  What chargefail provokes.
	 */
	{ "memcg_oom_no_killable", KS_SEV_INFO, NULL, NULL,
	  "memcg OOM: no killable processes in %C", KS_END_STACK, 0 },
	{ "alloc_fail", KS_SEV_INFO, NULL, ": page allocation failure: order:",
	  "page allocation failure: order:%O in %F", KS_END_STACK, 0 },
	{ "fault_inject", KS_SEV_CONTEXT, "FAULT_INJECTION: forcing a failure",
	  NULL, "fault injection in %F", KS_END_STACK, 0 },
	{ NULL, 0, NULL, NULL, NULL, 0, 0 },
};

const struct ks_kind *ks_kind_named(const char *name)
{
	const struct ks_kind *k;

	for (k = ks_kinds; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

const struct ks_kind *ks_extra_match(const char *line)
{
	return ks_extra_match_found(line, ~0ull);
}

static int within_bit[16];
static uint64_t within_bits;
/* Every kind's start text begins with one of these bytes. */
static uint8_t start_byte[256 / 8];

int ks_extra_index(struct ks_needles *nd)
{
	const struct ks_kind *k;
	int i;

	for (i = 0, k = ks_kinds; k->name; k++, i++) {
		within_bit[i] = -1;
		if (i >= 16)
			return -1;
		if (k->start)
			start_byte[(uint8_t)k->start[0] / 8] |=
				1u << ((uint8_t)k->start[0] % 8);
		if (k->within && (within_bit[i] = ks_needles_add(nd, k->within)) < 0)
			return -1;
		if (k->within)
			within_bits |= 1ull << within_bit[i];
	}
	return 0;
}

const struct ks_kind *ks_extra_match_found(const char *line, uint64_t found)
{
	const struct ks_kind *k;
	uint8_t b = (uint8_t)line[0];
	int i;

	/* Indexed, and nothing found: most lines, with two tests. */
	if (within_bits && !(found & within_bits) &&
	    !(start_byte[b / 8] & (1u << (b % 8))))
		return NULL;
	for (i = 0, k = ks_kinds; k->name; k++, i++) {
		if (k->start && line[0] == k->start[0] &&
		    !strncmp(line, k->start, strlen(k->start)))
			return k;
		/* The scan read the raw line: confirm in this part of it. */
		if (k->within && within_bit[i] >= 0 &&
		    (found & (1ull << within_bit[i])) &&
		    strstr(line, k->within))
			return k;
	}
	return NULL;
}

/*
 * Reports that end with a line of their own; the others (lockdep,
 * stalls, hung tasks...) end where their call trace does.
 */
static const struct {
	const char *header, *end;
} end_rules[] = {
	{ "BUG: KASAN:", "====" }, { "BUG: KFENCE:", "====" },
	{ "BUG: KMSAN:", "====" }, { "BUG: KCSAN:", "====" },
	{ "UBSAN:", "---[ end trace" },
	{ "WARNING: CPU:", "---[ end trace" }, { "WARNING: at ", "---[ end trace" },
	{ "kernel BUG", "---[ end trace" }, { "Kernel BUG", "---[ end trace" },
	{ "general protection fault", "---[ end trace" },
	{ "stack segment: ", "---[ end trace" },
	{ "BUG: unable to handle", "---[ end trace" },
	{ "BUG: kernel NULL pointer", "---[ end trace" },
	{ "stack guard page was hit", "---[ end trace" },
	{ "Unable to handle kernel", "---[ end trace" },
	{ "Internal error:", "---[ end trace" },
	{ "divide error:", "---[ end trace" }, { "divide_error:", "---[ end trace" },
	{ "invalid opcode:", "---[ end trace" },
	{ "PANIC: double fault", "---[ end trace" },
	{ "Kernel panic - not syncing", "---[ end Kernel panic" },
};

const char *ks_end_rule(const char *header)
{
	size_t i;

	for (i = 0; i < sizeof(end_rules) / sizeof(end_rules[0]); i++)
		if (strstr(header, end_rules[i].header))
			return end_rules[i].end;
	/* The new WARNING format: "WARNING: f.c:12 at 0x0, CPU#1: ..." */
	if (strstr(header, "WARNING: ") && strstr(header, ", CPU#"))
		return "---[ end trace";
	return NULL;
}

/* "func+0x1c/0x30", "[<ffff>] ? func+0x..", "func file.c:12 [inline]" */
int ks_frame_name(const char *l, char *fn, size_t len, int *unreliable)
{
	const char *p = l, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	if (p[0] == '[' && p[1] == '<') {
		p = strchr(p, ']');
		if (!p)
			return 0;
		p++;
		while (*p == ' ')
			p++;
	}
	*unreliable = 0;
	if (p[0] == '?' && p[1] == ' ') {
		*unreliable = 1;
		p += 2;
	}
	for (e = p; isalnum((unsigned char)*e) || *e == '_' || *e == '.' ||
	     *e == '$'; e++)
		;
	if (e == p || (strncmp(e, "+0x", 3) && !strstr(e, "[inline]")))
		return 0;
	if ((size_t)(e - p) >= len)
		return 0;
	memcpy(fn, p, e - p);
	fn[e - p] = '\0';
	/* Compiler clones dedupe with their original: "f.isra.0" -> "f". */
	if ((e = strchr(fn + 1, '.')))
		fn[e - fn] = '\0';
	return 1;
}

int ks_frame_line(const char *line)
{
	char fn[128];
	int unrel;

	return ks_frame_name(line, fn, sizeof(fn), &unrel);
}

int ks_is_trace_line(const char *l)
{
	static const char *const marks[] = {
		"Call Trace:", "<TASK>", "</TASK>", "<IRQ>", "</IRQ>", "<NMI>",
		"</NMI>", "<EOI>", "<SOFTIRQ>", "</SOFTIRQ>", "RIP:", "RSP:",
		"RAX:", "RDX:", "RBP:", "R10:", "R13:", "FS:", "CS:", "CR2:",
		"DR0:", "DR3:", "DR6:", "Code:", "PKRU:", "Stack:",
		"backtrace", "Backtrace:", "? ", NULL,
	};
	int i;

	while (*l == ' ' || *l == '\t')
		l++;
	for (i = 0; marks[i]; i++)
		if (!strncmp(l, marks[i], strlen(marks[i])))
			return 1;
	return ks_frame_line(l);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * C reproducers (emit_c.c): one emitter per workload, one file each
 * (emit_dentry.c, ...), listed in one table.  The skeleton writes the
 * program's frame: its settings, the workers' seeds (the harness's own
 * formula, so a worker makes the choices the storm's worker made), the
 * weighted pick, counting, forking and reporting.  An emitter writes
 *
 *   static void storm(const char *dir, int worker, int64_t end_ms)
 *
 * doing only the operations whose weight is not 0, in dir (made by
 * repro.sh, a tmpfs where the storm used one), until now_ms() >= end_ms,
 * with count(op, ret) after each.  The frame gives it:
 *
 *   uint64_t rnd(uint64_t *s);     xorshift64*, as the harness's
 *   uint64_t seed_of(int worker, int stream);
 *   int pick(uint64_t *s);         the next operation by weight
 *   int64_t now_ms(void);
 *   void count(int op, int ret);   ret < 0: failed with errno
 *   OPT_<NAME>                     each storm option's value, as a macro
 */
#ifndef KS_EMIT_H
#define KS_EMIT_H

#include <stdint.h>
#include <stdio.h>

#include "plan.h"

struct ks_emitter {
	const char *workload;
	const char *includes;	/* more #include lines for its body */
	const char *cflags;	/* more of the build line: "-luring" */
	/*
	 * repro.sh lines that make "$fs", the directory the program runs
	 * in ($work is the script's scratch directory); NULL: a directory
	 * in $work.  A mount it makes goes in $mounted for the cleanup
	 * (ks_emit_sh_dir_in() for a directory elsewhere).
	 */
	void (*fs)(FILE *f, const struct ks_scenario *sc);
	void (*body)(FILE *f, const struct ks_scenario *sc, const uint64_t *w);
	const char *notes;	/* for the README: what it leaves out */
};

extern const struct ks_emitter ks_emit_dentry, ks_emit_inode, ks_emit_lkdtm;

/*
 * repro.sh: "$fs", a new directory below path (the storm's path option),
 * removed by the cleanup.
 */
void ks_emit_sh_dir_in(FILE *f, const char *path);
/* A word for sh, quoted. */
void ks_emit_sh_word(FILE *f, const char *s);

/* The value of the storm option name, as text. */
const char *ks_emit_opt(const struct ks_scenario *sc, const char *name);

#endif

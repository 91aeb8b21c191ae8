/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel knobs (debugfs fault attributes, /sys/kernel/slab/<cache>/failslab)
 * saved before the first write and restored on every exit path.  Every
 * saved value is also in a recovery file, fsync'd before the knob is
 * written, so the next start repairs what a kill -9 left armed.
 */
#ifndef KS_KNOBS_H
#define KS_KNOBS_H

#include <jansson.h>
#include <stddef.h>

/*
 * Write value to the knob at path, saving what it held the first time.
 * 0, or -1 with err naming the knob.
 */
int ks_knob_set(const char *path, const char *value, char *err,
		size_t errlen);
/*
 * Restore every saved knob, last saved first; the recovery file goes once
 * all are back.  Returns how many were restored, or -1 with err (the
 * others are still tried, and the file stays for the next start).
 */
int ks_knobs_restore(char *err, size_t errlen);
/*
 * Every write since the last ks_knobs_restore(), in order: [{"path",
 * "value"}] (a new reference).  What a reproducer must write to arm the
 * kernel as the scenario did.
 */
json_t *ks_knobs_written(void);
/* How many knobs are saved (armed) now. */
int ks_knobs_saved(void);
/*
 * At start: restore what a run that died armed left in the recovery file.
 * Returns knobs restored (0: nothing to do; *what lists them), -EBUSY if
 * a live kmemstorm holds them, or -1 with err.
 */
int ks_knobs_recover(json_t **what, char *err, size_t errlen);
/* $KMEMSTORM_DEBUGFS (tests), else /sys/kernel/debug. */
const char *ks_debugfs_root(void);
/* $KMEMSTORM_STATE_DIR, else /run/kmemstorm: where the file lives. */
const char *ks_knobs_state_dir(void);

#endif

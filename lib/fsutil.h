/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small files and directories: the one reader and writer of control
 * files (cgroupfs, /proc, debugfs knobs) and the output directories.
 */
#ifndef KS_FSUTIL_H
#define KS_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Read the whole file into buf (NUL-terminated): its length, or -errno;
 * -EFBIG when it does not fit.  buf is "" on error.
 */
ssize_t ks_file_read(const char *path, char *buf, size_t len);
/* ks_file_read() with trailing newlines and blanks removed: 0 or -errno. */
int ks_read_small(const char *path, char *buf, size_t len);
/*
 * Write val to path (opened O_WRONLY | O_TRUNC), in one write(): 0, or
 * -errno with *what (if what) the step that failed: "open", "write",
 * "close" or "short write" (-EIO).  fiu_point, if not NULL, names a
 * failure point (lib/failpoint.h) that fails the write().
 */
int ks_file_write(const char *path, const char *val, const char *fiu_point,
		  const char **what);
/* mkdir -p: 0 or -errno. */
int ks_mkdirs(const char *path, mode_t mode);
/*
 * The default output directory of a command: kmemstorm-out/NAME-STAMP,
 * STAMP the UTC time as YYYYMMDD-HHMMSS.  Only the name, nothing made.
 */
void ks_default_outdir(char *out, size_t len, const char *name);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the files of the cgroup layer (cgroup.c, cgroup_limits.c,
 * cgroup_stats.c); defined in cgroup_limits.c.
 */
#ifndef KS_CGROUP_INTERNAL_H
#define KS_CGROUP_INTERNAL_H

#include <stddef.h>

#include "cgroup.h"

/* Format a reason into err (when err is non-NULL) and return ret. */
__attribute__((format(printf, 4, 5)))
int ks_cg_fail(char *err, size_t errlen, int ret, const char *fmt, ...);
/* out = dir/name: 0, or -ENAMETOOLONG. */
int ks_cg_join(char *out, size_t len, const char *dir, const char *name);
/* Write a short string to a control file; err names the file. */
int ks_cg_write_file(const char *path, const char *val, char *err,
		     size_t errlen);
/* The same for dir/file. */
int ks_cg_write_in(const char *dir, const char *file, const char *val,
		   char *err, size_t errlen);

#endif

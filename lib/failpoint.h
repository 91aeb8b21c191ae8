/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libfiu failure points in the harness's own I/O and allocation paths
 * (./configure --with-libfiu), named "kmemstorm/AREA/WHAT" and listed in
 * docs/failure-points.md.  They do nothing until enabled, e.g. with
 * fiu-run -x -c "enable name=kmemstorm/journal/fsync" kmemstorm run.
 * Built without libfiu they compile to nothing.  (Not "fiu.h": that
 * name would hide libfiu's own header on our include path.)
 */
#ifndef KS_FAILPOINT_H
#define KS_FAILPOINT_H

#ifdef FIU_ENABLE
#include <fiu.h>
#else
#define fiu_init(flags) 0
#define fiu_fail(name) 0
#define fiu_do_on(name, action)
#define fiu_return_on(name, retval)
#endif

/*
 * The value of call, a system call returning -1 on error; or, when point
 * name fires, -1 with errno = err without making the call.
 */
#define ks_fiu_sys(name, err, call) \
	(fiu_fail(name) ? (errno = (err), -1) : (call))
/* The same for calls that return NULL on error. */
#define ks_fiu_ptr(name, err, call) \
	(fiu_fail(name) ? (errno = (err), NULL) : (call))

#endif

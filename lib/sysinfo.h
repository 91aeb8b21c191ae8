/* SPDX-License-Identifier: GPL-2.0 */
/* Facts about the running kernel that every journal starts with. */
#ifndef KS_SYSINFO_H
#define KS_SYSINFO_H

#include <jansson.h>
#include <stddef.h>

/* {"release", "version", "machine", "cmdline"} */
json_t *ks_sysinfo_kernel(void);
/* /proc/sys/kernel/tainted, or -1. */
long ks_sysinfo_tainted(void);
/* Bit of the W taint (TAINT_WARN): a WARNING was issued. */
#define KS_TAINT_WARN 9
/*
 * Taint flags as letters with their meaning, as in
 * Documentation/admin-guide/tainted-kernels.rst:
 * "W (a WARNING was issued), D (the kernel died: Oops or BUG)".
 */
const char *ks_taint_describe(long mask, char *buf, size_t len);
/* Just the letters: "DW". */
const char *ks_taint_letters(long mask, char *buf, size_t len);
/* UTC "2026-11-29T02:36:28Z" */
const char *ks_sysinfo_utc(char *buf, size_t len);
/* Milliseconds since boot (/proc/uptime), or -1. */
long long ks_sysinfo_uptime_ms(void);
/*
 * May this kernel be crashed or have faults injected?  Yes in a guest
 * started by `kmemstorm vm` (kmemstorm.disposable=1 on its command line)
 * or when KMEMSTORM_DISPOSABLE_KERNEL=1 says so; never by default.
 */
int ks_kernel_is_disposable(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* kmemleak scans at scenario ends (kmemleak.c). */
#ifndef KS_KMEMLEAK_H
#define KS_KMEMLEAK_H

struct scn;

/* /sys/kernel/debug/kmemleak is there and the kernel is disposable. */
int ks_kmemleak_available(void);
/* Forget what is reported so far (boot, earlier runs). */
void ks_kmemleak_clear(void);
/* Scan, journal each object as a kernel_report of s, clear; how many. */
int ks_kmemleak_scan(struct scn *s);

#endif

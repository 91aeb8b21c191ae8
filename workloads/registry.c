// SPDX-License-Identifier: GPL-2.0
/* The storms kmemstorm knows: add one by adding its file and one line here. */
#include "workload.h"

extern const struct ks_workload ks_wl_dentry;
extern const struct ks_workload ks_wl_inode;
extern const struct ks_workload ks_wl_lkdtm;
extern const struct ks_workload ks_wl_socket;
extern const struct ks_workload ks_wl_stressng;
extern const struct ks_workload ks_wl_uring;
/* After the others: tests/unit/test_workloads.c knows dentry and inode by index. */
extern const struct ks_workload ks_wl_btrfs;

const struct ks_workload *const ks_workloads[] = {
	&ks_wl_dentry,
	&ks_wl_inode,
	&ks_wl_lkdtm,
	&ks_wl_socket,
	&ks_wl_stressng,
	&ks_wl_uring,
	&ks_wl_btrfs,
	NULL,
};

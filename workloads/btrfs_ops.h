/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The btrfs storm's inside, shared by workloads/btrfs.c (options, setup
 * and teardown, the worker's life cycle: begin/prepare/step/end and run)
 * and workloads/btrfs_ops.c (the operations on a worker's subvolume).
 */
#ifndef KS_BTRFS_OPS_H
#define KS_BTRFS_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workload.h"

#define MAX_VOLS	64	/* cap on snapshots and nested subvolumes */

enum {
	OP_SUBVOL, OP_SNAPSHOT, OP_REFLINK, OP_WRITE, OP_XATTR, OP_RENAME,
	OP_DELETE, NR_OPS
};

enum {
	OPT_IMAGE_SIZE, OPT_MOUNT_OPTS, OPT_MAX_FILES, OPT_MAX_SNAPS,
	OPT_MAX_SUBVOLS, OPT_WRITE_SIZE, OPT_XATTR_SIZE, OPT_REMOUNT,
	NR_OPTS
};

struct btrfs_priv {
	char image[4096], mnt[4096], dev[64];
	int loop_nr;		/* -1 until attached */
	int loop_fd;		/* kept open until the mount holds the device */
	bool made_image, made_mnt, mounted;
};

/* 8 bytes: the ring is faulted in whole, at max_files entries. */
struct bfile {
	uint64_t serial:63;	/* pid << 32 | count, see btrfs_run() */
	uint64_t in_d:1;	/* below d/, moved there by a rename */
};

struct vring {
	uint64_t serial[MAX_VOLS];
	int head, n, max;
};

/* One worker's state; everything bounded by the caps. */
struct bstorm {
	struct ks_wl_ctx *ctx;
	uint64_t rnd, next;
	int mfd, wfd;		/* mount top, w<worker> */
	struct bfile *ring;	/* live files, oldest at head */
	size_t head, n, max, wlen, xlen;
	struct vring snap, vol;
	char *buf, *xval;
	size_t maplen;		/* of ring, buf and xval */
	bool said;		/* the finding was reported */
	/*
	 * What a sweep's prepare() made ready for the step of operation
	 * pop (-1: nothing, as in run()): pfd the file to write, clone
	 * into or set an xattr on, of serial pserial; src a reflink source
	 * kept open for the state's life.  Closed by the next prepare().
	 */
	int pop, pfd, src;
	uint64_t pserial;
	char name[64], name2[64];
};

/* Counted as op; EROFS, EIO, EUCLEAN are said once (the finding). */
void bt_count(struct bstorm *s, int op, int r, int e);
void bt_set_objects(struct bstorm *s);
/* The newest live file, its path below the worker's subvolume in buf. */
void bt_newest_name(struct bstorm *s, char *buf);

/* The operations, as run() does them: counted, recycling at the caps. */
void bt_delete_oldest(struct bstorm *s);
void bt_write_fsync(struct bstorm *s);
void bt_reflink(struct bstorm *s);
void bt_xattr(struct bstorm *s);
void bt_rename(struct bstorm *s);
void bt_subvol(struct bstorm *s);
void bt_snapshot(struct bstorm *s);
/* Destroy the oldest subvolume (op subvol) or snapshot (op snapshot). */
void bt_vol_destroy(struct bstorm *s, int op);

/*
 * Their cores, on descriptors a sweep's prepare() opened: write and fsync
 * the new file fd of serial, clone src into the new file dst of serial,
 * set the xattr name on fd.  Each counted once.
 */
void bt_write_new(struct bstorm *s, int fd, uint64_t serial);
void bt_clone(struct bstorm *s, int dst, int src, uint64_t serial);
void bt_set_xattr(struct bstorm *s, int fd, const char *name);

/* Make and open w<worker> and its d/: 0, or 1 when told to stop first. */
int bt_worker_root(struct bstorm *s);

#endif

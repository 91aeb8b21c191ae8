// SPDX-License-Identifier: GPL-2.0
/*
 * Bare btrfs loop: the btrfs storm's default mix (workloads/btrfs.c: a
 * subvolume w<worker> per worker with d/ in it; 256K compressible files
 * written and fsync'd, reflinked whole (FICLONE) or from 4K on
 * (FICLONERANGE), 1K xattrs, renames between the top and d/, nested
 * subvolumes and snapshots of w<worker>; caps max_files 8192, max_snaps 8,
 * max_subvols 16; weights subvol 3, snapshot 3, reflink 20, write_fsync
 * 35, xattr 17, rename 15, delete 7) with no harness around it.  DIR is
 * the top of a btrfs, bench/storms.sh mounts one as the storm does: a 1G
 * sparse image on a loop device, -o compress=zstd.
 *
 * Build: cc -std=gnu11 -O2 -Wall -Wextra -o bare-btrfs btrfs.c
 */
#include "bare.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <linux/btrfs.h>
#include <linux/fs.h>

#define MAX_FILES	8192
#define MAX_VOLS	16	/* the larger of max_snaps and max_subvols */
#define MAX_SNAPS	8
#define MAX_SUBVOLS	16
#define WRITE_SIZE	(256 << 10)
#define XATTR_SIZE	1024

enum {
	OP_SUBVOL, OP_SNAPSHOT, OP_REFLINK, OP_WRITE, OP_XATTR, OP_RENAME,
	OP_DELETE, NR_OPS
};

static const char *const op_names[] = {
	"subvol", "snapshot", "reflink", "write_fsync", "xattr", "rename",
	"delete", NULL
};

static const int weight[NR_OPS] = { 3, 3, 20, 35, 17, 15, 7 };

struct bfile {
	uint64_t serial:63;
	uint64_t in_d:1;
};

struct vring {
	uint64_t serial[MAX_VOLS];
	int head, n, max;
};

struct bloop {
	struct bare_counts *c;
	int worker, mfd, wfd;
	uint64_t rnd, next;
	struct bfile *ring;
	size_t head, n;
	struct vring snap, vol;
	char *buf, *xval;
	char name[64], name2[64];
};

static void count(struct bloop *s, int op, int r)
{
	if (r >= 0)
		s->c->ops[op]++;
}

static void fname(char *buf, const struct bfile *f)
{
	char *p = buf;

	if (f->in_d) {
		*p++ = 'd';
		*p++ = '/';
	}
	*p++ = 'f';
	p[bare_hex(p, f->serial)] = '\0';
}

static struct bfile *pick(struct bloop *s)
{
	return &s->ring[(s->head + bare_rand(&s->rnd) % s->n) % MAX_FILES];
}

static void delete_oldest(struct bloop *s)
{
	if (!s->n)
		return;
	fname(s->name, &s->ring[s->head]);
	count(s, OP_DELETE, unlinkat(s->wfd, s->name, 0));
	s->head = (s->head + 1) % MAX_FILES;
	s->n--;
}

static void add_file(struct bloop *s, uint64_t serial)
{
	s->ring[(s->head + s->n) % MAX_FILES] =
		(struct bfile){ .serial = serial };
	s->n++;
}

static void write_fsync(struct bloop *s)
{
	struct bfile f = { .serial = s->next++ };
	ssize_t w;
	int fd, r;

	if (s->n == MAX_FILES)
		delete_oldest(s);
	fname(s->name, &f);
	fd = openat(s->wfd, s->name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
		    0600);
	if (fd < 0) {
		delete_oldest(s);
		return;
	}
	memcpy(s->buf, s->name, strlen(s->name));
	w = write(fd, s->buf, WRITE_SIZE);
	r = w == WRITE_SIZE ? fsync(fd) : -1;
	count(s, OP_WRITE, r);
	close(fd);
	add_file(s, f.serial);
}

static void reflink(struct bloop *s)
{
	struct file_clone_range fcr = { .src_length = WRITE_SIZE };
	struct bfile f;
	int src, dst, r;

	if (!s->n)
		return write_fsync(s);
	if (s->n == MAX_FILES)
		delete_oldest(s);
	fname(s->name, pick(s));
	src = openat(s->wfd, s->name, O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return;
	f = (struct bfile){ .serial = s->next++ };
	fname(s->name2, &f);
	dst = openat(s->wfd, s->name2, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
		     0600);
	if (dst < 0) {
		close(src);
		return;
	}
	if (f.serial & 1) {
		r = ioctl(dst, FICLONE, src);
	} else {
		fcr.src_fd = src;
		fcr.dest_offset = 4096;
		r = ioctl(dst, FICLONERANGE, &fcr);
	}
	count(s, OP_REFLINK, r);
	close(dst);
	close(src);
	add_file(s, f.serial);
}

static void xattr(struct bloop *s)
{
	int fd, r;

	if (!s->n)
		return write_fsync(s);
	fname(s->name, pick(s));
	fd = openat(s->wfd, s->name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	r = fsetxattr(fd, bare_rand(&s->rnd) & 1 ? "user.ks0" : "user.ks1",
		      s->xval, XATTR_SIZE, 0);
	close(fd);
	count(s, OP_XATTR, r);
}

static void rename_one(struct bloop *s)
{
	struct bfile *f;
	int r;

	if (!s->n)
		return write_fsync(s);
	f = pick(s);
	fname(s->name, f);
	f->in_d = !f->in_d;
	fname(s->name2, f);
	r = renameat(s->wfd, s->name, s->wfd, s->name2);
	count(s, OP_RENAME, r);
	if (r)
		f->in_d = !f->in_d;
}

static void vol_name(struct bloop *s, char *buf, int op, uint64_t serial)
{
	if (op == OP_SNAPSHOT)
		snprintf(buf, BTRFS_PATH_NAME_MAX, "s%d.%llx", s->worker,
			 (unsigned long long)serial);
	else
		snprintf(buf, BTRFS_PATH_NAME_MAX, "v%llx",
			 (unsigned long long)serial);
}

static void vol_destroy(struct bloop *s, struct vring *v, int dirfd, int op)
{
	struct btrfs_ioctl_vol_args a = { 0 };

	if (!v->n)
		return;
	vol_name(s, a.name, op, v->serial[v->head]);
	count(s, op, ioctl(dirfd, BTRFS_IOC_SNAP_DESTROY, &a));
	v->head = (v->head + 1) % v->max;
	v->n--;
}

static void vol_add(struct vring *v, uint64_t serial)
{
	v->serial[(v->head + v->n) % v->max] = serial;
	v->n++;
}

static void subvol(struct bloop *s)
{
	struct btrfs_ioctl_vol_args a = { 0 };
	uint64_t serial = s->next++;
	int r;

	if (s->vol.n == s->vol.max)
		vol_destroy(s, &s->vol, s->wfd, OP_SUBVOL);
	vol_name(s, a.name, OP_SUBVOL, serial);
	r = ioctl(s->wfd, BTRFS_IOC_SUBVOL_CREATE, &a);
	count(s, OP_SUBVOL, r);
	if (!r)
		vol_add(&s->vol, serial);
	else
		vol_destroy(s, &s->vol, s->wfd, OP_SUBVOL);
}

static void snapshot(struct bloop *s)
{
	struct btrfs_ioctl_vol_args_v2 a = { .fd = s->wfd };
	uint64_t serial = s->next++;
	int r;

	if (s->snap.n == s->snap.max)
		vol_destroy(s, &s->snap, s->mfd, OP_SNAPSHOT);
	vol_name(s, a.name, OP_SNAPSHOT, serial);
	r = ioctl(s->mfd, BTRFS_IOC_SNAP_CREATE_V2, &a);
	count(s, OP_SNAPSHOT, r);
	if (!r)
		vol_add(&s->snap, serial);
	else
		vol_destroy(s, &s->snap, s->mfd, OP_SNAPSHOT);
}

static void one_op(struct bloop *s)
{
	int r = bare_rand(&s->rnd) % 100, op;

	for (op = 0; op < NR_OPS - 1 && r >= weight[op]; op++)
		r -= weight[op];
	switch (op) {
	case OP_SUBVOL:		subvol(s); break;
	case OP_SNAPSHOT:	snapshot(s); break;
	case OP_REFLINK:	reflink(s); break;
	case OP_WRITE:		write_fsync(s); break;
	case OP_XATTR:		xattr(s); break;
	case OP_RENAME:		rename_one(s); break;
	default:		delete_oldest(s); break;
	}
}

static int run(int worker, const char *dir, struct bare_counts *c)
{
	struct bloop s = { .c = c, .worker = worker, .mfd = -1, .wfd = -1 };
	struct btrfs_ioctl_vol_args a = { 0 };
	size_t len = MAX_FILES * sizeof(*s.ring) + WRITE_SIZE + XATTR_SIZE;
	size_t i;

	s.next = (uint64_t)getpid() << 32;
	s.rnd = s.next | 1;
	s.snap.max = MAX_SNAPS;
	s.vol.max = MAX_SUBVOLS;
	s.ring = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	s.mfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.ring == MAP_FAILED || s.mfd < 0) {
		perror("bare-btrfs");
		return 1;
	}
	s.buf = (char *)(s.ring + MAX_FILES);
	s.xval = s.buf + WRITE_SIZE;
	for (i = 0; i < WRITE_SIZE; i++)
		s.buf[i] = "kmemstorm btrfs storm, compressible.\n"[i % 37];
	memset(s.xval, 'x', XATTR_SIZE);
	snprintf(a.name, sizeof(a.name), "w%d", worker);
	count(&s, OP_SUBVOL, ioctl(s.mfd, BTRFS_IOC_SUBVOL_CREATE, &a));
	s.wfd = openat(s.mfd, a.name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.wfd < 0 || mkdirat(s.wfd, "d", 0700)) {
		perror("bare-btrfs: worker subvolume");
		return 1;
	}
	while (!bare_stop)
		one_op(&s);
	close(s.wfd);
	close(s.mfd);
	munmap(s.ring, len);
	return 0;
}

int main(int argc, char **argv)
{
	return bare_main(argc, argv, op_names, run);
}

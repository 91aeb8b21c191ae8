// SPDX-License-Identifier: GPL-2.0
/*
 * Bare inode loop: the inode storm's default mix (workloads/inode.c:
 * each new file gets a 256-byte user.* xattr and 2 hard links; at
 * max_files 200000 per worker, or when a create fails, the oldest file
 * goes, links first) with no harness around it.  DIR is meant to be a
 * private tmpfs (size=1G,nr_inodes=0), as the storm mounts.
 *
 *   DIR/w<worker>/f<serial>[.<link>]
 *
 * Build: cc -std=gnu11 -O2 -Wall -Wextra -o bare-inode inode.c
 */
#include "bare.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#define MAX_FILES	200000
#define LINKS		2
#define XATTR_SIZE	256

enum { OP_CREATE, OP_XATTR, OP_LINK, OP_UNLINK, NR_OPS };

static const char *const op_names[] = {
	"create", "xattr", "link", "unlink", NULL
};

struct ifile {
	uint64_t serial:54;
	uint64_t links:10;
};

struct iloop {
	struct bare_counts *c;
	int wfd;
	struct ifile *ring;
	size_t head, n;
	uint64_t next;
	const char *xname;
	char xval[XATTR_SIZE];
	char name[48], lname[64];
};

static void file_name(char *buf, uint64_t serial)
{
	buf[0] = 'f';
	buf[1 + bare_hex(buf + 1, serial)] = '\0';
}

static void link_name(char *buf, uint64_t serial, unsigned int k)
{
	int n = 1 + bare_hex(buf + 1, serial);

	buf[0] = 'f';
	buf[n++] = '.';
	n += snprintf(buf + n, 12, "%u", k);
}

static void count(struct iloop *s, int op, int r)
{
	if (r >= 0)
		s->c->ops[op]++;
}

static void unlink_oldest(struct iloop *s)
{
	struct ifile *f;

	if (!s->n)
		return;
	f = &s->ring[s->head];
	while (f->links) {
		link_name(s->lname, f->serial, f->links - 1);
		count(s, OP_UNLINK, unlinkat(s->wfd, s->lname, 0));
		f->links--;
	}
	file_name(s->name, f->serial);
	count(s, OP_UNLINK, unlinkat(s->wfd, s->name, 0));
	s->head = (s->head + 1) % MAX_FILES;
	s->n--;
}

static void one_file(struct iloop *s)
{
	struct ifile f = { .serial = s->next++ };
	unsigned int k;
	int fd, r;

	if (s->n == MAX_FILES)
		unlink_oldest(s);
	file_name(s->name, f.serial);
	fd = openat(s->wfd, s->name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC |
		    O_NOCTTY, 0600);
	count(s, OP_CREATE, fd);
	if (fd < 0) {
		unlink_oldest(s);
		return;
	}
	r = fsetxattr(fd, s->xname, s->xval, XATTR_SIZE, 0);
	if (r < 0 && errno == EOPNOTSUPP && !geteuid()) {
		/* tmpfs before 6.6 has no user.* xattrs. */
		s->xname = "trusted.kmemstorm";
		r = fsetxattr(fd, s->xname, s->xval, XATTR_SIZE, 0);
	}
	count(s, OP_XATTR, r);
	close(fd);
	for (k = 0; k < LINKS; k++) {
		link_name(s->lname, f.serial, f.links);
		r = linkat(s->wfd, s->name, s->wfd, s->lname, 0);
		count(s, OP_LINK, r);
		if (!r)
			f.links++;
	}
	s->ring[(s->head + s->n) % MAX_FILES] = f;
	s->n++;
}

static int run(int worker, const char *dir, struct bare_counts *c)
{
	struct iloop s = { .c = c, .xname = "user.kmemstorm" };
	size_t len = MAX_FILES * sizeof(*s.ring);
	char name[16];
	int root;

	s.next = (uint64_t)getpid() << 32;
	memset(s.xval, 'k', sizeof(s.xval));
	s.ring = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.ring == MAP_FAILED || root < 0) {
		perror("bare-inode");
		return 1;
	}
	snprintf(name, sizeof(name), "w%d", worker);
	if (!mkdirat(root, name, 0700))
		c->ops[OP_CREATE]++;
	s.wfd = openat(root, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(root);
	if (s.wfd < 0) {
		perror("bare-inode: worker dir");
		return 1;
	}
	while (!bare_stop)
		one_file(&s);
	close(s.wfd);
	munmap(s.ring, len);
	return 0;
}

int main(int argc, char **argv)
{
	return bare_main(argc, argv, op_names, run);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Bare dentry loop: the dentry storm's default mix (workloads/dentry.c:
 * name_len 64, fanout 64, max_files 200000, weights lookup_neg 60,
 * create 25, rename 10, unlink 5) with no harness around it.
 *
 *   DIR/w<worker>/<fanout dir, hex>/<kind><worker>.<serial>xxx...
 *
 * Build: cc -std=gnu11 -O2 -Wall -Wextra -o bare-dentry dentry.c
 */
#include "bare.h"

#include <fcntl.h>
#include <sys/stat.h>

#define NAME_LEN	64
#define FANOUT		64
#define MAX_FILES	200000

enum { OP_LOOKUP_NEG, OP_CREATE, OP_RENAME, OP_UNLINK, NR_OPS };

static const char *const op_names[] = {
	"lookup_neg", "create", "rename", "unlink", NULL
};

struct dloop {
	struct bare_counts *c;
	int worker, wfd;
	uint64_t rnd, next, nnext;
	uint64_t *live;
	size_t nlive;
	char path[320], path2[320];
};

/* "<dir>/<kind><worker>.<serial>" padded with 'x' to NAME_LEN. */
static char *name_of(struct dloop *s, char *buf, char kind, uint64_t serial)
{
	unsigned int dir = (unsigned int)((serial * 0x9E3779B97F4A7C15ULL) >>
					  32) % FANOUT;
	char *p = buf + bare_hex(buf, dir);
	char *n;

	*p++ = '/';
	n = p;
	*p++ = kind;
	if (s->worker >= 10)
		*p++ = '0' + s->worker / 10;
	*p++ = '0' + s->worker % 10;
	*p++ = '.';
	p += bare_hex(p, serial);
	if (p - n < NAME_LEN) {
		memset(p, 'x', NAME_LEN - (p - n));
		p = n + NAME_LEN;
	}
	*p = '\0';
	return buf;
}

static void lookup_neg(struct dloop *s)
{
	struct stat st;

	name_of(s, s->path, 'n', s->nnext++);
	if (fstatat(s->wfd, s->path, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno == ENOENT)
		s->c->ops[OP_LOOKUP_NEG]++;
}

static void unlink_one(struct dloop *s)
{
	size_t i;
	int r;

	if (!s->nlive)
		return;
	i = bare_rand(&s->rnd) % s->nlive;
	r = unlinkat(s->wfd, name_of(s, s->path, 'f', s->live[i]), 0);
	if (!r)
		s->c->ops[OP_UNLINK]++;
	if (!r || errno == ENOENT)
		s->live[i] = s->live[--s->nlive];
}

static void create(struct dloop *s)
{
	uint64_t serial;
	int fd;

	if (s->nlive >= MAX_FILES) {
		unlink_one(s);
		if (s->nlive >= MAX_FILES)
			return;
	}
	serial = s->next++;
	fd = openat(s->wfd, name_of(s, s->path, 'f', serial),
		    O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		if (errno == ENOSPC || errno == EDQUOT)
			unlink_one(s);
		return;
	}
	s->c->ops[OP_CREATE]++;
	close(fd);
	s->live[s->nlive++] = serial;
}

static void rename_one(struct dloop *s)
{
	uint64_t serial;
	size_t i;

	if (!s->nlive) {
		create(s);
		return;
	}
	i = bare_rand(&s->rnd) % s->nlive;
	serial = s->next++;
	name_of(s, s->path, 'f', s->live[i]);
	name_of(s, s->path2, 'f', serial);
	if (!renameat(s->wfd, s->path, s->wfd, s->path2)) {
		s->c->ops[OP_RENAME]++;
		s->live[i] = serial;
	}
}

static int run(int worker, const char *dir, struct bare_counts *c)
{
	struct dloop s = { .c = c, .worker = worker };
	size_t len = MAX_FILES * sizeof(*s.live);
	char name[16];
	int root, i;

	s.rnd = ((0x9E3779B97F4A7C15ULL * (worker + 1)) ^ getpid()) | 1;
	s.next = s.nnext = (uint64_t)getpid() << 32;
	s.live = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.live == MAP_FAILED || root < 0) {
		perror("bare-dentry");
		return 1;
	}
	snprintf(name, sizeof(name), "w%d", worker);
	if (!mkdirat(root, name, 0700))
		c->ops[OP_CREATE]++;
	s.wfd = openat(root, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(root);
	if (s.wfd < 0) {
		perror("bare-dentry: worker dir");
		return 1;
	}
	for (i = 0; i < FANOUT; i++) {
		snprintf(name, sizeof(name), "%x", i);
		if (!mkdirat(s.wfd, name, 0700))
			c->ops[OP_CREATE]++;
	}
	while (!bare_stop) {
		uint64_t x = bare_rand(&s.rnd) % 100;

		if (x < 60)
			lookup_neg(&s);
		else if (x < 85)
			create(&s);
		else if (x < 95)
			rename_one(&s);
		else if (s.nlive)
			unlink_one(&s);
		else
			create(&s);
	}
	close(s.wfd);
	munmap(s.live, len);
	return 0;
}

int main(int argc, char **argv)
{
	return bare_main(argc, argv, op_names, run);
}

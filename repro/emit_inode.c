// SPDX-License-Identifier: GPL-2.0
/*
 * The inode storm as C (emit.h): files with an xattr and hard links on a
 * private tmpfs, the oldest unlinked at max_files or when a create fails,
 * as workloads/inode.c does.
 */
#include "emit.h"

#include <inttypes.h>
#include <string.h>

static const char body_text[] =
"struct ifile {\n\tuint64_t serial;\n\tunsigned int links;\n};\n\n"
"static int wfd = -1;\n"
"static struct ifile *ring;\n"
"static size_t head, n;\n"
"static uint64_t next_serial;\n"
"static char name[48], lname[64], *xval;\n"
"static const char *xname = \"user.kmemstorm\";\n\n"
"static void unlink_oldest(void)\n{\n"
"\tstruct ifile *f;\n\n"
"\tif (!n)\n\t\treturn;\n"
"\tf = &ring[head];\n"
"\twhile (f->links) {\n"
"\t\tsnprintf(lname, sizeof(lname), \"f%\" PRIx64 \".%u\", f->serial,\n"
"\t\t\t f->links - 1);\n"
"\t\tcount(3, unlinkat(wfd, lname, 0));\n"
"\t\tf->links--;\n\t}\n"
"\tsnprintf(name, sizeof(name), \"f%\" PRIx64, f->serial);\n"
"\tcount(3, unlinkat(wfd, name, 0));\n"
"\thead = (head + 1) % OPT_MAX_FILES;\n\tn--;\n}\n\n"
"static void one_file(void)\n{\n"
"\tstruct ifile *f;\n\tlong long k;\n\tint fd, r;\n\n"
"\tif (n == (size_t)OPT_MAX_FILES)\n\t\tunlink_oldest();\n"
"\tsnprintf(name, sizeof(name), \"f%\" PRIx64, next_serial);\n"
"\tfd = openat(wfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC |\n"
"\t\t    O_NOCTTY, 0600);\n"
"\tcount(0, fd);\n"
"\tif (fd < 0) {\n\t\tunlink_oldest();\t/* ENOSPC, ENOMEM: make room */\n\t\treturn;\n\t}\n"
"\tf = &ring[(head + n++) % OPT_MAX_FILES];\n"
"\tf->serial = next_serial++;\n\tf->links = 0;\n"
"\tif (OPT_XATTR_SIZE) {\n"
"\t\tr = fsetxattr(fd, xname, xval, OPT_XATTR_SIZE, 0);\n"
"\t\tif (r < 0 && errno == EOPNOTSUPP && !geteuid()) {\n"
"\t\t\txname = \"trusted.kmemstorm\";\t/* tmpfs before 6.6 */\n"
"\t\t\tr = fsetxattr(fd, xname, xval, OPT_XATTR_SIZE, 0);\n\t\t}\n"
"\t\tcount(1, r);\n\t}\n"
"\tclose(fd);\n"
"\tfor (k = 0; k < OPT_LINKS; k++) {\n"
"\t\tsnprintf(lname, sizeof(lname), \"f%\" PRIx64 \".%u\", f->serial,\n"
"\t\t\t f->links);\n"
"\t\tr = linkat(wfd, name, wfd, lname, 0);\n"
"\t\tcount(2, r);\n"
"\t\tif (!r)\n\t\t\tf->links++;\n\t}\n}\n\n"
"static void storm(const char *dir, int worker, int64_t end_ms)\n{\n"
"\tchar sub[32];\n\n"
"\tnext_serial = (uint64_t)getpid() << 32;\n"
"\tring = mmap(NULL, OPT_MAX_FILES * sizeof(*ring) + OPT_XATTR_SIZE,\n"
"\t\t    PROT_READ | PROT_WRITE,\n"
"\t\t    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);\n"
"\tsnprintf(sub, sizeof(sub), \"w%d\", worker);\n"
"\tif (ring == MAP_FAILED || chdir(dir) ||\n"
"\t    (mkdir(sub, 0700) && errno != EEXIST) ||\n"
"\t    (wfd = open(sub, O_RDONLY | O_DIRECTORY)) < 0) {\n"
"\t\tperror(\"repro: worker setup\");\n\t\treturn;\n\t}\n"
"\txval = (char *)(ring + OPT_MAX_FILES);\n"
"\tmemset(xval, 'k', OPT_XATTR_SIZE);\n"
"\twhile (now_ms() < end_ms)\n\t\tone_file();\n}\n";

static void body(FILE *f, const struct ks_scenario *sc, const uint64_t *w)
{
	(void)sc;
	(void)w;
	fputs(body_text, f);
}

/* Its private tmpfs, as setup() mounts it; or the storm's path. */
static void fs(FILE *f, const struct ks_scenario *sc)
{
	const char *path = ks_emit_opt(sc, "path");

	if (path[0]) {
		ks_emit_sh_dir_in(f, path);
		return;
	}
	fprintf(f, "fs=$work/tmpfs\nmkdir \"$fs\" || exit 2\n"
		"mount -t tmpfs -o size=%s,nr_inodes=%s,mode=0700 ks-repro \"$fs\" || exit 2\n"
		"mounted=$fs\n", ks_emit_opt(sc, "tmpfs_size"),
		ks_emit_opt(sc, "tmpfs_inodes"));
}

const struct ks_emitter ks_emit_inode = {
	.workload = "inode",
	.includes = "#include <sys/mman.h>\n#include <sys/xattr.h>\n",
	.cflags = "",
	.fs = fs,
	.body = body,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * Which cgroup hierarchy has the memory controller, and where we are in
 * it: from the mounts table and /proc/self/cgroup (ks_cg_detect_from()
 * takes both as text, for the tests' fixtures).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_internal.h"
#include "failpoint.h"

/* /proc/self/mounts escapes blanks and backslashes as \ooo. */
static void unescape_mount(char *s)
{
	char *in = s, *out = s;

	while (*in) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '7' &&
		    in[2] >= '0' && in[2] <= '7' && in[3] >= '0' &&
		    in[3] <= '7') {
			*out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 +
					(in[3] - '0'));
			in += 4;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

/* Does the cgroup2 mount at dir offer the memory controller? */
static bool v2_has_memory(const char *dir)
{
	char path[PATH_MAX], buf[1024];
	int n;

	n = snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return false;
	if (ks_file_read(path, buf, sizeof(buf)) < 0)
		return false;
	return ks_cg_list_has(buf, "memory", " \t\n");
}

/*
 * Scan the mounts table.  The first cgroup2 mount listing memory wins;
 * otherwise the first v1 mount with the memory option.  A cgroup2 mount
 * without memory (the hybrid layout's /sys/fs/cgroup/unified) is noted
 * only for the error message.
 */
static int find_mount(struct ks_cg_root *root, const char *mounts,
		      const char *prefix, char *err, size_t errlen)
{
	char v1[PATH_MAX] = "", path[PATH_MAX];
	bool saw_v2 = false;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int ret;

	f = fopen(mounts, "re");
	if (!f) {
		ret = -errno;
		return ks_cg_fail(err, errlen, ret, "%s: %s", mounts,
			          strerror(-ret));
	}
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *mnt, *type, *opts;
		int n;

		if (!strtok_r(line, " \t\n", &save))
			continue;
		mnt = strtok_r(NULL, " \t\n", &save);
		type = strtok_r(NULL, " \t\n", &save);
		opts = strtok_r(NULL, " \t\n", &save);
		if (!mnt || !type || !opts)
			continue;
		unescape_mount(mnt);
		n = snprintf(path, sizeof(path), "%s%s", prefix, mnt);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		if (!strcmp(type, "cgroup2")) {
			saw_v2 = true;
			if (v2_has_memory(path)) {
				root->version = KS_CG_V2;
				strcpy(root->mount, path);
				break;
			}
		} else if (!strcmp(type, "cgroup") && !v1[0] &&
			   ks_cg_list_has(opts, "memory", ",")) {
			strcpy(v1, path);
		}
	}
	free(line);
	fclose(f);

	if (root->version == KS_CG_V2)
		return 0;
	if (v1[0]) {
		root->version = KS_CG_V1;
		strcpy(root->mount, v1);
		return 0;
	}
	return ks_cg_fail(err, errlen, -ENODEV,
		          "no memory cgroup controller: no cgroup v1 mount in %s has the memory option and %s",
		          mounts, saw_v2 ?
		          "the cgroup2 mount's cgroup.controllers does not list memory" :
		          "there is no cgroup2 mount");
}

/*
 * Find our own cgroup in /proc/self/cgroup: "0::/path" on v2, on v1 the
 * line whose comma-separated controller field contains memory.
 */
static int find_self(struct ks_cg_root *root, const char *self_cgroup,
		     char *err, size_t errlen)
{
	char buf[16384], *line, *save = NULL;
	ssize_t n;

	n = ks_file_read(self_cgroup, buf, sizeof(buf));
	if (n < 0)
		return ks_cg_fail(err, errlen, (int)n, "%s: %s", self_cgroup,
			          strerror((int)-n));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *ctrls = strchr(line, ':'), *path;
		bool match;

		if (!ctrls)
			continue;
		*ctrls++ = '\0';
		path = strchr(ctrls, ':');
		if (!path)
			continue;
		*path++ = '\0';
		if (root->version == KS_CG_V2)
			match = !strcmp(line, "0") && !*ctrls;
		else
			match = ks_cg_list_has(ctrls, "memory", ",");
		if (!match || path[0] != '/')
			continue;
		if (strlen(path) >= sizeof(root->self))
			return ks_cg_fail(err, errlen, -ENAMETOOLONG,
				          "%s: own cgroup path too long", self_cgroup);
		strcpy(root->self, path);
		return 0;
	}
	return ks_cg_fail(err, errlen, -ENOENT,
		          "%s: no %s line: not in a memory cgroup", self_cgroup,
		          root->version == KS_CG_V2 ? "\"0::/path\"" :
		          "\"N:memory:/path\"");
}

int ks_cg_self_dir(const struct ks_cg_root *root, char *out, size_t len)
{
	const char *self = strcmp(root->self, "/") ? root->self : "";
	int n = snprintf(out, len, "%s%s", root->mount, self);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int ks_cg_detect_from(struct ks_cg_root *root, const char *mounts,
		      const char *self_cgroup, const char *prefix,
		      char *err, size_t errlen)
{
	char dir[PATH_MAX];
	struct stat sb;
	int ret;

	memset(root, 0, sizeof(*root));
	ret = find_mount(root, mounts, prefix ? prefix : "", err, errlen);
	if (ret)
		goto fail;
	ret = find_self(root, self_cgroup, err, errlen);
	if (ret)
		goto fail;
	/*
	 * With a cgroup namespace or a bind-mounted subtree the path in
	 * /proc/self/cgroup need not exist below the mount point: say so
	 * now rather than failing obscurely at the first mkdir.
	 */
	if (ks_cg_self_dir(root, dir, sizeof(dir))) {
		ret = ks_cg_fail(err, errlen, -ENAMETOOLONG, "%s%s: path too long",
			         root->mount, root->self);
		goto fail;
	}
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		ret = ks_cg_fail(err, errlen, -ENOENT,
			         "own %s memory cgroup %s not found (cgroup namespace or partial mount?)",
			         ks_cg_version_name(root->version), dir);
		goto fail;
	}
	return 0;
fail:
	memset(root, 0, sizeof(*root));
	return ret;
}

int ks_cg_detect(struct ks_cg_root *root, char *err, size_t errlen)
{
	return ks_cg_detect_from(root, "/proc/self/mounts", "/proc/self/cgroup",
				 "", err, errlen);
}

_Static_assert(sizeof(struct ks_memcg_stats) % sizeof(int64_t) == 0,
	       "struct ks_memcg_stats must hold only int64_t members");

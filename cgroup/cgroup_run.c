// SPDX-License-Identifier: GPL-2.0
/* The run cgroup, and the v2 dance that makes one below a busy cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_internal.h"
#include "failpoint.h"

static int delegates_memory(const char *dir)
{
	char path[PATH_MAX], buf[1024];

	if (ks_cg_join(path, sizeof(path), dir, "cgroup.subtree_control"))
		return 0;
	return ks_file_read(path, buf, sizeof(buf)) >= 0 &&
	       ks_cg_list_has(buf, "memory", " \t\n");
}

static int move_self(const char *dir, char *err, size_t errlen)
{
	return ks_cg_write_in(dir, "cgroup.procs", "0", err, errlen);
}

int ks_cg_run_begin(const struct ks_cg_root *root, const char *name,
		    struct ks_cg_run *r, char *err, size_t errlen)
{
	char e2[256];
	int ret;

	memset(r, 0, sizeof(*r));
	r->run.dirfd = -1;
	if (ks_cg_self_dir(root, r->own, sizeof(r->own)))
		return ks_cg_fail(err, errlen, -ENAMETOOLONG,
				  "%s%s: path too long", root->mount,
				  root->self);
	if (root->version != KS_CG_V2 || !strcmp(root->self, "/") ||
	    delegates_memory(r->own))
		return ks_cg_create(root, NULL, name, &r->run, err, errlen);

	/* own has processes (us) and no memory for its children yet. */
	if (ks_cg_join(r->run.path, sizeof(r->run.path), r->own, name) ||
	    ks_cg_join(r->leaf, sizeof(r->leaf), r->run.path, "harness"))
		return ks_cg_fail(err, errlen, -ENAMETOOLONG,
				  "%s/%s: path too long", r->own, name);
	if (ks_fiu_sys("kmemstorm/runcg/mkdir", ENOSPC,
		       mkdir(r->run.path, 0755))) {
		ret = -errno;
		ks_cg_fail(err, errlen, ret, "mkdir %s: %s", r->run.path,
			   strerror(-ret));
		goto fail;
	}
	if (mkdir(r->leaf, 0755)) {
		ret = -errno;
		ks_cg_fail(err, errlen, ret, "mkdir %s: %s", r->leaf,
			   strerror(-ret));
		goto fail_run;
	}
	ret = move_self(r->leaf, err, errlen);
	if (ret)
		goto fail_leaf;
	ret = ks_cg_write_in(r->own, "cgroup.subtree_control", "+memory",
			     err, errlen);
	if (ret == -EBUSY)
		snprintf(err, errlen,
			 "%s has processes other than kmemstorm, so it cannot give the memory controller to child cgroups (cgroup v2 'no internal processes'): start kmemstorm in a cgroup of its own, e.g. 'systemd-run --scope -p Delegate=yes kmemstorm run'",
			 r->own);
	if (ret)
		goto fail_back;
	r->own_enabled = 1;
	r->run.dirfd = open(r->run.path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->run.dirfd < 0) {
		ret = -errno;
		ks_cg_fail(err, errlen, ret, "open %s: %s", r->run.path,
			   strerror(-ret));
		ks_cg_run_end(r, e2, sizeof(e2));
		return ret;
	}
	r->run.version = root->version;
	return 0;

fail_back:
	move_self(r->own, e2, sizeof(e2));
fail_leaf:
	rmdir(r->leaf);
fail_run:
	rmdir(r->run.path);
fail:
	r->run.path[0] = '\0';
	r->leaf[0] = '\0';
	return ret;
}

int ks_cg_run_end(struct ks_cg_run *r, char *err, size_t errlen)
{
	int ret = 0;

	if (r->leaf[0]) {
		/*
		 * Back into own, which first must stop delegating memory
		 * (no process may join a cgroup that does), and before it
		 * the run cgroup (a parent may not take back what a child
		 * still hands on).  EBUSY: another
		 * run below own still uses it; then we stay in the leaf and
		 * the next run reaps our cgroups once we are gone.
		 */
		if (delegates_memory(r->run.path))
			ret = ks_cg_write_in(r->run.path,
					     "cgroup.subtree_control", "-memory",
					     err, errlen);
		if (!ret && r->own_enabled)
			ret = ks_cg_write_in(r->own, "cgroup.subtree_control",
					     "-memory", err, errlen);
		if (!ret)
			ret = move_self(r->own, err, errlen);
		if (ret)
			return ret;
		r->own_enabled = 0;
		rmdir(r->leaf);
		r->leaf[0] = '\0';
	}
	return ks_cg_destroy(&r->run, err, errlen);
}

// SPDX-License-Identifier: GPL-2.0
#include "knobs.h"

#include "fsutil.h"
#include "sysinfo.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_KNOBS	64
#define STATE_FILE	"armed-knobs.json"

struct saved {
	char path[256];
	char value[128];
};

/* One run arms at a time per process: plain statics are enough. */
static struct saved saved[MAX_KNOBS];
static int nsaved;
/* Why knobs must not be touched: a recovery that did not succeed. */
static char blocked[256];

const char *ks_knobs_state_dir(void)
{
	const char *d = getenv("KMEMSTORM_STATE_DIR");

	return d && *d ? d : "/run/kmemstorm";
}

static void state_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/" STATE_FILE, ks_knobs_state_dir());
}

const char *ks_debugfs_root(void)
{
	const char *r = getenv("KMEMSTORM_DEBUGFS");

	return r && *r ? r : "/sys/kernel/debug";
}

static int boot_id(char *buf, size_t len)
{
	return ks_read_small("/proc/sys/kernel/random/boot_id", buf, len);
}

/* Rewrite the recovery file with every saved knob, durably. */
static int write_state(char *err, size_t errlen)
{
	char path[512], tmp[520], boot[64] = "";
	json_t *o, *a;
	int i, fd, r = -1;

	if (mkdir(ks_knobs_state_dir(), 0700) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", ks_knobs_state_dir(),
			 strerror(errno));
		return -1;
	}
	state_path(path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	boot_id(boot, sizeof(boot));
	a = json_array();
	for (i = 0; i < nsaved; i++)
		json_array_append_new(a, json_pack("{s:o, s:o}", "path",
						   ks_json_text(saved[i].path),
						   "value",
						   ks_json_text(saved[i].value)));
	o = json_pack("{s:i, s:o, s:o}", "pid", (int)getpid(), "boot_id",
		      ks_json_text(boot), "knobs", a);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (!o || fd < 0 || json_dumpfd(o, fd, JSON_COMPACT) || fsync(fd)) {
		snprintf(err, errlen, "recovery file %s: %s", tmp,
			 strerror(errno ? errno : EIO));
		goto out;
	}
	if (rename(tmp, path)) {
		snprintf(err, errlen, "recovery file %s: %s", path,
			 strerror(errno));
		goto out;
	}
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	if (r)
		unlink(tmp);
	json_decref(o);
	return r;
}

/* ks_knobs_written(): every write of this arming, in order. */
static json_t *written;

int ks_knob_set(const char *path, const char *value, char *err,
		size_t errlen)
{
	int i, r;

	if (blocked[0]) {
		/* Saving armed values as originals would make them stick. */
		snprintf(err, errlen, "not touching %s: %s", path, blocked);
		return -1;
	}
	for (i = 0; i < nsaved; i++)
		if (!strcmp(saved[i].path, path))
			break;
	if (i == nsaved) {
		if (nsaved == MAX_KNOBS) {
			snprintf(err, errlen, "%s: more than %d knobs", path,
				 MAX_KNOBS);
			return -1;
		}
		if (strlen(path) >= sizeof(saved[0].path)) {
			snprintf(err, errlen, "%s: path too long", path);
			return -1;
		}
		r = ks_read_small(path, saved[i].value, sizeof(saved[i].value));
		if (r) {
			snprintf(err, errlen, "%s: %s", path, strerror(-r));
			return -1;
		}
		strcpy(saved[i].path, path);
		nsaved++;
		/* On disk before the knob changes: a kill -9 may follow. */
		if (write_state(err, errlen)) {
			nsaved--;
			return -1;
		}
	}
	r = ks_file_write(path, value, NULL, NULL);
	if (r) {
		snprintf(err, errlen, "writing '%s' to %s: %s", value, path,
			 strerror(-r));
		return -1;
	}
	if (!written)
		written = json_array();
	json_array_append_new(written, json_pack("{s:o, s:o}", "path",
						 ks_json_text(path), "value",
						 ks_json_text(value)));
	return 0;
}

json_t *ks_knobs_written(void)
{
	return written ? json_deep_copy(written) : json_array();
}

int ks_knobs_saved(void)
{
	return nsaved;
}

int ks_knobs_restore(char *err, size_t errlen)
{
	char path[512];
	int n = 0, failed = 0;

	while (nsaved > 0) {
		struct saved *s = &saved[nsaved - 1];
		char now[sizeof(s->value)];
		int r = ks_file_write(s->path, s->value, NULL, NULL);

		/* Trust but verify: the knob must read back as saved. */
		if (!r && !ks_read_small(s->path, now, sizeof(now)) &&
		    strcmp(now, s->value))
			r = -EIO;

		if (r && !failed++)
			snprintf(err, errlen, "restoring '%s' to %s: %s",
				 s->value, s->path, strerror(-r));
		if (!r)
			n++;
		nsaved--;
	}
	json_decref(written);
	written = NULL;
	if (failed)
		return -1;
	state_path(path, sizeof(path));
	if (unlink(path) && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return n;
}

static int pid_alive(pid_t pid)
{
	return pid > 0 && pid != getpid() && (!kill(pid, 0) || errno == EPERM);
}

static int do_recover(json_t **what, char *err, size_t errlen)
{
	char path[512], boot[64] = "";
	json_error_t je;
	json_t *o, *a, *k;
	const char *fboot = NULL;
	int pid = 0, n = 0, failed = 0;
	size_t i;

	*what = NULL;
	state_path(path, sizeof(path));
	o = json_load_file(path, 0, &je);
	if (!o) {
		if (access(path, F_OK) && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: unreadable (%s): remove it after checking %s",
			 path, je.text, "the knobs it names");
		return -1;
	}
	if (json_unpack(o, "{s:i, s:s, s:o}", "pid", &pid, "boot_id", &fboot,
			"knobs", &a) || !json_is_array(a)) {
		snprintf(err, errlen, "%s: not a kmemstorm recovery file", path);
		json_decref(o);
		return -1;
	}
	boot_id(boot, sizeof(boot));
	if (pid_alive(pid) && !strcmp(fboot, boot)) {
		snprintf(err, errlen, "kmemstorm pid %d holds the fault injection knobs (%s)",
			 pid, path);
		json_decref(o);
		return -EBUSY;
	}
	*what = json_array();
	/* After a reboot the knobs are fresh: nothing to restore. */
	for (i = json_array_size(a); strcmp(fboot, boot) == 0 && i-- > 0;) {
		const char *kp, *kv;
		int r;

		k = json_array_get(a, i);
		if (json_unpack(k, "{s:s, s:s}", "path", &kp, "value", &kv))
			continue;
		r = ks_file_write(kp, kv, NULL, NULL);
		if (r) {
			if (!failed++)
				snprintf(err, errlen, "restoring '%s' to %s: %s",
					 kv, kp, strerror(-r));
			continue;
		}
		json_array_append(*what, k);
		n++;
	}
	json_decref(o);
	if (failed)
		return -1;
	if (unlink(path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return n;
}

int ks_knobs_recover(json_t **what, char *err, size_t errlen)
{
	int r = do_recover(what, err, errlen);

	if (r < 0)
		snprintf(blocked, sizeof(blocked), "%s", err);
	return r;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A whole run: load the plan (refusing a bad one before creating
 * anything), set up the run cgroup, private mount namespace, journal and
 * kernel-log watch, run every scenario, and undo it all on every path.
 */
#include "run.h"
#include "worker.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "failpoint.h"
#include "fsutil.h"
#include "scenario.h"
#include "kmemleak.h"
#include "knobs.h"
#include "summary.h"
#include "sysinfo.h"
#include "verdict.h"
#include "workload.h"
#include "utf8.h"

#define RUN_CG_PREFIX "kmemstorm-"


static int make_outdir(struct ks_run *run, const struct ks_run_opts *o)
{
	int r;

	if (o->outdir)
		snprintf(run->outdir, sizeof(run->outdir), "%s", o->outdir);
	else
		ks_default_outdir(run->outdir, sizeof(run->outdir),
				  run->plan->name);
	r = ks_mkdirs(run->outdir, 0755);
	if (r)
		fprintf(stderr, "kmemstorm: %s: %s\n", run->outdir,
			strerror(-r));
	return r;
}

/*
 * A private mount namespace: what the storms mount (tmpfs, btrfs) is
 * invisible to the rest of the machine and vanishes with the run, even
 * after a kill -9.
 */
static void private_mounts(void)
{
	if (ks_fiu_sys("kmemstorm/mount/unshare", ENOMEM,
		       unshare(CLONE_NEWNS))) {
		/* Not root: workloads that mount will say so. */
		if (geteuid() == 0)
			fprintf(stderr,
				"kmemstorm: no private mount namespace (%s): storms mount in the machine's\n",
				strerror(errno));
		return;
	}
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

static void setup_cgroups(struct ks_run *run)
{
	char name[64], err[256];
	int r;

	if (ks_cg_detect(&run->root, err, sizeof(err))) {
		snprintf(run->cg_why, sizeof(run->cg_why), "%s", err);
		return;
	}
	r = ks_cg_reap_stale(&run->root, RUN_CG_PREFIX);
	if (r > 0)
		fprintf(stderr,
			"kmemstorm: removed %d run cgroup(s) left by a killed run\n",
			r);
	snprintf(name, sizeof(name), RUN_CG_PREFIX "%d", (int)getpid());
	r = ks_cg_run_begin(&run->root, name, &run->runcg, err, sizeof(err));
	if (r) {
		snprintf(run->cg_why, sizeof(run->cg_why), "%s%s", err,
			 r == -EACCES || r == -EPERM || r == -EROFS ?
			 " (run as root, or in a delegated cgroup)" : "");
		return;
	}
	run->have_cg = 1;
}

/* Put back kernel knobs a killed run left armed, before anything arms. */
static void recover_knobs(struct ks_run *run)
{
	json_t *what = NULL;
	char err[512];
	int r = ks_knobs_recover(&what, err, sizeof(err));

	if (r > 0) {
		fprintf(stderr,
			"kmemstorm: restored %d fault injection knob(s) a killed run left armed\n",
			r);
		ks_journal_write(&run->journal, json_pack("{s:s, s:O}",
			"type", "knobs_recovered", "knobs", what));
	} else if (r < 0) {
		fprintf(stderr, "kmemstorm: %s; kernel fault injection disabled for this run\n",
			err);
	}
	json_decref(what);
}

json_t *ks_run_plan_json(const struct ks_plan *plan)
{
	json_t *scs = json_array();
	int i;

	for (i = 0; i < plan->nscenarios; i++) {
		const struct ks_scenario *sc = &plan->scenarios[i];

		json_array_append_new(scs, json_pack(
			"{s:o, s:o, s:i, s:I, s:I, s:o}", "name",
			ks_json_text(sc->name),
			"workload", ks_json_text(sc->wl->name), "workers",
			sc->workers,
			"duration_ms", (json_int_t)sc->duration_ms,
			"until_limit_ms", (json_int_t)sc->until_limit_ms,
			"limits", ks_limits_json(&sc->limits)));
	}
	return json_pack("{s:o, s:o, s:o, s:I, s:o, s:o}", "name",
			 ks_json_text(plan->name),
			 "source", ks_json_text(plan->source), "description",
			 ks_json_text(plan->description), "sample_ms",
			 (json_int_t)plan->sample_ms, "scenarios", scs,
			 "text", ks_json_text(plan->text));
}

static void journal_start(struct ks_run *run)
{
	char utc[32];
	json_t *cg, *o;

	if (run->have_cg)
		cg = json_pack("{s:o, s:o, s:o, s:o}", "version",
			       ks_json_text(ks_cg_version_name(run->root.version)), "mount",
			       ks_json_text(run->root.mount), "self",
			       ks_json_text(run->root.self), "run",
			       ks_json_text(run->runcg.run.path));
	else
		cg = json_pack("{s:o, s:o}", "version",
			       ks_json_text(ks_cg_version_name(run->root.version)),
			       "unavailable", ks_json_text(run->cg_why));
	o = json_pack("{s:s, s:i, s:s, s:o, s:o, s:i, s:o, s:o, s:o, s:o}",
		      "type", "run_start", "schema", KS_JOURNAL_SCHEMA,
		      "tool", "kmemstorm", "version", ks_json_text(PACKAGE_VERSION),
		      "time", ks_json_text(ks_sysinfo_utc(utc, sizeof(utc))),
		      "pid", (int)getpid(), "kernel", ks_sysinfo_kernel(),
		      "cgroup", cg, "plan", ks_run_plan_json(run->plan),
		      "kmsg",
		      ks_json_text(run->kmsg.fd >= 0 ? "watched" : run->kmsg.why));
	/* A guest resuming a plan after a crash: what it leaves out. */
	if (o && run->start_at > 1)
		json_object_set_new(o, "start_at", json_integer(run->start_at));
	/* Where t_ms 0 is in the kernel's time: seconds from boot to a find. */
	if (o)
		json_object_set_new(o, "uptime_ms",
				    json_integer(ks_sysinfo_uptime_ms()));
	ks_journal_write(&run->journal, o);
	ks_journal_sync(&run->journal);
}

static int open_outputs(struct ks_run *run, const struct ks_run_opts *o)
{
	char path[PATH_MAX + 32], err[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/journal.jsonl", run->outdir);
	if (ks_journal_open(&run->journal, path, err, sizeof(err))) {
		fprintf(stderr, "kmemstorm: %s\n", err);
		return -1;
	}
	if (o->journal_tee) {
		fd = open(o->journal_tee, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "kmemstorm: %s: %s\n", o->journal_tee,
				strerror(errno));
			return -1;
		}
		ks_journal_add_tee(&run->journal, fd);
	}
	snprintf(path, sizeof(path), "%s/kmsg.log", run->outdir);
	run->kmsglog = fopen(path, "we");
	ks_kmsg_open(&run->kmsg, run->kmsglog);
	return 0;
}

/* Scratch dirs "kmemstorm.<pid>.*" of runs that died without cleaning. */
static void reap_stale_scratch(const char *workdir)
{
	struct dirent *de;
	DIR *d = opendir(workdir);
	int n = 0;
	long pid;
	char *end;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "kmemstorm.", 10))
			continue;
		pid = strtol(de->d_name + 10, &end, 10);
		if (*end != '.' || pid <= 0 || pid == getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (ks_rmtree_at(dirfd(d), de->d_name) == 0)
			n++;
		else
			fprintf(stderr, "kmemstorm: cannot remove stale %s/%s\n",
				workdir, de->d_name);
	}
	closedir(d);
	if (n)
		fprintf(stderr,
			"kmemstorm: removed %d scratch dir(s) left by a killed run\n",
			n);
}

static int make_scratch(struct ks_run *run)
{
	reap_stale_scratch(run->plan->workdir);
	snprintf(run->scratch, sizeof(run->scratch), "%s/kmemstorm.%d.XXXXXX",
		 run->plan->workdir, (int)getpid());
	if (!ks_fiu_ptr("kmemstorm/scratch/mkdir", ENOSPC,
			mkdtemp(run->scratch))) {
		fprintf(stderr, "kmemstorm: %s: cannot create scratch dir: %s\n",
			run->plan->workdir, strerror(errno));
		run->scratch[0] = '\0';
		return -1;
	}
	return 0;
}

static void cleanup(struct ks_run *run)
{
	char err[256];
	int r;

	if (run->have_cg && ks_cg_run_end(&run->runcg, err, sizeof(err)))
		fprintf(stderr, "kmemstorm: %s\n", err);
	if (run->scratch[0] && rmdir(run->scratch)) {
		r = errno;
		/* Not empty: a teardown failed; remove the rest, but say so. */
		if ((r == ENOTEMPTY || r == EEXIST) &&
		    !ks_rmtree_at(AT_FDCWD, run->scratch))
			fprintf(stderr, "kmemstorm: %s was not empty, removed\n",
				run->scratch);
		else
			fprintf(stderr, "kmemstorm: %s left behind: %s\n",
				run->scratch, strerror(r));
	}
	ks_kmsg_close(&run->kmsg);
	if (run->kmsglog)
		fclose(run->kmsglog);
	ks_journal_close(&run->journal);
	json_decref(run->results);
}

int ks_run(const struct ks_run_opts *o)
{
	struct ks_plan_errors errs;
	struct ks_run run = { .runcg.run.dirfd = -1, .journal.fd = -1,
			       .kmsg.fd = -1 };
	struct ks_plan plan;
	int i, code;

	if (ks_plan_load(o->plan, &plan, &errs)) {
		ks_plan_errors_print(&errs, stderr);
		return 2;
	}
	run.plan = &plan;
	run.start_at = o->start_at;
	if (o->start_at > plan.nscenarios) {
		fprintf(stderr, "kmemstorm: --start-at %d: %s has %d scenarios\n",
			o->start_at, plan.source, plan.nscenarios);
		ks_plan_free(&plan);
		return 2;
	}
	run.t0_ns = ks_now_ns();
	run.progress = o->progress >= 0 ? o->progress : isatty(2);
	run.results = json_array();
	ks_catch_signals();
	if (!run.results || make_outdir(&run, o) || open_outputs(&run, o)) {
		code = 2;
		goto out;
	}
	private_mounts();
	setup_cgroups(&run);
	journal_start(&run);
	recover_knobs(&run);
	if (!run.have_cg)
		fprintf(stderr, "kmemstorm: every scenario will be skipped: %s\n",
			run.cg_why);
	if (run.kmsg.fd < 0)
		fprintf(stderr, "kmemstorm: kernel reports will not be seen: %s\n",
			run.kmsg.why);
	make_scratch(&run);
	ks_crew_priority_setup();
	/* What boot or an earlier run left is no scenario's leak. */
	ks_kmemleak_clear();
	for (i = run.start_at > 1 ? run.start_at - 1 : 0; i < plan.nscenarios;
	     i++) {
		/* Without its journal or scratch dir a run is lost: stop. */
		if (ks_interrupted || run.journal.error || !run.scratch[0])
			break;
		run.index = i + 1;
		ks_scenario_run(&run, &plan.scenarios[i]);
	}
	code = ks_exit_code(run.npass, run.nfail, run.nskip, run.nerror);
	if (ks_interrupted)
		code = 128 + ks_interrupted;
	if ((run.journal.error || !run.scratch[0]) && code < 128)
		code = 2;
	ks_journal_write(&run.journal, json_pack(
		"{s:s, s:I, s:i, s:i, s:i, s:i, s:i, s:b, s:i}",
		"type", "run_end", "t_ms",
		(json_int_t)((ks_now_ns() - run.t0_ns) / 1000000),
		"passed", run.npass, "failed", run.nfail, "skipped", run.nskip,
		"errors", run.nerror, "not_run",
		plan.nscenarios - (run.start_at > 1 ? run.start_at - 1 : 0) -
		run.npass - run.nfail - run.nskip - run.nerror, "interrupted", ks_interrupted != 0,
		"exit_code", code));
	/* run_end itself may be what could not be journaled. */
	if (ks_journal_sync(&run.journal) && code < 128)
		code = 2;
	ks_summary_print(stdout, run.results);
	if (run.journal.error)
		fprintf(stderr,
			"kmemstorm: journal %s: %s: %s; nothing written after it\n",
			run.journal.path, run.journal.error_what,
			strerror(run.journal.error));
	printf("journal: %s\n", run.journal.path);
	if (ks_interrupted)
		fprintf(stderr, "kmemstorm: interrupted by signal %d\n",
			(int)ks_interrupted);
out:
	cleanup(&run);
	ks_plan_free(&plan);
	return code;
}

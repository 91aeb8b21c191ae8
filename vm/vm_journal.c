// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's journal on the host: bytes are appended to the host journal
 * as they arrive (so a panic loses nothing the guest had sent), lines are
 * read to know which scenario is running, and when the guest is gone the
 * host adds what the guest could not say: the end of a scenario a panic or
 * hang cut short, console-only kernel reports, and a vm_end record.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "summary.h"
#include "verdict.h"
#include "vm_internal.h"
#include "utf8.h"

/* What the guest sent that is not a record: kept, said, never dropped. */
static void journal_garbled(struct ks_vm *vm, const char *line, size_t n,
			    const char *why)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:o, s:I, s:o}",
			      "type", "journal_garbled",
			      "t_ms", (json_int_t)((ks_now_ns() - vm->t0_ns) / 1000000),
			      "source", "host", "why", ks_json_text(why),
			      "bytes", (json_int_t)(n + vm->jline_over),
			      "text", ks_json_textn(line, n < KS_VM_GARBLED_KEEP ?
						    n : KS_VM_GARBLED_KEEP));

	vm->garbled++;
	ks_journal_write(&vm->journal, o);
}

static void journal_record(struct ks_vm *vm, json_t *o)
{
	const char *type, *sc;

	type = json_string_value(json_object_get(o, "type"));
	sc = json_string_value(json_object_get(o, "scenario"));
	if (!type)
		return;
	if (!strcmp(type, "scenario_start") && sc) {
		const char *wl = json_string_value(json_object_get(o,
								   "workload"));

		snprintf(vm->running, sizeof(vm->running), "%s", sc);
		snprintf(vm->running_wl, sizeof(vm->running_wl), "%s",
			 wl ? wl : "");
		vm->running_index = (int)json_integer_value(
			json_object_get(o, "index"));
		vm->last_index = vm->running_index;
		json_array_append_new(vm->ran, ks_json_text(sc));
	} else if (!strcmp(type, "scenario_end")) {
		vm->running[0] = '\0';
		vm->running_index = 0;
		vm->bug_ns = 0;	/* the harness got past it */
		json_array_append(vm->ends, o);
	} else if (!strcmp(type, "run_start")) {
		vm->nscenarios = (int)json_array_size(json_object_get(
			json_object_get(o, "plan"), "scenarios"));
	} else if (!strcmp(type, "kernel_report")) {
		const char *t = json_string_value(json_object_get(o, "title"));
		const char *sev = json_string_value(json_object_get(o,
								    "severity"));

		if (t)
			json_object_set_new(vm->titles, t, json_true());
		if (t && sev && !strcmp(sev, "bug") &&
		    !json_is_true(json_object_get(o, "allowed")))
			ks_vm_bug_seen(vm, t);
	} else if (!strcmp(type, "run_end")) {
		vm->run_end = 1;
	}
}

/* One whole line from the guest (without its newline). */
static void journal_line(struct ks_vm *vm, const char *line, size_t n)
{
	json_t *o;

	if (vm->jline_over) {
		journal_garbled(vm, line, n, "a record longer than the host takes");
		return;
	}
	o = json_loadb(line, n, 0, NULL);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		journal_garbled(vm, line, n, "not a JSON record");
		return;
	}
	ks_journal_write_raw(&vm->journal, line, n);
	ks_journal_write_raw(&vm->journal, "\n", 1);
	journal_record(vm, o);
	json_decref(o);
}

void ks_vm_bug_seen(struct ks_vm *vm, const char *title)
{
	if (!vm->running[0] || vm->bug_ns)
		return;
	vm->bug_ns = ks_now_ns();
	snprintf(vm->bug_title, sizeof(vm->bug_title), "%s", title);
}

static void jline_add(struct ks_vm *vm, const char *p, size_t n)
{
	size_t room;

	if (vm->jline_len + n > vm->jline_cap &&
	    vm->jline_cap < KS_VM_RECORD_MAX) {
		size_t cap = vm->jline_cap ? vm->jline_cap : 4096;
		char *b;

		while (cap < vm->jline_len + n && cap < KS_VM_RECORD_MAX)
			cap *= 2;
		cap = cap < KS_VM_RECORD_MAX ? cap : KS_VM_RECORD_MAX;
		b = realloc(vm->jline, cap);
		if (b) {
			vm->jline = b;
			vm->jline_cap = cap;
		}
	}
	room = vm->jline_cap - vm->jline_len;
	if (n > room) {
		vm->jline_over += n - room;
		n = room;
	}
	if (n)
		memcpy(vm->jline + vm->jline_len, p, n);
	vm->jline_len += n;
}

void ks_vm_journal_feed(struct ks_vm *vm, const char *buf, size_t len)
{
	const char *end = buf + len, *nl;

	vm->jbytes += len;
	while (buf < end) {
		nl = memchr(buf, '\n', (size_t)(end - buf));
		jline_add(vm, buf, (size_t)((nl ? nl : end) - buf));
		if (!nl)
			return;
		journal_line(vm, vm->jline ? vm->jline : "", vm->jline_len);
		vm->jline_len = 0;
		vm->jline_over = 0;
		buf = nl + 1;
	}
}

/*
 * sha256 of n bytes of path from off, as the guest's sha256sum says it:
 * a resumed guest's part of the journal begins where the last one's ended.
 */
static int part_sha256(const char *path, long long off, long long n,
		       char *out, size_t len)
{
	char cmd[PATH_MAX + 96];
	FILE *p;
	int ok;

	snprintf(cmd, sizeof(cmd), "tail -c +%lld '%s' | head -c %lld | sha256sum",
		 off + 1, path, n);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	ok = fscanf(p, "%64s", out) == 1;
	pclose(p);
	(void)len;
	return ok ? 0 : -1;
}

/* The first console report of severity bug in scenario sc, or NULL. */
static json_t *console_report_of(struct ks_vm *vm, const char *sc)
{
	json_t *r;
	size_t i;

	json_array_foreach(vm->con_reports, i, r) {
		const char *s = json_string_value(json_object_get(r, "scenario"));
		const char *sev = json_string_value(json_object_get(r,
								    "severity"));

		if (s && !strcmp(s, sc) && sev && !strcmp(sev, "bug"))
			return r;
	}
	return NULL;
}

static int console_reports_of(struct ks_vm *vm, const char *sc)
{
	json_t *r;
	size_t i;
	int n = 0;

	json_array_foreach(vm->con_reports, i, r) {
		const char *s = json_string_value(json_object_get(r, "scenario"));
		const char *sev = json_string_value(json_object_get(r,
								    "severity"));

		n += s && !strcmp(s, sc) && sev && !strcmp(sev, "bug");
	}
	return n;
}

/* End the scenario the guest was running when it died. */
static void end_cut_short(struct ks_vm *vm, enum ks_vm_outcome out)
{
	json_t *rep = console_report_of(vm, vm->running);
	const char *title = rep ?
		json_string_value(json_object_get(rep, "title")) : NULL;
	enum ks_verdict v = KS_FAIL;
	char why[320];
	json_t *o;

	switch (out) {
	case KS_VM_PANIC:
		/* The report that brought the guest down names the failure. */
		if (title)
			snprintf(why, sizeof(why), "%s", title);
		else
			snprintf(why, sizeof(why), "guest kernel panic: %s",
				 vm->panic_title);
		break;
	case KS_VM_HANG:
		if (vm->stuck_after_bug)
			snprintf(why, sizeof(why),
				 "guest stuck after a kernel bug: no progress for %d s after %s",
				 KS_VM_CRASH_QUIET_S, vm->bug_title);
		else
			snprintf(why, sizeof(why),
				 "guest hang: no progress for %d s%s%s",
				 vm->o->hang_s, title ? ", after " : "",
				 title ? title : "");
		break;
	case KS_VM_TIMEOUT:
		v = KS_ERROR;
		snprintf(why, sizeof(why), "harness timeout after %d s",
			 vm->o->timeout_s);
		break;
	case KS_VM_INTERRUPTED:
		v = KS_ERROR;
		snprintf(why, sizeof(why), "interrupted before the end");
		break;
	default:
		if (title) {
			snprintf(why, sizeof(why), "kernel report: %s", title);
		} else {
			v = KS_ERROR;
			snprintf(why, sizeof(why),
				 "the guest stopped before the scenario ended");
		}
	}
	o = json_pack("{s:s, s:o, s:o, s:I, s:s, s:o, s:[o], s:i, s:b}",
		      "type", "scenario_end", "scenario", ks_json_text(vm->running),
		      "workload", ks_json_text(vm->running_wl),
		      "t_ms", (json_int_t)((ks_now_ns() - vm->t0_ns) / 1000000),
		      "source", "host", "verdict", ks_json_text(ks_verdict_name(v)),
		      "reasons", ks_json_text(why), "kernel_reports",
		      console_reports_of(vm, vm->running), "cut_short", 1);
	if (!o)
		return;
	json_array_append(vm->ends, o);
	ks_journal_write(&vm->journal, o);
	vm->running[0] = '\0';
}

static void console_reports(struct ks_vm *vm)
{
	json_t *r;
	size_t i;

	json_array_foreach(vm->con_reports, i, r) {
		const char *t = json_string_value(json_object_get(r, "title"));

		/* Context blocks are part of the report they precede. */
		if (!strcmp(json_string_value(json_object_get(r, "severity")),
			    "context"))
			continue;
		if (t && json_object_get(vm->titles, t))
			continue;	/* the guest journaled it itself */
		json_object_set_new(r, "type", ks_json_text("kernel_report"));
		json_object_set_new(r, "t_ms", json_integer(
			(ks_now_ns() - vm->t0_ns) / 1000000));
		json_object_set_new(r, "source", ks_json_text("console"));
		ks_journal_write(&vm->journal, json_incref(r));
	}
}

static int exit_code(enum ks_vm_outcome out, int guest_exit,
		     const struct ks_vm_result *res)
{
	int code = ks_exit_code(res->npass, res->nfail, res->nskip,
				res->nerror);

	switch (out) {
	case KS_VM_FINISHED:
		return guest_exit >= 0 && guest_exit > code ? guest_exit : code;
	case KS_VM_PANIC:
	case KS_VM_HANG:
		return code > 1 ? code : 1;
	case KS_VM_INTERRUPTED:
		return 128 + (ks_interrupted ? ks_interrupted : SIGINT);
	default:
		return 2;
	}
}

void ks_vm_journal_finish(struct ks_vm *vm, struct ks_vm_result *res,
			  json_t *info)
{
	char sha[72] = "";
	const char *v;
	json_t *o;
	size_t i;

	/* A partial last line of a dying guest is not a record: say so. */
	if (vm->jline_len || vm->jline_over) {
		journal_garbled(vm, vm->jline ? vm->jline : "", vm->jline_len,
				"cut short: the guest stopped mid-record");
		vm->jline_len = 0;
		vm->jline_over = 0;
	}
	/* Where a fresh guest would go on: after what this one stopped in. */
	res->nscenarios = vm->nscenarios;
	if (!vm->run_end && vm->last_index) {
		res->resume_at = vm->running[0] ? vm->running_index + 1 :
				 vm->last_index + 1;
		snprintf(res->stopped_in, sizeof(res->stopped_in), "%s",
			 vm->running[0] ? vm->running : "");
	}
	if (vm->running[0])
		end_cut_short(vm, res->outcome);
	console_reports(vm);

	json_array_foreach(vm->ends, i, o) {
		v = json_string_value(json_object_get(o, "verdict"));
		v = v ? v : "error";
		res->npass += !strcmp(v, "pass");
		res->nfail += !strcmp(v, "fail");
		res->nskip += !strcmp(v, "skip");
		/* A verdict the host does not know is no pass: an error. */
		res->nerror += strcmp(v, "pass") && strcmp(v, "fail") &&
			       strcmp(v, "skip");
	}
	res->guest_exit = vm->guest_exit;
	res->exit_code = exit_code(res->outcome, vm->guest_exit, res);

	json_object_set_new(info, "type", ks_json_text("vm_end"));
	json_object_set_new(info, "guest", json_integer(vm->o->guest > 1 ?
							vm->o->guest : 1));
	json_object_set_new(info, "scenarios", json_incref(vm->ran));
	json_object_set_new(info, "t_ms", json_integer(
		(ks_now_ns() - vm->t0_ns) / 1000000));
	json_object_set_new(info, "outcome",
			    ks_json_text(ks_vm_outcome_name(res->outcome)));
	json_object_set_new(info, "guest_exit", json_integer(vm->guest_exit));
	json_object_set_new(info, "exit_code", json_integer(res->exit_code));
	json_object_set_new(info, "journal_bytes", json_integer(vm->jbytes));
	json_object_set_new(info, "guest_run_end", json_boolean(vm->run_end));
	if (vm->garbled) {
		json_object_set_new(info, "journal_garbled",
				    json_integer(vm->garbled));
		if (!vm->o->quiet)
			fprintf(stderr, "kmemstorm vm: %d line(s) from the guest were not records; the journal keeps them as journal_garbled\n",
				vm->garbled);
	}
	if (vm->guest_sha[0] && strcmp(vm->guest_sha, "none")) {
		int same = vm->guest_bytes == vm->jbytes &&
			   !part_sha256(vm->journal.path, vm->joff, vm->jbytes,
					sha, sizeof(sha)) &&
			   !strcmp(sha, vm->guest_sha);

		json_object_set_new(info, "guest_journal_bytes",
				    json_integer(vm->guest_bytes));
		json_object_set_new(info, "guest_journal_sha256",
				    ks_json_text(vm->guest_sha));
		json_object_set_new(info, "journal_match", json_boolean(same));
	}
	if (vm->panic)
		json_object_set_new(info, "panic", ks_json_text(vm->panic_title));
	json_object_set_new(info, "console_reports",
			    json_integer(json_array_size(vm->con_reports)));
	if (vm->qemu_err_len)
		json_object_set_new(info, "qemu_stderr",
				    ks_json_textn(vm->qemu_err, vm->qemu_err_len));
	json_object_set_new(info, "console_tail", ks_vm_console_tail(vm));
	ks_journal_write(&vm->journal, json_incref(info));
	ks_journal_sync(&vm->journal);
	if (vm->o->ends_out)
		json_array_extend(vm->o->ends_out, vm->ends);
	else if (!vm->o->quiet)
		ks_summary_print(stdout, vm->ends);
}

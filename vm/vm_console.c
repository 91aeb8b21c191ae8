// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's serial console: saved whole, and read line by line for the
 * guest init's own lines, the harness's scenario markers, and kernel
 * reports (with the classifier the in-guest /dev/kmsg monitor uses), so a
 * report the guest could not journal (a panic) is still attributed to the
 * scenario that was running.
 */
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"
#include "utf8.h"

static void keep_tail(struct ks_vm *vm, const char *line)
{
	int i;

	if (vm->tail_n == KS_VM_TAIL) {
		for (i = 1; i < KS_VM_TAIL; i++)
			memcpy(vm->tail[i - 1], vm->tail[i], sizeof(vm->tail[0]));
		vm->tail_n--;
	}
	snprintf(vm->tail[vm->tail_n++], sizeof(vm->tail[0]), "%s", line);
}

static void report_done(struct ks_vm *vm, const struct ks_kreport *r,
			const char *scenario)
{
	json_t *o = ks_kreport_json(r);

	if (!o)
		return;
	if (scenario[0])
		json_object_set_new(o, "scenario", ks_json_text(scenario));
	json_array_append_new(vm->con_reports, o);
	if (ks_kreport_severity(r) == KS_SEV_BUG && scenario[0] &&
	    !strcmp(scenario, vm->running))
		ks_vm_bug_seen(vm, r->title);
}

static void line(struct ks_vm *vm, const char *raw)
{
	const char *t = ks_strip_console_prefix(raw);
	struct ks_classifier *c = &vm->cls;
	char owner[KS_NAME_MAX];
	const char *p;

	keep_tail(vm, raw);
	if (!strncmp(t, "kmemstorm-guest: start", 22)) {
		vm->guest_started = 1;
	} else if ((p = strstr(t, "kmemstorm-guest: exit="))) {
		vm->guest_exit = atoi(p + 22);
	} else if ((p = strstr(t, "kmemstorm-guest: journal sha256="))) {
		sscanf(p + 32, "%71s bytes=%lld", vm->guest_sha,
		       &vm->guest_bytes);
	} else if (!strncmp(t, "kmemstorm: scenario ", 20)) {
		char name[KS_NAME_MAX], what[16];

		if (sscanf(t + 20, "%63s %15s", name, what) == 2) {
			if (!strcmp(what, "start"))
				snprintf(vm->con_scenario,
					 sizeof(vm->con_scenario), "%s", name);
			else if (!strcmp(what, "end"))
				vm->con_scenario[0] = '\0';
		}
	}
	if (!strncmp(t, "Kernel panic - not syncing", 26) && !vm->panic) {
		vm->panic = 1;
		snprintf(vm->panic_title, sizeof(vm->panic_title), "%s", t);
	}
	/*
	 * A report belongs to the scenario running when it started (its
	 * "cut here" line before it makes it two lines long already).
	 */
	snprintf(owner, sizeof(owner), "%s", vm->rep_scenario);
	if (ks_classify_line(c, raw, 0, 0, &vm->done))
		report_done(vm, &vm->done, owner);
	if (c->active && c->started)
		snprintf(vm->rep_scenario, sizeof(vm->rep_scenario), "%s",
			 vm->con_scenario);
}

void ks_vm_console_feed(struct ks_vm *vm, const char *buf, size_t len)
{
	size_t i;

	if (vm->con_log)
		fwrite(buf, 1, len, vm->con_log);
	vm->con_bytes += (long long)len;
	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\r')
			continue;
		if (c != '\n' && vm->con_len < sizeof(vm->con_line) - 1) {
			vm->con_line[vm->con_len++] = c;
			continue;
		}
		if (c != '\n')
			continue;	/* overlong line: keep its start */
		vm->con_line[vm->con_len] = '\0';
		line(vm, vm->con_line);
		vm->con_len = 0;
	}
}

void ks_vm_console_flush(struct ks_vm *vm)
{
	if (vm->con_len) {
		vm->con_line[vm->con_len] = '\0';
		line(vm, vm->con_line);
		vm->con_len = 0;
	}
	if (ks_classify_flush(&vm->cls, &vm->done))
		report_done(vm, &vm->done, vm->rep_scenario);
	if (vm->con_log)
		fflush(vm->con_log);
}

json_t *ks_vm_console_tail(const struct ks_vm *vm)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < vm->tail_n; i++)
		json_array_append_new(a, ks_json_text(vm->tail[i]));
	return a;
}

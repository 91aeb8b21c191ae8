// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's journal stream as the host receives it over virtio-serial
 * (vm/vm_journal.c): the input's first part arrives in uneven chunks,
 * cut anywhere, its second part is the console beside it, and its first
 * byte says how the guest ended.  Holds: whatever arrived, the host's
 * journal loads as a journal (every line a record), ends in a vm_end
 * whose counts match the scenario_end records, and its exit code is one
 * kmemstorm(1) gives.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "runview.h"
#include "vm_internal.h"

static void feed(struct ks_vm *vm, const uint8_t *data, size_t size,
		 uint32_t rnd, int console)
{
	size_t i, n;

	for (i = 0; i < size; i += n) {
		rnd = rnd * 1103515245u + 12345u;
		n = 1 + (rnd >> 16) % 700;
		n = n < size - i ? n : size - i;
		if (console)
			ks_vm_console_feed(vm, (const char *)data + i, n);
		else
			ks_vm_journal_feed(vm, (const char *)data + i, n);
	}
}

static void check_journal(const char *path, const struct ks_vm *vm,
			  const struct ks_vm_result *res)
{
	struct ks_run_view *v = calloc(1, sizeof(*v));
	char err[4400] = "";
	json_t *end;
	int n;

	if (!v)
		abort();
	if (ks_run_view_load(path, v, err, sizeof(err))) {
		/* Only a guest that never sent its run_start goes unread. */
		KS_FUZZ_CHECK(strstr(err, "no run_start first"),
			      "the host journal does not load: %s", err);
		free(v);
		return;
	}
	KS_FUZZ_CHECK(!v->truncated, "the host journal ends in a cut line");
	end = json_array_get(v->recs, json_array_size(v->recs) - 1);
	KS_FUZZ_CHECK(!strcmp(ks_jstr(end, "type", ""), "vm_end"),
		      "the host journal does not end in vm_end");
	n = res->npass + res->nfail + res->nskip + res->nerror;
	KS_FUZZ_CHECK(n == (int)json_array_size(vm->ends),
		      "%d verdicts counted of %zu scenario_end records", n,
		      json_array_size(vm->ends));
	KS_FUZZ_CHECK(ks_jint(end, "exit_code", -1) == res->exit_code,
		      "vm_end says exit %lld, the run %d",
		      ks_jint(end, "exit_code", -1), res->exit_code);
	ks_run_view_free(v);
	free(v);
}

int ks_fuzz_stream(const uint8_t *data, size_t size)
{
	static const enum ks_vm_outcome outcomes[] = {
		KS_VM_FINISHED, KS_VM_PANIC, KS_VM_HANG, KS_VM_TIMEOUT,
		KS_VM_QEMU_FAILURE,
	};
	struct ks_vm_opts opts = { .quiet = 1, .hang_s = 120, .timeout_s = 600 };
	struct ks_vm *vm = calloc(1, sizeof(*vm));
	struct ks_vm_result res = { 0 };
	const uint8_t *part[2];
	char path[4096], err[512];
	size_t plen[2];
	json_t *info;
	uint32_t rnd;

	if (!vm || !size)
		goto out;
	res.outcome = outcomes[data[0] % 5];
	rnd = data[0] * 2654435761u;
	ks_fuzz_split(data + 1, size - 1, '\f', 2, part, plen);
	snprintf(path, sizeof(path), "%s/stream.jsonl", ks_fuzz_dir());
	if (ks_journal_open(&vm->journal, path, err, sizeof(err)))
		abort();
	vm->o = &opts;
	vm->t0_ns = ks_now_ns();
	vm->guest_exit = -1;
	vm->con_reports = json_array();
	vm->ran = json_array();
	vm->ends = json_array();
	vm->titles = json_object();
	ks_classifier_init(&vm->cls);
	opts.ends_out = json_array();	/* no summary on stdout */
	if (part[1])
		feed(vm, part[1], plen[1], rnd ^ 0x5bd1e995u, 1);
	feed(vm, part[0], plen[0], rnd, 0);
	ks_vm_console_flush(vm);
	info = json_object();
	ks_vm_journal_finish(vm, &res, info);
	json_decref(info);
	ks_journal_close(&vm->journal);
	check_journal(path, vm, &res);
	free(vm->jline);
	json_decref(opts.ends_out);
	json_decref(vm->con_reports);
	json_decref(vm->ran);
	json_decref(vm->ends);
	json_decref(vm->titles);
out:
	free(vm);
	return 0;
}

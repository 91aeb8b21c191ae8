// SPDX-License-Identifier: GPL-2.0
/*
 * The QEMU serial console as the host reads it (vm/vm_console.c), fed
 * in the uneven chunks a pipe gives: lines cut anywhere, \r\n, overlong
 * lines.  Holds: every console report is a record with a kind, a
 * severity and a UTF-8 title, and the console tail is UTF-8 JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "vm_internal.h"

static int check_reports(json_t *reports)
{
	json_t *r;
	size_t i;

	json_array_foreach(reports, i, r) {
		const char *t = json_string_value(json_object_get(r, "title"));
		const char *sev = json_string_value(json_object_get(r,
								    "severity"));

		KS_FUZZ_CHECK(t && t[0], "console report %zu has no title", i);
		KS_FUZZ_CHECK(sev && sev[0], "console report %zu: no severity",
			      i);
		KS_FUZZ_CHECK(json_string_value(json_object_get(r, "kind")),
			      "console report %zu has no kind", i);
	}
	return (int)json_array_size(reports);
}

int ks_fuzz_classify_console(const uint8_t *data, size_t size)
{
	static struct ks_vm_opts opts;
	struct ks_vm *vm = calloc(1, sizeof(*vm));
	uint32_t rnd = 2166136261u;
	json_t *tail;
	char *s;
	size_t i;

	if (!vm)
		abort();
	vm->o = &opts;
	vm->con_reports = json_array();
	ks_classifier_init(&vm->cls);
	/* Chunk sizes from the input itself: the same input, the same cuts. */
	for (i = 0; i < size && i < 8; i++)
		rnd = (rnd ^ data[i]) * 16777619u;
	for (i = 0; i < size;) {
		size_t n;

		rnd = rnd * 1103515245u + 12345u;
		n = 1 + (rnd >> 16) % 300;
		n = n < size - i ? n : size - i;
		ks_vm_console_feed(vm, (const char *)data + i, n);
		i += n;
	}
	ks_vm_console_flush(vm);
	check_reports(vm->con_reports);
	tail = ks_vm_console_tail(vm);
	s = tail ? json_dumps(tail, JSON_COMPACT) : NULL;
	KS_FUZZ_CHECK(s, "the console tail is not JSON");
	KS_FUZZ_CHECK((int)json_array_size(tail) == vm->tail_n,
		      "console tail: %zu of %d lines", json_array_size(tail),
		      vm->tail_n);
	free(s);
	json_decref(tail);
	json_decref(vm->con_reports);
	free(vm);
	return 0;
}

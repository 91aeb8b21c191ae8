// SPDX-License-Identifier: GPL-2.0
#include "symrange.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *open_proc(const char *name, char *path, size_t len)
{
	const char *root = getenv("KMEMSTORM_PROC");

	snprintf(path, len, "%s/%s", root && *root ? root : "/proc", name);
	return fopen(path, "re");
}

static int parse_range(const char *spec, uint64_t *start, uint64_t *end)
{
	char *e1, *e2;

	if (strncmp(spec, "0x", 2))
		return -1;
	*start = strtoull(spec, &e1, 16);
	if (*e1 != '-' || strncmp(e1 + 1, "0x", 2))
		return -1;
	*end = strtoull(e1 + 1, &e2, 16);
	return *e2 || *end <= *start ? -1 : 0;
}

/* "name size refcount deps state 0xaddr [taint]" */
static int module_range(const char *name, uint64_t *start, uint64_t *end,
			char *err, size_t errlen)
{
	char path[256], line[512], mod[64];
	unsigned long long size, addr;
	FILE *f = open_proc("modules", path, sizeof(path));
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %llu %*s %*s %*s %llx", mod, &size,
			   &addr) == 3 && !strcmp(mod, name)) {
			found = 1;
			break;
		}
	fclose(f);
	if (!found)
		return 0;
	if (!addr) {
		snprintf(err, errlen, "module %s: address hidden in %s (kptr_restrict)",
			 name, path);
		return -1;
	}
	*start = addr;
	*end = addr + size;
	return 1;
}

static int symbol_range(const char *name, uint64_t *start, uint64_t *end,
			char *err, size_t errlen)
{
	char path[256], line[512], sym[256], type;
	unsigned long long addr;
	uint64_t s = 0, next = UINT64_MAX;
	FILE *f = open_proc("kallsyms", path, sizeof(path));
	int found = 0;

	if (!f) {
		snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) != 3)
			continue;
		if (!found && strchr("tT", type) && !strcmp(sym, name)) {
			s = addr;
			found = 1;
		}
	}
	if (!found) {
		fclose(f);
		snprintf(err, errlen,
			 "'%s' is neither a loaded module nor a function in %s",
			 name, path);
		return -1;
	}
	if (!s) {
		fclose(f);
		snprintf(err, errlen, "%s: addresses hidden in %s (kptr_restrict)",
			 name, path);
		return -1;
	}
	/* kallsyms is not sorted across modules: the nearest above wins. */
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx", &addr) == 1 && addr > s &&
		    addr < next)
			next = addr;
	fclose(f);
	*start = s;
	*end = next == UINT64_MAX ? s + 1 : next;
	return 0;
}

int ks_symrange(const char *spec, uint64_t *start, uint64_t *end,
		char *err, size_t errlen)
{
	int r;

	if (!strncmp(spec, "0x", 2)) {
		if (parse_range(spec, start, end) == 0)
			return 0;
		snprintf(err, errlen, "'%s' is not START-END in hex (0x...-0x...)",
			 spec);
		return -1;
	}
	r = module_range(spec, start, end, err, errlen);
	if (r)
		return r < 0 ? -1 : 0;
	return symbol_range(spec, start, end, err, errlen);
}

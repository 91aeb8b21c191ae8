// SPDX-License-Identifier: GPL-2.0
/* Every injector, in one table: add an injector by adding a line. */
#include <string.h>

#include "injector.h"

extern const struct ks_injector ks_inj_failslab;
extern const struct ks_injector ks_inj_fail_page_alloc;
extern const struct ks_injector ks_inj_chargefail;

const struct ks_injector *const ks_injectors[] = {
	&ks_inj_failslab,
	&ks_inj_fail_page_alloc,
	&ks_inj_chargefail,
	NULL,
};

const struct ks_injector *ks_injector_find(const char *name)
{
	int i;

	for (i = 0; ks_injectors[i]; i++)
		if (!strcmp(ks_injectors[i]->name, name))
			return ks_injectors[i];
	return NULL;
}

int ks_injector_index(const struct ks_injector *inj)
{
	int i;

	for (i = 0; ks_injectors[i]; i++)
		if (ks_injectors[i] == inj)
			return i;
	return -1;
}

int ks_injector_opt_index(const struct ks_injector *inj, const char *name)
{
	int i;

	for (i = 0; inj->opts && inj->opts[i].name; i++)
		if (!strcmp(inj->opts[i].name, name))
			return i;
	return -1;
}

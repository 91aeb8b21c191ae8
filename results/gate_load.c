// SPDX-License-Identifier: GPL-2.0
/* 'gate --from DIR': the configurations a gate.json names. */
#include "gate.h"

#include <limits.h>
#include <string.h>

int ks_gate_load_from(const char *dir, struct ks_gate_config *cfgs, int max,
		      int *n, json_t **keep, char *err, size_t errlen)
{
	char path[PATH_MAX];
	json_error_t je;
	json_t *doc, *x;
	size_t i;

	*n = 0;
	*keep = NULL;
	snprintf(path, sizeof(path), "%s/gate.json", dir);
	doc = json_load_file(path, 0, &je);
	if (!doc) {
		snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
		return -1;
	}
	json_array_foreach(json_object_get(doc, "configs"), i, x) {
		struct ks_gate_config *g = &cfgs[*n];
		const char *sub = json_string_value(json_object_get(x, "dir"));

		if (*n == max) {
			snprintf(err, errlen, "%s: more than %d configs", path,
				 max);
			goto bad;
		}
		if (!sub || !sub[0] || strchr(sub, '/') || !strcmp(sub, "..") ||
		    !strcmp(sub, ".")) {
			snprintf(err, errlen,
				 "%s: configs[%zu]: needs \"dir\", a directory next to it",
				 path, i);
			goto bad;
		}
		memset(g, 0, sizeof(*g));
		g->label = json_string_value(json_object_get(x, "config"));
		g->kernel = json_string_value(json_object_get(x, "kernel"));
		g->append = json_string_value(json_object_get(x, "append"));
		if (!g->label || !g->append)
			g->label = g->append = "?";
		snprintf(g->dir, sizeof(g->dir), "%s/%s", dir, sub);
		(*n)++;
	}
	if (!*n) {
		snprintf(err, errlen, "%s: no configs", path);
		goto bad;
	}
	*keep = doc;	/* the labels point into it */
	return 0;
bad:
	*n = 0;
	json_decref(doc);
	return -1;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A saved kernel log through the classifier: what 'kmemstorm classify'
 * reads, and what its fuzz target feeds.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>

#include "classify.h"

int ks_classify_log(FILE *f, int all, ks_report_fn found, void *arg)
{
	struct ks_classifier *c = calloc(1, sizeof(*c));
	struct ks_kreport *r = calloc(1, sizeof(*r));
	char *line = NULL;
	size_t cap = 0;
	int header = 1;
	ssize_t n;

	if (!c || !r) {
		free(c);
		free(r);
		return -ENOMEM;
	}
	ks_classifier_init(c);
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		/* A fixture's "# key: value" header is not kernel output. */
		if (header && line[0] == '#')
			continue;
		header = 0;
		if (ks_classify_line(c, line, 0, 0, r))
			found(r, arg);
		if (c->fi_new) {
			if (all)
				found(&c->fi, arg);
			c->fi_new = 0;
		}
	}
	if (ks_classify_flush(c, r))
		found(r, arg);
	free(line);
	free(c);
	free(r);
	return 0;
}

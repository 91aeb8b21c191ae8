// SPDX-License-Identifier: GPL-2.0
/*
 * The stressng storm's reader of stress-ng's --yaml report, with libyaml's
 * document loader: the report is small (a few KiB per stressor).  The
 * parts read are
 *
 *   metrics:
 *       - stressor: dentry
 *         bogo-ops: 569
 *         bogo-ops-per-second-usr-sys-time: 2883.202432
 *         bogo-ops-per-second-real-time: 542.832800
 *
 * stress-ng 0.15 writes no metrics: at all unless -q precedes
 * --metrics-brief, and leaves out a stressor it skipped as unsupported.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "stressng.h"

static const char *scalar(yaml_document_t *doc, yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ?
	       (const char *)n->data.scalar.value : NULL;
}

/* The value of key in a mapping node, or NULL. */
static yaml_node_t *lookup(yaml_document_t *doc, yaml_node_t *map,
			   const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(doc, yaml_document_get_node(doc, p->key));

		if (k && !strcmp(k, key))
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

/*
 * Read stress-ng's --yaml output with libyaml: 0 with fn called per
 * stressor (stops early when fn returns non-zero), -1 with err set.
 * A file without a metrics: key is valid (no stressor ran) but says so
 * by calling fn never.
 */
int ks_stressng_yaml(const char *path, ks_stressng_fn fn, void *arg,
		     char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *metrics;
	yaml_node_item_t *it;
	FILE *f;
	int ret = -1;

	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errlen, "libyaml: out of memory");
		goto out_file;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu: %s", path,
			 parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "YAML error");
		goto out_parser;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		snprintf(err, errlen, "%s: not a stress-ng YAML report", path);
		goto out_doc;
	}
	ret = 0;
	metrics = lookup(&doc, root, "metrics");
	if (!metrics || metrics->type != YAML_SEQUENCE_NODE)
		goto out_doc;
	for (it = metrics->data.sequence.items.start;
	     it < metrics->data.sequence.items.top; it++) {
		yaml_node_t *m = yaml_document_get_node(&doc, *it);
		const char *name = scalar(&doc, lookup(&doc, m, "stressor"));
		const char *bogo = scalar(&doc, lookup(&doc, m, "bogo-ops"));
		const char *real = scalar(&doc, lookup(&doc, m,
				"bogo-ops-per-second-real-time"));
		const char *cpu = scalar(&doc, lookup(&doc, m,
				"bogo-ops-per-second-usr-sys-time"));

		if (!name || !bogo) {
			snprintf(err, errlen,
				 "%s: metrics entry without stressor/bogo-ops",
				 path);
			ret = -1;
			break;
		}
		if (fn(arg, name, strtoull(bogo, NULL, 10),
		       real ? strtod(real, NULL) : 0,
		       cpu ? strtod(cpu, NULL) : 0))
			break;
	}
out_doc:
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
out_file:
	fclose(f);
	return ret;
}

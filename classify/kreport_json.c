// SPDX-License-Identifier: GPL-2.0
/*
 * A classified kernel report as the journal's kernel_report fields: one
 * place, for the run loop, the console reader and 'kmemstorm classify'.
 */
#include <jansson.h>

#include "classify.h"
#include "utf8.h"

json_t *ks_kreport_json(const struct ks_kreport *r)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:b, s:o}",
			      "kind", ks_json_text(ks_kreport_kind(r)), "severity",
			      ks_json_text(ks_severity_name(ks_kreport_severity(r))),
			      "title", ks_json_text(r->title), "guilty",
			      ks_json_text(r->guilty),
			      "corrupted", r->corrupted, "text",
			      ks_json_text(r->text));

	if (!o)
		return NULL;
	if (r->nalt) {
		json_t *a = json_array();
		int i;

		for (i = 0; i < r->nalt; i++)
			json_array_append_new(a, ks_json_text(r->alt[i]));
		json_object_set_new(o, "alt_titles", a);
	}
	if (r->corrupted)
		json_object_set_new(o, "corrupt_reason",
				    ks_json_text(r->corrupt_why));
	if (r->cgroup[0])
		json_object_set_new(o, "cgroup", ks_json_text(r->cgroup));
	if (r->victim[0])
		json_object_set_new(o, "victim", ks_json_text(r->victim));
	if (r->order >= 0)
		json_object_set_new(o, "order", json_integer(r->order));
	if (r->gfp[0])
		json_object_set_new(o, "gfp", ks_json_text(r->gfp));
	if (r->has_context)
		json_object_set_new(o, "context", json_pack("{s:o, s:o}",
				    "site", ks_json_text(r->context_site), "text",
				    ks_json_text(r->context)));
	return o;
}

// SPDX-License-Identifier: GPL-2.0
/* One scenario's plan, key by key (repro_plan.h). */
#include "repro_plan.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct collect {
	struct ks_repro_plan *rp;
	char want[KS_NAME_MAX + 16];
	int found, full;
};

static int add(struct ks_repro_plan *rp, const char *section, const char *key,
	       const char *value)
{
	struct ks_rp_kv *kv;

	if (rp->n == KS_RP_MAX_KEYS)
		return -1;
	kv = &rp->kv[rp->n];
	kv->section = strdup(section);
	kv->key = strdup(key);
	kv->value = strdup(value);
	if (!kv->section || !kv->key || !kv->value) {
		free(kv->section);
		free(kv->key);
		free(kv->value);
		return -1;
	}
	rp->n++;
	return 0;
}

static int on_key(void *user, const char *section, const char *key,
		  const char *value)
{
	struct collect *c = user;

	if (!key)
		return 1;	/* a section header alone */
	if (strcmp(section, "plan") && strcmp(section, "defaults") &&
	    strcmp(section, c->want))
		return 1;
	c->found |= !strcmp(section, c->want);
	if (add(c->rp, section, key, value ? value : "")) {
		c->full = 1;
		return 0;
	}
	return 1;
}

int ks_rp_from_text(struct ks_repro_plan *rp, const char *text,
		    const char *scenario, char *err, size_t errlen)
{
	struct collect c = { .rp = rp };
	int r;

	memset(rp, 0, sizeof(*rp));
	snprintf(rp->scenario, sizeof(rp->scenario), "%s", scenario);
	snprintf(c.want, sizeof(c.want), "scenario %s", scenario);
	r = ini_parse_string(text, on_key, &c);
	if (c.full) {
		snprintf(err, errlen, "the plan has more than %d keys",
			 KS_RP_MAX_KEYS);
		goto fail;
	}
	if (r) {
		snprintf(err, errlen, "the recorded plan does not parse (line %d)",
			 r);
		goto fail;
	}
	if (!c.found) {
		snprintf(err, errlen, "the recorded plan has no [scenario %s]",
			 scenario);
		goto fail;
	}
	return 0;
fail:
	ks_rp_free(rp);
	return -1;
}

int ks_rp_copy(struct ks_repro_plan *dst, const struct ks_repro_plan *src)
{
	int i;

	memset(dst, 0, sizeof(*dst));
	memcpy(dst->scenario, src->scenario, sizeof(dst->scenario));
	for (i = 0; i < src->n; i++)
		if (add(dst, src->kv[i].section, src->kv[i].key,
			src->kv[i].value)) {
			ks_rp_free(dst);
			return -1;
		}
	return 0;
}

void ks_rp_free(struct ks_repro_plan *rp)
{
	int i;

	for (i = 0; i < rp->n; i++) {
		free(rp->kv[i].section);
		free(rp->kv[i].key);
		free(rp->kv[i].value);
	}
	rp->n = 0;
}

static struct ks_rp_kv *find(const struct ks_repro_plan *rp, const char *key)
{
	int i;

	for (i = 0; i < rp->n; i++)
		if (!strncmp(rp->kv[i].section, "scenario ", 9) &&
		    !strcmp(rp->kv[i].key, key))
			return (struct ks_rp_kv *)&rp->kv[i];
	return NULL;
}

const char *ks_rp_get(const struct ks_repro_plan *rp, const char *key)
{
	const struct ks_rp_kv *kv = find(rp, key);

	return kv ? kv->value : NULL;
}

int ks_rp_set(struct ks_repro_plan *rp, const char *key, const char *value)
{
	struct ks_rp_kv *kv = find(rp, key);
	char section[KS_NAME_MAX + 16], *v;

	if (kv) {
		v = strdup(value);
		if (!v)
			return -1;
		free(kv->value);
		kv->value = v;
		return 0;
	}
	snprintf(section, sizeof(section), "scenario %s", rp->scenario);
	return add(rp, section, key, value);
}

char *ks_rp_render(const struct ks_repro_plan *rp)
{
	static const char *const order[] = { "plan", "defaults", "scenario" };
	char *out = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&out, &len);
	int k;

	if (!f)
		return NULL;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int header = 0;

		for (k = 0; k < rp->n; k++) {
			const struct ks_rp_kv *kv = &rp->kv[k];

			if (strncmp(kv->section, order[i], strlen(order[i])))
				continue;
			if (!header++)
				fprintf(f, "%s[%s]\n", i ? "\n" : "",
					kv->section);
			fprintf(f, "%s = %s\n", kv->key, kv->value);
		}
	}
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

int ks_rp_write(const struct ks_repro_plan *rp, const char *path, char *err,
		size_t errlen)
{
	char *text = ks_rp_render(rp);
	FILE *f = text ? fopen(path, "we") : NULL;
	int r = 0;

	if (!f || fputs(text, f) == EOF)
		r = -1;
	if (f && fclose(f))
		r = -1;
	if (r)
		snprintf(err, errlen, "%s: cannot write", path);
	free(text);
	return r;
}

int ks_rp_parse(const struct ks_repro_plan *rp, struct ks_plan *plan,
		char *err, size_t errlen)
{
	static struct ks_plan_errors errs;
	char *text = ks_rp_render(rp);
	int r;

	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(plan, 0, sizeof(*plan));
	r = ks_plan_parse(text, "reproduce", plan, &errs);
	free(text);
	if (r)
		snprintf(err, errlen, "%s",
			 errs.n ? errs.msg[0] : "the plan does not parse");
	return r;
}

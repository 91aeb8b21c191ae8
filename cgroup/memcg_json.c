// SPDX-License-Identifier: GPL-2.0
#include "memcg_json.h"

void ks_json_put_if(json_t *o, const char *key, int64_t v)
{
	if (v >= 0)
		json_object_set_new(o, key, json_integer(v));
}

json_t *ks_limits_json(const struct ks_cg_limits *l)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	ks_json_put_if(o, "memory.max", l->max);
	ks_json_put_if(o, "memory.high", l->high);
	ks_json_put_if(o, "memory.swap.max", l->swap_max);
	ks_json_put_if(o, "memory.low", l->low);
	ks_json_put_if(o, "memory.min", l->min);
	ks_json_put_if(o, "memory.kmem.limit_in_bytes", l->kmem_max);
	ks_json_put_if(o, "memory.kmem.tcp.limit_in_bytes", l->tcp_max);
	if (l->oom_group != KS_CG_UNSET)
		json_object_set_new(o, "memory.oom.group",
				    json_boolean(l->oom_group));
	if (l->oom_kill_disable != KS_CG_UNSET)
		json_object_set_new(o, "memory.oom_control",
				    json_boolean(l->oom_kill_disable));
	return o;
}

json_t *ks_memcg_json(const struct ks_memcg_stats *s)
{
	json_t *o = json_object(), *ev = json_object(), *evl = json_object();
	json_t *v1 = json_object(), *st = json_object();

	ks_json_put_if(o, "current", s->current);
	ks_json_put_if(o, "peak", s->peak);
	ks_json_put_if(o, "limit", s->limit);
	ks_json_put_if(o, "high", s->high);
	ks_json_put_if(o, "swap_current", s->swap_current);
	ks_json_put_if(o, "limit_hits", ks_memcg_limit_hits(s));
	ks_json_put_if(o, "oom_kills", ks_memcg_oom_kills(s));
	ks_json_put_if(ev, "low", s->ev_low);
	ks_json_put_if(ev, "high", s->ev_high);
	ks_json_put_if(ev, "max", s->ev_max);
	ks_json_put_if(ev, "oom", s->ev_oom);
	ks_json_put_if(ev, "oom_kill", s->ev_oom_kill);
	ks_json_put_if(ev, "oom_group_kill", s->ev_oom_group_kill);
	ks_json_put_if(evl, "low", s->evl_low);
	ks_json_put_if(evl, "high", s->evl_high);
	ks_json_put_if(evl, "max", s->evl_max);
	ks_json_put_if(evl, "oom", s->evl_oom);
	ks_json_put_if(evl, "oom_kill", s->evl_oom_kill);
	ks_json_put_if(v1, "failcnt", s->failcnt);
	ks_json_put_if(v1, "kmem_usage", s->kmem_usage);
	ks_json_put_if(v1, "kmem_max_usage", s->kmem_max_usage);
	ks_json_put_if(v1, "kmem_failcnt", s->kmem_failcnt);
	ks_json_put_if(v1, "tcp_usage", s->tcp_usage);
	ks_json_put_if(v1, "under_oom", s->under_oom);
	ks_json_put_if(v1, "oom_kill_disable", s->oom_kill_disable);
	ks_json_put_if(st, "anon", s->anon);
	ks_json_put_if(st, "file", s->file);
	ks_json_put_if(st, "kernel", s->kernel);
	ks_json_put_if(st, "kernel_stack", s->kernel_stack);
	ks_json_put_if(st, "slab", s->slab);
	ks_json_put_if(st, "slab_reclaimable", s->slab_reclaimable);
	ks_json_put_if(st, "slab_unreclaimable", s->slab_unreclaimable);
	ks_json_put_if(st, "sock", s->sock);
	ks_json_put_if(st, "shmem", s->shmem);
	ks_json_put_if(st, "percpu", s->percpu);
	ks_json_put_if(o, "nr_dying_descendants", s->nr_dying_descendants);
	json_object_set_new(o, "events", ev);
	json_object_set_new(o, "events_local", evl);
	json_object_set_new(o, "v1", v1);
	json_object_set_new(o, "stat", st);
	return o;
}

/*
 * ip_fw_dynamic.c - ipfw's dynamic rules (FreeBSD's netpfil/ipfw/
 * ip_fw_dynamic.c): the states that keep-state and limit create, found
 * again in either direction, with the lifetimes of net.inet.ip.fw.dyn_*.
 *
 * Entry points: ipfw_dyn_init(), ipfw_dyn_fini(), ipfw_dyn_flush(),
 * ipfw_dyn_lookup(),
 * ipfw_dyn_install(), ipfw_dyn_remove_rule(), ipfw_dyn_list(),
 * ipfw_dyn_count().
 *
 * States are items of a zone bounded by net.inet.ip.fw.dyn_max, chained
 * in a hash of dyn_buckets heads made at the first state; the key is
 * the flow's addresses and ports in either order.  A packet that would
 * need a state beyond dyn_max is dropped and counted (ipfw_dyn_full),
 * as FreeBSD drops it.  Once a second a timer frees the expired states;
 * a lookup never returns one that has expired.
 *
 * TCP lifetimes follow the flags seen (FreeBSD's): one SYN:
 * dyn_syn_lifetime; both SYNs: dyn_ack_lifetime; both FINs:
 * dyn_fin_lifetime; a RST: dyn_rst_lifetime.  UDP: dyn_udp_lifetime;
 * others: dyn_short_lifetime.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "netinet/ip_var.h"
#include "netinet/tcp_var.h"
#include "netinet/ip_fw.h"
#include "kern/uma.h"

struct ipfw_dyn {
	struct ipfw_dyn *next; /* in its bucket */
	struct ip_fw *rule;    /* the rule whose action applies */
	struct in_addr src;    /* the first packet's direction */
	struct in_addr dst;
	uint16_t sport; /* host byte order */
	uint16_t dport;
	uint8_t proto;
	uint8_t type;	 /* O_KEEP_STATE, O_LIMIT */
	uint32_t state;	 /* TCP flags seen: forward | reverse << 8 */
	uint64_t expire; /* uptime, seconds */
	uint64_t pcnt;
	uint64_t bcnt;
};

#define BOTH_SYN (TH_SYN | (TH_SYN << 8))
#define BOTH_FIN (TH_FIN | (TH_FIN << 8))

static void ipfw_dyn_tick(struct ff_ctx *ctx, void *arg);

int
ipfw_dyn_init(struct ff_ctx *ctx)
{
	struct ipfw_state *fw = V_ipfw(ctx);

	callout_init(&fw->dyn_tick);
	if (fw->dyn_zone == NULL &&
	    (fw->dyn_zone = uma_zcreate("ipfw_dyn", sizeof(struct ipfw_dyn),
		 (unsigned int)fw->dyn_max)) == NULL)
		return (ENOMEM);
	return (0);
}

static void
ipfw_dyn_free_all(struct ff_ctx *ctx)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ipfw_dyn *q, *n;
	uint32_t i;

	for (i = 0; fw->dyn_hash != NULL && i < fw->dyn_nbuckets; i++)
		for (q = fw->dyn_hash[i]; q != NULL; q = n) {
			n = q->next;
			uma_zfree(fw->dyn_zone, q);
		}
	free(fw->dyn_hash);
	fw->dyn_hash = NULL;
	fw->dyn_nbuckets = 0;
	fw->dyn_count = 0;
}

void
ipfw_dyn_flush(struct ff_ctx *ctx)
{
	ipfw_dyn_free_all(ctx);
}

void
ipfw_dyn_fini(struct ff_ctx *ctx)
{
	struct ipfw_state *fw = V_ipfw(ctx);

	callout_stop(ctx, &fw->dyn_tick);
	ipfw_dyn_free_all(ctx);
	if (fw->dyn_zone != NULL) {
		uma_zdestroy(fw->dyn_zone);
		fw->dyn_zone = NULL;
	}
}

uint32_t
ipfw_dyn_count(struct ff_ctx *ctx)
{
	return (V_ipfw(ctx)->dyn_count);
}

/* The same for both directions of a flow. */
static uint32_t
ipfw_dyn_hash(const struct ip_fw_args *a, uint32_t nbuckets)
{
	uint32_t h = a->src.s_addr ^ a->dst.s_addr;

	h ^= (uint32_t)(a->sport ^ a->dport) << 16 ^ a->proto;
	h ^= h >> 16;
	h *= 0x45d9f3bu;
	h ^= h >> 16;
	return (h & (nbuckets - 1));
}

/* 1 forward, -1 reverse, 0 another flow. */
static int
ipfw_dyn_dir(const struct ipfw_dyn *q, const struct ip_fw_args *a)
{
	if (q->proto != a->proto)
		return (0);
	if (q->src.s_addr == a->src.s_addr && q->dst.s_addr == a->dst.s_addr &&
	    q->sport == a->sport && q->dport == a->dport)
		return (1);
	if (q->src.s_addr == a->dst.s_addr && q->dst.s_addr == a->src.s_addr &&
	    q->sport == a->dport && q->dport == a->sport)
		return (-1);
	return (0);
}

/* The lifetime the state's protocol and TCP flags give it. */
static int
ipfw_dyn_lifetime(struct ipfw_state *fw, const struct ipfw_dyn *q)
{
	uint32_t s = q->state;

	if (q->proto == IPPROTO_UDP)
		return (fw->dyn_udp_lifetime);
	if (q->proto != IPPROTO_TCP)
		return (fw->dyn_short_lifetime);
	if ((s & (TH_RST | (TH_RST << 8))) != 0)
		return (fw->dyn_rst_lifetime);
	if ((s & BOTH_SYN) != BOTH_SYN)
		return (fw->dyn_syn_lifetime);
	if ((s & BOTH_FIN) == BOTH_FIN)
		return (fw->dyn_fin_lifetime);
	return (fw->dyn_ack_lifetime);
}

static void
ipfw_dyn_update(
    struct ff_ctx *ctx, struct ipfw_dyn *q, const struct ip_fw_args *a, int dir)
{
	struct ipfw_state *fw = V_ipfw(ctx);

	if (a->proto == IPPROTO_TCP && a->has_ports) {
		uint32_t fl = a->tcpflags & (TH_SYN | TH_FIN | TH_RST);

		q->state |= dir > 0 ? fl : fl << 8;
	}
	q->pcnt++;
	q->bcnt += a->iplen;
	q->expire = ipfw_uptime(ctx) + (uint64_t)ipfw_dyn_lifetime(fw, q);
}

static void
ipfw_dyn_unlink(struct ff_ctx *ctx, struct ipfw_dyn **pp)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ipfw_dyn *q = *pp;

	*pp = q->next;
	uma_zfree(fw->dyn_zone, q);
	fw->dyn_count--;
}

struct ip_fw *
ipfw_dyn_lookup(struct ff_ctx *ctx, struct ip_fw_args *a)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ipfw_dyn **pp, *q;
	uint64_t now = ipfw_uptime(ctx);
	int dir;

	if (fw->dyn_count == 0 || a->frag)
		return (NULL);
	pp = &fw->dyn_hash[ipfw_dyn_hash(a, fw->dyn_nbuckets)];
	while ((q = *pp) != NULL) {
		if ((dir = ipfw_dyn_dir(q, a)) == 0) {
			pp = &q->next;
			continue;
		}
		if (q->expire <= now) {
			fw->stat.ipfw_dyn_expired++;
			ipfw_dyn_unlink(ctx, pp);
			return (NULL);
		}
		ipfw_dyn_update(ctx, q, a, dir);
		return (q->rule);
	}
	return (NULL);
}

/* The hash, made at the first state with dyn_buckets heads. */
static int
ipfw_dyn_hash_make(struct ipfw_state *fw)
{
	if (fw->dyn_hash != NULL)
		return (0);
	fw->dyn_hash = calloc((size_t)fw->dyn_buckets, sizeof(*fw->dyn_hash));
	if (fw->dyn_hash == NULL)
		return (ENOMEM);
	fw->dyn_nbuckets = (uint32_t)fw->dyn_buckets;
	return (0);
}

/* Fields of two flows equal under a limit's mask. */
static int
ipfw_dyn_same(
    const struct ipfw_dyn *q, const struct ip_fw_args *a, uint32_t mask)
{
	if ((mask & FF_DYN_SRC_ADDR) && q->src.s_addr != a->src.s_addr)
		return (0);
	if ((mask & FF_DYN_DST_ADDR) && q->dst.s_addr != a->dst.s_addr)
		return (0);
	if ((mask & FF_DYN_SRC_PORT) && q->sport != a->sport)
		return (0);
	if ((mask & FF_DYN_DST_PORT) && q->dport != a->dport)
		return (0);
	return (1);
}

/* Live states of rule f that share the limit's fields with args. */
static uint32_t
ipfw_dyn_limit_count(struct ff_ctx *ctx, const struct ip_fw *f,
    const struct ip_fw_args *a, uint32_t mask)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	const struct ipfw_dyn *q;
	uint64_t now = ipfw_uptime(ctx);
	uint32_t i, n = 0;

	for (i = 0; i < fw->dyn_nbuckets; i++)
		for (q = fw->dyn_hash[i]; q != NULL; q = q->next)
			if (q->rule == f && q->expire > now &&
			    ipfw_dyn_same(q, a, mask))
				n++;
	return (n);
}

int
ipfw_dyn_install(struct ff_ctx *ctx, struct ip_fw *f,
    const struct ff_ipfw_insn *cmd, const struct ip_fw_args *a)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ipfw_dyn *q, **head;
	uint32_t mask;

	if (a->frag)
		return (0); /* later fragments carry no ports: no state */
	if (ipfw_dyn_hash_make(fw) != 0 || fw->dyn_zone == NULL)
		goto full;
	head = &fw->dyn_hash[ipfw_dyn_hash(a, fw->dyn_nbuckets)];
	for (q = *head; q != NULL; q = q->next)
		if (ipfw_dyn_dir(q, a) != 0 && q->expire > ipfw_uptime(ctx))
			return (0); /* already there (a retransmission) */
	if (cmd->opcode == O_LIMIT) {
		mask = (ipfw_insn_args(cmd))[0];
		if (ipfw_dyn_limit_count(ctx, f, a, mask) >= cmd->arg1) {
			fw->stat.ipfw_limit_drop++;
			return (-1);
		}
	}
	if ((q = uma_zalloc(fw->dyn_zone)) == NULL)
		goto full;
	q->rule = f;
	q->src = a->src;
	q->dst = a->dst;
	q->sport = a->sport;
	q->dport = a->dport;
	q->proto = a->proto;
	q->type = cmd->opcode;
	q->next = *head;
	*head = q;
	fw->dyn_count++;
	ipfw_dyn_update(ctx, q, a, 1);
	if (!callout_pending(&fw->dyn_tick))
		callout_reset(ctx, &fw->dyn_tick, ff_ms_to_ticks(ctx, 1000),
		    ipfw_dyn_tick, NULL);
	return (0);
full:
	fw->stat.ipfw_dyn_full++;
	return (-1);
}

/* Free the states `gone' says (rule f's, every one, the expired). */
static void
ipfw_dyn_sweep(struct ff_ctx *ctx, const struct ip_fw *f, int expired)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ipfw_dyn **pp;
	uint64_t now = ipfw_uptime(ctx);
	uint32_t i;

	for (i = 0; i < fw->dyn_nbuckets; i++) {
		pp = &fw->dyn_hash[i];
		while (*pp != NULL) {
			if ((expired && (*pp)->expire <= now) ||
			    (!expired && (f == NULL || (*pp)->rule == f))) {
				if (expired)
					fw->stat.ipfw_dyn_expired++;
				ipfw_dyn_unlink(ctx, pp);
			} else
				pp = &(*pp)->next;
		}
	}
}

/* Once a second while there are states: free the expired ones. */
static void
ipfw_dyn_tick(struct ff_ctx *ctx, void *arg)
{
	struct ipfw_state *fw = V_ipfw(ctx);

	ipfw_dyn_sweep(ctx, NULL, 1);
	if (fw->dyn_count != 0)
		callout_reset(ctx, &fw->dyn_tick, ff_ms_to_ticks(ctx, 1000),
		    ipfw_dyn_tick, NULL);
}

void
ipfw_dyn_remove_rule(struct ff_ctx *ctx, const struct ip_fw *f)
{
	ipfw_dyn_sweep(ctx, f, 0);
}

static void
ipfw_dyn_export(
    struct ff_ctx *ctx, const struct ipfw_dyn *q, struct ff_ipfw_dyn *d)
{
	uint64_t now = ipfw_uptime(ctx);

	memset(d, 0, sizeof(*d));
	d->d_rulenum = q->rule->rulenum;
	d->d_proto = q->proto;
	d->d_type = q->type;
	d->d_expire = q->expire > now ? (uint32_t)(q->expire - now) : 0;
	d->d_src = q->src.s_addr;
	d->d_dst = q->dst.s_addr;
	d->d_sport = q->sport;
	d->d_dport = q->dport;
	d->d_state = q->state;
	d->d_pcnt = q->pcnt;
	d->d_bcnt = q->bcnt;
}

int
ipfw_dyn_list(struct ff_ctx *ctx, void *out, size_t cap, uint32_t *count,
    size_t *used, uint64_t *cursor)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ff_ipfw_dyn *d = out;
	const struct ipfw_dyn *q;
	uint64_t seen = 0, skip = *cursor;
	uint32_t i;

	*count = 0;
	*used = 0;
	for (i = 0; i < fw->dyn_nbuckets; i++)
		for (q = fw->dyn_hash[i]; q != NULL; q = q->next) {
			if (seen++ < skip)
				continue;
			if (*used + sizeof(*d) > cap) {
				*cursor = seen - 1;
				return (ENOMEM);
			}
			ipfw_dyn_export(ctx, q, &d[(*count)++]);
			*used += sizeof(*d);
		}
	*cursor = 0;
	return (0);
}

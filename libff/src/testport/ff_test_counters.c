/*
 * ff_test_counters.c - read any stack counter by name, for tests.
 *
 * Entry point: ff_test_counter().  Names: a prefix for the stats struct
 * and the field's name, e.g. "ip.ips_badsum", "icmp.icps_outhist.0"
 * (arrays by index), "tcp.tcps_rcvbadsum", "udpx.*", "so.sos_created";
 * the field tables come from the structs' own lists (kern_sysctl_stats.h),
 * so a field is never named twice.  Also "icmp.ratelimited",
 * "icmp.bandlim.rst_closedport", "if.f-stack-0.ierrors", and the gauges
 * "ip.ipq_count", "ip.frag_count", "arp.nentries", "rt.count" (and those
 * of ff_test_tcp.c and ff_test_sock.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/if_var.h"
#include "net/ether_var.h"
#include "net/route.h"
#include "netinet/ip_var.h"
#include "netinet/icmp_var.h"
#include "netinet/arp_var.h"
#include "netinet/tcp_var.h"
#include "netinet/udp_var.h"
#include "kern/uipc_var.h"
#include "testport/ff_testport.h"
#include "testport/ff_test_sock.h"

/*
 * The stats structs by prefix, each field table made from the struct's
 * own list (its _var.h): the struct is that list of uint64_t in order,
 * which STATS_CHECK() holds, so a field's offset is its position.
 */
struct counter_field {
	const char *cf_name;
	uint32_t cf_count; /* 1, or the array's length */
};

#define CF_X(f, ...)	{ #f, 1 },
#define CF_A(f, n, ...) { #f, (n) },
#define CF_TABLE(name, LIST) \
	static const struct counter_field name[] = { LIST(CF_X, CF_A) }

CF_TABLE(ipstat_fields, IPSTAT_LIST);
CF_TABLE(ipxstat_fields, IPXSTAT_LIST);
CF_TABLE(icmpstat_fields, ICMPSTAT_LIST);
CF_TABLE(arpstat_fields, ARPSTAT_LIST);
CF_TABLE(arpxstat_fields, ARPXSTAT_LIST);
CF_TABLE(etherxstat_fields, ETHERXSTAT_LIST);
CF_TABLE(traffic_fields, FF_TRAFFIC_LIST);
CF_TABLE(rssstat_fields, FF_RSSSTAT_LIST);
CF_TABLE(tcpstat_fields, TCPSTAT_LIST);
CF_TABLE(tcpxstat_fields, TCPXSTAT_LIST);
CF_TABLE(udpstat_fields, UDPSTAT_LIST);
CF_TABLE(udpxstat_fields, UDPXSTAT_LIST);
CF_TABLE(sostat_fields, SOSTAT_LIST);

/*
 * Where each set lives: through the subsystem's V_x() pointer (NULL
 * before the stack is attached), or in the context itself.
 */
#define CS_BASE(fn, v, expr)                                             \
	static const uint64_t *fn(struct ff_ctx *ctx)                    \
	{                                                                \
		return ((v) == NULL ? NULL : (const uint64_t *)&(expr)); \
	}

CS_BASE(cs_ip, V_ip(ctx), V_ip(ctx)->ipstat)
CS_BASE(cs_ipx, V_ip(ctx), V_ip(ctx)->ipxstat)
CS_BASE(cs_icmp, V_icmp(ctx), V_icmp(ctx)->icmpstat)
CS_BASE(cs_arp, V_arp(ctx), V_arp(ctx)->arpstat)
CS_BASE(cs_arpx, V_arp(ctx), V_arp(ctx)->arpxstat)
CS_BASE(cs_ether, V_ether(ctx), V_ether(ctx)->etherxstat)
CS_BASE(cs_traffic, ctx, ctx->traffic)
CS_BASE(cs_rss, ctx, ctx->rssstat)
CS_BASE(cs_tcp, V_tcp(ctx), V_tcp(ctx)->tcpstat)
CS_BASE(cs_tcpx, V_tcp(ctx), V_tcp(ctx)->tcpxstat)
CS_BASE(cs_udp, V_udp(ctx), V_udp(ctx)->udpstat)
CS_BASE(cs_udpx, V_udp(ctx), V_udp(ctx)->udpxstat)
CS_BASE(cs_so, V_uipc(ctx), V_uipc(ctx)->us_stat)

#define CS(prefix, tab, fn)                                   \
	{                                                     \
		prefix, tab, sizeof(tab) / sizeof(tab[0]), fn \
	}

static const struct counter_set {
	const char *cs_prefix;
	const struct counter_field *cs_fields;
	size_t cs_nfields;
	const uint64_t *(*cs_base)(struct ff_ctx *);
} counter_sets[] = {
	CS("ip.", ipstat_fields, cs_ip),
	CS("ipx.", ipxstat_fields, cs_ipx),
	CS("icmp.", icmpstat_fields, cs_icmp),
	CS("arp.", arpstat_fields, cs_arp),
	CS("arpx.", arpxstat_fields, cs_arpx),
	CS("ether.", etherxstat_fields, cs_ether),
	CS("traffic.", traffic_fields, cs_traffic),
	CS("rss.", rssstat_fields, cs_rss),
	CS("tcp.", tcpstat_fields, cs_tcp),
	CS("tcpx.", tcpxstat_fields, cs_tcpx),
	CS("udp.", udpstat_fields, cs_udp),
	CS("udpx.", udpxstat_fields, cs_udpx),
	CS("so.", sostat_fields, cs_so),
};

/* "tcps_rcvbadsum", or "icps_inhist.8" for an element of an array. */
static int
field_get(const struct counter_set *cs, const uint64_t *base, const char *name,
    uint64_t *val)
{
	const struct counter_field *cf;
	size_t i, pos = 0, len;
	char *end;
	long n;

	for (i = 0; i < cs->cs_nfields; pos += cs->cs_fields[i++].cf_count) {
		cf = &cs->cs_fields[i];
		len = strlen(cf->cf_name);
		if (strncmp(cf->cf_name, name, len) != 0)
			continue;
		if (cf->cf_count == 1 && name[len] == '\0') {
			*val = base[pos];
			return (0);
		}
		if (cf->cf_count > 1 && name[len] == '.') {
			n = strtol(name + len + 1, &end, 10);
			if (name[len + 1] == '\0' || *end != '\0' || n < 0 ||
			    n >= (long)cf->cf_count)
				return (-ENOENT);
			*val = base[pos + (size_t)n];
			return (0);
		}
	}
	return (-ENOENT);
}

/* A counter of one of the stats structs; -ENOENT when none matches. */
static int
stats_get(struct ff_ctx *ctx, const char *name, uint64_t *val)
{
	const struct counter_set *cs;
	const uint64_t *base;
	size_t i, plen;

	for (i = 0; i < sizeof(counter_sets) / sizeof(counter_sets[0]); i++) {
		cs = &counter_sets[i];
		plen = strlen(cs->cs_prefix);
		if (strncmp(name, cs->cs_prefix, plen) != 0)
			continue;
		if ((base = cs->cs_base(ctx)) == NULL)
			return (-ENOENT);
		return (field_get(cs, base, name + plen, val));
	}
	return (-ENOENT);
}

/* Interface counter names, in enum ift_counter order. */
#define IFC_NAME(N, n) #n,
static const char *const ifcounter_names[IFCOUNTERS] = { IFCOUNTER_LIST(
    IFC_NAME) };

/* The kinds of icmp_ratecheck(), as net.inet.icmp.bandlim.* names them. */
#define BANDLIM_NAME(K, leaf, descr) [BANDLIM_##K] = #leaf,
static const char *const bandlim_names[BANDLIM_MAX] = { BANDLIM_LIST(
    BANDLIM_NAME) };

/* "bandlim.rst_closedport" */
static int
icmp_bandlim_get(struct icmp_state *is, const char *name, uint64_t *val)
{
	int i;

	for (i = 0; i < BANDLIM_MAX; i++)
		if (strcmp(bandlim_names[i], name) == 0) {
			*val = is->lim_dropped[i];
			return (0);
		}
	return (-ENOENT);
}

/* ICMP counters beside struct icmpstat (ours). */
static int
icmp_extra_get(struct icmp_state *is, const char *name, uint64_t *val)
{
	if (strncmp(name, "bandlim.", 8) == 0)
		return (icmp_bandlim_get(is, name + 8, val));
	if (strcmp(name, "ratelimited") == 0)
		*val = is->ratelimited;
	else if (strcmp(name, "unknowntype") == 0)
		*val = is->unknowntype;
	else
		return (-ENOENT);
	return (0);
}

/* "f-stack-0.ierrors" */
static int
if_counter_get(struct ff_ctx *ctx, const char *name, uint64_t *val)
{
	const char *dot = strrchr(name, '.');
	char ifname[IFNAMSIZ];
	struct ifnet *ifp;
	int i;

	if (dot == NULL || (size_t)(dot - name) >= sizeof(ifname))
		return (-ENOENT);
	memcpy(ifname, name, dot - name);
	ifname[dot - name] = '\0';
	if ((ifp = ifunit(ctx, ifname)) == NULL)
		return (-ENOENT);
	for (i = 0; i < IFCOUNTERS; i++) {
		if (strcmp(ifcounter_names[i], dot + 1) == 0) {
			*val = ifp->if_counters[i];
			return (0);
		}
	}
	return (-ENOENT);
}

static int
gauge_get(struct ff_ctx *ctx, const char *name, uint64_t *val)
{
	if (strcmp(name, "ip.ipq_count") == 0)
		*val = (uint64_t)V_ip(ctx)->ipq_count;
	else if (strcmp(name, "ip.frag_count") == 0)
		*val = (uint64_t)V_ip(ctx)->frag_count;
	else if (strcmp(name, "arp.nentries") == 0)
		*val = (uint64_t)V_arp(ctx)->nentries;
	else if (strcmp(name, "rt.count") == 0)
		*val = (uint64_t)V_rt(ctx)->rt_count;
	else
		return (-ENOENT);
	return (0);
}

int
ff_test_counter(struct ff_test *t, const char *name, uint64_t *val)
{
	struct ff_ctx *ctx = t->t_ctx;

	if (gauge_get(ctx, name, val) == 0 || stats_get(ctx, name, val) == 0)
		return (0);
	if (strncmp(name, "icmp.", 5) == 0)
		return (icmp_extra_get(V_icmp(ctx), name + 5, val));
	if (strncmp(name, "if.", 3) == 0)
		return (if_counter_get(ctx, name + 3, val));
	if (strncmp(name, "tcp.", 4) == 0) /* gauges */
		return (ff_test_tcp_counter(ctx, name, val));
	return (ff_test_sock_counter(ctx, name, val)); /* so. gauges */
}

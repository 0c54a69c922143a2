/*
 * ff_test_counters.c - read any stack counter by name, for tests.
 *
 * Entry point: ff_test_counter().  Names: "ip.ips_badsum", "ipx.*",
 * "icmp.icps_reflect", "icmp.icps_outhist.0", "icmp.icps_inhist.8",
 * "icmp.ratelimited", "icmp.bandlim.rst_closedport", "arp.rxrequests", "arpx.*", "ether.ethx_vlandrop",
 * "if.f-stack-0.ierrors", "traffic.tx_dropped", and the gauges
 * "ip.ipq_count", "ip.frag_count", "arp.nentries", "rt.count".
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
#include "testport/ff_testport.h"
#include "testport/ff_test_sock.h"

struct counter_field {
	const char	*cf_name;
	size_t		 cf_off;
};

#define	F(s, f)	{ #f, offsetof(struct s, f) }

static const struct counter_field ipstat_fields[] = {
	F(ipstat, ips_total), F(ipstat, ips_badsum), F(ipstat, ips_tooshort),
	F(ipstat, ips_toosmall), F(ipstat, ips_badhlen),
	F(ipstat, ips_badlen), F(ipstat, ips_fragments),
	F(ipstat, ips_fragdropped), F(ipstat, ips_fragtimeout),
	F(ipstat, ips_forward), F(ipstat, ips_fastforward),
	F(ipstat, ips_cantforward), F(ipstat, ips_redirectsent),
	F(ipstat, ips_noproto), F(ipstat, ips_delivered),
	F(ipstat, ips_localout), F(ipstat, ips_odropped),
	F(ipstat, ips_reassembled), F(ipstat, ips_fragmented),
	F(ipstat, ips_ofragments), F(ipstat, ips_cantfrag),
	F(ipstat, ips_badoptions), F(ipstat, ips_noroute),
	F(ipstat, ips_badvers), F(ipstat, ips_rawout), F(ipstat, ips_toolong),
	F(ipstat, ips_notmember), F(ipstat, ips_nogif),
	F(ipstat, ips_badaddr), { NULL, 0 }
};

static const struct counter_field ipxstat_fields[] = {
	F(ipxstat, ipx_ttlexceeded), F(ipxstat, ipx_loopdrop),
	F(ipxstat, ipx_reassmem), { NULL, 0 }
};

static const struct counter_field icmpstat_fields[] = {
	F(icmpstat, icps_error), F(icmpstat, icps_oldshort),
	F(icmpstat, icps_oldicmp), F(icmpstat, icps_badcode),
	F(icmpstat, icps_tooshort), F(icmpstat, icps_checksum),
	F(icmpstat, icps_badlen), F(icmpstat, icps_reflect),
	F(icmpstat, icps_bmcastecho), F(icmpstat, icps_bmcasttstamp),
	F(icmpstat, icps_badaddr), F(icmpstat, icps_noroute), { NULL, 0 }
};

static const struct counter_field arpstat_fields[] = {
	F(arpstat, txrequests), F(arpstat, txreplies), F(arpstat, rxrequests),
	F(arpstat, rxreplies), F(arpstat, received), F(arpstat, txerrors),
	F(arpstat, dropped), F(arpstat, timeouts), F(arpstat, dupips),
	{ NULL, 0 }
};

static const struct counter_field arpxstat_fields[] = {
	F(arpxstat, arpx_tooshort), F(arpxstat, arpx_badhrd),
	F(arpxstat, arpx_badpro), F(arpxstat, arpx_badlen),
	F(arpxstat, arpx_badop), F(arpxstat, arpx_fromself),
	F(arpxstat, arpx_bcastsrc), F(arpxstat, arpx_badaddr),
	F(arpxstat, arpx_notours), F(arpxstat, arpx_permanent),
	F(arpxstat, arpx_tablefull), { NULL, 0 }
};

static const struct counter_field etherxstat_fields[] = {
	F(etherxstat, ethx_tooshort), F(etherxstat, ethx_vlandrop),
	F(etherxstat, ethx_llc), F(etherxstat, ethx_unknown),
	F(etherxstat, ethx_notours), F(etherxstat, ethx_ifdown),
	F(etherxstat, ethx_nobufs), { NULL, 0 }
};

static const struct counter_field traffic_fields[] = {
	F(ff_traffic, rx_packets), F(ff_traffic, rx_bytes),
	F(ff_traffic, rx_dropped), F(ff_traffic, tx_packets),
	F(ff_traffic, tx_bytes), F(ff_traffic, tx_dropped), { NULL, 0 }
};

static const char *const ifcounter_names[IFCOUNTERS] = {
	"ipackets", "ierrors", "opackets", "oerrors", "collisions", "ibytes",
	"obytes", "imcasts", "omcasts", "iqdrops", "oqdrops", "noproto",
};

static int
field_get(const struct counter_field *tab, const void *base,
    const char *name, uint64_t *val)
{
	for (; tab->cf_name != NULL; tab++) {
		if (strcmp(tab->cf_name, name) == 0) {
			memcpy(val, (const char *)base + tab->cf_off,
			    sizeof(*val));
			return (0);
		}
	}
	return (-ENOENT);
}

/* The kinds of icmp_ratecheck(), as net.inet.icmp.bandlim.* names them. */
static const char *const bandlim_names[BANDLIM_MAX] = {
	[BANDLIM_ICMP_UNREACH] = "icmp_unreach",
	[BANDLIM_ICMP_ECHO] = "icmp_ping",
	[BANDLIM_ICMP_TSTAMP] = "icmp_tstamp",
	[BANDLIM_ICMP_OTHER] = "icmp_other",
	[BANDLIM_RST_CLOSEDPORT] = "rst_closedport",
	[BANDLIM_RST_OPENPORT] = "rst_openport",
};

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

/* "icps_inhist.8" and "icps_outhist.0". */
static int
icmp_hist_get(struct icmp_state *is, const char *name, uint64_t *val)
{
	const uint64_t *h;
	char *end;
	long n;

	if (strncmp(name, "bandlim.", 8) == 0)
		return (icmp_bandlim_get(is, name + 8, val));
	if (strncmp(name, "icps_inhist.", 12) == 0)
		h = is->icmpstat.icps_inhist, name += 12;
	else if (strncmp(name, "icps_outhist.", 13) == 0)
		h = is->icmpstat.icps_outhist, name += 13;
	else if (strcmp(name, "ratelimited") == 0) {
		*val = is->ratelimited;
		return (0);
	} else if (strcmp(name, "unknowntype") == 0) {
		*val = is->unknowntype;
		return (0);
	} else
		return (field_get(icmpstat_fields, &is->icmpstat, name, val));
	n = strtol(name, &end, 10);
	if (*end != '\0' || n < 0 || n > ICMP_MAXTYPE)
		return (-ENOENT);
	*val = h[n];
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

	if (gauge_get(ctx, name, val) == 0)
		return (0);
	if (strncmp(name, "ip.", 3) == 0)
		return (field_get(ipstat_fields, &V_ip(ctx)->ipstat, name + 3,
		    val));
	if (strncmp(name, "ipx.", 4) == 0)
		return (field_get(ipxstat_fields, &V_ip(ctx)->ipxstat,
		    name + 4, val));
	if (strncmp(name, "icmp.", 5) == 0)
		return (icmp_hist_get(V_icmp(ctx), name + 5, val));
	if (strncmp(name, "arp.", 4) == 0)
		return (field_get(arpstat_fields, &V_arp(ctx)->arpstat,
		    name + 4, val));
	if (strncmp(name, "arpx.", 5) == 0)
		return (field_get(arpxstat_fields, &V_arp(ctx)->arpxstat,
		    name + 5, val));
	if (strncmp(name, "ether.", 6) == 0)
		return (field_get(etherxstat_fields,
		    &V_ether(ctx)->etherxstat, name + 6, val));
	if (strncmp(name, "traffic.", 8) == 0)
		return (field_get(traffic_fields, &ctx->traffic, name + 8,
		    val));
	if (strncmp(name, "if.", 3) == 0)
		return (if_counter_get(ctx, name + 3, val));
	if (strncmp(name, "tcp", 3) == 0)	/* tcp.*, tcpx.* */
		return (ff_test_tcp_counter(ctx, name, val));
	return (ff_test_sock_counter(ctx, name, val));	/* udp., so. */
}

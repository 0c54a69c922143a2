/*
 * ff_stack.c - the stack's composition root: attach and detach the
 * protocol stack of a context, and the entry point for received frames.
 *
 * Entry points: ff_stack_attach(), ff_stack_detach(), ff_stack_input(),
 * ff_stack_iteration_end().
 *
 * Attach builds, in order: every protocol's state, the sysctl tree and
 * their sysctls, [freebsd.boot] (before anything a tunable sizes is
 * allocated: tables are sized at first use), lo0 with 127.0.0.1/8, one interface per port with the
 * [portN] address, vip_addr aliases and gateway (the default route), and
 * finally applies [freebsd.sysctl].  Detach undoes it all: interfaces
 * (with their addresses, routes and ARP entries), reassembly queues,
 * every timer and every held mbuf.
 *
 * This is the one file that knows every subsystem: struct ff_stack holds
 * all their states in one allocation, and ctx->vnet points each V_x()
 * shorthand at its part, so that no other file needs the whole list.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <arpa/inet.h>

#include "core/ff_ctx.h"
#include "kern/mbuf.h"
#include "net/ff_port.h"
#include "core/ff_stack.h"
#include "core/ff_dispatch.h"
#include "net/if_var.h"
#include "net/ether_var.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/ip_fw.h"
#include "netinet/icmp_var.h"
#include "netinet/arp_var.h"
#include "kern/uipc_var.h"
#include "kern/protosw.h"
#include "netinet/udp_var.h"
#include "netinet/tcp_var.h"
#include "kern/kern_mbuf.h"
#include "kern/kern_sysctl.h"
#include "core/ff_profile.h"

/* Every subsystem's state; only this file sees the whole. */
struct ff_stack {
	struct if_state st_if;	     /* interfaces (if.c) */
	struct ether_state st_ether; /* if_ethersubr.c */
	struct rt_state st_rt;	     /* routing table (route.c) */
	struct in_state st_in;	     /* IPv4 addresses (in.c) */
	struct arp_state st_arp;     /* ARP (if_ether.c) */
	struct ip_state st_ip;	     /* ip_input/output/reass */
	struct ipfw_state st_ipfw;   /* ip_fw*.c */
	struct icmp_state st_icmp;   /* ip_icmp.c */
	struct uipc_state st_uipc;   /* sockets, descriptors (kern/) */
	struct udp_state st_udp;     /* udp_usrreq.c */
	struct tcp_state st_tcp;     /* tcp_*.c */
	struct mbuf_state st_mbuf;   /* overload (kern_mbuf.c) */
};

static void
stack_vnet(struct ff_vnet *v, struct ff_stack *st)
{
	v->v_if = &st->st_if;
	v->v_ether = &st->st_ether;
	v->v_rt = &st->st_rt;
	v->v_in = &st->st_in;
	v->v_arp = &st->st_arp;
	v->v_ip = &st->st_ip;
	v->v_ipfw = &st->st_ipfw;
	v->v_icmp = &st->st_icmp;
	v->v_uipc = &st->st_uipc;
	v->v_udp = &st->st_udp;
	v->v_tcp = &st->st_tcp;
	v->v_mbuf = &st->st_mbuf;
}

static int
stack_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return (-1);
}

/* Protocol state and sysctls; 0 or -1 with err. */
static int
stack_protocols(struct ff_ctx *ctx, char *err, size_t errlen)
{
	int error;

	if_init(ctx);
	in_init(ctx);
	arp_init(ctx);
	mbuf_init(ctx);
	/* Sockets, then the protocols that register in their switch. */
	if ((error = uipc_init(ctx)) != 0 ||
	    (error = domain_attach(ctx, &inetdomain)) != 0)
		return (
		    stack_err(err, errlen, "sockets: %s", strerror(-error)));
	V_ether(ctx)->vlan_accept = ctx->cfg->dpdk.vlan_accept;
	if ((error = rt_init(ctx)) != 0)
		return (stack_err(
		    err, errlen, "routing table: %s", strerror(-error)));
	if ((error = ipfw_init(ctx)) != 0)
		return (stack_err(err, errlen, "ipfw: %s", strerror(error)));
	if (sysctl_ctx_init(ctx) != 0)
		return (
		    stack_err(err, errlen, "sysctl tree: %s", strerror(errno)));
	if ((error = ip_sysctl_attach(ctx)) != 0 ||
	    (error = ipfw_sysctl_attach(ctx)) != 0 ||
	    (error = icmp_sysctl_attach(ctx)) != 0 ||
	    (error = arp_sysctl_attach(ctx)) != 0 ||
	    (error = ether_sysctl_attach(ctx)) != 0 ||
	    (error = uipc_sysctl_attach(ctx)) != 0 ||
	    (error = udp_sysctl_attach(ctx)) != 0 ||
	    (error = tcp_sysctl_attach(ctx)) != 0 ||
	    (error = mbuf_sysctl_attach(ctx)) != 0 ||
	    (error = ff_dispatch_sysctl_attach(ctx)) != 0)
		return (stack_err(
		    err, errlen, "sysctl registration: %s", strerror(-error)));
	/* Nothing a tunable sizes exists yet: no socket, pcb or table. */
	return (sysctl_boot_apply(ctx, err, errlen));
}

static int
stack_loopback(struct ff_ctx *ctx, char *err, size_t errlen)
{
	struct in_addr a, m, b;
	struct ifnet *lo;
	int error;

	if ((lo = if_attach(ctx, "lo0", IFT_LOOP, NULL)) == NULL)
		return (stack_err(err, errlen, "lo0: %s", strerror(errno)));
	a.s_addr = htonl(INADDR_LOOPBACK);
	m = in_len2mask(8);
	b.s_addr = INADDR_ANY;
	if ((error = in_addr_add(ctx, lo, a, m, b, 0)) != 0)
		return (stack_err(
		    err, errlen, "lo0: 127.0.0.1: %s", strerror(-error)));
	return (0);
}

/* The [portN] section of port p. */
static const struct ff_port_cfg *
stack_port_cfg(struct ff_ctx *ctx, const struct ff_port *p)
{
	const struct ff_config *cfg = ctx->cfg;
	int i;

	for (i = 0; i < FF_MAX_PORTS; i++)
		if (cfg->ports[i].pc_present &&
		    cfg->ports[i].pc_port_id == p->p_port_id)
			return (&cfg->ports[i]);
	return (p->p_port_id < FF_MAX_PORTS ? &cfg->ports[p->p_port_id] : NULL);
}

/* Addresses and the default route of one port's interface. */
static int
stack_port_addrs(struct ff_ctx *ctx, struct ifnet *ifp,
    const struct ff_port_cfg *pc, char *err, size_t errlen)
{
	struct in_addr host = in_len2mask(32), none = { INADDR_ANY };
	struct rt_addinfo ri;
	int error, i;

	if (pc->pc_addr.s_addr != INADDR_ANY &&
	    (error = in_addr_add(ctx, ifp, pc->pc_addr, pc->pc_netmask,
		 pc->pc_broadcast, 0)) != 0)
		return (stack_err(err, errlen, "%s: addr %s: %s", ifp->if_xname,
		    inet_ntoa(pc->pc_addr), strerror(-error)));
	for (i = 0; i < pc->pc_nb_vips; i++)
		if ((error = in_addr_add(
			 ctx, ifp, pc->pc_vips[i], host, none, IA_VIP)) != 0 &&
		    error != -EEXIST)
			return (stack_err(err, errlen, "%s: vip_addr %s: %s",
			    ifp->if_xname, inet_ntoa(pc->pc_vips[i]),
			    strerror(-error)));
	if (!pc->pc_has_gateway || rt_lookup_exact(ctx, none, 0) != NULL)
		return (0);
	memset(&ri, 0, sizeof(ri));
	ri.ra_gateway = pc->pc_gateway;
	ri.ra_flags = RTF_GATEWAY | RTF_STATIC;
	if ((error = rt_add(ctx, &ri)) != 0)
		return (
		    stack_err(err, errlen, "%s: gateway %s: %s", ifp->if_xname,
			inet_ntoa(pc->pc_gateway), strerror(-error)));
	return (0);
}

static int
stack_ports(struct ff_ctx *ctx, char *err, size_t errlen)
{
	const struct ff_port_cfg *pc;
	struct ff_port *p;
	struct ifnet *ifp;
	char name[IFNAMSIZ];
	int i, error;

	for (i = 0; i < ctx->nb_ports; i++) {
		if ((p = ctx->ports[i]) == NULL)
			continue;
		pc = stack_port_cfg(ctx, p);
		if (pc != NULL && pc->pc_if_name[0] != '\0')
			snprintf(name, sizeof(name), "%s", pc->pc_if_name);
		else
			snprintf(
			    name, sizeof(name), "f-stack-%u", p->p_port_id);
		if ((ifp = if_attach(ctx, name, IFT_ETHER, p)) == NULL)
			return (stack_err(
			    err, errlen, "%s: %s", name, strerror(errno)));
		if ((error = ff_port_sysctl_attach(ctx, p)) != 0)
			return (stack_err(err, errlen, "%s: sysctl dev.%s: %s",
			    name, p->p_driver, strerror(-error)));
		if (pc != NULL &&
		    stack_port_addrs(ctx, ifp, pc, err, errlen) != 0)
			return (-1);
	}
	return (0);
}

/* A tunable that only [freebsd.boot] may set (CTLFLAG_RDTUN). */
static int
stack_sysctl_boot_only(struct ff_ctx *ctx, const char *name)
{
	struct sysctl_oid *oidp = sysctl_find_name(ctx, name);

	return (oidp != NULL &&
	    (sysctl_oid_kind(oidp) & (CTLFLAG_TUN | CTLFLAG_WR)) ==
		CTLFLAG_TUN);
}

/*
 * [dpdk] profile's sysctls, before [freebsd.sysctl] and after
 * [freebsd.boot]; one the file sets itself, in either section, is left
 * to the file (core/ff_config_profile.c).
 */
int
ff_profile_sysctl_apply(struct ff_ctx *ctx, char *err, size_t errlen)
{
	const struct ff_config *cfg = ctx->cfg;
	const struct ff_profile *pf = ff_profile_find(cfg->dpdk.profile);
	int i, error;

	if (pf == NULL)
		return (0);
	for (i = 0; i < FF_PROFILE_NSYSCTL; i++) {
		const char *name = pf->pf_sysctl[i].ps_name;

		if (name == NULL || ff_profile_sysctl_given(cfg, name))
			continue;
		error = sysctl_set_string(ctx, name, pf->pf_sysctl[i].ps_value);
		if (error != 0)
			return (stack_err(err, errlen,
			    "[dpdk] profile %s: %s=%s: %s", pf->pf_name, name,
			    pf->pf_sysctl[i].ps_value, strerror(error)));
	}
	return (0);
}

/* An integer sysctl's value for the log; -1 if it cannot be read. */
static int
stack_sysctl_int(struct ff_ctx *ctx, const char *name)
{
	struct sysctl_oid *oidp = sysctl_find_name(ctx, name);
	size_t len = 0;
	int v = -1;

	if (oidp == NULL ||
	    sysctl_oid_read(ctx, oidp, &v, sizeof(v), &len) != 0 ||
	    len != sizeof(v))
		return (-1);
	return (v);
}

void
ff_profile_log(struct ff_ctx *ctx, FILE *f)
{
	const struct ff_dpdk_cfg *d = &ctx->cfg->dpdk;

	fprintf(f,
	    "ff: profile %s: pkt_tx_delay %d us, rx_burst %d, "
	    "timer_slack %d us, idle_sleep %d us, idle_spin %d us, "
	    "net.inet.tcp.delayed_ack %d, delacktime %d ms\n",
	    d->profile[0] != '\0' ? d->profile : "none", d->pkt_tx_delay,
	    d->rx_burst, (int)(prctl(PR_GET_TIMERSLACK) / 1000), d->idle_sleep,
	    d->idle_spin, stack_sysctl_int(ctx, "net.inet.tcp.delayed_ack"),
	    stack_sysctl_int(ctx, "net.inet.tcp.delacktime"));
}

/* [freebsd.sysctl], after everything registered its nodes. */
static int
stack_sysctl_config(struct ff_ctx *ctx, char *err, size_t errlen)
{
	const struct ff_config *cfg = ctx->cfg;
	const struct ff_kv *kv;
	int i, error;

	for (i = 0; i < cfg->nb_sysctl; i++) {
		kv = &cfg->sysctl[i];
		error = sysctl_set_string(ctx, kv->kv_name, kv->kv_value);
		if (error == EPERM && stack_sysctl_boot_only(ctx, kv->kv_name))
			return (stack_err(err, errlen,
			    "%s:%d: [freebsd.sysctl] %s: read-only at run "
			    "time; set it in [freebsd.boot]",
			    cfg->path[0] ? cfg->path : "config", kv->kv_line,
			    kv->kv_name));
		if (error != 0)
			return (stack_err(err, errlen,
			    "%s:%d: [freebsd.sysctl] %s: %s",
			    cfg->path[0] ? cfg->path : "config", kv->kv_line,
			    kv->kv_name, strerror(error)));
	}
	return (0);
}

int
ff_stack_attach(struct ff_ctx *ctx, char *err, size_t errlen)
{
	if ((ctx->stack = calloc(1, sizeof(*ctx->stack))) == NULL) {
		errno = ENOMEM;
		return (stack_err(err, errlen, "stack: %s", strerror(ENOMEM)));
	}
	stack_vnet(&ctx->vnet, ctx->stack);
	if (stack_protocols(ctx, err, errlen) != 0 ||
	    stack_loopback(ctx, err, errlen) != 0 ||
	    stack_ports(ctx, err, errlen) != 0 ||
	    ff_profile_sysctl_apply(ctx, err, errlen) != 0 ||
	    stack_sysctl_config(ctx, err, errlen) != 0)
		goto fail;
	return (0);
fail:
	ff_stack_detach(ctx);
	errno = EINVAL;
	return (-1);
}

void
ff_stack_detach(struct ff_ctx *ctx)
{
	if (ctx->stack == NULL)
		return;
	/*
	 * Descriptors and sockets first, while the protocols are up; then
	 * the protocols' pr_destroy (TCP, UDP, IP: connections left, pcb
	 * tables, reassembly queues) before uipc_fini() frees the zones.
	 */
	uipc_drain(ctx);
	domain_detach(ctx);
	uipc_fini(ctx);
	ipfw_fini(ctx);
	if_fini(ctx);
	arp_fini(ctx);
	rt_fini(ctx);
	sysctl_ctx_fini(ctx);
	free(ctx->stack);
	ctx->stack = NULL;
	memset(&ctx->vnet, 0, sizeof(ctx->vnet));
}

void
ff_stack_input(
    struct ff_ctx *ctx, struct ff_port *p, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	if (ctx->stack == NULL || p->p_ifp == NULL) {
		ctx->traffic.rx_dropped += n;
		m_freem_bulk(pkts, n);
		return;
	}
	(void)mbuf_pressure_update(ctx);
	for (i = 0; i < n; i++)
		ether_input_consume(ctx, p->p_ifp, pkts[i]);
}

void
ff_stack_iteration_end(struct ff_ctx *ctx)
{
	if (ctx->stack == NULL)
		return;
	/* Refused segments first: the ACKs owed may ride on them. */
	tcp_sndfull_kick(ctx);
	tcp_delack_loop_flush(ctx);
}

/*
 * ff_stack_var.h - struct ff_stack: the protocols' state of one context
 * (ctx->stack).  Each subsystem owns its part, declared in its own _var.h.
 */
#ifndef _FF_STACK_VAR_H_
#define _FF_STACK_VAR_H_

#include "net/if_var.h"
#include "net/ether_var.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/icmp_var.h"
#include "netinet/arp_var.h"
#include "kern/uipc_var.h"	/* sockets (issue 4) */
#include "netinet/in_pcb.h"
#include "netinet/udp_var.h"
#include "netinet/tcp_var.h"
#include "kern/kern_mbuf.h"

struct ff_stack {
	struct if_state		st_if;		/* interfaces (if.c) */
	struct ether_state	st_ether;	/* if_ethersubr.c */
	struct rt_state		st_rt;		/* routing table (route.c) */
	struct in_state		st_in;		/* IPv4 addresses (in.c) */
	struct arp_state	st_arp;		/* ARP (if_ether.c) */
	struct ip_state		st_ip;		/* ip_input/output/reass */
	struct icmp_state	st_icmp;	/* ip_icmp.c */
	/*
	 * Sockets, descriptors, kqueue/epoll (src/kern/uipc_*.c), UDP, and
	 * the TCP pcb table: st_tcbinfo is set up by uipc_init() and torn
	 * down by uipc_fini(); tcp_* only uses it (V_tcbinfo).
	 */
	struct uipc_state	st_uipc;
	struct udp_state	st_udp;		/* udp_usrreq.c */
	struct inpcbinfo	st_tcbinfo;	/* TCP pcbs */
	struct tcp_state	st_tcp;		/* tcp_*.c */
	struct mbuf_state	st_mbuf;	/* overload (kern_mbuf.c) */
};

/* Shorthands, FreeBSD's V_ style. */
#define	V_if(ctx)	(&(ctx)->stack->st_if)
#define	V_ether(ctx)	(&(ctx)->stack->st_ether)
#define	V_rt(ctx)	(&(ctx)->stack->st_rt)
#define	V_in(ctx)	(&(ctx)->stack->st_in)
#define	V_arp(ctx)	(&(ctx)->stack->st_arp)
#define	V_ip(ctx)	(&(ctx)->stack->st_ip)
#define	V_icmp(ctx)	(&(ctx)->stack->st_icmp)
#define	V_uipc(ctx)	(&(ctx)->stack->st_uipc)
#define	V_udp(ctx)	(&(ctx)->stack->st_udp)
#define	V_udbinfo(ctx)	(&(ctx)->stack->st_udp.udbinfo)
#define	V_tcbinfo(ctx)	(&(ctx)->stack->st_tcbinfo)
#define	UDPSTAT_INC(ctx, f)	(V_udp(ctx)->udpstat.f++)
#define	IPSTAT_INC(ctx, f)	(V_ip(ctx)->ipstat.f++)
#define	ICMPSTAT_INC(ctx, f)	(V_icmp(ctx)->icmpstat.f++)
#define	ARPSTAT_INC(ctx, f)	(V_arp(ctx)->arpstat.f++)

#endif /* _FF_STACK_VAR_H_ */

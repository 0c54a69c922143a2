/*
 * ip_fw_nat.c - ipfw's in-stack NAT (FreeBSD's `ipfw nat N config ...'
 * over libalias, netpfil/ipfw/ip_fw_nat.c): instances, their states, and
 * the translation the rule action `nat N' applies.
 *
 * Entry points: ipfw_nat_init(), ipfw_nat_fini(), ipfw_nat() (the
 * action, from ip_fw2.c), ipfw_nat_config(), ipfw_nat_delete(),
 * ipfw_nat_get() (FF_MSG_IPFW NAT, from net/ipfw_msg.c).
 *
 * Semantics, as libalias(3) and ipfw(8) describe them:
 *  - inbound packets (ip_input) are de-aliased: a state whose alias
 *    address and port and remote end match gives the local address and
 *    port back; else a redirect_port of the destination address and port
 *    makes a state towards one of its backends, taken in turn (the
 *    LSNAT of RFC 2391: a layer-4 load balancer); else redirect_addr
 *    rewrites the destination; else the packet goes on unchanged.
 *  - outbound packets (ip_output, forwarded ones too) are aliased: the
 *    state of the flow gives the alias address and port (the reply of a
 *    backend leaves with the virtual address and port); else
 *    redirect_addr rewrites the source; else a new state takes the
 *    instance's address and a port: the local one with same_ports when
 *    it is free, else one drawn from 32768..65535.
 *  - TCP, UDP and ICMP echo (the identifier as the port); other packets
 *    only by redirect_addr.  Fragments after the first cannot be
 *    matched to a state: dropped and counted.
 *  - States live in a table of at most net.inet.ip.fw.nat_max per
 *    instance; when it is full, expired states are reclaimed, then the
 *    packet is dropped and counted (n_full).  Lifetimes are libalias's:
 *    ICMP and UDP 60 s, TCP 300 s before both SYNs, 86400 s established,
 *    10 s after both FINs or an RST.
 *  - reset: a configuration with a new address drops every state.
 *
 * Checksums are updated, not recomputed (RFC 1624 eqn. 3: HC' = ~(~HC +
 * ~m + m')), for the IP header and for TCP / UDP (pseudo-header address
 * and port) and ICMP (identifier).  A UDP checksum of 0 (none) stays 0.
 * A TSO super-segment (the NIC computes each segment's checksum), and a
 * segment or datagram whose sum is left to the interface (CSUM_IP_TCP,
 * CSUM_IP_UDP: ours on the way out, before ip_output completes it),
 * hold the pseudo-header sum, not inverted: only addresses adjust it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "core/ff_ctx.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/ip_icmp.h"
#include "netinet/tcp.h"
#include "netinet/ip_fw.h"
#include "kern/libkern.h"
#include "kern/mbuf.h"

#define NAT_BUCKETS	    4096 /* per direction, per instance */
#define NAT_PORT_BASE	    0x8000
#define NAT_PORT_TRIES	    64
#define NAT_EXPIRE_ICMP	    60
#define NAT_EXPIRE_UDP	    60
#define NAT_EXPIRE_TCP_INIT 300
#define NAT_EXPIRE_TCP_CONN 86400
#define NAT_EXPIRE_TCP_DEAD 10

/* TCP progress of a state: flags seen inbound | outbound << 4. */
#define NS_SYN_IN  0x01
#define NS_FIN_IN  0x02
#define NS_SYN_OUT 0x10
#define NS_FIN_OUT 0x20
#define NS_RST	   0x80

/* One translation: local (laddr, lport) is seen outside as (aaddr, aport). */
struct ipfw_nat_link {
	struct ipfw_nat_link *in_next;	/* chain of the inbound hash */
	struct ipfw_nat_link *out_next; /* chain of the outbound hash */
	struct in_addr laddr, aaddr, raddr;
	uint16_t lport, aport, rport; /* host order; ICMP: the identifier */
	uint8_t proto;
	uint8_t tcp;	 /* NS_* */
	uint64_t expire; /* uptime, seconds */
};

struct ipfw_nat {
	struct ipfw_nat *next;
	struct ff_ipfw_nat cfg;		 /* n_id, n_flags, n_ip, counters */
	struct ff_ipfw_nat_redir *redir; /* cfg.n_nredir */
	uint32_t *turn;			 /* next backend of each redirect */
	struct ipfw_nat_link **in_hash;
	struct ipfw_nat_link **out_hash;
};

int
ipfw_nat_init(struct ff_ctx *ctx)
{
	struct ipfw_state *fw = V_ipfw(ctx);

	fw->nat_head = NULL;
	fw->nat_max = 65536;
	return (0);
}

/* --- states -------------------------------------------------------------- */

static uint32_t
nat_hash(
    uint8_t proto, struct in_addr a, uint16_t ap, struct in_addr r, uint16_t rp)
{
	uint64_t h = (uint64_t)a.s_addr * 0x9e3779b97f4a7c15ull;

	h ^= ((uint64_t)r.s_addr << 16 | ap) * 0xc2b2ae3d27d4eb4full;
	h ^= ((uint64_t)rp << 8 | proto) * 0x165667b19e3779f9ull;
	return ((uint32_t)(h >> 40) & (NAT_BUCKETS - 1));
}

static uint32_t
nat_in_hash(const struct ipfw_nat_link *l)
{
	return (nat_hash(l->proto, l->aaddr, l->aport, l->raddr, l->rport));
}

static uint32_t
nat_out_hash(const struct ipfw_nat_link *l)
{
	return (nat_hash(l->proto, l->laddr, l->lport, l->raddr, l->rport));
}

static void
nat_count(struct ipfw_nat *n, uint8_t proto, int delta)
{
	n->cfg.n_states += (uint32_t)delta;
	if (proto == IPPROTO_TCP)
		n->cfg.n_tcp += (uint32_t)delta;
	else if (proto == IPPROTO_UDP)
		n->cfg.n_udp += (uint32_t)delta;
	else
		n->cfg.n_icmp += (uint32_t)delta;
}

/* Unlink l from both chains and free it. */
static void
nat_link_free(struct ipfw_nat *n, struct ipfw_nat_link *l)
{
	struct ipfw_nat_link **pp;

	for (pp = &n->in_hash[nat_in_hash(l)]; *pp != l; pp = &(*pp)->in_next)
		;
	*pp = l->in_next;
	for (pp = &n->out_hash[nat_out_hash(l)]; *pp != l;
	     pp = &(*pp)->out_next)
		;
	*pp = l->out_next;
	nat_count(n, l->proto, -1);
	free(l);
}

static void
nat_free_all(struct ipfw_nat *n)
{
	struct ipfw_nat_link *l, *next;
	uint32_t i;

	for (i = 0; i < NAT_BUCKETS; i++)
		for (l = n->in_hash[i]; l != NULL; l = next) {
			next = l->in_next;
			free(l);
		}
	memset(n->in_hash, 0, NAT_BUCKETS * sizeof(*n->in_hash));
	memset(n->out_hash, 0, NAT_BUCKETS * sizeof(*n->out_hash));
	n->cfg.n_states = n->cfg.n_tcp = n->cfg.n_udp = n->cfg.n_icmp = 0;
}

/* Free the expired states; how many. */
static uint32_t
nat_reclaim(struct ff_ctx *ctx, struct ipfw_nat *n)
{
	uint64_t now = ipfw_uptime(ctx);
	struct ipfw_nat_link *l, *next;
	uint32_t i, k = 0;

	for (i = 0; i < NAT_BUCKETS; i++)
		for (l = n->in_hash[i]; l != NULL; l = next) {
			next = l->in_next;
			if (l->expire <= now) {
				nat_link_free(n, l);
				k++;
			}
		}
	n->cfg.n_expired += k;
	return (k);
}

static int
nat_expired(struct ff_ctx *ctx, struct ipfw_nat *n, struct ipfw_nat_link *l)
{
	if (l->expire > ipfw_uptime(ctx))
		return (0);
	nat_link_free(n, l);
	n->cfg.n_expired++;
	return (1);
}

/* The state whose outside end is (a, ap) talking to (r, rp). */
static struct ipfw_nat_link *
nat_lookup_in(struct ff_ctx *ctx, struct ipfw_nat *n, uint8_t proto,
    struct in_addr a, uint16_t ap, struct in_addr r, uint16_t rp)
{
	struct ipfw_nat_link *l;

	for (l = n->in_hash[nat_hash(proto, a, ap, r, rp)]; l != NULL;
	     l = l->in_next)
		if (l->proto == proto && l->aport == ap && l->rport == rp &&
		    l->aaddr.s_addr == a.s_addr && l->raddr.s_addr == r.s_addr)
			return (nat_expired(ctx, n, l) ? NULL : l);
	return (NULL);
}

/* The state whose inside end is (a, ap) talking to (r, rp). */
static struct ipfw_nat_link *
nat_lookup_out(struct ff_ctx *ctx, struct ipfw_nat *n, uint8_t proto,
    struct in_addr a, uint16_t ap, struct in_addr r, uint16_t rp)
{
	struct ipfw_nat_link *l;

	for (l = n->out_hash[nat_hash(proto, a, ap, r, rp)]; l != NULL;
	     l = l->out_next)
		if (l->proto == proto && l->lport == ap && l->rport == rp &&
		    l->laddr.s_addr == a.s_addr && l->raddr.s_addr == r.s_addr)
			return (nat_expired(ctx, n, l) ? NULL : l);
	return (NULL);
}

static void
nat_touch(struct ff_ctx *ctx, struct ipfw_nat_link *l, uint8_t flags, int out)
{
	uint32_t life;

	if (l->proto == IPPROTO_TCP) {
		if (flags & TH_RST)
			l->tcp |= NS_RST;
		if (flags & TH_SYN)
			l->tcp |= out ? NS_SYN_OUT : NS_SYN_IN;
		if (flags & TH_FIN)
			l->tcp |= out ? NS_FIN_OUT : NS_FIN_IN;
		if ((l->tcp & NS_RST) ||
		    (l->tcp & (NS_FIN_IN | NS_FIN_OUT)) ==
			(NS_FIN_IN | NS_FIN_OUT))
			life = NAT_EXPIRE_TCP_DEAD;
		else if ((l->tcp & (NS_SYN_IN | NS_SYN_OUT)) ==
		    (NS_SYN_IN | NS_SYN_OUT))
			life = NAT_EXPIRE_TCP_CONN;
		else
			life = NAT_EXPIRE_TCP_INIT;
	} else
		life =
		    l->proto == IPPROTO_UDP ? NAT_EXPIRE_UDP : NAT_EXPIRE_ICMP;
	l->expire = ipfw_uptime(ctx) + life;
}

/* A new state copied from tmpl (chains aside); NULL when full. */
static struct ipfw_nat_link *
nat_link_add(
    struct ff_ctx *ctx, struct ipfw_nat *n, const struct ipfw_nat_link *tmpl)
{
	struct ipfw_nat_link *l;
	uint32_t h;

	if (n->cfg.n_states >= (uint32_t)V_ipfw(ctx)->nat_max &&
	    nat_reclaim(ctx, n) == 0) {
		n->cfg.n_full++;
		return (NULL);
	}
	if ((l = malloc(sizeof(*l))) == NULL) {
		n->cfg.n_full++;
		return (NULL);
	}
	*l = *tmpl;
	h = nat_in_hash(l);
	l->in_next = n->in_hash[h];
	n->in_hash[h] = l;
	h = nat_out_hash(l);
	l->out_next = n->out_hash[h];
	n->out_hash[h] = l;
	nat_count(n, l->proto, 1);
	n->cfg.n_new++;
	return (l);
}

/* --- checksums (RFC 1624) ------------------------------------------------ */

/* Replace the 16-bit words old by new under the inverted sum *sum. */
static void
nat_cksum_adj(void *sum, const void *old, const void *new, size_t len)
{
	const uint16_t *o = old, *n = new;
	uint16_t s16;
	uint32_t s;
	size_t i;

	memcpy(&s16, sum, 2);
	s = (uint16_t)~s16;
	for (i = 0; i < len / 2; i++)
		s += (uint16_t)~o[i] + (uint32_t)n[i];
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s16 = (uint16_t)~s;
	memcpy(sum, &s16, 2);
}

/* The same for a sum kept not inverted (a pseudo-header for the NIC). */
static void
nat_cksum_adj_raw(void *sum, const void *old, const void *new, size_t len)
{
	const uint16_t *o = old, *n = new;
	uint16_t s16;
	uint32_t s;
	size_t i;

	memcpy(&s16, sum, 2);
	s = s16;
	for (i = 0; i < len / 2; i++)
		s += (uint16_t)~o[i] + (uint32_t)n[i];
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s16 = (uint16_t)s;
	memcpy(sum, &s16, 2);
}

/* Where a packet's rewritable fields are, in its first segment. */
struct nat_pkt {
	ip_hdr_t *ip;
	uint8_t *l4;	/* NULL: no ports (other protocols) */
	uint8_t *sum;	/* the L4 checksum field; NULL: none */
	int pseudo;	/* the L4 sum covers the addresses */
	int offload;	/* the NIC computes it: pseudo-header sum inside */
	uint8_t *sport; /* source port / ICMP identifier */
	uint8_t *dport; /* destination port; NULL for ICMP */
};

/*
 * Rewrite the source (src 1) or destination address and port.  The IP
 * header is only 2-byte aligned (after Ethernet's 14 bytes): addresses
 * are copied, never read through a struct in_addr pointer.
 */
static void
nat_rewrite(struct nat_pkt *p, int src, struct in_addr a, uint16_t port)
{
	uint8_t *ap = (uint8_t *)p->ip +
	    (src ? offsetof(ip_hdr_t, ip_src) : offsetof(ip_hdr_t, ip_dst));
	uint8_t *pp = src ? p->sport : p->dport;
	uint16_t np = htons(port), op;
	struct in_addr old;

	memcpy(&old, ap, sizeof(old));
	if (old.s_addr != a.s_addr) {
		nat_cksum_adj(&p->ip->ip_sum, &old, &a, 4);
		if (p->sum != NULL && p->pseudo && p->offload)
			nat_cksum_adj_raw(p->sum, &old, &a, 4);
		else if (p->sum != NULL && p->pseudo)
			nat_cksum_adj(p->sum, &old, &a, 4);
		memcpy(ap, &a, sizeof(a));
	}
	if (p->l4 == NULL)
		return;
	if (pp == NULL) /* ICMP: the identifier is the source port */
		pp = p->sport;
	memcpy(&op, pp, 2);
	if (op == np)
		return;
	if (p->sum != NULL && !p->offload)
		nat_cksum_adj(p->sum, &op, &np, 2);
	memcpy(pp, &np, 2);
}

/*
 * Locate the fields of a->m: 0, or -1 when the datagram is shorter than
 * the header bytes NAT rewrites.  A port may cut a frame anywhere: those
 * bytes are made contiguous first.
 */
static int
nat_pkt_map(const struct ip_fw_args *a, struct nat_pkt *p)
{
	uint32_t need = 0;

	memset(p, 0, sizeof(*p));
	if (a->has_ports)
		need = a->proto == IPPROTO_TCP ? 18 : 8;
	else if (a->proto == IPPROTO_ICMP &&
	    (a->icmp_type == ICMP_ECHO || a->icmp_type == ICMP_ECHOREPLY))
		need = 8;
	if (need != 0 &&
	    (a->iplen < a->hlen + need ||
		m_pullup(a->m, (uint32_t)a->hlen + need) != 0))
		return (-1);
	p->ip = mtod(a->m, ip_hdr_t *);
	if (need == 0)
		return (0);
	p->l4 = (uint8_t *)p->ip + a->hlen;
	p->sport = p->l4;
	switch (a->proto) {
	case IPPROTO_TCP:
		p->dport = p->l4 + 2;
		p->sum = p->l4 + 16;
		p->pseudo = 1;
		/* TSO, or a sum left to the link: th_sum is a pseudo sum. */
		p->offload = (m_pkthdr(a->m)->csum_flags &
				 (CSUM_IP_TSO | CSUM_IP_TCP)) != 0;
		break;
	case IPPROTO_UDP:
		p->dport = p->l4 + 2;
		p->sum = p->l4 + 6;
		p->pseudo = 1;
		if (p->sum[0] == 0 && p->sum[1] == 0)
			p->sum = NULL; /* RFC 768: no checksum */
		p->offload = (m_pkthdr(a->m)->csum_flags & CSUM_IP_UDP) != 0;
		break;
	default: /* ICMP echo: identifier at 4, sum at 2, no pseudo */
		p->sport = p->l4 + 4;
		p->sum = p->l4 + 2;
		break;
	}
	return (0);
}

/* --- translation --------------------------------------------------------- */

static struct ipfw_nat *
nat_find(struct ipfw_state *fw, uint32_t id)
{
	struct ipfw_nat *n;

	for (n = fw->nat_head; n != NULL; n = n->next)
		if (n->cfg.n_id == id)
			return (n);
	return (NULL);
}

/* The flow's ports seen from outside: local (sport) and remote (dport). */
static void
nat_ports(const struct ip_fw_args *a, const struct nat_pkt *p, int out,
    uint16_t *mine, uint16_t *peer)
{
	uint16_t id;

	if (a->has_ports) {
		*mine = out ? a->sport : a->dport;
		*peer = out ? a->dport : a->sport;
		return;
	}
	*mine = *peer = 0;
	if (p->l4 != NULL && a->proto == IPPROTO_ICMP) {
		memcpy(&id, p->sport, 2);
		*mine = ntohs(id);
	}
}

/* redirect_port of (proto, addr, port) inbound: its index, or -1. */
static int
nat_redir_port(
    struct ipfw_nat *n, uint8_t proto, struct in_addr dst, uint16_t port)
{
	const struct ff_ipfw_nat_redir *r;
	uint32_t pa;
	int i;

	for (i = 0; i < n->cfg.n_nredir; i++) {
		r = &n->redir[i];
		pa = r->r_paddr != 0 ? r->r_paddr : n->cfg.n_ip;
		if (r->r_mode == FF_NAT_REDIR_PORT && r->r_proto == proto &&
		    r->r_pport == port && pa == dst.s_addr)
			return (i);
	}
	return (-1);
}

/* redirect_addr whose public (out 0) or local (out 1) address is a. */
static const struct ff_ipfw_nat_redir *
nat_redir_addr(struct ipfw_nat *n, struct in_addr a, int out)
{
	const struct ff_ipfw_nat_redir *r;
	int i;

	for (i = 0; i < n->cfg.n_nredir; i++) {
		r = &n->redir[i];
		if (r->r_mode == FF_NAT_REDIR_ADDR &&
		    (out ? r->r_laddr[0] : r->r_paddr) == a.s_addr)
			return (r);
	}
	return (NULL);
}

/* Inbound: de-alias. */
static int
nat_in(struct ff_ctx *ctx, struct ipfw_nat *n, struct ip_fw_args *a,
    struct nat_pkt *p)
{
	const struct ff_ipfw_nat_redir *ra;
	struct ipfw_nat_link *l, t;
	uint16_t mine, peer;
	uint32_t k;
	int r;

	nat_ports(a, p, 0, &mine, &peer);
	if (p->l4 != NULL &&
	    !(a->proto == IPPROTO_ICMP && a->icmp_type != ICMP_ECHOREPLY)) {
		l = nat_lookup_in(ctx, n, a->proto, a->dst, mine, a->src, peer);
		if (l == NULL && a->has_ports &&
		    (r = nat_redir_port(n, a->proto, a->dst, mine)) >= 0) {
			memset(&t, 0, sizeof(t));
			k = n->turn[r]++ % n->redir[r].r_nlocal;
			t.proto = a->proto;
			t.aaddr = a->dst;
			t.aport = mine;
			t.raddr = a->src;
			t.rport = peer;
			t.laddr.s_addr = n->redir[r].r_laddr[k];
			t.lport = n->redir[r].r_lport[k];
			if ((l = nat_link_add(ctx, n, &t)) == NULL)
				return (IP_FW_DENY);
			n->redir[r].r_flows[k]++;
		}
		if (l != NULL) {
			nat_touch(ctx, l, a->tcpflags, 0);
			nat_rewrite(p, 0, l->laddr, l->lport);
			n->cfg.n_in++;
			return (IP_FW_PASS);
		}
	}
	if ((ra = nat_redir_addr(n, a->dst, 0)) != NULL) {
		struct in_addr la = { .s_addr = ra->r_laddr[0] };

		nat_rewrite(p, 0, la, mine);
		n->cfg.n_in++;
	}
	return (IP_FW_PASS);
}

/* An alias port for a new outbound flow: 0, or -1 when none is free. */
static int
nat_alias_port(struct ff_ctx *ctx, struct ipfw_nat *n, struct ipfw_nat_link *t)
{
	uint16_t port = t->lport;
	int i;

	if ((n->cfg.n_flags & FF_NAT_SAME_PORTS) && port != 0 &&
	    nat_lookup_in(
		ctx, n, t->proto, t->aaddr, port, t->raddr, t->rport) == NULL) {
		t->aport = port;
		return (0);
	}
	for (i = 0; i < NAT_PORT_TRIES; i++) {
		port = (uint16_t)(NAT_PORT_BASE + (ff_random64() & 0x7fff));
		if (nat_lookup_in(ctx, n, t->proto, t->aaddr, port, t->raddr,
			t->rport) == NULL) {
			t->aport = port;
			return (0);
		}
	}
	return (-1);
}

/* Outbound: alias. */
static int
nat_out(struct ff_ctx *ctx, struct ipfw_nat *n, struct ip_fw_args *a,
    struct nat_pkt *p)
{
	const struct ff_ipfw_nat_redir *ra;
	struct ipfw_nat_link *l = NULL, t;
	struct in_addr pa;
	uint16_t mine, peer;

	nat_ports(a, p, 1, &mine, &peer);
	if (p->l4 != NULL &&
	    !(a->proto == IPPROTO_ICMP && a->icmp_type != ICMP_ECHO))
		l = nat_lookup_out(
		    ctx, n, a->proto, a->src, mine, a->dst, peer);
	if (l == NULL && (ra = nat_redir_addr(n, a->src, 1)) != NULL) {
		pa.s_addr = ra->r_paddr;
		nat_rewrite(p, 1, pa, mine);
		n->cfg.n_out++;
		return (IP_FW_PASS);
	}
	if (l == NULL) {
		/* Our own address, or nothing to key a state on: as is. */
		if (p->l4 == NULL || a->src.s_addr == n->cfg.n_ip ||
		    (a->proto == IPPROTO_ICMP && a->icmp_type != ICMP_ECHO))
			return (IP_FW_PASS);
		memset(&t, 0, sizeof(t));
		t.proto = a->proto;
		t.laddr = a->src;
		t.lport = mine;
		t.raddr = a->dst;
		t.rport = peer;
		t.aaddr.s_addr = n->cfg.n_ip;
		if (nat_alias_port(ctx, n, &t) != 0) {
			n->cfg.n_full++;
			return (IP_FW_DENY);
		}
		if ((l = nat_link_add(ctx, n, &t)) == NULL)
			return (IP_FW_DENY);
	}
	nat_touch(ctx, l, a->tcpflags, 1);
	nat_rewrite(p, 1, l->aaddr, l->aport);
	n->cfg.n_out++;
	return (IP_FW_PASS);
}

int
ipfw_nat(struct ff_ctx *ctx, struct ip_fw_args *a, uint32_t id)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ipfw_nat *n;
	struct nat_pkt p;

	/* ipfw(8): a rule naming an instance that does not exist denies. */
	if ((n = nat_find(fw, id)) == NULL)
		return (IP_FW_DENY);
	if (a->frag) {
		n->cfg.n_frag++;
		return (IP_FW_DENY);
	}
	if (nat_pkt_map(a, &p) != 0) {
		fw->stat.ipfw_short++;
		return (IP_FW_DENY);
	}
	return (a->out ? nat_out(ctx, n, a, &p) : nat_in(ctx, n, a, &p));
}

/* --- configuration ------------------------------------------------------- */

static int
nat_redir_ok(const struct ff_ipfw_nat_redir *r)
{
	uint32_t i;

	switch (r->r_mode) {
	case FF_NAT_REDIR_ADDR:
		return (
		    r->r_nlocal == 1 && r->r_paddr != 0 && r->r_laddr[0] != 0);
	case FF_NAT_REDIR_PORT:
		if ((r->r_proto != IPPROTO_TCP && r->r_proto != IPPROTO_UDP) ||
		    r->r_pport == 0 || r->r_nlocal == 0 ||
		    r->r_nlocal > FF_IPFW_NAT_SPOOL)
			return (0);
		for (i = 0; i < r->r_nlocal; i++)
			if (r->r_laddr[i] == 0 || r->r_lport[i] == 0)
				return (0);
		return (1);
	}
	return (0);
}

/* Check a NAT_CONFIG body of len bytes: 0 or EINVAL. */
static int
nat_cfg_check(const struct ff_ipfw_nat *c, size_t len)
{
	const struct ff_ipfw_nat_redir *r = (const void *)(c + 1);
	uint32_t i;

	if (len < sizeof(*c) || c->n_id == 0 ||
	    (c->n_flags & ~(FF_NAT_SAME_PORTS | FF_NAT_RESET)) != 0 ||
	    c->n_ip == 0 || (len - sizeof(*c)) / sizeof(*r) < c->n_nredir)
		return (EINVAL);
	for (i = 0; i < c->n_nredir; i++)
		if (!nat_redir_ok(&r[i]))
			return (EINVAL);
	return (0);
}

static void
nat_destroy(struct ipfw_nat *n)
{
	if (n->in_hash != NULL)
		nat_free_all(n);
	free(n->in_hash);
	free(n->out_hash);
	free(n->redir);
	free(n->turn);
	free(n);
}

int
ipfw_nat_config(struct ff_ctx *ctx, const void *buf, size_t len)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	const struct ff_ipfw_nat *c = buf;
	struct ff_ipfw_nat_redir *redir = NULL;
	uint32_t *turn = NULL, i;
	struct ipfw_nat *n;
	size_t rl;
	int error;

	if ((error = nat_cfg_check(c, len)) != 0)
		return (error);
	rl = c->n_nredir * sizeof(*redir);
	if ((redir = calloc(1, rl + 1)) == NULL ||
	    (turn = calloc(c->n_nredir + 1u, sizeof(*turn))) == NULL) {
		free(redir);
		return (ENOMEM);
	}
	memcpy(redir, c + 1, rl);
	for (i = 0; i < c->n_nredir; i++)
		memset(redir[i].r_flows, 0, sizeof(redir[i].r_flows));
	if ((n = nat_find(fw, c->n_id)) == NULL) {
		if ((n = calloc(1, sizeof(*n))) == NULL ||
		    (n->in_hash = calloc(NAT_BUCKETS, sizeof(void *))) ==
			NULL ||
		    (n->out_hash = calloc(NAT_BUCKETS, sizeof(void *))) ==
			NULL) {
			if (n != NULL)
				nat_destroy(n);
			free(redir);
			free(turn);
			return (ENOMEM);
		}
		n->cfg.n_id = c->n_id;
		n->cfg.n_ip = c->n_ip;
		n->next = fw->nat_head;
		fw->nat_head = n;
	}
	/* reset (PKT_ALIAS_RESET_ON_ADDR_CHANGE): a new address, no states. */
	if ((c->n_flags & FF_NAT_RESET) && n->cfg.n_ip != c->n_ip) {
		n->cfg.n_reset += n->cfg.n_states;
		nat_free_all(n);
	}
	n->cfg.n_ip = c->n_ip;
	n->cfg.n_flags = c->n_flags;
	n->cfg.n_nredir = c->n_nredir;
	free(n->redir);
	free(n->turn);
	n->redir = redir;
	n->turn = turn;
	return (0);
}

int
ipfw_nat_delete(struct ff_ctx *ctx, uint32_t id)
{
	struct ipfw_nat **pp, *n;

	for (pp = &V_ipfw(ctx)->nat_head; (n = *pp) != NULL; pp = &n->next)
		if (n->cfg.n_id == id) {
			*pp = n->next;
			nat_destroy(n);
			return (0);
		}
	return (ESRCH);
}

/* NAT_GET: instance id (0: all) as records; ESRCH when there is none. */
int
ipfw_nat_get(struct ff_ctx *ctx, uint32_t id, void *(*reserve)(void *, size_t),
    void *arg, uint32_t *count)
{
	struct ipfw_nat *n;
	struct ff_ipfw_nat *out;
	size_t rl;

	*count = 0;
	for (n = V_ipfw(ctx)->nat_head; n != NULL; n = n->next) {
		if (id != 0 && n->cfg.n_id != id)
			continue;
		rl = n->cfg.n_nredir * sizeof(*n->redir);
		if ((out = reserve(arg, sizeof(*out) + rl)) == NULL)
			return (ENOMEM);
		*out = n->cfg;
		out->n_reclen = (uint32_t)(sizeof(*out) + rl);
		memcpy(out + 1, n->redir, rl);
		(*count)++;
	}
	return (id != 0 && *count == 0 ? ESRCH : 0);
}

void
ipfw_nat_fini(struct ff_ctx *ctx)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ipfw_nat *n;

	while ((n = fw->nat_head) != NULL) {
		fw->nat_head = n->next;
		nat_destroy(n);
	}
}

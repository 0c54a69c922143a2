/*
 * if_ether.c - ARP for IPv4 over Ethernet (RFC 826, RFC 5227 for
 * announcements), after FreeBSD's netinet/if_ether.c.
 *
 * Entry points: arp_init(), arp_fini(), arp_input_consume(), arpresolve(),
 * arprequest(), arp_add(), arp_delete(), arp_flush(), arp_prune(),
 * arp_get(), arp_foreach().
 *
 * The cache is one hash table per stack keyed by IPv4 address.  An
 * unresolved entry holds up to `maxhold' packets and asks again once a
 * second; after `maxtries' unanswered requests it is down for `wait'
 * seconds (packets to it fail with EHOSTDOWN), then removed.  A learnt
 * entry lives `max_age' seconds; one set by hand lives as long as the
 * message says (arp -s ... temp asks for max_age) or is static.  Requests
 * are answered only for our own addresses and for published (proxy)
 * entries; a learnt entry is created only by a packet that was about us.
 */
#include <errno.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/if_var.h"
#include "net/ether_var.h"
#include "netinet/in_var.h"
#include "netinet/arp_var.h"
#include "kern/kern_sysctl.h"
#include "net/if_ether.h"
#include "kern/mbuf.h"

#define ARP_REXMT_MS 1000 /* between requests while unresolved */

static void arp_timer(struct ff_ctx *ctx, void *arg);

void
arp_init(struct ff_ctx *ctx)
{
	struct arp_state *as = V_arp(ctx);
	int i;

	as->max_age = 1200;
	as->maxtries = 5;
	as->maxhold = ARP_MAXHOLD_CAP;
	as->arpt_down = 20;
	as->max_entries = 4096;
	as->nentries = 0;
	for (i = 0; i < ARP_HASHSIZE; i++)
		LIST_INIT(&as->arp_hash[i]);
}

void
arp_fini(struct ff_ctx *ctx)
{
	arp_flush(ctx, NULL);
}

static struct llentries *
arp_bucket(struct arp_state *as, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	h ^= h >> 16;
	h ^= h >> 8;
	return (&as->arp_hash[h & (ARP_HASHSIZE - 1)]);
}

static struct llentry *
lla_lookup(struct ff_ctx *ctx, struct in_addr a)
{
	struct llentry *la;

	LIST_FOREACH(la, arp_bucket(V_arp(ctx), a), la_hash)
	if (la->la_addr.s_addr == a.s_addr)
		return (la);
	return (NULL);
}

static struct llentry *
lla_create(struct ff_ctx *ctx, struct ifnet *ifp, struct in_addr a)
{
	struct arp_state *as = V_arp(ctx);
	struct llentry *la;

	if (as->nentries >= as->max_entries ||
	    (la = calloc(1, sizeof(*la))) == NULL) {
		as->arpxstat.arpx_tablefull++;
		return (NULL);
	}
	la->la_addr = a;
	la->la_ifp = ifp;
	la->la_ctx = ctx;
	callout_init(&la->la_timer);
	LIST_INSERT_HEAD(arp_bucket(as, a), la, la_hash);
	as->nentries++;
	return (la);
}

/* Drop the packets an entry holds, counting them. */
static void
lla_drop_held(struct ff_ctx *ctx, struct llentry *la)
{
	uint16_t i;

	for (i = 0; i < la->la_numheld; i++)
		m_freem(la->la_hold[i]);
	V_arp(ctx)->arpstat.dropped += la->la_numheld;
	la->la_numheld = 0;
}

static void
lla_free(struct ff_ctx *ctx, struct llentry *la)
{
	callout_stop(ctx, &la->la_timer);
	lla_drop_held(ctx, la);
	LIST_REMOVE(la, la_hash);
	V_arp(ctx)->nentries--;
	free(la);
}

/* The entry is resolved: send what it held, in order. */
static void
lla_send_held(struct ff_ctx *ctx, struct llentry *la)
{
	uint16_t i, n = la->la_numheld;

	la->la_numheld = 0;
	for (i = 0; i < n; i++)
		(void)ether_output_frame(
		    ctx, la->la_ifp, la->la_hold[i], &la->la_mac, ETHERTYPE_IP);
}

/*
 * Make la valid with mac.  A dynamic entry (learnt, or set with `temp')
 * then lives `secs' seconds; a static one never expires.
 */
static void
lla_set_valid(
    struct ff_ctx *ctx, struct llentry *la, const uint8_t *mac, int secs)
{
	uint64_t now = ff_clock_now(&ctx->clock);

	memcpy(&la->la_mac, mac, ETHER_ADDR_LEN);
	la->la_flags |= LLE_VALID;
	la->la_asked = 0;
	if ((la->la_flags & LLE_STATIC) != 0) {
		callout_stop(ctx, &la->la_timer);
		la->la_expire = 0;
	} else {
		la->la_expire = now + (uint64_t)secs * FF_NS_PER_SEC;
		callout_reset(ctx, &la->la_timer,
		    ff_ms_to_ticks(ctx, (uint64_t)secs * 1000), arp_timer, la);
	}
	lla_send_held(ctx, la);
}

int
arprequest(struct ff_ctx *ctx, struct ifnet *ifp, struct in_addr sip,
    struct in_addr tip)
{
	static const struct ether_addr bcast = { .octet = { 0xff, 0xff, 0xff,
						     0xff, 0xff, 0xff } };
	struct ether_arp *ea;
	struct rte_mbuf *m;

	m = m_gethdr(ctx->pktmbuf_pool);
	if (m == NULL ||
	    (ea = (struct ether_arp *)m_append(m, sizeof(*ea))) == NULL) {
		m_freem(m);
		ARPSTAT_INC(ctx, txerrors);
		return (-ENOBUFS);
	}
	ea->ea_hdr.ar_hrd = htons(ARPHRD_ETHER);
	ea->ea_hdr.ar_pro = htons(ETHERTYPE_IP);
	ea->ea_hdr.ar_hln = ETHER_ADDR_LEN;
	ea->ea_hdr.ar_pln = 4;
	ea->ea_hdr.ar_op = htons(ARPOP_REQUEST);
	memcpy(ea->arp_sha, &ifp->if_lladdr, ETHER_ADDR_LEN);
	memcpy(ea->arp_spa, &sip, 4);
	memset(ea->arp_tha, 0, ETHER_ADDR_LEN);
	memcpy(ea->arp_tpa, &tip, 4);
	ARPSTAT_INC(ctx, txrequests);
	return (ether_output_frame(ctx, ifp, m, &bcast, ETHERTYPE_ARP));
}

/* Ask for la's address from the interface's address on that subnet. */
static void
arp_ask(struct ff_ctx *ctx, struct llentry *la)
{
	struct in_ifaddr *ia;
	struct in_addr sip;

	ia = in_ifaddr_onlink(la->la_ifp, la->la_addr);
	if (ia == NULL)
		ia = in_ifaddr_primary(la->la_ifp);
	sip.s_addr = ia != NULL ? ia->ia_addr.s_addr : INADDR_ANY;
	la->la_asked++;
	la->la_lastreq = ff_clock_now(&ctx->clock);
	(void)arprequest(ctx, la->la_ifp, sip, la->la_addr);
}

static void
arp_timer(struct ff_ctx *ctx, void *arg)
{
	struct arp_state *as = V_arp(ctx);
	struct llentry *la = arg;
	uint64_t now = ff_clock_now(&ctx->clock);

	if ((la->la_flags & LLE_VALID) == 0 && la->la_expire == 0) {
		/* Unresolved: ask again, or give up and mark down. */
		if (la->la_asked < as->maxtries) {
			arp_ask(ctx, la);
			callout_reset(ctx, &la->la_timer,
			    ff_ms_to_ticks(ctx, ARP_REXMT_MS), arp_timer, la);
			return;
		}
		lla_drop_held(ctx, la);
		la->la_expire = now + (uint64_t)as->arpt_down * FF_NS_PER_SEC;
		callout_reset(ctx, &la->la_timer,
		    ff_ms_to_ticks(ctx, (uint64_t)as->arpt_down * 1000),
		    arp_timer, la);
		return;
	}
	as->arpstat.timeouts++;
	lla_free(ctx, la);
}

/* Queue m on an unresolved entry, dropping the oldest when full. */
static void
lla_hold(struct ff_ctx *ctx, struct llentry *la, struct rte_mbuf *m)
{
	int maxhold = V_arp(ctx)->maxhold;

	if (maxhold > ARP_MAXHOLD_CAP)
		maxhold = ARP_MAXHOLD_CAP;
	if (maxhold < 1)
		maxhold = 1;
	while (la->la_numheld >= maxhold) {
		m_freem(la->la_hold[0]);
		V_arp(ctx)->arpstat.dropped++;
		la->la_numheld--;
		memmove(&la->la_hold[0], &la->la_hold[1],
		    la->la_numheld * sizeof(la->la_hold[0]));
	}
	la->la_hold[la->la_numheld++] = m;
}

int
arpresolve(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m,
    struct in_addr dst, struct ether_addr *mac)
{
	struct llentry *la;

	la = lla_lookup(ctx, dst);
	if (la != NULL && (la->la_flags & LLE_VALID) != 0) {
		*mac = la->la_mac;
		return (0);
	}
	if (la != NULL && la->la_expire != 0) {
		/* Down after maxtries unanswered requests. */
		ARPSTAT_INC(ctx, dropped);
		m_freem(m);
		return (-EHOSTDOWN);
	}
	if (la == NULL) {
		if ((la = lla_create(ctx, ifp, dst)) == NULL) {
			ARPSTAT_INC(ctx, dropped);
			m_freem(m);
			return (-ENOBUFS);
		}
		lla_hold(ctx, la, m);
		arp_ask(ctx, la);
		callout_reset(ctx, &la->la_timer,
		    ff_ms_to_ticks(ctx, ARP_REXMT_MS), arp_timer, la);
		return (-EWOULDBLOCK);
	}
	lla_hold(ctx, la, m);
	return (-EWOULDBLOCK);
}

/* Validate the fixed part; returns the message or NULL (m freed). */
static struct ether_arp *
arp_check(struct ff_ctx *ctx, struct rte_mbuf *m)
{
	struct arpxstat *xs = &V_arp(ctx)->arpxstat;
	struct ether_arp *ea;
	uint16_t hrd;

	/* A port may cut the frame anywhere: the message is pulled up. */
	if (m_pullup(m, sizeof(struct arphdr)) != 0) {
		xs->arpx_tooshort++;
		goto drop;
	}
	ea = mtod(m, struct ether_arp *);
	hrd = ntohs(ea->ea_hdr.ar_hrd);
	if (hrd != ARPHRD_ETHER && hrd != ARPHRD_IEEE802) {
		xs->arpx_badhrd++;
		goto drop;
	}
	if (ntohs(ea->ea_hdr.ar_pro) != ETHERTYPE_IP) {
		xs->arpx_badpro++;
		goto drop;
	}
	if (ea->ea_hdr.ar_hln != ETHER_ADDR_LEN || ea->ea_hdr.ar_pln != 4) {
		xs->arpx_badlen++;
		goto drop;
	}
	if (m_pullup(m, sizeof(*ea)) != 0) {
		xs->arpx_tooshort++;
		goto drop;
	}
	return (mtod(m, struct ether_arp *));
drop:
	m_freem(m);
	return (NULL);
}

/* Turn the request in m into our reply for itaddr/mac, and send it. */
static void
arp_reply_consume(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m,
    struct in_addr itaddr, const struct ether_addr *mac)
{
	struct ether_arp *ea = mtod(m, struct ether_arp *);
	struct ether_addr dst;

	if (m_trim(m, m_pktlen(m) - sizeof(*ea)) != 0) {
		ARPSTAT_INC(ctx, txerrors);
		m_freem(m);
		return;
	}
	memcpy(&dst, ea->arp_sha, ETHER_ADDR_LEN);
	memcpy(ea->arp_tha, ea->arp_sha, ETHER_ADDR_LEN);
	memcpy(ea->arp_tpa, ea->arp_spa, 4);
	memcpy(ea->arp_sha, mac, ETHER_ADDR_LEN);
	memcpy(ea->arp_spa, &itaddr, 4);
	ea->ea_hdr.ar_op = htons(ARPOP_REPLY);
	ARPSTAT_INC(ctx, txreplies);
	(void)ether_output_frame(ctx, ifp, m, &dst, ETHERTYPE_ARP);
}

/* Learn (or refresh) the sender; create only when it was about us. */
static void
arp_learn(struct ff_ctx *ctx, struct ifnet *ifp, struct in_addr isaddr,
    const uint8_t *sha, int create)
{
	struct llentry *la;

	la = lla_lookup(ctx, isaddr);
	if (la != NULL && (la->la_flags & LLE_STATIC) != 0) {
		if (memcmp(&la->la_mac, sha, ETHER_ADDR_LEN) != 0)
			V_arp(ctx)->arpxstat.arpx_permanent++;
		return;
	}
	if (la == NULL && create)
		la = lla_create(ctx, ifp, isaddr);
	if (la == NULL)
		return;
	la->la_ifp = ifp;
	la->la_expire = 0;
	lla_set_valid(ctx, la, sha, V_arp(ctx)->max_age);
}

/* Sender checks: 1 when the message must be dropped (counted). */
static int
arp_bad_sender(struct ff_ctx *ctx, struct ifnet *ifp,
    const struct ether_arp *ea, struct in_addr isaddr)
{
	struct arpxstat *xs = &V_arp(ctx)->arpxstat;

	if (memcmp(ea->arp_sha, &ifp->if_lladdr, ETHER_ADDR_LEN) == 0) {
		xs->arpx_fromself++;
		return (1);
	}
	if (ETHER_IS_MULTICAST(ea->arp_sha)) {
		xs->arpx_bcastsrc++;
		return (1);
	}
	if (isaddr.s_addr == INADDR_BROADCAST ||
	    IN_MULTICAST(ntohl(isaddr.s_addr))) {
		xs->arpx_badaddr++;
		return (1);
	}
	return (0);
}

void
arp_input_consume(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m)
{
	struct in_addr isaddr, itaddr;
	struct in_ifaddr *ia;
	struct llentry *pub;
	struct ether_arp *ea;
	uint16_t op;

	ARPSTAT_INC(ctx, received);
	if ((ea = arp_check(ctx, m)) == NULL)
		return;
	op = ntohs(ea->ea_hdr.ar_op);
	if (op != ARPOP_REQUEST && op != ARPOP_REPLY) {
		V_arp(ctx)->arpxstat.arpx_badop++;
		goto drop;
	}
	memcpy(&isaddr, ea->arp_spa, 4);
	memcpy(&itaddr, ea->arp_tpa, 4);
	if (arp_bad_sender(ctx, ifp, ea, isaddr))
		goto drop;
	/* As FreeBSD: only messages from an acceptable sender count. */
	if (op == ARPOP_REQUEST)
		ARPSTAT_INC(ctx, rxrequests);
	else
		ARPSTAT_INC(ctx, rxreplies);
	ia = in_ifaddr_lookup(ctx, itaddr);
	if (ia != NULL && ia->ia_ifp != ifp)
		ia = NULL;
	if (isaddr.s_addr != INADDR_ANY &&
	    in_ifaddr_lookup(ctx, isaddr) != NULL &&
	    in_ifaddr_lookup(ctx, isaddr)->ia_ifp == ifp) {
		/* Someone uses our address: defend it with a reply. */
		ARPSTAT_INC(ctx, dupips);
		itaddr = isaddr;
		ia = in_ifaddr_lookup(ctx, isaddr);
	} else if (isaddr.s_addr != INADDR_ANY)
		arp_learn(ctx, ifp, isaddr, ea->arp_sha, ia != NULL);
	/* The process that received a request answers it; its copies teach. */
	if (op != ARPOP_REQUEST || (m_pkthdr(m)->m_flags & M_PEERCOPY) != 0)
		goto drop;
	if (ia != NULL) {
		arp_reply_consume(ctx, ifp, m, itaddr, &ifp->if_lladdr);
		return;
	}
	pub = lla_lookup(ctx, itaddr);
	if (pub != NULL && (pub->la_flags & LLE_PUB) != 0 &&
	    pub->la_ifp == ifp) {
		arp_reply_consume(ctx, ifp, m, itaddr, &pub->la_mac);
		return;
	}
	V_arp(ctx)->arpxstat.arpx_notours++;
drop:
	m_freem(m);
}

/* The interface whose subnet holds addr, or NULL. */
static struct ifnet *
arp_ifp_for(struct ff_ctx *ctx, struct in_addr addr)
{
	struct ifnet *ifp;

	TAILQ_FOREACH(ifp, &V_if(ctx)->if_list, if_link)
	if (ifp->if_type == IFT_ETHER && in_ifaddr_onlink(ifp, addr) != NULL)
		return (ifp);
	return (NULL);
}

int
arp_add(struct ff_ctx *ctx, struct in_addr addr, const struct ether_addr *mac,
    int flags, int expire)
{
	struct llentry *la;
	struct ifnet *ifp;

	if ((flags & ~(LLE_PUB | LLE_STATIC)) != 0 ||
	    addr.s_addr == INADDR_ANY || addr.s_addr == INADDR_BROADCAST)
		return (-EINVAL);
	if ((flags & LLE_STATIC) == 0 &&
	    (expire < 1 || expire > ARP_MAX_EXPIRE))
		return (-EINVAL);
	if ((ifp = arp_ifp_for(ctx, addr)) == NULL)
		return (-ENETUNREACH);
	if ((la = lla_lookup(ctx, addr)) == NULL &&
	    (la = lla_create(ctx, ifp, addr)) == NULL)
		return (-ENOMEM);
	la->la_ifp = ifp;
	la->la_flags = (uint16_t)flags;
	la->la_expire = 0;
	lla_set_valid(ctx, la, mac->octet, expire);
	return (0);
}

int
arp_delete(struct ff_ctx *ctx, struct in_addr addr)
{
	struct llentry *la;

	if ((la = lla_lookup(ctx, addr)) == NULL)
		return (-ENOENT);
	lla_free(ctx, la);
	return (0);
}

/* Remove the entries for which keep() says no. */
static void
arp_sweep(struct ff_ctx *ctx, struct ifnet *ifp, int offlink_only)
{
	struct arp_state *as = V_arp(ctx);
	struct llentry *la, *next;
	int i;

	for (i = 0; i < ARP_HASHSIZE; i++) {
		for (la = LIST_FIRST(&as->arp_hash[i]); la != NULL; la = next) {
			next = LIST_NEXT(la, la_hash);
			if (ifp != NULL && la->la_ifp != ifp)
				continue;
			if (offlink_only &&
			    ((la->la_flags & LLE_STATIC) != 0 ||
				in_ifaddr_onlink(la->la_ifp, la->la_addr) !=
				    NULL))
				continue;
			lla_free(ctx, la);
		}
	}
}

void
arp_flush(struct ff_ctx *ctx, struct ifnet *ifp)
{
	arp_sweep(ctx, ifp, 0);
}

void
arp_prune(struct ff_ctx *ctx, struct ifnet *ifp)
{
	arp_sweep(ctx, ifp, 1);
}

static void
arp_info(
    struct ff_ctx *ctx, const struct llentry *la, struct arp_entry_info *info)
{
	uint64_t now = ff_clock_now(&ctx->clock);

	memset(info, 0, sizeof(*info));
	info->ai_addr = la->la_addr;
	info->ai_mac = la->la_mac;
	info->ai_if_index = la->la_ifp->if_index;
	info->ai_flags = la->la_flags;
	if ((la->la_flags & LLE_STATIC) != 0)
		info->ai_expire = -1;
	else if (la->la_expire > now)
		info->ai_expire =
		    (int64_t)((la->la_expire - now) / FF_NS_PER_SEC);
}

int
arp_get(struct ff_ctx *ctx, struct in_addr addr, struct arp_entry_info *info)
{
	struct llentry *la;

	if ((la = lla_lookup(ctx, addr)) == NULL)
		return (-ENOENT);
	arp_info(ctx, la, info);
	return (0);
}

int
arp_foreach(struct ff_ctx *ctx,
    int (*fn)(void *arg, const struct arp_entry_info *info), void *arg)
{
	struct arp_state *as = V_arp(ctx);
	struct arp_entry_info info;
	struct llentry *la;
	int i, r;

	for (i = 0; i < ARP_HASHSIZE; i++) {
		LIST_FOREACH(la, &as->arp_hash[i], la_hash)
		{
			arp_info(ctx, la, &info);
			if ((r = fn(arg, &info)) != 0)
				return (r);
		}
	}
	return (0);
}

#define STATE struct arp_state

static const struct sysctl_entry arp_sysctls[] = {
	SYSCTL_INT("net.link.ether.inet.max_age", CTLFLAG_RW, STATE, max_age, 1,
	    ARP_MAX_EXPIRE, "ARP entry lifetime in seconds"),
	SYSCTL_INT("net.link.ether.inet.maxtries", CTLFLAG_RW, STATE, maxtries,
	    1, 100, "ARP resolution attempts before returning error"),
	SYSCTL_INT("net.link.ether.inet.maxhold", CTLFLAG_RW, STATE, maxhold, 1,
	    ARP_MAXHOLD_CAP, "Number of packets to hold per ARP entry"),
	SYSCTL_INT("net.link.ether.inet.wait", CTLFLAG_RW, STATE, arpt_down, 1,
	    3600, "Incomplete ARP entry lifetime in seconds"),
	SYSCTL_STATS("net.link.ether.arp.stats", STATE, arpstat, "S,arpstat",
	    "ARP statistics (struct arpstat, netinet/if_ether.h)"),
	SYSCTL_STATS("net.link.ether.arp.xstats", STATE, arpxstat, "S,arpxstat",
	    "ARP input drops by cause (struct arpxstat)"),
};

#undef STATE

int
arp_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, V_arp(ctx), arp_sysctls));
}

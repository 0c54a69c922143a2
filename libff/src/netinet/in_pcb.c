/*
 * in_pcb.c - Internet protocol control blocks (see in_pcb.h), after
 * FreeBSD's netinet/in_pcb.c.
 *
 * Entry points: in_pcbinfo_init(), in_pcbinfo_destroy(), in_pcballoc(),
 * in_pcbbind(), in_pcbconnect(), in_pcbdisconnect(), in_pcbdetach(),
 * in_pcbbind_to(), in_pcbdrop(), in_pcbfree(), in_pcbrehash(),
 * in_pcblookup(), in_pcblookup_local(), in_pcbladdr(), in_getsockaddr(),
 * in_getpeeraddr(), in_pcb_random(), in_pcb_order_seek().
 *
 * Binding follows FreeBSD's rules: without SO_REUSEADDR/SO_REUSEPORT a
 * bind conflicts with any pcb on the port whose local address overlaps
 * (wildcards included, connected pcbs too); with one of them only an
 * unconnected pcb on exactly the same address conflicts; two sockets
 * that both set SO_REUSEPORT share a port, and what arrives for it is
 * spread among them by a hash of the foreign end (in_pcb_reuseport()).
 *
 * Ephemeral ports: RFC 6056 section 3.3.1 (FreeBSD's default): a random
 * start in net.inet.ip.portrange.[first, last], then the next free port;
 * with several stack processes on the ports, the next free port whose
 * flow to the connect()'s destination hashes to this process
 * (netinet/in_rss.c), also when bind() had taken a port first.  A
 * 4-tuple that hashes here is never used by another process, so a
 * process's TIME_WAIT covers every use of its ports.
 * The PRNG is per table; test stacks seed it with a constant, so runs are
 * deterministic.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "kern/uipc_var.h"
#include "netinet/in_pcb.h"
#include "netinet/in_rss.h"
#include "kern/uma.h"
#include "kern/libkern.h"

/*
 * Fibonacci hashing of the 4-tuple: the high half of a 64-bit product
 * depends on every bit of the key.  (Bits of a 32-bit product below bit
 * 20 ignore the foreign port's high byte: with one client, 28,000
 * connections shared 16 buckets.)
 */
#define INP_HASH(info, faddr, fport, lport)                                    \
	((unsigned long)((((uint64_t)(faddr) << 32 | (uint32_t)(fport) << 16 | \
			      (lport)) *                                       \
			     0x9e3779b97f4a7c15ULL) >>                         \
	     40) &                                                             \
	    (info)->ipi_hashmask)
#define INP_PORTHASH(info, lport) (ntohs(lport) & (info)->ipi_porthashmask)

int
in_pcbinfo_init(struct ff_ctx *ctx, struct inpcbinfo *info, const char *name,
    int proto, unsigned int hashsize)
{
	memset(info, 0, sizeof(*info));
	info->ipi_ctx = ctx;
	info->ipi_name = name;
	info->ipi_proto = proto;
	LIST_INIT(&info->ipi_listhead);
	info->ipi_hashsize = hashsize;
	/* Bounded by in_pcballoc(): kern.ipc.maxsockets is set at boot. */
	info->ipi_zone = uma_zcreate(name, sizeof(struct inpcb), UINT_MAX);
	info->ipi_rand = ctx->testmode ? 0x9e3779b97f4a7c15ULL ^ (uint64_t)proto
				       : ff_random64() | 1;
	if (info->ipi_zone == NULL)
		return (-ENOMEM);
	return (0);
}

/*
 * The hashes, at the first pcb: ipi_hashsize (net.inet.tcp.tcbhashsize)
 * may be set at boot, after the table was made.  0 or -ENOBUFS.
 */
#define IN_PCBHASH_AUTO_MIN 512
#define IN_PCBHASH_AUTO_MAX (1u << 24)

unsigned int
in_pcb_hashsize(const struct inpcbinfo *info)
{
	unsigned int n = IN_PCBHASH_AUTO_MIN,
		     want =
			 (unsigned int)V_uipc(info->ipi_ctx)->us_maxsockets / 4;

	if (info->ipi_hashsize != 0)
		return (info->ipi_hashsize);
	while (n < IN_PCBHASH_AUTO_MAX && n * 2 <= want)
		n *= 2;
	return (n);
}

static int
in_pcbinfo_hashinit(struct inpcbinfo *info)
{
	size_t n = in_pcb_hashsize(info);

	if (info->ipi_hashbase != NULL)
		return (0);
	info->ipi_hashbase = calloc(n, sizeof(struct inpcbhead));
	info->ipi_porthashbase = calloc(n, sizeof(struct inpcbhead));
	if (info->ipi_hashbase == NULL || info->ipi_porthashbase == NULL) {
		free(info->ipi_hashbase);
		free(info->ipi_porthashbase);
		info->ipi_hashbase = info->ipi_porthashbase = NULL;
		return (-ENOBUFS);
	}
	info->ipi_hashmask = n - 1;
	info->ipi_porthashmask = n - 1;
	return (0);
}

void
in_pcbinfo_destroy(struct inpcbinfo *info)
{
	struct inpcb *inp;

	if (info->ipi_zone != NULL)
		while ((inp = LIST_FIRST(&info->ipi_listhead)) != NULL)
			in_pcbfree(inp);
	free(info->ipi_hashbase);
	free(info->ipi_porthashbase);
	free(info->ipi_order);
	info->ipi_order = NULL;
	info->ipi_ordlen = info->ipi_ordcap = 0;
	uma_zdestroy(info->ipi_zone);
	info->ipi_hashbase = info->ipi_porthashbase = NULL;
	info->ipi_zone = NULL;
}

uint32_t
in_pcb_random(struct inpcbinfo *info)
{
	uint64_t x = info->ipi_rand;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	info->ipi_rand = x;
	return ((uint32_t)((x * 0x2545f4914f6cdd1dULL) >> 32));
}

/*
 * Squeeze the holes out of the generation index (order kept): when
 * they are at least half of it, instead of growing.  Amortized O(1) per
 * pcb; one pass moves 16 bytes per live pcb.
 */
static void
in_pcb_order_compact(struct inpcbinfo *info)
{
	size_t i, n = 0;

	for (i = 0; i < info->ipi_ordlen; i++)
		if (info->ipi_order[i].io_inp != NULL) {
			info->ipi_order[n] = info->ipi_order[i];
			info->ipi_order[n].io_inp->inp_ordidx = n;
			n++;
		}
	info->ipi_ordlen = n;
}

/* Room for one more index entry: 0 or -ENOBUFS. */
static int
in_pcb_order_room(struct inpcbinfo *info)
{
	struct inp_order *o;
	size_t cap;

	if (info->ipi_ordlen < info->ipi_ordcap)
		return (0);
	if (info->ipi_ordlen >= 64 && info->ipi_count <= info->ipi_ordlen / 2) {
		in_pcb_order_compact(info);
		return (0);
	}
	cap = info->ipi_ordcap != 0 ? 2 * info->ipi_ordcap : 64;
	if ((o = realloc(info->ipi_order, cap * sizeof(*o))) == NULL)
		return (-ENOBUFS);
	info->ipi_order = o;
	info->ipi_ordcap = cap;
	return (0);
}

size_t
in_pcb_order_seek(const struct inpcbinfo *info, uint64_t after)
{
	size_t lo = 0, hi = info->ipi_ordlen, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (info->ipi_order[mid].io_gen <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* A freed pcb leaves a hole; trailing holes go at once. */
static void
in_pcb_order_remove(struct inpcbinfo *info, struct inpcb *inp)
{
	size_t i = inp->inp_ordidx;

	if (i < info->ipi_ordlen && info->ipi_order[i].io_inp == inp)
		info->ipi_order[i].io_inp = NULL;
	while (info->ipi_ordlen > 0 &&
	    info->ipi_order[info->ipi_ordlen - 1].io_inp == NULL)
		info->ipi_ordlen--;
}

int
in_pcballoc(struct socket *so, struct inpcbinfo *info)
{
	struct inpcb *inp;

	/* Room for a TIME_WAIT pcb (no socket) beside each socket's. */
	if (info->ipi_count >=
		2 * (unsigned int)V_uipc(info->ipi_ctx)->us_maxsockets ||
	    in_pcbinfo_hashinit(info) != 0 || in_pcb_order_room(info) != 0 ||
	    (inp = uma_zalloc(info->ipi_zone)) == NULL)
		return (-ENOBUFS);
	inp->inp_gencnt = ++info->ipi_gencnt;
	inp->inp_ordidx = info->ipi_ordlen;
	info->ipi_order[info->ipi_ordlen].io_gen = inp->inp_gencnt;
	info->ipi_order[info->ipi_ordlen++].io_inp = inp;
	inp->inp_pcbinfo = info;
	inp->inp_socket = so;
	so->so_pcb = inp;
	LIST_INSERT_HEAD(&info->ipi_listhead, inp, inp_list);
	info->ipi_count++;
	return (0);
}

void
in_pcbrehash(struct inpcb *inp)
{
	struct inpcbinfo *info = inp->inp_pcbinfo;

	if ((inp->inp_flags & INP_HASHED) != 0) {
		LIST_REMOVE(inp, inp_hash);
		LIST_REMOVE(inp, inp_portlist);
		inp->inp_flags &= ~INP_HASHED;
	}
	if (inp->inp_lport == 0)
		return;
	LIST_INSERT_HEAD(
	    &info->ipi_hashbase[INP_HASH(
		info, inp->inp_faddr.s_addr, inp->inp_fport, inp->inp_lport)],
	    inp, inp_hash);
	LIST_INSERT_HEAD(
	    &info->ipi_porthashbase[INP_PORTHASH(info, inp->inp_lport)], inp,
	    inp_portlist);
	inp->inp_flags |= INP_HASHED;
}

void
in_pcbdetach(struct inpcb *inp)
{
	struct socket *so = inp->inp_socket;

	if (so == NULL)
		return;
	inp->inp_so_options = so->so_options;
	inp->inp_socket = NULL;
	so->so_pcb = NULL;
	sofree(so);
}

/*
 * FreeBSD's in_pcbdrop(): the protocol is done with a pcb whose socket
 * is still open.  Off the hashes, so that nothing arriving for its
 * 4-tuple finds it (a listener on the port, or a RST, answers instead)
 * and its port is free to bind; the addresses stay for getsockname.
 */
void
in_pcbdrop(struct inpcb *inp)
{
	inp->inp_flags |= INP_DROPPED;
	if ((inp->inp_flags & INP_HASHED) != 0) {
		LIST_REMOVE(inp, inp_hash);
		LIST_REMOVE(inp, inp_portlist);
		inp->inp_flags &= ~INP_HASHED;
	}
}

void
in_pcbfree(struct inpcb *inp)
{
	struct inpcbinfo *info = inp->inp_pcbinfo;

	in_pcbdetach(inp);
	inp->inp_lport = 0;
	in_pcbrehash(inp);
	LIST_REMOVE(inp, inp_list);
	in_pcb_order_remove(info, inp);
	info->ipi_count--;
	uma_zfree(info->ipi_zone, inp);
}

struct inpcb *
in_pcblookup_local(struct inpcbinfo *info, struct in_addr laddr, uint16_t lport,
    int lookupflags)
{
	struct inpcb *inp, *match = NULL;
	int wildcard, matchwild = 3;

	if (info->ipi_porthashbase == NULL) /* no pcb yet */
		return (NULL);
	LIST_FOREACH(inp, &info->ipi_porthashbase[INP_PORTHASH(info, lport)],
	    inp_portlist)
	{
		if (inp->inp_lport != lport)
			continue;
		if ((lookupflags & INPLOOKUP_WILDCARD) == 0) {
			if (inp->inp_faddr.s_addr == INADDR_ANY &&
			    inp->inp_laddr.s_addr == laddr.s_addr)
				return (inp);
			continue;
		}
		wildcard = inp->inp_faddr.s_addr != INADDR_ANY;
		if (inp->inp_laddr.s_addr != laddr.s_addr) {
			if (inp->inp_laddr.s_addr != INADDR_ANY &&
			    laddr.s_addr != INADDR_ANY)
				continue;
			wildcard++;
		}
		if (wildcard < matchwild) {
			match = inp;
			if ((matchwild = wildcard) == 0)
				break;
		}
	}
	return (match);
}

static int inp_options(const struct inpcb *inp);

/* 1 when inp shares m's address and port through SO_REUSEPORT. */
static int
in_pcb_reuseport_peer(const struct inpcb *inp, const struct inpcb *m)
{
	int opts = inp_options(inp);

	return (inp->inp_lport == m->inp_lport &&
	    inp->inp_faddr.s_addr == INADDR_ANY &&
	    inp->inp_laddr.s_addr == m->inp_laddr.s_addr &&
	    (opts & SO_REUSEPORT) != 0 &&
	    (opts & SO_ACCEPTCONN) == (inp_options(m) & SO_ACCEPTCONN));
}

/*
 * SO_REUSEPORT: the unconnected pcbs bound to one address and port with
 * it (listeners, for TCP) share what arrives, by a hash of the foreign
 * address and port: one peer's connections (or datagrams) always reach
 * the same socket, different peers spread evenly.  (FreeBSD 12+ calls
 * this SO_REUSEPORT_LB; Linux applications, whose SO_REUSEPORT does it,
 * expect it of SO_REUSEPORT.)
 */
static struct inpcb *
in_pcb_reuseport(struct inpcbinfo *info, struct inpcb *m, struct in_addr faddr,
    uint16_t fport)
{
	struct inpcbhead *head;
	struct inpcb *inp;
	uint32_t n = 0, k;

	if (m == NULL || (inp_options(m) & SO_REUSEPORT) == 0)
		return (m);
	head = &info->ipi_hashbase[INP_HASH(info, INADDR_ANY, 0, m->inp_lport)];
	LIST_FOREACH(inp, head, inp_hash)
	n += in_pcb_reuseport_peer(inp, m);
	if (n < 2)
		return (m);
	k = ((ntohl(faddr.s_addr) ^
		 ((uint32_t)ntohs(fport) << 16 | ntohs(fport))) *
		0x9e3779b1u) >>
	    8;
	k %= n;
	LIST_FOREACH(inp, head, inp_hash)
	if (in_pcb_reuseport_peer(inp, m) && k-- == 0)
		return (inp);
	return (m);
}

struct inpcb *
in_pcblookup(struct inpcbinfo *info, struct in_addr faddr, uint16_t fport,
    struct in_addr laddr, uint16_t lport, int lookupflags)
{
	struct inpcb *inp, *wild = NULL;

	if (info->ipi_hashbase == NULL) /* no pcb yet */
		return (NULL);
	LIST_FOREACH(inp,
	    &info->ipi_hashbase[INP_HASH(info, faddr.s_addr, fport, lport)],
	    inp_hash)
	if (inp->inp_faddr.s_addr == faddr.s_addr && inp->inp_fport == fport &&
	    inp->inp_lport == lport && inp->inp_laddr.s_addr == laddr.s_addr)
		return (inp);
	if ((lookupflags & INPLOOKUP_WILDCARD) == 0)
		return (NULL);
	/*
	 * Unconnected pcbs hash with a zero foreign address and port: their
	 * bucket, not the local port's, which holds every connection (and
	 * TIME_WAIT) on the port.
	 */
	LIST_FOREACH(inp,
	    &info->ipi_hashbase[INP_HASH(info, INADDR_ANY, 0, lport)], inp_hash)
	{
		if (inp->inp_lport != lport ||
		    inp->inp_faddr.s_addr != INADDR_ANY)
			continue;
		if (inp->inp_laddr.s_addr == laddr.s_addr)
			return (in_pcb_reuseport(info, inp, faddr, fport));
		if (inp->inp_laddr.s_addr == INADDR_ANY)
			wild = inp;
	}
	return (in_pcb_reuseport(info, wild, faddr, fport));
}

static int
inp_options(const struct inpcb *inp)
{
	return (inp->inp_socket != NULL ? inp->inp_socket->so_options
					: inp->inp_so_options);
}

/* 1 when binding inp to (laddr, lport) conflicts with another pcb. */
static int
in_pcb_conflict(struct inpcb *inp, struct in_addr laddr, uint16_t lport)
{
	int opts = inp_options(inp), flags = 0;
	struct inpcb *t;

	if ((opts & (SO_REUSEADDR | SO_REUSEPORT)) == 0)
		flags = INPLOOKUP_WILDCARD;
	t = in_pcblookup_local(inp->inp_pcbinfo, laddr, lport, flags);
	if (t == NULL || t == inp)
		return (0);
	return (!((opts & SO_REUSEPORT) != 0 &&
	    (inp_options(t) & SO_REUSEPORT) != 0));
}

/*
 * Whether (laddr, lport) <-> nam is a flow of this process: with several
 * stack processes on the ports, only then do the replies arrive here
 * without a handover (netinet/in_rss.c).
 */
static int
in_pcb_lport_home(struct ff_ctx *ctx, struct in_addr laddr, uint16_t lport,
    const struct sockaddr_in *nam)
{
	return (nam == NULL || ctx->nb_procs <= 1 ||
	    in_rss_owner(ctx, laddr, lport, nam->sin_addr, nam->sin_port) ==
		ctx->proc_id);
}

/*
 * An ephemeral port for laddr (RFC 6056 3.3.1), and for a flow to nam
 * one whose flow from haddr hashes to this process: 0 or -EADDRNOTAVAIL.
 */
static int
in_pcb_lport(struct inpcb *inp, struct in_addr laddr,
    const struct sockaddr_in *nam, struct in_addr haddr, uint16_t *lportp)
{
	struct ff_ctx *ctx = inp->inp_pcbinfo->ipi_ctx;
	struct uipc_state *us = V_uipc(ctx);
	int first = us->us_portfirst, last = us->us_portlast, tmp;
	uint32_t count, off, i;
	uint16_t port;

	if (first > last) {
		tmp = first;
		first = last;
		last = tmp;
	}
	count = (uint32_t)(last - first + 1);
	off = in_pcb_random(inp->inp_pcbinfo) % count;
	for (i = 0; i < count; i++) {
		port = htons((uint16_t)(first + (off + i) % count));
		if (in_pcb_lport_home(ctx, haddr, port, nam) &&
		    in_pcblookup_local(inp->inp_pcbinfo, laddr, port,
			INPLOOKUP_WILDCARD) == NULL) {
			*lportp = port;
			return (0);
		}
	}
	return (-EADDRNOTAVAIL);
}

int
in_pcbbind(struct inpcb *inp, const struct sockaddr_in *nam)
{
	struct ff_ctx *ctx = inp->inp_pcbinfo->ipi_ctx;
	struct in_addr laddr = { INADDR_ANY };
	uint16_t lport = 0;
	int error;

	if (inp->inp_lport != 0 || inp->inp_laddr.s_addr != INADDR_ANY)
		return (-EINVAL);
	if (nam != NULL) {
		laddr = nam->sin_addr;
		lport = nam->sin_port;
		if (laddr.s_addr != INADDR_ANY &&
		    !IN_MULTICAST(ntohl(laddr.s_addr)) &&
		    !in_localip(ctx, laddr))
			return (-EADDRNOTAVAIL);
	}
	if (lport != 0 && in_pcb_conflict(inp, laddr, lport))
		return (-EADDRINUSE);
	if (lport == 0) {
		if ((error = in_pcb_lport(inp, laddr, NULL, laddr, &lport)) !=
		    0)
			return (error);
		inp->inp_flags |= INP_ANONPORT;
	}
	inp->inp_laddr = laddr;
	inp->inp_lport = lport;
	in_pcbrehash(inp);
	return (0);
}

int
in_pcbbind_to(struct inpcb *inp, const struct sockaddr_in *dst)
{
	struct ff_ctx *ctx = inp->inp_pcbinfo->ipi_ctx;
	struct in_addr any = { INADDR_ANY }, src;
	uint16_t lport;
	int error;

	if (inp->inp_lport != 0 || inp->inp_laddr.s_addr != INADDR_ANY)
		return (-EINVAL);
	/* The source routing picks for dst is where the replies go. */
	if (ctx->nb_procs <= 1 || in_pcbladdr(ctx, dst->sin_addr, &src) != 0)
		return (in_pcbbind(inp, NULL));
	if ((error = in_pcb_lport(inp, any, dst, src, &lport)) != 0)
		return (error);
	inp->inp_flags |= INP_ANONPORT;
	inp->inp_lport = lport;
	in_pcbrehash(inp);
	return (0);
}

int
in_pcbladdr(struct ff_ctx *ctx, struct in_addr faddr, struct in_addr *laddr)
{
	struct rtentry *rt = rt_lookup(ctx, faddr);
	struct in_ifaddr *ia;

	if (rt == NULL || (rt->rt_flags & RTF_REJECT) != 0)
		return (-ENETUNREACH);
	ia = rt->rt_ifa != NULL ? rt->rt_ifa : in_ifaddr_primary(rt->rt_ifp);
	if (ia == NULL)
		return (-EADDRNOTAVAIL);
	*laddr = ia->ia_addr;
	return (0);
}

int
in_pcbconnect(struct inpcb *inp, const struct sockaddr_in *nam)
{
	struct inpcbinfo *info = inp->inp_pcbinfo;
	struct ff_ctx *ctx = info->ipi_ctx;
	struct in_addr faddr = nam->sin_addr, laddr = inp->inp_laddr;
	struct in_ifaddr *ia;
	uint16_t lport = inp->inp_lport;
	int error, autoaddr = 0;

	if (inp->inp_faddr.s_addr != INADDR_ANY)
		return (-EISCONN);
	if (nam->sin_port == 0)
		return (-EADDRNOTAVAIL);
	if (faddr.s_addr == INADDR_ANY &&
	    (ia = TAILQ_FIRST(&V_in(ctx)->in_ifaddrhead)) != NULL)
		faddr = ia->ia_addr;
	if (laddr.s_addr == INADDR_ANY) {
		if ((error = in_pcbladdr(ctx, faddr, &laddr)) != 0)
			return (error);
		autoaddr = 1;
	}
	/* A port bind() chose that would not bring the replies here. */
	if (lport != 0 && (inp->inp_flags & INP_ANONPORT) != 0 &&
	    !in_pcb_lport_home(ctx, laddr, lport, nam)) {
		lport = 0;
		ctx->rssstat.rss_lport_rehome++;
	}
	if (lport != 0 &&
	    in_pcblookup(info, faddr, nam->sin_port, laddr, lport, 0) != NULL)
		return (-EADDRINUSE);
	if (lport == 0) {
		if ((error = in_pcb_lport(inp, laddr, nam, laddr, &lport)) != 0)
			return (error);
		inp->inp_flags |= INP_ANONPORT;
	}
	inp->inp_laddr = laddr;
	inp->inp_lport = lport;
	inp->inp_faddr = faddr;
	inp->inp_fport = nam->sin_port;
	if (autoaddr)
		inp->inp_flags |= INP_LADDR_AUTO;
	in_pcbrehash(inp);
	return (0);
}

void
in_pcbdisconnect(struct inpcb *inp)
{
	inp->inp_faddr.s_addr = INADDR_ANY;
	inp->inp_fport = 0;
	if ((inp->inp_flags & INP_LADDR_AUTO) != 0) {
		inp->inp_laddr.s_addr = INADDR_ANY;
		inp->inp_flags &= ~INP_LADDR_AUTO;
	}
	in_pcbrehash(inp);
}

int
in_getsockaddr(struct socket *so, struct sockaddr_in *nam)
{
	struct inpcb *inp = sotoinpcb(so);

	memset(nam, 0, sizeof(*nam));
	nam->sin_family = AF_INET;
	if (inp == NULL)
		return (-EINVAL);
	nam->sin_addr = inp->inp_laddr;
	nam->sin_port = inp->inp_lport;
	return (0);
}

int
in_getpeeraddr(struct socket *so, struct sockaddr_in *nam)
{
	struct inpcb *inp = sotoinpcb(so);

	memset(nam, 0, sizeof(*nam));
	nam->sin_family = AF_INET;
	if (inp == NULL || inp->inp_faddr.s_addr == INADDR_ANY)
		return (-ENOTCONN);
	nam->sin_addr = inp->inp_faddr;
	nam->sin_port = inp->inp_fport;
	return (0);
}

/*
 * in_pcb.h - Internet protocol control blocks, after FreeBSD's
 * netinet/in_pcb.h: the addresses of an end point (local and foreign
 * address and port), their hash tables, binding with RFC 6056
 * randomized ephemeral ports, connecting (source address selection) and
 * lookups by 4-tuple with wildcard fallback.
 *
 * One struct inpcbinfo per protocol per stack: V_udbinfo(ctx) (UDP,
 * udp_usrreq.c) and V_tcbinfo(ctx) (TCP: initialized by the socket layer
 * at attach so tcp_* only uses it).  Each has
 *   - a list of every pcb (ipi_listhead), for detach and for netstat;
 *   - a hash by 4-tuple (ipi_hashbase) holding every pcb with a local
 *     port, keyed on (faddr, fport, lport) (wildcards hash with 0);
 *   - a hash by local port (ipi_porthashbase) for bind conflicts and for
 *     the wildcard lookups of listeners and unconnected UDP;
 *   - an index by generation (ipi_order): each pcb gets the next
 *     number of its table when it is made (inp_gencnt), and the index
 *     keeps (generation, pcb) sorted, so a listing in parts (netstat,
 *     in_pcblist.c) resumes after the last generation it gave with a
 *     binary search, whatever was freed in between.  A freed pcb leaves
 *     a hole (inp NULL) that the next growth squeezes out; each pcb
 *     knows its entry (inp_ordidx), so freeing one is O(1).
 *
 * Life: in_pcballoc() (from pru_attach) links a pcb to its socket;
 * in_pcbdetach() unlinks it from the socket (so_pcb = NULL; sofree() when
 * the descriptor is gone) and leaves it hashed (TIME_WAIT keeps it);
 * in_pcbdrop() unhashes the pcb of a connection that is over while its
 * socket is still open (so the 4-tuple and port are free again);
 * in_pcbfree() unhashes and frees it (detaching first if needed).
 *
 * Errors: 0 or a negative errno.  Addresses and ports in network order.
 */
#ifndef _NETINET_IN_PCB_H_
#define _NETINET_IN_PCB_H_

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "kern/socketvar.h"

struct ff_ctx;
struct socket;
struct inpcbinfo;

LIST_HEAD(inpcbhead, inpcb);

/* An entry of the generation index; inp NULL: freed since. */
struct inp_order {
	uint64_t io_gen;
	struct inpcb *io_inp;
};

/*
 * What a lookup reads of every pcb on a hash chain (the link and the
 * 4-tuple) comes first, then what it reads of the one it finds: one
 * cache line per pcb walked past, not two (a chain holds TIME_WAITs
 * by the ten thousand under connection per request).
 */
struct inpcb {
	LIST_ENTRY(inpcb) inp_hash;	/* 4-tuple hash bucket */
	struct in_addr inp_faddr;	/* foreign address */
	struct in_addr inp_laddr;	/* local address */
	uint16_t inp_fport;		/* foreign port */
	uint16_t inp_lport;		/* local port */
	int inp_flags;			/* INP_* */
	void *inp_ppcb;			/* per-protocol pcb (struct tcpcb) */
	struct socket *inp_socket;	/* back pointer, NULL once detached */
	LIST_ENTRY(inpcb) inp_portlist; /* local port hash bucket */
	LIST_ENTRY(inpcb) inp_list;	/* every pcb of the protocol */
	struct inpcbinfo *inp_pcbinfo;	/* the protocol's table */
	int inp_so_options;		/* so_options kept after detach */
	uint8_t inp_ip_ttl;		/* IP_TTL, 0 = net.inet.ip.ttl */
	uint8_t inp_ip_tos;		/* IP_TOS */
	uint64_t inp_gencnt;		/* generation: ipi_order's key */
	size_t inp_ordidx;		/* its entry in ipi_order */
};

/* inp_flags. */
#define INP_HASHED     0x0001 /* on the hash lists */
#define INP_TIMEWAIT   0x0002 /* TCP TIME_WAIT: no socket */
#define INP_DROPPED    0x0004 /* protocol dropped it */
#define INP_ANONPORT   0x0008 /* port chosen by the stack */
#define INP_LADDR_AUTO 0x0010 /* laddr chosen by in_pcbconnect */

struct inpcbinfo {
	struct ff_ctx *ipi_ctx;		/* back pointer */
	const char *ipi_name;		/* "udp", "tcp" */
	int ipi_proto;			/* IPPROTO_* */
	struct inpcbhead ipi_listhead;	/* every pcb */
	unsigned int ipi_count;		/* pcbs allocated */
	unsigned int ipi_hashsize;	/* buckets (a power of 2) */
	struct inpcbhead *ipi_hashbase; /* by 4-tuple; at the first pcb */
	unsigned long ipi_hashmask;
	struct inpcbhead *ipi_porthashbase; /* by local port */
	unsigned long ipi_porthashmask;
	uint64_t ipi_rand;	     /* RFC 6056 PRNG state */
	uint64_t ipi_gencnt;	     /* the last generation given */
	struct inp_order *ipi_order; /* by generation, with holes */
	size_t ipi_ordlen;	     /* entries used, holes included */
	size_t ipi_ordcap;	     /* entries allocated */
	struct uma_zone *ipi_zone;   /* the pcbs */
};

/* Lookup flags. */
#define INPLOOKUP_WILDCARD 0x1 /* accept a wildcard match */

/*
 * A table for protocol proto with hashsize (a power of 2; 0: sized
 * from kern.ipc.maxsockets, in_pcb_hashsize()) buckets per hash, allocated with the first pcb so that a boot tunable may change
 * ipi_hashsize in between; 0 or -ENOMEM.  Called at attach for UDP and
 * TCP.
 */
int in_pcbinfo_init(struct ff_ctx *ctx, struct inpcbinfo *pcbinfo,
    const char *name, int proto, unsigned int hashsize);
/*
 * Buckets the hashes have, or will have: ipi_hashsize, or, when that is
 * 0, a quarter of kern.ipc.maxsockets rounded down to a power of 2, at
 * least 512 (FreeBSD's tcp_init() sizes net.inet.tcp.tcbhashsize so:
 * chains of 2 or so with every socket in use).
 */
unsigned int in_pcb_hashsize(const struct inpcbinfo *pcbinfo);
/* Free every pcb (their sockets are gone by then) and the hashes. */
void in_pcbinfo_destroy(struct inpcbinfo *pcbinfo);

/*
 * A zeroed pcb linked to so (so_pcb): 0 or -ENOBUFS (2 * kern.ipc.maxsockets
 * pcbs already, or no memory).
 */
int in_pcballoc(struct socket *so, struct inpcbinfo *pcbinfo);
/*
 * Bind to nam (NULL or port 0: an ephemeral port; INADDR_ANY: every
 * address).  -EADDRINUSE, -EADDRNOTAVAIL (not one of our addresses),
 * -EINVAL (already bound), -EACCES, -EAFNOSUPPORT.
 */
int in_pcbbind(struct inpcb *inp, const struct sockaddr_in *nam);
/*
 * The implicit bind of a first datagram to dst: any address, an ephemeral
 * port whose flow to dst hashes to this process (several processes).
 * 0 or a negative errno as in_pcbbind().
 */
int in_pcbbind_to(struct inpcb *inp, const struct sockaddr_in *dst);
/*
 * Set the foreign address; choose the local address by route and bind an
 * ephemeral port when unbound.  -EADDRNOTAVAIL (port 0), -ENETUNREACH /
 * -EHOSTUNREACH (no route), -EADDRINUSE (4-tuple taken), -EISCONN.
 */
int in_pcbconnect(struct inpcb *inp, const struct sockaddr_in *nam);
/* Forget the foreign address (UDP connect to AF_UNSPEC). */
void in_pcbdisconnect(struct inpcb *inp);
/* Unlink from the socket (see the top); keeps the pcb hashed. */
void in_pcbdetach(struct inpcb *inp);
/* Done with, socket still open: unhashed, INP_DROPPED, not freed. */
void in_pcbdrop(struct inpcb *inp);
/* Unhash and free (in_pcbdetach() first if still attached). */
void in_pcbfree(struct inpcb *inp);
/* Re-insert in the hashes after a change of address or port. */
void in_pcbrehash(struct inpcb *inp);

/*
 * The pcb for a packet from (faddr, fport) to (laddr, lport): the exact
 * 4-tuple first, then with INPLOOKUP_WILDCARD the best wildcard match
 * (local address exact before INADDR_ANY; foreign address unset).
 */
struct inpcb *in_pcblookup(struct inpcbinfo *pcbinfo, struct in_addr faddr,
    uint16_t fport, struct in_addr laddr, uint16_t lport, int lookupflags);
/* A pcb bound to (laddr, lport) (bind conflicts), wildcards as flags. */
struct inpcb *in_pcblookup_local(struct inpcbinfo *pcbinfo,
    struct in_addr laddr, uint16_t lport, int lookupflags);

/*
 * The local address to use towards faddr (route's source address):
 * 0 with *laddr, -ENETUNREACH.
 */
int
in_pcbladdr(struct ff_ctx *ctx, struct in_addr faddr, struct in_addr *laddr);

/* Socket-side helpers for pru_sockaddr / pru_peeraddr. */
int in_getsockaddr(struct socket *so, struct sockaddr_in *nam);
int in_getpeeraddr(struct socket *so, struct sockaddr_in *nam);

/* The pcb of a socket. */
#define sotoinpcb(so) ((struct inpcb *)(so)->so_pcb)

/* The first ipi_order index whose generation is above `after'. */
size_t in_pcb_order_seek(const struct inpcbinfo *pcbinfo, uint64_t after);

/* FF_MSG_NETSTAT: the pcb lists for tools (in_pcblist.c). */
struct ff_msg_hdr;
int ff_msg_netstat(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor);

/* 32 random bits from the table's PRNG (ports, and for TCP's use). */
uint32_t in_pcb_random(struct inpcbinfo *pcbinfo);

#endif /* _NETINET_IN_PCB_H_ */

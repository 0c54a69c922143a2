/*
 * protosw.h - the protocol switch and protocol domains: how the socket
 * layer and the rest of kern/ call a protocol (IP, ICMP, UDP, TCP), after
 * FreeBSD's sys/protosw.h and sys/domain.h.
 *
 * Each protocol describes itself with a struct protosw (type, protocol
 * number, flags), its life-cycle hooks and, when sockets can use it, its
 * user requests (struct pr_usrreqs).  A domain lists its protocols in
 * set-up order; the composition root (core/ff_stack.c) attaches it:
 *
 *	static const struct pr_usrreqs tcp_usrreqs = { .pru_attach = ..., };
 *	const struct protosw tcp_protosw = {
 *		.pr_type = SOCK_STREAM, .pr_protocol = IPPROTO_TCP,
 *		.pr_flags = PR_CONNREQUIRED | PR_WANTRCVD,
 *		.pr_name = "tcp", .pr_usrreqs = &tcp_usrreqs,
 *		.pr_init = tcp_init, .pr_drain = tcp_drain,
 *		.pr_destroy = tcp_fini,
 *	};
 *	inetdomain (netinet/in_proto.c): ip, icmp, udp, tcp.
 *	domain_attach(ctx, &inetdomain): register all, then pr_init each.
 *
 * socreate(ctx, SOCK_STREAM, 0 or IPPROTO_TCP) then finds TCP; the pool
 * running short calls every pr_drain (domain_drain(), kern_mbuf.c); the
 * stack's detach calls every pr_destroy, last protocol first, after the
 * sockets are gone (domain_detach()).  So kern/ names no protocol.
 *
 * Life-cycle hooks (any may be NULL):
 *   pr_init(ctx)          the protocol's state, at attach; 0 or a
 *                         negative errno (the attach fails).
 *   pr_drain(ctx)         memory is short: free what can be rebuilt
 *                         (reassembly queues).
 *   pr_destroy(ctx)       at detach: free everything it holds.
 *
 * Every request returns 0 or a negative errno.  Addresses are
 * struct sockaddr_in (AF_INET, checked by the socket layer: family and
 * length are valid when a request sees them).  The socket layer calls:
 *
 *   pru_attach(so)        socreate/sonewconn: allocate the pcb, reserve
 *                         buffer space (sbreserve) when sb_hiwat is still
 *                         0 (sonewconn copied the listener's already);
 *                         so_pcb set on return.
 *   pru_bind(so, sin)     bind; sin_addr may be INADDR_ANY, port 0 picks
 *                         an ephemeral one (in_pcbbind).
 *   pru_listen(so, bl)    become a listener; bl is already capped by
 *                         kern.ipc.somaxconn; the socket layer has set
 *                         SO_ACCEPTCONN and so_qlimit.  Bind if unbound.
 *   pru_connect(so, sin)  start connecting (TCP: SYN, soisconnecting();
 *                         later soisconnected() or so_error+
 *                         soisdisconnected()); UDP: set the peer.
 *   pru_accept(so, sin)   the peer address of an accepted connection.
 *   pru_send(so, flags, &m, sin)
 *                         send the packet m (data only, headroom left for
 *                         the headers); ALWAYS consumes *mp (sets it to
 *                         NULL).  flags: PRUS_*.  sin: destination of a
 *                         datagram, NULL on a connected socket.  TCP
 *                         appends to so_snd (sbappendstream_consume)
 *                         and calls tcp_output; sosend checked the room.
 *   pru_rcvd(so, flags)   soreceive took data out of so_rcv (window
 *                         update).  Called only with PR_WANTRCVD.
 *   pru_shutdown(so)      shutdown(SHUT_WR): FIN after queued data; the
 *                         socket layer already called socantsendmore().
 *   pru_disconnect(so)    close of a connected socket: orderly release
 *                         (TCP: FIN, or RST with SO_LINGER 0).
 *   pru_abort(so)         drop an unaccepted connection (RST); returns
 *                         with socket and pcb apart (so_pcb NULL): the
 *                         socket layer frees the socket after it.
 *   pru_detach(so)        the descriptor is gone (SS_NOFDREF set): free
 *                         the pcb now (in_pcbdetach + in_pcbfree), or
 *                         later when the connection is done; the socket
 *                         is freed when so_pcb becomes NULL.
 *   pru_sockaddr(so, sin), pru_peeraddr(so, sin)
 *                         local / remote address (-ENOTCONN: no peer).
 *   pru_ctloutput(so, sopt)
 *                         options of level IPPROTO_IP / IPPROTO_TCP (the
 *                         socket layer handles SOL_SOCKET itself and
 *                         then calls this too, so TCP may see
 *                         SO_KEEPALIVE and SO_SNDBUF changes);
 *                         -ENOPROTOOPT for an unknown one.
 * Missing entries answer -EOPNOTSUPP.
 */
#ifndef _KERN_PROTOSW_H_
#define _KERN_PROTOSW_H_

#include <stdint.h>

#include "kern/socketvar.h"

struct ff_ctx;
struct rte_mbuf;
struct socket;
struct sockopt;

/* pr_flags: FreeBSD's values. */
#define PR_ATOMIC	0x01 /* exchange atomic messages only */
#define PR_ADDR		0x02 /* addresses given with messages */
#define PR_CONNREQUIRED 0x04 /* connection required by protocol */
#define PR_WANTRCVD	0x08 /* want PRU_RCVD calls */
#define PR_IMPLOPCL	0x20 /* implied open/close */

/* pru_send flags: FreeBSD's values. */
#define PRUS_OOB	0x1 /* urgent data */
#define PRUS_EOF	0x2 /* send, then shut down (sendto+EOF) */
#define PRUS_MORETOCOME 0x4 /* more data follows: Nagle may wait */

struct pr_usrreqs {
	int (*pru_attach)(struct socket *so, int proto);
	int (*pru_bind)(struct socket *so, const struct sockaddr_in *nam);
	int (*pru_listen)(struct socket *so, int backlog);
	int (*pru_connect)(struct socket *so, const struct sockaddr_in *nam);
	int (*pru_accept)(struct socket *so, struct sockaddr_in *nam);
	int (*pru_send)(struct socket *so, int flags, struct rte_mbuf **mp,
	    const struct sockaddr_in *nam);
	int (*pru_rcvd)(struct socket *so, int flags);
	int (*pru_shutdown)(struct socket *so);
	int (*pru_disconnect)(struct socket *so);
	void (*pru_abort)(struct socket *so);
	void (*pru_detach)(struct socket *so);
	int (*pru_sockaddr)(struct socket *so, struct sockaddr_in *nam);
	int (*pru_peeraddr)(struct socket *so, struct sockaddr_in *nam);
	int (*pru_ctloutput)(struct socket *so, struct sockopt *sopt);
};

struct protosw {
	short pr_type;			     /* SOCK_STREAM, SOCK_DGRAM, 0 */
	short pr_protocol;		     /* IPPROTO_TCP, IPPROTO_UDP, ... */
	short pr_flags;			     /* PR_* */
	const char *pr_name;		     /* "tcp", "udp" */
	const struct pr_usrreqs *pr_usrreqs; /* NULL: no sockets */
	int (*pr_init)(struct ff_ctx *ctx);
	void (*pr_drain)(struct ff_ctx *ctx);
	void (*pr_destroy)(struct ff_ctx *ctx);
};

/* A protocol family: its protocols in set-up order (sys/domain.h). */
struct domain {
	int dom_family;	      /* AF_INET */
	const char *dom_name; /* "internet" */
	const struct protosw *const *dom_protosw;
	int dom_nprotosw;
};

#define PF_PROTO_MAX 8 /* protocols per stack */

/*
 * Register pr in ctx's table (at attach, before any socket): 0, -EEXIST
 * (same type and protocol already there) or -ENOSPC.
 */
int pf_proto_register(struct ff_ctx *ctx, const struct protosw *pr);
/*
 * The socket protocol of (type, protocol); protocol 0 = the type's
 * default.  Protocols without pr_usrreqs are never found.
 */
const struct protosw *pffindproto(struct ff_ctx *ctx, int type, int protocol);
/*
 * Register every protocol of dom, then run their pr_init in order.  0, or
 * the first negative errno (what was registered stays, for detach).
 */
int domain_attach(struct ff_ctx *ctx, const struct domain *dom);
/* Every registered protocol's pr_drain (memory is short). */
void domain_drain(struct ff_ctx *ctx);
/* Every registered protocol's pr_destroy, the last registered first. */
void domain_detach(struct ff_ctx *ctx);

#endif /* _KERN_PROTOSW_H_ */

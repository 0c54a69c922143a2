/*
 * uipc_var.h - the socket layer's state of one stack (V_uipc(ctx)):
 * descriptor table, socket zone and list, protocol switch table,
 * kqueue/epoll bookkeeping, ephemeral port range and counters.
 *
 * Life cycle (core/ff_stack.c):
 *   uipc_init()          at attach, before the protocols register
 *                        (domain_attach());
 *   uipc_sysctl_attach() kern.ipc.*, kern.maxfiles, net.inet.ip.portrange.*;
 *   uipc_drain()         at detach, first: closes every descriptor and
 *                        aborts every socket (protocols still up);
 *   uipc_fini()          after domain_detach(): kqueue, epoll, zones.
 */
#ifndef _KERN_UIPC_VAR_H_
#define _KERN_UIPC_VAR_H_

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <netinet/in.h>

#include "kern/file.h"
#include "kern/protosw.h"
#include "kern/socketvar.h"
#include "kern/uma.h"

struct kqueue;
struct eventpoll;
struct zc_state;
TAILQ_HEAD(kqlist, kqueue);
TAILQ_HEAD(eplist, eventpoll);

#define FF_MAXSOCKETS_DEFAULT 65536	/* kern.ipc.maxsockets */
#define FF_MAXSOCKETS_MAX     (1 << 27) /* its largest setting */

/*
 * Ephemeral port range (net.inet.ip.portrange.*; FreeBSD's netinet/in.h
 * values, IPPORT_RESERVED the C library's), kept with the socket state;
 * in_pcb.c picks ports from it.
 */
#define IPPORT_EPHEMERALFIRST 10000
#define IPPORT_EPHEMERALLAST  65535

struct uipc_state {
	struct filedesc us_fd;		/* descriptors */
	uma_zone_t us_sockzone;		/* struct socket */
	uma_zone_t us_knotezone;	/* kqueue knotes */
	uma_zone_t us_epizone;		/* epoll items */
	struct sockhead us_sockets;	/* every socket */
	struct kqlist us_kqueues;	/* every kqueue */
	struct eplist us_epolls;	/* every epoll instance */
	int us_maxsockets;		/* kern.ipc.maxsockets (boot) */
	unsigned int us_numopensockets; /* kern.ipc.numopensockets */
	int us_portfirst;		/* net.inet.ip.portrange.first */
	int us_portlast;		/* net.inet.ip.portrange.last */
	struct sostat us_stat;		/* kern.ipc.sostat (ours) */
	const struct protosw *us_protosw[PF_PROTO_MAX];
	int us_nprotosw;
	struct zc_state *us_zc; /* zero-copy chains (uipc_zerocopy.c) */
	int us_zc_send;		/* kern.ipc.zero_copy.send */
};

#define V_uipc(ctx) ((ctx)->vnet.v_uipc)

int uipc_init(struct ff_ctx *ctx);
int uipc_sysctl_attach(struct ff_ctx *ctx);
void uipc_drain(struct ff_ctx *ctx);
void uipc_fini(struct ff_ctx *ctx);

/*
 * Zero copy (uipc_zerocopy.c): chains of mbufs the application holds
 * between ff_zc_mbuf_get()/ff_zc_recv() and ff_zc_send()/
 * ff_zc_mbuf_free().  The table is made at the first use; zc_fini()
 * (from uipc_fini()) frees it and every chain still held.
 */
struct rte_mbuf;
/* A chain of len bytes (contents undefined): 0 with *mp, or -errno. */
int zc_get(struct ff_ctx *ctx, uint32_t len, struct rte_mbuf **mp);
/*
 * Whether the application holds chain m: 0 with its length, cursor and
 * the cursor's segment, or -EINVAL (m is never dereferenced then).
 */
int zc_lookup(struct ff_ctx *ctx, const void *m, uint32_t *lenp, uint32_t *offp,
    void **curp);
/* Copy len bytes in (write) / out (read) at the cursor, moving it. */
int zc_copy(struct ff_ctx *ctx, void *m, void *data, uint32_t len, int out);
/* The segment at the cursor: its bytes from there, moving the cursor. */
int zc_segment(struct ff_ctx *ctx, void *m, void **datap);
/* Give chain m back to the pool. */
int zc_free(struct ff_ctx *ctx, void *m);
/*
 * Send the first len bytes of chain m on stream socket so: the bytes
 * taken (> 0), *restp the chain of what was not (NULL when all), or a
 * negative errno with the chain untouched.
 */
long zc_send(struct socket *so, void *m, uint32_t len, void **restp);
/* Take up to len bytes of so_rcv as a new chain: bytes, 0 (EOF), -errno. */
long zc_recv(struct socket *so, uint32_t len, struct rte_mbuf **mp);
void zc_fini(struct ff_ctx *ctx);
/* Chains the application holds now (leak checks). */
unsigned int zc_chains_held(struct ff_ctx *ctx);
/*
 * Every chain held against its record (bytes, cursor, count): 0, or -1
 * with what is wrong in why.
 */
int zc_audit(struct ff_ctx *ctx, char *why, size_t whylen);

/* Sockets in use (leak checks). */
unsigned int uipc_sockets_inuse(struct ff_ctx *ctx);

#endif /* _KERN_UIPC_VAR_H_ */

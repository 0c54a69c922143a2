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

#include <stdint.h>
#include <sys/queue.h>
#include <netinet/in.h>

#include "kern/file.h"
#include "kern/protosw.h"
#include "kern/socketvar.h"
#include "kern/uma.h"

struct kqueue;
struct eventpoll;
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
};

#define V_uipc(ctx) ((ctx)->vnet.v_uipc)

int uipc_init(struct ff_ctx *ctx);
int uipc_sysctl_attach(struct ff_ctx *ctx);
void uipc_drain(struct ff_ctx *ctx);
void uipc_fini(struct ff_ctx *ctx);

/* Sockets in use (leak checks). */
unsigned int uipc_sockets_inuse(struct ff_ctx *ctx);

#endif /* _KERN_UIPC_VAR_H_ */

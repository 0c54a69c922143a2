/*
 * ff_dispatch.h - which stack process handles a received frame, when
 * several share a port (ff_dispatch.c).
 */
#ifndef _CORE_FF_DISPATCH_H_
#define _CORE_FF_DISPATCH_H_

#include <stdint.h>

struct ff_ctx;
struct ff_port;
struct rte_mbuf;

/*
 * n frames received from p's queue: keep this process's, hand the others
 * to their owners, copy ARP and broadcasts to everyone, and push what
 * stays up the stack.  Consumes every frame.
 */
void ff_dispatch_input(
    struct ff_ctx *ctx, struct ff_port *p, struct rte_mbuf **pkts, uint16_t n);
/* Frames other processes handed to us on p, up the stack; their count. */
int ff_dispatch_handover_input(struct ff_ctx *ctx, struct ff_port *p);
/* net.inet.rss.*: the process layout and the counters. */
int ff_dispatch_sysctl_attach(struct ff_ctx *ctx);

#endif /* _CORE_FF_DISPATCH_H_ */

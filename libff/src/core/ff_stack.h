/*
 * ff_stack.h - how the core (ff_init, ff_run, the test port) drives the
 * protocols: attach a stack to a context, push received frames up, and
 * detach.  Everything behind these calls lives in src/net, src/netinet and
 * src/kern and hangs off ctx->stack.
 */
#ifndef _FF_STACK_H_
#define _FF_STACK_H_

#include <stdint.h>
#include <stddef.h>

struct ff_ctx;
struct ff_port;
struct rte_mbuf;

/*
 * Build the stack for ctx: the sysctl tree, interfaces for ctx->ports
 * (addresses, connected and default routes from the config), lo0, then
 * [freebsd.sysctl] applied.  Returns 0, or -1 with a message in err.
 */
int ff_stack_attach(struct ff_ctx *ctx, char *err, size_t errlen);
/* Free every socket, route, ARP entry, queued mbuf and timer. */
void ff_stack_detach(struct ff_ctx *ctx);
/* Push a burst of frames received on port p up the stack; consumes them. */
void ff_stack_input(
    struct ff_ctx *ctx, struct ff_port *p, struct rte_mbuf **pkts, uint16_t n);
/*
 * The end of a main-loop iteration, after the application's loop ran and
 * before the transmit flush: what the protocols held for it goes out
 * (TCP's ACKs under net.inet.tcp.delayed_ack 2).
 */
void ff_stack_iteration_end(struct ff_ctx *ctx);

#endif /* _FF_STACK_H_ */

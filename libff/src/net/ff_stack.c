/*
 * ff_stack.c - attach and detach the protocol stack of a context, and the
 * entry point for received frames.
 *
 * Until the protocols land (src/net, src/netinet) every received frame is
 * dropped and counted in the context's rx_dropped.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_mbuf.h>

#include "ff_ctx.h"
#include "ff_port.h"
#include "ff_stack.h"

struct ff_stack {
	int	st_attached;
};

int
ff_stack_attach(struct ff_ctx *ctx, char *err, size_t errlen)
{
	ctx->stack = calloc(1, sizeof(*ctx->stack));
	if (ctx->stack == NULL) {
		errno = ENOMEM;
		return (-1);
	}
	ctx->stack->st_attached = 1;
	return (0);
}

void
ff_stack_detach(struct ff_ctx *ctx)
{
	free(ctx->stack);
	ctx->stack = NULL;
}

void
ff_stack_input(struct ff_ctx *ctx, struct ff_port *p, struct rte_mbuf **pkts,
    uint16_t n)
{
	ctx->traffic.rx_dropped += n;
	rte_pktmbuf_free_bulk(pkts, n);
}

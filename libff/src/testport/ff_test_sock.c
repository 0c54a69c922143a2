/*
 * ff_test_sock.c - what the stack tests need around the socket API:
 * ff_test_use() points the ff_* calls (which find their stack with
 * ff_ctx_get()) at a test stack, leak gauges, and the socket-layer
 * gauges (so.sockets, so.files, so.udp_pcbs, so.tcp_pcbs) for
 * ff_test_counter().
 *
 * Entry points: ff_test_use(), ff_test_sockets_inuse(),
 * ff_test_files_inuse(), ff_test_sock_counter().
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/uipc_var.h"
#include "netinet/udp_var.h"
#include "netinet/tcp_var.h"
#include "testport/ff_testport.h"
#include "testport/ff_test_sock.h"

static int
sock_gauge_get(struct ff_ctx *ctx, const char *name, uint64_t *val)
{
	struct uipc_state *us = V_uipc(ctx);

	if (strcmp(name, "sockets") == 0)
		*val = us->us_numopensockets;
	else if (strcmp(name, "files") == 0)
		*val = (uint64_t)us->us_fd.fd_inuse;
	else if (strcmp(name, "udp_pcbs") == 0)
		*val = V_udbinfo(ctx)->ipi_count;
	else if (strcmp(name, "tcp_pcbs") == 0)
		*val = V_tcbinfo(ctx)->ipi_count;
	else
		return (-ENOENT);
	return (0);
}

int
ff_test_sock_counter(struct ff_ctx *ctx, const char *name, uint64_t *val)
{
	if (ctx->stack == NULL)
		return (-ENOENT);
	/* udpstat, udpxstat and sostat are ff_test_counters.c's. */
	if (strncmp(name, "so.", 3) == 0)
		return (sock_gauge_get(ctx, name + 3, val));
	return (-ENOENT);
}

int
ff_test_use(struct ff_test *t)
{
	ff_ctx_set_current(t->t_ctx);
	return (0);
}

int
ff_test_sockets_inuse(struct ff_test *t)
{
	return ((int)uipc_sockets_inuse(t->t_ctx));
}

int
ff_test_files_inuse(struct ff_test *t)
{
	return (t->t_ctx->stack != NULL ? V_uipc(t->t_ctx)->us_fd.fd_inuse : 0);
}

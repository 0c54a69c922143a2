/*
 * ff_test_sock.c - what the stack tests need around the socket API:
 * ff_test_use() points the ff_* calls (which find their stack with
 * ff_ctx_get()) at a test stack, leak gauges, and the UDP (udp.*,
 * udpx.*) and socket-layer (so.*) counters by name for
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

struct sock_field {
	const char	*sf_name;
	size_t		 sf_off;
};

#define	F(s, f)	{ #f, offsetof(struct s, f) }

static const struct sock_field udpstat_fields[] = {
	F(udpstat, udps_ipackets), F(udpstat, udps_hdrops),
	F(udpstat, udps_badsum), F(udpstat, udps_nosum),
	F(udpstat, udps_badlen), F(udpstat, udps_noport),
	F(udpstat, udps_noportbcast), F(udpstat, udps_fullsock),
	F(udpstat, udpps_pcbcachemiss), F(udpstat, udpps_pcbhashmiss),
	F(udpstat, udps_opackets), F(udpstat, udps_fastout),
	F(udpstat, udps_noportmcast), F(udpstat, udps_filtermcast),
	{ NULL, 0 }
};

static const struct sock_field udpxstat_fields[] = {
	F(udpxstat, udpx_icmpnotify), F(udpxstat, udpx_icmpnopcb),
	F(udpxstat, udpx_icmpbadquote), F(udpxstat, udpx_icmpignored),
	{ NULL, 0 }
};

static const struct sock_field sostat_fields[] = {
	F(sostat, sos_created), F(sostat, sos_freed), F(sostat, sos_limit),
	F(sostat, sos_qoverflow), F(sostat, sos_nobufs),
	F(sostat, sos_sbfull), { NULL, 0 }
};

static int
sock_field_get(const struct sock_field *tab, const void *base,
    const char *name, uint64_t *val)
{
	for (; tab->sf_name != NULL; tab++)
		if (strcmp(tab->sf_name, name) == 0) {
			memcpy(val, (const char *)base + tab->sf_off,
			    sizeof(*val));
			return (0);
		}
	return (-ENOENT);
}

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
		return (sock_field_get(sostat_fields, &us->us_stat, name, val));
	return (0);
}

int
ff_test_sock_counter(struct ff_ctx *ctx, const char *name, uint64_t *val)
{
	if (ctx->stack == NULL)
		return (-ENOENT);
	if (strncmp(name, "udp.", 4) == 0)
		return (sock_field_get(udpstat_fields, &V_udp(ctx)->udpstat,
		    name + 4, val));
	if (strncmp(name, "udpx.", 5) == 0)
		return (sock_field_get(udpxstat_fields, &V_udp(ctx)->udpxstat,
		    name + 5, val));
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
	return (t->t_ctx->stack != NULL ?
	    V_uipc(t->t_ctx)->us_fd.fd_inuse : 0);
}

/*
 * uipc_domain.c - the socket layer of one stack: its state (uipc_var.h),
 * the protocol switch table and protocol domains (after FreeBSD's
 * kern/uipc_domain.c), its sysctls, and tear-down.
 *
 * Entry points: uipc_init(), uipc_sysctl_attach(), uipc_drain(),
 * uipc_fini(), uipc_sockets_inuse(), pf_proto_register(), pffindproto(),
 * domain_attach(), domain_drain(), domain_detach().
 *
 * Sysctls: kern.ipc.maxsockets, kern.ipc.numopensockets, kern.maxfiles,
 * kern.openfiles, net.inet.ip.portrange.first/last (FreeBSD's names),
 * kern.ipc.sostat (ours: struct sostat).
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "kern/uipc_var.h"
#include "kern/eventvar.h"
#include "kern/protosw.h"

int
pf_proto_register(struct ff_ctx *ctx, const struct protosw *pr)
{
	struct uipc_state *us = V_uipc(ctx);
	int i;

	for (i = 0; i < us->us_nprotosw; i++)
		if (us->us_protosw[i]->pr_type == pr->pr_type &&
		    us->us_protosw[i]->pr_protocol == pr->pr_protocol)
			return (-EEXIST);
	if (us->us_nprotosw >= PF_PROTO_MAX)
		return (-ENOSPC);
	us->us_protosw[us->us_nprotosw++] = pr;
	return (0);
}

const struct protosw *
pffindproto(struct ff_ctx *ctx, int type, int protocol)
{
	struct uipc_state *us = V_uipc(ctx);
	int i;

	for (i = 0; i < us->us_nprotosw; i++)
		if (us->us_protosw[i]->pr_usrreqs != NULL &&
		    us->us_protosw[i]->pr_type == type &&
		    (protocol == 0 ||
			us->us_protosw[i]->pr_protocol == protocol))
			return (us->us_protosw[i]);
	return (NULL);
}

int
domain_attach(struct ff_ctx *ctx, const struct domain *dom)
{
	const struct protosw *pr;
	int error, i;

	for (i = 0; i < dom->dom_nprotosw; i++)
		if ((error = pf_proto_register(ctx, dom->dom_protosw[i])) != 0)
			return (error);
	for (i = 0; i < dom->dom_nprotosw; i++) {
		pr = dom->dom_protosw[i];
		if (pr->pr_init != NULL && (error = pr->pr_init(ctx)) != 0)
			return (error);
	}
	return (0);
}

void
domain_drain(struct ff_ctx *ctx)
{
	struct uipc_state *us = V_uipc(ctx);
	int i;

	for (i = 0; i < us->us_nprotosw; i++)
		if (us->us_protosw[i]->pr_drain != NULL)
			us->us_protosw[i]->pr_drain(ctx);
}

void
domain_detach(struct ff_ctx *ctx)
{
	struct uipc_state *us;
	int i;

	if (ctx->stack == NULL)
		return;
	us = V_uipc(ctx);
	for (i = us->us_nprotosw - 1; i >= 0; i--)
		if (us->us_protosw[i]->pr_destroy != NULL)
			us->us_protosw[i]->pr_destroy(ctx);
	us->us_nprotosw = 0;
}

int
uipc_init(struct ff_ctx *ctx)
{
	struct uipc_state *us = V_uipc(ctx);
	int error;

	TAILQ_INIT(&us->us_sockets);
	TAILQ_INIT(&us->us_kqueues);
	TAILQ_INIT(&us->us_epolls);
	us->us_maxsockets = FF_MAXSOCKETS_DEFAULT;
	us->us_portfirst = IPPORT_EPHEMERALFIRST;
	us->us_portlast = IPPORT_EPHEMERALLAST;
	us->us_sockzone = uma_zcreate(
	    "socket", sizeof(struct socket), (unsigned int)us->us_maxsockets);
	if (us->us_sockzone == NULL)
		return (-ENOMEM);
	fdtable_init(&us->us_fd, FF_MAXFILES_DEFAULT, ctx->cfg->fd_reserve);
	if ((error = kqueue_init(ctx)) != 0 || (error = epoll_init(ctx)) != 0)
		return (error);
	return (0);
}

/*
 * kern.ipc.maxsockets: read-only at run time, set at boot ([freebsd.boot]
 * goes through here before any socket exists).  The zones that hold
 * sockets and their event records take their limits from it; pcbs check
 * it themselves (in_pcballoc()).  Memory is taken as sockets are made.
 */
static int
uipc_sysctl_maxsockets(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct uipc_state *us = V_uipc(ctx);
	int v = us->us_maxsockets, error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v < 1 || v > FF_MAXSOCKETS_MAX)
		return (ERANGE);
	us->us_maxsockets = v;
	uma_zone_set_max(us->us_sockzone, (unsigned int)v);
	uma_zone_set_max(us->us_knotezone, 4 * (unsigned int)v);
	uma_zone_set_max(us->us_epizone, 2 * (unsigned int)v);
	return (0);
}

/* kern.openfiles: descriptors in use. */
static int
uipc_sysctl_openfiles(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	int n = V_uipc(ctx)->us_fd.fd_inuse;

	return (sysctl_out(req, &n, sizeof(n)));
}

#define STATE struct uipc_state

static const struct sysctl_entry uipc_sysctls[] = {
	SYSCTL_PROC("kern.ipc.maxsockets", CTLTYPE_INT | CTLFLAG_RDTUN,
	    uipc_sysctl_maxsockets, "I", "Maximum number of sockets available"),
	SYSCTL_UINT("kern.ipc.numopensockets", CTLFLAG_RD, STATE,
	    us_numopensockets, 0, 0, "Number of open sockets"),
	SYSCTL_INT("kern.maxfiles", CTLFLAG_RDTUN, STATE, us_fd.fd_maxfiles, 1,
	    FF_MAXFILES_MAX, "Maximum number of files"),
	SYSCTL_PROC("kern.openfiles", CTLTYPE_INT | CTLFLAG_RD,
	    uipc_sysctl_openfiles, "I", "System-wide number of open files"),
	SYSCTL_INT("net.inet.ip.portrange.first", CTLFLAG_RW, STATE,
	    us_portfirst, IPPORT_RESERVED, 65535,
	    "First port of the ephemeral range"),
	SYSCTL_INT("net.inet.ip.portrange.last", CTLFLAG_RW, STATE, us_portlast,
	    IPPORT_RESERVED, 65535, "Last port of the ephemeral range"),
	SYSCTL_STATS("kern.ipc.sostat", STATE, us_stat, "S,sostat",
	    "Socket layer statistics (ff)"),
	SYSCTL_NODE("kern.ipc.zero_copy", "Zero copy sockets"),
	SYSCTL_INT("kern.ipc.zero_copy.send", CTLFLAG_RW, STATE, us_zc_send, 0,
	    1,
	    "ff_zc_send() data goes out by reference, never copied into "
	    "segments (where the port takes chains)"),
};

#undef STATE

int
uipc_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, V_uipc(ctx), uipc_sysctls));
}

/* Hard-drop a socket that has no descriptor any more. */
static void
uipc_kill(struct socket *so)
{
	so->so_count++;
	soabort(so); /* pru_abort leaves so_pcb NULL (protosw.h) */
	so->so_count--;
	so->so_pcb = NULL;
	sofree(so);
}

void
uipc_drain(struct ff_ctx *ctx)
{
	struct uipc_state *us;
	struct socket *so;
	int fd;

	if (ctx->stack == NULL || (us = V_uipc(ctx))->us_sockzone == NULL)
		return;
	for (fd = us->us_fd.fd_lastfile; fd >= 0; fd--)
		if (fdget(&us->us_fd, fd, DTYPE_NONE) != NULL)
			(void)kern_close(ctx, fd);
	while ((so = TAILQ_FIRST(&us->us_sockets)) != NULL)
		uipc_kill(so);
}

void
uipc_fini(struct ff_ctx *ctx)
{
	struct uipc_state *us;

	if (ctx->stack == NULL)
		return;
	us = V_uipc(ctx);
	uipc_drain(ctx);
	kqueue_fini(ctx);
	epoll_fini(ctx);
	zc_fini(ctx);
	fdtable_fini(&us->us_fd);
	uma_zdestroy(us->us_sockzone);
	us->us_sockzone = NULL;
}

unsigned int
uipc_sockets_inuse(struct ff_ctx *ctx)
{
	return (ctx->stack != NULL ? V_uipc(ctx)->us_numopensockets : 0);
}

/*
 * kern_sysctl_kern.c - the top-level nodes and the kern.* leaves that
 * belong to no protocol: kern.ostype, kern.osrelease, kern.hz,
 * kern.ipc.maxsockbuf, kern.ipc.somaxconn.  Registered by
 * sysctl_ctx_init(); the socket layer reads ctx->sysctl->st_ipc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "kern/kern_sysctl_var.h"

/* FreeBSD refuses a socket buffer limit below MSIZE + MCLBYTES. */
#define	KERN_MAXSOCKBUF_MIN	(256 + 2048)

/* kern.hz: the callout wheel's rate, fixed at start. */
static int
kern_sysctl_hz(struct ff_ctx *ctx, struct sysctl_oid *oidp,
    struct sysctl_req *req)
{
	int hz = (int)ctx->callouts.cw_hz;

	return (sysctl_out(req, &hz, sizeof(hz)));
}

/* kern.ipc.maxsockbuf: an unsigned long with a floor. */
static int
kern_sysctl_maxsockbuf(struct ff_ctx *ctx, struct sysctl_oid *oidp,
    struct sysctl_req *req)
{
	struct kern_ipc *ipc = &ctx->sysctl->st_ipc;
	unsigned long v = ipc->ki_maxsockbuf;
	int error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v < KERN_MAXSOCKBUF_MIN)
		return (EINVAL);
	ipc->ki_maxsockbuf = v;
	return (0);
}

static const struct kern_sysctl_node {
	const char	*kn_name;
	const char	*kn_descr;
} kern_sysctl_nodes[] = {
	{ "kern", "Kernel: identity, clock and IPC limits" },
	{ "kern.ipc", "Sockets and socket buffers" },
	{ "net", "Networking" },
	{ "net.inet", "Internet (IPv4) protocols" },
	{ "net.inet.ip", "IP" },
	{ "net.inet.icmp", "ICMP" },
	{ "net.inet.tcp", "TCP" },
	{ "net.inet.udp", "UDP" },
	{ "net.link", "Link layers" },
	{ "net.link.ether", "Ethernet" },
	{ "debug", "Debugging" },
};

static int
kern_sysctl_register_nodes(struct ff_ctx *ctx)
{
	size_t i;

	for (i = 0; i < sizeof(kern_sysctl_nodes) /
	    sizeof(kern_sysctl_nodes[0]); i++)
		if (sysctl_add_node(ctx, kern_sysctl_nodes[i].kn_name,
		    kern_sysctl_nodes[i].kn_descr) == NULL)
			return (-1);
	return (0);
}

int
kern_sysctl_register(struct ff_ctx *ctx)
{
	struct sysctl_tree *t = ctx->sysctl;

	t->st_ipc.ki_maxsockbuf = KERN_MAXSOCKBUF_DEFAULT;
	t->st_ipc.ki_somaxconn = KERN_SOMAXCONN_DEFAULT;
	snprintf(t->st_ostype, sizeof(t->st_ostype), "%s", KERN_OSTYPE_STR);
	snprintf(t->st_osrelease, sizeof(t->st_osrelease), "%s",
	    KERN_OSRELEASE_STR);

	if (kern_sysctl_register_nodes(ctx) != 0 ||
	    sysctl_add_string(ctx, "kern.ostype", CTLFLAG_RD, t->st_ostype,
	    sizeof(t->st_ostype), "Operating system type") == NULL ||
	    sysctl_add_string(ctx, "kern.osrelease", CTLFLAG_RD,
	    t->st_osrelease, sizeof(t->st_osrelease),
	    "Operating system release") == NULL ||
	    sysctl_add_proc(ctx, "kern.hz", CTLTYPE_INT | CTLFLAG_RD,
	    kern_sysctl_hz, NULL, 0, "I",
	    "Timer ticks per second (callout wheel)") == NULL ||
	    sysctl_add_proc(ctx, "kern.ipc.maxsockbuf",
	    CTLTYPE_ULONG | CTLFLAG_RW | CTLFLAG_TUN, kern_sysctl_maxsockbuf,
	    NULL, 0, "LU", "Largest socket buffer size, bytes") == NULL ||
	    sysctl_add_uint(ctx, "kern.ipc.somaxconn", CTLFLAG_RW | CTLFLAG_TUN,
	    &t->st_ipc.ki_somaxconn, 0, 65535,
	    "Largest listen queue a socket may ask for") == NULL)
		return (-1);
	return (0);
}

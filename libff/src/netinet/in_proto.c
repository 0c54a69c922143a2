/*
 * in_proto.c - the Internet domain: the protocols of AF_INET in set-up
 * order, after FreeBSD's netinet/in_proto.c.
 *
 * Entry point: inetdomain, attached by the composition root
 * (core/ff_stack.c) with domain_attach().  kern/ reaches the protocols
 * only through these entries: pr_init at attach, pr_drain when the
 * packet pool runs short (kern_mbuf.c), pr_destroy at detach (last
 * first), pr_usrreqs for sockets.  IP and ICMP take no sockets (no
 * pr_usrreqs): socreate() never finds them.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include "kern/protosw.h"
#include "netinet/icmp_var.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/tcp_var.h"
#include "netinet/udp_var.h"

static const struct protosw ip_protosw = {
	.pr_type = 0,
	.pr_protocol = IPPROTO_IP,
	.pr_name = "ip",
	.pr_init = ip_init,
	.pr_drain = ip_reass_drain,
	.pr_destroy = ip_fini,
};

static const struct protosw icmp_protosw = {
	.pr_type = SOCK_RAW,
	.pr_protocol = IPPROTO_ICMP,
	.pr_name = "icmp",
	.pr_init = icmp_init,
};

static const struct protosw *const inetsw[] = {
	&ip_protosw,
	&icmp_protosw,
	&udp_protosw,
	&tcp_protosw,
};

const struct domain inetdomain = {
	.dom_family = AF_INET,
	.dom_name = "internet",
	.dom_protosw = inetsw,
	.dom_nprotosw = (int)(sizeof(inetsw) / sizeof(inetsw[0])),
};

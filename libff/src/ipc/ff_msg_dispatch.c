/*
 * ff_msg_dispatch.c - which function answers which message type.
 * A type with no entry (or out of range) is answered with EOPNOTSUPP.
 */
#include <stddef.h>

#include "ipc/ff_msg_server.h"
#include "kern/kern_sysctl.h"
#include "net/net_msg.h"
#include "netinet/in_pcb.h"

static const ff_msg_handler_t ff_msg_handlers[FF_MSG_TYPE_MAX] = {
	[FF_MSG_ECHO] = ff_msg_echo,
	[FF_MSG_TOP] = ff_msg_top,
	[FF_MSG_TRAFFIC] = ff_msg_traffic,
	[FF_MSG_SYSCTL] = ff_msg_sysctl,
	[FF_MSG_IOCTL] = ff_msg_ioctl,
	[FF_MSG_ROUTE] = ff_msg_route,
	[FF_MSG_IPFW] = ff_msg_ipfw,
	[FF_MSG_NETSTAT] = ff_msg_netstat,
};

ff_msg_handler_t
ff_msg_handler(uint16_t type)
{
	if (type >= FF_MSG_TYPE_MAX)
		return (NULL);
	return (ff_msg_handlers[type]);
}

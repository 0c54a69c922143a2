/*
 * ff_linux.c - the one place where the application's Linux numbers meet
 * the stack's FreeBSD ones: socket levels and option names, message
 * flags, socket type flags, and the Linux sockaddr layout.
 *
 * Entry points: linux_to_bsd_sockopt(), bsd_sockopt_is_bool(),
 * linux_to_bsd_msgflags(), bsd_to_linux_msgflags(), linux_sockaddr_in(),
 * linux_sockaddr_out().  Used by ff_syscalls.c only.
 *
 * The Linux values are spelled out as numbers (asm-generic/socket.h,
 * linux/tcp.h, linux/in.h, bits/socket.h): inside libff the SO_* and
 * MSG_* names carry FreeBSD's values (socketvar.h).
 */
#include <errno.h>
#include <string.h>

#include "kern/socketvar.h"
#include "kern/ff_linux.h"

/* Linux levels. */
#define LINUX_SOL_SOCKET  1
#define LINUX_IPPROTO_IP  0
#define LINUX_IPPROTO_TCP 6

/* FreeBSD numbers of IP and TCP options (netinet/in.h, netinet/tcp.h). */
#define BSD_IP_TOS	   3
#define BSD_IP_TTL	   4
#define BSD_TCP_NODELAY	   1
#define BSD_TCP_MAXSEG	   2
#define BSD_TCP_INFO	   32
#define BSD_TCP_CONGESTION 64
#define BSD_TCP_KEEPIDLE   256
#define BSD_TCP_KEEPINTVL  512
#define BSD_TCP_KEEPCNT	   1024

struct optmap {
	int om_linux;
	int om_bsd;
	int om_bool; /* 0/1 at the boundary, a bit inside */
};

static const struct optmap solsocket_map[] = { { 1, SO_DEBUG, 1 },
	{ 2, SO_REUSEADDR, 1 }, { 3, SO_TYPE, 0 }, { 4, SO_ERROR, 0 },
	{ 5, SO_DONTROUTE, 1 }, { 6, SO_BROADCAST, 1 }, { 7, SO_SNDBUF, 0 },
	{ 8, SO_RCVBUF, 0 }, { 9, SO_KEEPALIVE, 1 }, { 10, SO_OOBINLINE, 1 },
	{ 13, SO_LINGER, 0 }, { 15, SO_REUSEPORT, 1 }, { 18, SO_RCVLOWAT, 0 },
	{ 19, SO_SNDLOWAT, 0 }, { 20, SO_RCVTIMEO, 0 }, { 21, SO_SNDTIMEO, 0 },
	{ 29, SO_TIMESTAMP, 1 }, { 30, SO_ACCEPTCONN, 1 },
	{ 38, SO_PROTOCOL, 0 }, { 0, 0, 0 } };

static const struct optmap ip_map[] = { { 1, BSD_IP_TOS, 0 },
	{ 2, BSD_IP_TTL, 0 }, { 0, 0, 0 } };

static const struct optmap tcp_map[] = { { 1, BSD_TCP_NODELAY, 0 },
	{ 2, BSD_TCP_MAXSEG, 0 }, { 4, BSD_TCP_KEEPIDLE, 0 },
	{ 5, BSD_TCP_KEEPINTVL, 0 }, { 6, BSD_TCP_KEEPCNT, 0 },
	{ 11, BSD_TCP_INFO, 0 }, { 13, BSD_TCP_CONGESTION, 0 }, { 0, 0, 0 } };

static const struct optmap *
optmap_find(const struct optmap *map, int name)
{
	for (; map->om_linux != 0 || map->om_bsd != 0; map++)
		if (map->om_linux == name)
			return (map);
	return (NULL);
}

int
linux_to_bsd_sockopt(
    int level, int name, int *bsdlevel, int *bsdname, int *isbool)
{
	const struct optmap *map, *om;

	switch (level) {
	case LINUX_SOL_SOCKET:
		*bsdlevel = SOL_SOCKET;
		map = solsocket_map;
		break;
	case LINUX_IPPROTO_IP:
		*bsdlevel = IPPROTO_IP;
		map = ip_map;
		break;
	case LINUX_IPPROTO_TCP:
		*bsdlevel = IPPROTO_TCP;
		map = tcp_map;
		break;
	default:
		return (-ENOPROTOOPT);
	}
	if ((om = optmap_find(map, name)) == NULL)
		return (-ENOPROTOOPT);
	*bsdname = om->om_bsd;
	*isbool = om->om_bool;
	return (0);
}

/* Linux MSG_* <-> FreeBSD MSG_*. */
static const struct {
	int l, b;
} msgflags_map[] = {
	{ 0x01, MSG_OOB },
	{ 0x02, MSG_PEEK },
	{ 0x04, MSG_DONTROUTE },
	{ 0x08, MSG_CTRUNC },
	{ 0x20, MSG_TRUNC },
	{ 0x40, MSG_DONTWAIT },
	{ 0x80, MSG_EOR },
	{ 0x100, MSG_WAITALL },
	{ 0x4000, MSG_NOSIGNAL },
	{ 0x8000, MSG_MORETOCOME },
};

#define LINUX_MSG_CMSG_CLOEXEC 0x40000000

int
linux_to_bsd_msgflags(int lflags, int *bflags)
{
	size_t i;
	int b = 0;

	lflags &= ~LINUX_MSG_CMSG_CLOEXEC;
	/* Most calls pass none: every read and write of a socket. */
	if (lflags == 0) {
		*bflags = 0;
		return (0);
	}
	for (i = 0; i < sizeof(msgflags_map) / sizeof(msgflags_map[0]); i++)
		if ((lflags & msgflags_map[i].l) != 0) {
			b |= msgflags_map[i].b;
			lflags &= ~msgflags_map[i].l;
		}
	if (lflags != 0)
		return (-EOPNOTSUPP);
	*bflags = b;
	return (0);
}

int
bsd_to_linux_msgflags(int bflags)
{
	size_t i;
	int l = 0;

	if (bflags == 0)
		return (0);
	for (i = 0; i < sizeof(msgflags_map) / sizeof(msgflags_map[0]); i++)
		if ((bflags & msgflags_map[i].b) != 0)
			l |= msgflags_map[i].l;
	return (l);
}

int
linux_sockaddr_in(
    const void *addr, socklen_t len, struct sockaddr_in *sin, int allow_unspec)
{
	uint16_t family;

	if (addr == NULL)
		return (-EFAULT);
	if (len < sizeof(family))
		return (-EINVAL);
	memcpy(&family, addr, sizeof(family));
	if (allow_unspec && family == AF_UNSPEC) {
		memset(sin, 0, sizeof(*sin));
		return (0);
	}
	if (family != AF_INET)
		return (-EAFNOSUPPORT);
	if (len < sizeof(*sin))
		return (-EINVAL);
	memcpy(sin, addr, sizeof(*sin));
	memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
	return (0);
}

int
linux_sockaddr_out(const struct sockaddr_in *sin, void *addr, socklen_t *lenp)
{
	socklen_t n;

	if (addr == NULL)
		return (0);
	if (lenp == NULL)
		return (-EFAULT);
	if ((int)*lenp < 0)
		return (-EINVAL);
	n = *lenp < sizeof(*sin) ? *lenp : sizeof(*sin);
	memcpy(addr, sin, n);
	*lenp = sizeof(*sin);
	return (0);
}

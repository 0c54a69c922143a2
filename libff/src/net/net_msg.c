/*
 * net_msg.c - helpers shared by the interface-ioctl (if_msg.c) and
 * routing-message (rtsock.c, rtsock_lle.c) handlers: checked access to
 * the addresses and names of a request, and a reply body filled record
 * by record.
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/if_var.h"
#include "net/net_msg.h"

void
net_msg_out_init(struct net_msg_out *no, void *body, size_t cap, size_t head)
{
	no->no_body = body;
	no->no_cap = cap;
	no->no_off = head;
	no->no_count = 0;
	memset(body, 0, head < cap ? head : cap);
}

void *
net_msg_reserve(struct net_msg_out *no, size_t len)
{
	size_t start = (no->no_off + 7) & ~(size_t)7;
	void *p;

	if (start > no->no_cap || len > no->no_cap - start)
		return (NULL);
	p = no->no_body + start;
	memset(p, 0, len);
	no->no_off = start + len;
	return (p);
}

uint32_t
net_msg_off(const struct net_msg_out *no, const void *p)
{
	return ((uint32_t)(sizeof(struct ff_msg_hdr) +
	    ((const uint8_t *)p - no->no_body)));
}

int
net_msg_sin_absent(const struct ff_sockaddr_in *sin)
{
	static const struct ff_sockaddr_in zero;

	return (memcmp(sin, &zero, sizeof(zero)) == 0);
}

int
net_msg_sin_get(const struct ff_sockaddr_in *sin, struct in_addr *a)
{
	if (sin->sin_len != sizeof(*sin) || sin->sin_port != 0)
		return (EINVAL);
	if (sin->sin_family != FF_AF_INET)
		return (EAFNOSUPPORT);
	a->s_addr = sin->sin_addr;
	return (0);
}

void
net_msg_sin_set(struct ff_sockaddr_in *sin, struct in_addr a)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = FF_AF_INET;
	sin->sin_addr = a.s_addr;
}

int
net_msg_ifunit(struct ff_ctx *ctx, const char *name, struct ifnet **ifpp)
{
	/* The name must end inside its field: never read past it. */
	if (memchr(name, '\0', FF_IFNAMSIZ) == NULL)
		return (EINVAL);
	if ((*ifpp = ifunit(ctx, name)) == NULL)
		return (ENXIO);
	return (0);
}

/*
 * net_msg.h - the FF_MSG_IOCTL, FF_MSG_ROUTE and FF_MSG_IPFW handlers
 * (ff-ifconfig, ff-route, ff-arp, ff-ipfw) and the helpers they share: addresses in
 * struct ff_sockaddr_in, interface names, and a reply being filled.
 *
 * The handlers follow ff_msg_handler_t (ipc/ff_msg_server.h): they return
 * the reply body's length or a negative host errno, which the server turns
 * into FreeBSD's number.
 */
#ifndef _NET_NET_MSG_H_
#define _NET_NET_MSG_H_

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "ff_msg.h"

struct ff_ctx;
struct ifnet;

/* A reply body being written; offsets in it count from the body. */
struct net_msg_out {
	uint8_t *no_body;
	size_t no_cap;
	size_t no_off;	   /* bytes used */
	uint32_t no_count; /* records written */
};

void
net_msg_out_init(struct net_msg_out *no, void *body, size_t cap, size_t head);
/* Room for len bytes (zeroed), 8-byte aligned; NULL when full. */
void *net_msg_reserve(struct net_msg_out *no, size_t len);
/* A body offset as the tool sees it: from the start of the message. */
uint32_t net_msg_off(const struct net_msg_out *no, const void *p);

/*
 * A sockaddr of a request: 0 with *a set; EINVAL for a bad length or
 * port, EAFNOSUPPORT for another family.
 */
int net_msg_sin_get(const struct ff_sockaddr_in *sin, struct in_addr *a);
void net_msg_sin_set(struct ff_sockaddr_in *sin, struct in_addr a);
/* 1 when the sockaddr is absent (all of it zero). */
int net_msg_sin_absent(const struct ff_sockaddr_in *sin);

/*
 * The interface a fixed-size name field names: 0 with *ifpp; EINVAL when
 * the field holds no NUL, ENXIO when there is no such interface.
 */
int net_msg_ifunit(struct ff_ctx *ctx, const char *name, struct ifnet **ifpp);

int ff_msg_ioctl(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor);
int ff_msg_route(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor);

/* FF_MSG_IPFW (ipfw_msg.c). */
int ff_msg_ipfw(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor);

/* ARP entries through FF_MSG_ROUTE with RTF_LLINFO (rtsock_lle.c). */
int rtsock_lle(struct ff_ctx *ctx, const struct ff_rt_msghdr *rtm,
    struct net_msg_out *no, uint64_t *cursor);

#endif /* _NET_NET_MSG_H_ */

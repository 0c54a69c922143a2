/*
 * ff_test_api.c - the stack's internal API (interfaces, addresses,
 * routes, ARP, ip_output) exposed to tests with text addresses, as the
 * interface-ioctl and routing-message handlers will call it.
 *
 * Entry points: ff_test_route_*, ff_test_arp_*, ff_test_ifaddr_*,
 * ff_test_if_setflags(), ff_test_ip_output().  Each returns what the
 * internal function returns: 0 or a negative errno.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/mbuf.h"
#include "net/if_var.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/arp_var.h"
#include "netinet/in_pcb.h"
#include "netinet/ip_fw.h"
#include "netinet/tcp_var.h"
#include "testport/ff_testport.h"

static struct ff_ctx *
api_ctx(struct ff_test *t)
{
	ff_ctx_set_current(t->t_ctx);
	return (t->t_ctx);
}

static int
api_addr(const char *s, struct in_addr *a)
{
	if (s == NULL || s[0] == '\0') {
		a->s_addr = INADDR_ANY;
		return (0);
	}
	return (inet_pton(AF_INET, s, a) == 1 ? 0 : -EINVAL);
}

int
ff_test_route_add(struct ff_test *t, const char *dst, int plen, const char *gw,
    const char *ifname, uint32_t flags)
{
	struct ff_ctx *ctx = api_ctx(t);
	struct rt_addinfo ri;

	memset(&ri, 0, sizeof(ri));
	if (api_addr(dst, &ri.ra_dst) != 0 || api_addr(gw, &ri.ra_gateway))
		return (-EINVAL);
	ri.ra_plen = plen;
	ri.ra_flags = flags | RTF_STATIC;
	if (ri.ra_gateway.s_addr != INADDR_ANY)
		ri.ra_flags |= RTF_GATEWAY;
	if (ifname != NULL && ifname[0] != '\0' &&
	    (ri.ra_ifp = ifunit(ctx, ifname)) == NULL)
		return (-ENXIO);
	return (rt_add(ctx, &ri));
}

int
ff_test_route_delete(struct ff_test *t, const char *dst, int plen)
{
	struct in_addr a;

	if (api_addr(dst, &a) != 0)
		return (-EINVAL);
	return (rt_delete(api_ctx(t), a, plen));
}

/* "dst/plen gateway ifname flags use" of the route chosen for dst. */
int
ff_test_route_get(struct ff_test *t, const char *dst, char *out, size_t outlen)
{
	char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	struct rtentry *rt;
	struct in_addr a;

	if (api_addr(dst, &a) != 0)
		return (-EINVAL);
	if ((rt = rt_lookup(api_ctx(t), a)) == NULL)
		return (-ESRCH);
	inet_ntop(AF_INET, &rt->rt_dst, d, sizeof(d));
	inet_ntop(AF_INET, &rt->rt_gateway, g, sizeof(g));
	snprintf(out, outlen, "%s/%u %s %s 0x%x %llu", d, rt->rt_plen, g,
	    rt->rt_ifp->if_xname, rt->rt_flags, (unsigned long long)rt->rt_use);
	return (0);
}

static int
api_count_cb(void *arg, const struct rtentry *rt)
{
	(*(int *)arg)++;
	return (0);
}

int
ff_test_route_count(struct ff_test *t)
{
	int n = 0;

	rt_foreach(api_ctx(t), api_count_cb, &n);
	return (n);
}

/* Buckets of the TCP connection hash (0: not made yet, no pcb). */
int
ff_test_tcb_hash_buckets(struct ff_test *t)
{
	const struct inpcbinfo *info = V_tcbinfo(api_ctx(t));

	return (info->ipi_hashbase != NULL ? (int)info->ipi_hashmask + 1 : 0);
}

/* The size the dynamic-rule hash was made with (0: no state yet). */
int
ff_test_ipfw_dyn_nbuckets(struct ff_test *t)
{
	return ((int)V_ipfw(api_ctx(t))->dyn_nbuckets);
}

int
ff_test_arp_add(
    struct ff_test *t, const char *addr, const uint8_t *mac, int flags)
{
	struct ether_addr ea;
	struct in_addr a;

	if (api_addr(addr, &a) != 0)
		return (-EINVAL);
	memcpy(&ea, mac, sizeof(ea));
	return (arp_add(api_ctx(t), a, &ea, flags | LLE_STATIC, 0));
}

int
ff_test_arp_delete(struct ff_test *t, const char *addr)
{
	struct in_addr a;

	if (api_addr(addr, &a) != 0)
		return (-EINVAL);
	return (arp_delete(api_ctx(t), a));
}

int
ff_test_arp_get(struct ff_test *t, const char *addr, uint8_t *mac, int *flags,
    int64_t *expire)
{
	struct arp_entry_info info;
	struct in_addr a;
	int error;

	if (api_addr(addr, &a) != 0)
		return (-EINVAL);
	if ((error = arp_get(api_ctx(t), a, &info)) != 0)
		return (error);
	memcpy(mac, &info.ai_mac, 6);
	*flags = info.ai_flags;
	*expire = info.ai_expire;
	return (0);
}

static int
api_arp_count_cb(void *arg, const struct arp_entry_info *info)
{
	(*(int *)arg)++;
	return (0);
}

int
ff_test_arp_count(struct ff_test *t)
{
	int n = 0;

	arp_foreach(api_ctx(t), api_arp_count_cb, &n);
	return (n);
}

int
ff_test_ifaddr_add(
    struct ff_test *t, const char *ifname, const char *addr, int plen)
{
	struct ff_ctx *ctx = api_ctx(t);
	struct in_addr a, none = { INADDR_ANY };
	struct ifnet *ifp;

	if ((ifp = ifunit(ctx, ifname)) == NULL)
		return (-ENXIO);
	if (api_addr(addr, &a) != 0 || plen < 0 || plen > 32)
		return (-EINVAL);
	return (in_addr_add(ctx, ifp, a, in_len2mask(plen), none, 0));
}

int
ff_test_ifaddr_delete(struct ff_test *t, const char *ifname, const char *addr)
{
	struct ff_ctx *ctx = api_ctx(t);
	struct ifnet *ifp;
	struct in_addr a;

	if ((ifp = ifunit(ctx, ifname)) == NULL)
		return (-ENXIO);
	if (api_addr(addr, &a) != 0)
		return (-EINVAL);
	return (in_addr_delete(ctx, ifp, a));
}

int
ff_test_if_setflags(struct ff_test *t, const char *ifname, uint32_t flags)
{
	struct ff_ctx *ctx = api_ctx(t);
	struct ifnet *ifp;

	if ((ifp = ifunit(ctx, ifname)) == NULL)
		return (-ENXIO);
	return (if_setflags(ctx, ifp, flags));
}

/* Send a datagram of protocol proto with the given payload. */
int
ff_test_ip_output(struct ff_test *t, const char *src, const char *dst,
    int proto, const void *payload, uint32_t len, int flags)
{
	struct ff_ctx *ctx = api_ctx(t);
	struct rte_mbuf *m;
	struct in_addr a, b;
	ip_hdr_t *ip;

	if (len > IP_MAXPACKET - sizeof(*ip) ||
	    len + sizeof(*ip) > RTE_MBUF_DEFAULT_DATAROOM)
		return (-EMSGSIZE);
	if ((m = m_gethdr(ctx->pktmbuf_pool)) == NULL)
		return (-ENOBUFS);
	ip = (ip_hdr_t *)rte_pktmbuf_append(m, sizeof(*ip) + len);
	if (ip == NULL) {
		rte_pktmbuf_free(m);
		return (-EMSGSIZE);
	}
	memset(ip, 0, sizeof(*ip));
	/* Through locals: &ip->ip_src is no aligned struct in_addr *. */
	if (api_addr(src, &a) != 0 || api_addr(dst, &b) != 0) {
		rte_pktmbuf_free(m);
		return (-EINVAL);
	}
	ip->ip_src = a;
	ip->ip_dst = b;
	IP_SET_VHL(ip, sizeof(*ip));
	ip->ip_len = htons((uint16_t)(sizeof(*ip) + len));
	ip->ip_p = (uint8_t)proto;
	memcpy(ip + 1, payload, len);
	return (ip_output_consume(ctx, m, flags));
}

/*
 * in_rss.c - IPv4 flow hashes, the owner of a flow, and what a received
 * frame is for dispatch among stack processes.
 *
 * Entry points: rss_hash_ip4_4tuple(), rss_hash_ip4_2tuple(),
 * in_rss_owner(), rss_frame_classify().
 *
 * The input is Microsoft's RSS layout for IPv4 (source address,
 * destination address, then source and destination port, all in network
 * order), hashed with the symmetric key of net/rss_config.h.  Ports are
 * read only from a first fragment that is not followed by others: a
 * fragmented datagram is hashed on its addresses alone, so that all its
 * fragments meet in one process (RFC 791 reassembly needs them together).
 */
#include <string.h>

#include "core/ff_ctx.h"
#include "net/if_ether.h"
#include "net/rss_config.h"
#include "netinet/in_rss.h"
#include "netinet/ip.h"

#define IP_OFF_MF      0x2000
#define IP_OFF_OFFMASK 0x1fff

uint32_t
rss_hash_ip4_4tuple(
    struct in_addr src, uint16_t sport, struct in_addr dst, uint16_t dport)
{
	uint8_t in[12];

	memcpy(in, &src.s_addr, 4);
	memcpy(in + 4, &dst.s_addr, 4);
	memcpy(in + 8, &sport, 2);
	memcpy(in + 10, &dport, 2);
	return (rss_hash_symmetric(in, sizeof(in)));
}

uint32_t
rss_hash_ip4_2tuple(struct in_addr src, struct in_addr dst)
{
	uint8_t in[8];

	memcpy(in, &src.s_addr, 4);
	memcpy(in + 4, &dst.s_addr, 4);
	return (rss_hash_symmetric(in, sizeof(in)));
}

int
in_rss_owner(struct ff_ctx *ctx, struct in_addr laddr, uint16_t lport,
    struct in_addr faddr, uint16_t fport)
{
	int n = ctx->cfg->dpdk.nb_procs;

	if (n <= 1)
		return (ctx->proc_id);
	return (
	    rss_hash2proc(rss_hash_ip4_4tuple(faddr, fport, laddr, lport), n));
}

/* An IPv4 packet of len bytes at `p': its flow hash. */
static enum rss_frame
rss_ip4_classify(const uint8_t *p, uint32_t len, uint32_t *hashp)
{
	struct ip ip;
	uint16_t ports[2];
	int hlen;

	if (len < IP_MINHDRLEN)
		return (RSS_FRAME_LOCAL);
	memcpy(&ip, p, sizeof(ip));
	hlen = IP_HDRLEN(&ip);
	if (ip.ip_v != IPVERSION || hlen < IP_MINHDRLEN || (uint32_t)hlen > len)
		return (RSS_FRAME_LOCAL); /* ip_input counts it */
	if ((ip.ip_p == IPPROTO_TCP || ip.ip_p == IPPROTO_UDP) &&
	    (ntohs(ip.ip_off) & (IP_OFF_MF | IP_OFF_OFFMASK)) == 0 &&
	    (uint32_t)hlen + 4 <= len) {
		memcpy(ports, p + hlen, sizeof(ports));
		*hashp = rss_hash_ip4_4tuple(
		    ip.ip_src, ports[0], ip.ip_dst, ports[1]);
	} else
		*hashp = rss_hash_ip4_2tuple(ip.ip_src, ip.ip_dst);
	return (RSS_FRAME_FLOW);
}

enum rss_frame
rss_frame_classify(const uint8_t *f, uint32_t len, uint32_t *hashp)
{
	uint32_t off = ETHER_HDR_LEN;
	uint16_t type;

	if (len < ETHER_HDR_LEN)
		return (RSS_FRAME_LOCAL);
	if (ETHER_IS_MULTICAST(f)) /* broadcast included */
		return (RSS_FRAME_ALL);
	memcpy(&type, f + 12, 2);
	if (ntohs(type) == ETHERTYPE_VLAN && len >= ETHER_HDR_LEN + 4) {
		memcpy(&type, f + 16, 2);
		off += ETHER_VLAN_ENCAP_LEN;
	}
	switch (ntohs(type)) {
	case ETHERTYPE_ARP:
		return (RSS_FRAME_ALL);
	case ETHERTYPE_IP:
		return (rss_ip4_classify(f + off, len - off, hashp));
	default:
		return (RSS_FRAME_LOCAL);
	}
}

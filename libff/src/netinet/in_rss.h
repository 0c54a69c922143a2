/*
 * in_rss.h - IPv4 flow hashes and flow owners (after FreeBSD's
 * netinet/in_rss.h), and the classification of a received frame for the
 * multi-process dispatch (core/ff_dispatch.c).
 */
#ifndef _NETINET_IN_RSS_H_
#define _NETINET_IN_RSS_H_

#include <stdint.h>
#include <netinet/in.h>

struct ff_ctx;

/* What a received frame is, for dispatch (rss_frame_classify()). */
enum rss_frame {
	RSS_FRAME_LOCAL = 0, /* no flow and no neighbour: whoever got it */
	RSS_FRAME_FLOW,	     /* an IPv4 flow: *hashp says whose */
	RSS_FRAME_ALL,	     /* ARP, link broadcast or multicast: everyone */
};

/* Ports in network order; the hash is the same with the ends swapped. */
uint32_t rss_hash_ip4_4tuple(
    struct in_addr src, uint16_t sport, struct in_addr dst, uint16_t dport);
uint32_t rss_hash_ip4_2tuple(struct in_addr src, struct in_addr dst);

/*
 * The process that owns the flow (laddr, lport) <-> (faddr, fport) of
 * ctx's TCP or UDP: ctx->proc_id itself when ctx runs alone.
 */
int in_rss_owner(struct ff_ctx *ctx, struct in_addr laddr, uint16_t lport,
    struct in_addr faddr, uint16_t fport);

/*
 * Classify the Ethernet frame `f' (len bytes, contiguous): TCP and UDP
 * get their 4-tuple hash, other IPv4 (ICMP, fragments: their ports are
 * not in every fragment) the 2-tuple one; ARP and link-level broadcast or
 * multicast go to every process; anything else stays where it arrived.
 */
enum rss_frame
rss_frame_classify(const uint8_t *f, uint32_t len, uint32_t *hashp);

/*
 * The most rss_frame_classify() reads: the Ethernet header, an 802.1Q
 * tag, the largest IP header and the two ports behind it.
 */
#define RSS_FRAME_HDRMAX (14 + 4 + 60 + 4)

#endif /* _NETINET_IN_RSS_H_ */

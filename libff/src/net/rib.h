/*
 * rib.h - the longest-prefix-match trie under the routing table
 * (net/route.c) and ipfw's tables (netinet/ip_fw_table.c): IPv4 prefixes, each node with a fixed-size extension
 * area that holds the caller's record.
 *
 * Entry points: rib_create(), rib_free(), rib_lookup(),
 * rib_lookup_parent(), rib_lookup_exact(), rib_insert(), rib_remove(),
 * rib_next(), rib_node_key(), rib_ext(), rib_depth_to_mask().
 *
 * The trie is DPDK's rte_rib; these are out-of-line wrappers that live
 * with the other DPDK code (dpdk/ff_dpdk_lib.c), so that net/ names no
 * rte_* symbol.  Addresses are in host byte order.  A node may exist
 * only for the trie's branching, with an all-zero extension: the caller
 * tells those apart.
 */
#ifndef _NET_RIB_H_
#define _NET_RIB_H_

#include <stddef.h>
#include <stdint.h>

struct rib;	 /* opaque */
struct rib_node; /* opaque */

/* A trie of at most max_nodes nodes; NULL with errno.  Names are unique. */
struct rib *rib_create(const char *name, uint32_t max_nodes, size_t ext_size);
void rib_free(struct rib *rib);
/* Longest match of addr, the next shorter prefix above node, exact. */
struct rib_node *rib_lookup(struct rib *rib, uint32_t addr);
struct rib_node *rib_lookup_parent(struct rib_node *node);
struct rib_node *
rib_lookup_exact(struct rib *rib, uint32_t addr, uint8_t depth);
/* Add addr/depth (NULL with errno when full) / remove it. */
struct rib_node *rib_insert(struct rib *rib, uint32_t addr, uint8_t depth);
void rib_remove(struct rib *rib, uint32_t addr, uint8_t depth);
/* Every node after last (NULL: the first), 0/0 itself excluded. */
struct rib_node *rib_next(struct rib *rib, struct rib_node *last);
/* The node's prefix. */
void rib_node_key(struct rib_node *node, uint32_t *addr, uint8_t *depth);
/* The node's extension area (ext_size bytes). */
void *rib_ext(struct rib_node *node);

static inline uint32_t
rib_depth_to_mask(uint8_t depth)
{
	return (depth == 0 ? 0 : (uint32_t)(~0u << (32 - depth)));
}

#endif /* _NET_RIB_H_ */

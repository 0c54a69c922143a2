/*
 * ff_dpdk_lib.c - the DPDK library calls the stack uses beyond packet
 * buffers, behind the stack's own names: the trie of the routing table
 * and of ipfw's tables (net/rib.h over rte_rib), pseudo-random numbers
 * (ff_random64() of kern/libkern.h over rte_rand) and the stack's log
 * (ff_log() over rte_vlog).
 *
 * They live here, with the rest of the code that knows DPDK, rather than
 * in core/: core/ is the composition root and the main loop, and dpdk/
 * is where a port to another packet library would start.  Each wrapper
 * is one call (compiled as a tail call), and none runs per packet except
 * rib_lookup(), whose rte_rib_lookup() was already a call.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <rte_log.h>
#include <rte_memory.h>
#include <rte_random.h>
#include <rte_rib.h>

#include "kern/libkern.h"
#include "net/rib.h"

uint64_t
ff_random64(void)
{
	return (rte_rand());
}

void
ff_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)rte_vlog((uint32_t)level, RTE_LOGTYPE_USER1, fmt, ap);
	va_end(ap);
}

struct rib *
rib_create(const char *name, uint32_t max_nodes, size_t ext_size)
{
	struct rte_rib_conf conf;

	memset(&conf, 0, sizeof(conf));
	conf.ext_sz = (uint32_t)ext_size;
	conf.max_nodes = (int)max_nodes;
	return ((struct rib *)rte_rib_create(name, SOCKET_ID_ANY, &conf));
}

void
rib_free(struct rib *rib)
{
	rte_rib_free((struct rte_rib *)rib);
}

struct rib_node *
rib_lookup(struct rib *rib, uint32_t addr)
{
	return ((struct rib_node *)rte_rib_lookup((struct rte_rib *)rib, addr));
}

struct rib_node *
rib_lookup_parent(struct rib_node *node)
{
	return ((struct rib_node *)rte_rib_lookup_parent(
	    (struct rte_rib_node *)node));
}

struct rib_node *
rib_lookup_exact(struct rib *rib, uint32_t addr, uint8_t depth)
{
	return ((struct rib_node *)rte_rib_lookup_exact(
	    (struct rte_rib *)rib, addr, depth));
}

struct rib_node *
rib_insert(struct rib *rib, uint32_t addr, uint8_t depth)
{
	return ((struct rib_node *)rte_rib_insert(
	    (struct rte_rib *)rib, addr, depth));
}

void
rib_remove(struct rib *rib, uint32_t addr, uint8_t depth)
{
	rte_rib_remove((struct rte_rib *)rib, addr, depth);
}

struct rib_node *
rib_next(struct rib *rib, struct rib_node *last)
{
	return ((struct rib_node *)rte_rib_get_nxt((struct rte_rib *)rib, 0, 0,
	    (struct rte_rib_node *)last, RTE_RIB_GET_NXT_ALL));
}

void
rib_node_key(struct rib_node *node, uint32_t *addr, uint8_t *depth)
{
	(void)rte_rib_get_ip((struct rte_rib_node *)node, addr);
	(void)rte_rib_get_depth((struct rte_rib_node *)node, depth);
}

void *
rib_ext(struct rib_node *node)
{
	return (rte_rib_get_ext((struct rte_rib_node *)node));
}

/*
 * ff_memif_zc.h - net_memif zero copy around a port's start
 * (ff_memif_zc.c says what goes wrong without it).
 */
#ifndef _FF_MEMIF_ZC_H_
#define _FF_MEMIF_ZC_H_

#include <stddef.h>
#include <stdint.h>

struct ff_ctx;

/* 1 when the device `name' ("net_memif0") is a [vdevN] with zero_copy=1. */
int ff_memif_zc_port(const struct ff_ctx *ctx, const char *name);
/*
 * Before rte_eth_dev_start(): check the packet pool lies where memif's
 * server can reach it and keep a copy of the EAL's memory descriptors.
 */
int ff_memif_zc_hold(
    struct ff_ctx *ctx, const char *name, char *err, size_t errlen);
/*
 * After it: wait for the link (the server's answer), give the EAL back
 * the descriptors memif closed, check the pool again.  0 or -1 with a
 * message.
 */
int ff_memif_zc_settle(struct ff_ctx *ctx, uint16_t port_id, const char *name,
    char *err, size_t errlen);

struct rte_mbuf;

/* Most mbufs in one frame ff_memif_zc_tx() takes. */
uint16_t ff_memif_zc_segmax(void);
/*
 * rte_eth_tx_burst() on a zero-copy memif port, safe for frames of
 * several mbufs (ff_memif_zc.c says why it is needed): frames sent.
 */
uint16_t ff_memif_zc_tx(
    uint16_t port_id, uint16_t queue, struct rte_mbuf **pkts, uint16_t n);

#endif /* _FF_MEMIF_ZC_H_ */

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

#endif /* _FF_MEMIF_ZC_H_ */

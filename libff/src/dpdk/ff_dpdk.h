/*
 * ff_dpdk.h - the EAL and the packet pool, from the config.
 */
#ifndef _FF_DPDK_H_
#define _FF_DPDK_H_

#include <stddef.h>
#include <stdint.h>

struct ff_config;
struct ff_ctx;
struct ff_port;
struct ff_port_cfg;

#define FF_EAL_MAXARGS 64

/*
 * Build the EAL argument vector for `cfg' into argv (strings stored in
 * buf); returns argc or -1 with a message when something does not fit.
 */
int ff_dpdk_eal_args(const struct ff_config *cfg, char **argv, int max,
    char *buf, size_t buflen, char *err, size_t errlen);
/* Start the EAL as the config says; 0 or -1 with a message. */
int ff_dpdk_eal_init(const struct ff_config *cfg, char *err, size_t errlen);
/* Create (primary) or find (secondary) the packet pool of ctx. */
int ff_dpdk_pool_attach(struct ff_ctx *ctx, char *err, size_t errlen);
/*
 * The NUMA socket for the memory of a device on dev_socket (pool, rings):
 * that socket when [dpdk] numa_on is set and the device knows it, else
 * SOCKET_ID_ANY (-1), which lets DPDK take memory from any socket.
 */
int ff_dpdk_numa_socket(const struct ff_config *cfg, int dev_socket);
/* Open every port in the config's port_list into ctx->ports. */
int ff_dpdk_ports_open(struct ff_ctx *ctx, char *err, size_t errlen);
/* Open one port (ff_dpdk_port.c); NULL with a message in err. */
struct ff_port *ff_dpdk_port_open(struct ff_ctx *ctx, uint16_t port_id,
    const struct ff_port_cfg *pc, char *err, size_t errlen);

#endif /* _FF_DPDK_H_ */

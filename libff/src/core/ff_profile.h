/*
 * ff_profile.h - [dpdk] profile=latency|throughput (ours, F-Stack has no
 * such key): one key that sets a coherent group of defaults.
 *
 * The table and the config side are in core/ff_config_profile.c; the
 * stack applies the sysctl part (core/ff_stack.c) and ff_init() logs the
 * result.  A key the file sets itself always wins over the profile.
 */
#ifndef _FF_PROFILE_H_
#define _FF_PROFILE_H_

#include <stdio.h>

#include "ff_config.h"

struct ff_ctx;

#define FF_PROFILE_NSYSCTL 2

struct ff_profile {
	const char *pf_name;
	int pf_pkt_tx_delay; /* [dpdk] pkt_tx_delay, µs */
	int pf_rx_burst;     /* [dpdk] rx_burst, frames */
	struct {
		const char *ps_name;  /* a sysctl the profile sets ... */
		const char *ps_value; /* ... unless the file sets it */
	} pf_sysctl[FF_PROFILE_NSYSCTL];
};

/* The profile of that name, NULL if there is none. */
const struct ff_profile *ff_profile_find(const char *name);

/* "latency or throughput", for messages and docs. */
const char *ff_profile_names(void);

/*
 * 1 when the file sets sysctl `name' itself, in [freebsd.boot] or
 * [freebsd.sysctl]: then the profile leaves it alone.
 */
int ff_profile_sysctl_given(const struct ff_config *cfg, const char *name);

/*
 * The stack's side (core/ff_stack.c): set the profile's sysctls the file
 * does not set, before [freebsd.sysctl]; 0, or -1 with a message.  And
 * one start-up log line: the profile and the values in force.
 */
int ff_profile_sysctl_apply(struct ff_ctx *ctx, char *err, size_t errlen);
void ff_profile_log(struct ff_ctx *ctx, FILE *f);

#endif /* _FF_PROFILE_H_ */

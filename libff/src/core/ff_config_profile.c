/*
 * ff_config_profile.c - [dpdk] profile: the table of profiles, the value
 * parser and the defaults it fills in once the whole file is read.
 *
 * Entry points: cfg_profile() (key table), cfg_finish_profile() (after the
 * file), ff_profile_find(), ff_profile_names(), ff_profile_sysctl_given().
 *
 *   latency     a frame leaves at the end of the loop iteration that made
 *               it (pkt_tx_delay 0); a receive burst is short (rx_burst 8)
 *               so that the answer to the first frame of a burst does not
 *               wait while 31 others go up the stack; TCP acknowledges a
 *               segment in the iteration that received it
 *               (net.inet.tcp.delayed_ack 2), so no request or ping waits
 *               up to 40 ms for an ACK (a sender's Nagle behind our
 *               delayed ACK), and an answer written in that iteration
 *               carries the ACK: a request/reply exchange is two
 *               segments, not four (delayed_ack 0 sent a pure ACK ahead
 *               of each reply).  It leaves the kernel's timer slack: with
 *               timer_slack=1 an idle_sleep=5 loop wakes every few µs,
 *               and on a machine whose cores are shared that made the
 *               memif pair's p50 20 times worse (2.2 ms against 114 µs,
 *               bench/bypass_bench.py's rate, issue 15); give it where
 *               the cores are the stack's own.
 *   throughput  frames wait up to 100 µs to leave together (pkt_tx_delay
 *               100, F-Stack's default; a full burst of 32 leaves at
 *               once); full receive bursts (rx_burst 32); delayed ACKs as
 *               FreeBSD has them (delayed_ack 1, delacktime 40 ms): one
 *               ACK for two segments.
 *
 * Precedence: a key the file sets itself wins over the profile, wherever
 * it is written ([dpdk] pkt_tx_delay and rx_burst; the sysctls in
 * [freebsd.boot] or [freebsd.sysctl]).  Without a profile every key has
 * its own default (pkt_tx_delay 0, rx_burst 32, delayed_ack 1).
 */
#include <string.h>

#include "core/ff_config_var.h"
#include "core/ff_profile.h"

static const struct ff_profile ff_profiles[] = {
	{ "latency", 0, 8, { { "net.inet.tcp.delayed_ack", "2" } } },
	{ "throughput", 100, FF_RX_BURST_MAX,
	    { { "net.inet.tcp.delayed_ack", "1" },
		{ "net.inet.tcp.delacktime", "40" } } },
};

const struct ff_profile *
ff_profile_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(ff_profiles); i++)
		if (strcmp(ff_profiles[i].pf_name, name) == 0)
			return (&ff_profiles[i]);
	return (NULL);
}

const char *
ff_profile_names(void)
{
	return ("latency or throughput");
}

static int
kv_has(const struct ff_kv *kv, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(kv[i].kv_name, name) == 0)
			return (1);
	return (0);
}

int
ff_profile_sysctl_given(const struct ff_config *cfg, const char *name)
{
	return (kv_has(cfg->boot, cfg->nb_boot, name) ||
	    kv_has(cfg->sysctl, cfg->nb_sysctl, name));
}

/* The value parser: a profile's name, or a message listing them. */
int
cfg_profile(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	if (ff_profile_find(v) == NULL)
		return (cfg_err(
		    pp, "unknown profile \"%s\" (%s)", v, ff_profile_names()));
	return (cfg_str(pp, kp, base, v));
}

/* The [dpdk] keys of the profile that the file did not set. */
int
cfg_finish_profile(struct cfg_parse *pp)
{
	struct ff_dpdk_cfg *d = &pp->pp_cfg->dpdk;
	const struct ff_profile *pf;

	if (d->profile[0] == '\0')
		return (0);
	pf = ff_profile_find(d->profile);
	if (cfg_key_line(pp, CS_DPDK, 0, "pkt_tx_delay") == 0)
		d->pkt_tx_delay = pf->pf_pkt_tx_delay;
	if (cfg_key_line(pp, CS_DPDK, 0, "rx_burst") == 0)
		d->rx_burst = pf->pf_rx_burst;
	return (0);
}

/*
 * tcp_cc.c - the congestion control framework: the per-stack registry of
 * algorithms, net.inet.tcp.cc.algorithm and net.inet.tcp.cc.available,
 * and the thin wrappers TCP calls (FreeBSD's cc.c and the cc_* helpers
 * of tcp_input.c).
 *
 * Entry points: cc_register(), cc_lookup(), cc_sysctl_attach(),
 * cc_attach(), cc_detach(), cc_conn_init(), cc_ack_received(),
 * cc_cong_signal(), cc_post_recovery(), cc_after_idle(),
 * cc_initial_window().  RFC 5681, RFC 6928 (initial window).
 * cc_conn_init() first seeds RTT and ssthresh from the host cache.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "netinet/tcp_var.h"
#include "kern/kern_sysctl.h"

int
cc_register(struct ff_ctx *ctx, const struct cc_algo *algo)
{
	struct tcp_state *ts = V_tcp(ctx);

	if (cc_lookup(ctx, algo->name) != NULL)
		return (-EEXIST);
	if (ts->cc_count >= TCP_CC_MAX)
		return (-ENOSPC);
	ts->cc_list[ts->cc_count++] = algo;
	if (ts->cc_default == NULL)
		ts->cc_default = algo;
	return (0);
}

const struct cc_algo *
cc_lookup(struct ff_ctx *ctx, const char *name)
{
	struct tcp_state *ts = V_tcp(ctx);
	int i;

	for (i = 0; i < ts->cc_count; i++)
		if (strcmp(ts->cc_list[i]->name, name) == 0)
			return (ts->cc_list[i]);
	return (NULL);
}

/* net.inet.tcp.cc.algorithm: read the default, or pick another. */
static int
cc_sysctl_algorithm(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct tcp_state *ts = V_tcp(ctx);
	const struct cc_algo *algo;
	char name[TCP_CA_NAME_MAX];
	size_t len;
	int error;

	error = sysctl_out(
	    req, ts->cc_default->name, strlen(ts->cc_default->name) + 1);
	if (error != 0 || req->newptr == NULL)
		return (error);
	len = req->newlen;
	if (len > 0 && ((const char *)req->newptr)[len - 1] == '\0')
		len--;
	if (len == 0 || len >= sizeof(name))
		return (EINVAL);
	memcpy(name, req->newptr, len);
	name[len] = '\0';
	req->newidx = req->newlen;
	if ((algo = cc_lookup(ctx, name)) == NULL)
		return (ESRCH); /* FreeBSD's answer */
	ts->cc_default = algo;
	return (0);
}

/* net.inet.tcp.cc.available: "newreno, cubic", FreeBSD's list form. */
static int
cc_sysctl_available(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct tcp_state *ts = V_tcp(ctx);
	char buf[TCP_CC_MAX * (TCP_CA_NAME_MAX + 2)];
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < ts->cc_count; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
		    i ? ", " : "", ts->cc_list[i]->name);
	return (sysctl_out(req, buf, off + 1));
}

static const struct sysctl_entry cc_sysctls[] = {
	SYSCTL_NODE("net.inet.tcp.cc", "Congestion control related settings"),
	SYSCTL_PROC("net.inet.tcp.cc.algorithm",
	    CTLTYPE_STRING | CTLFLAG_RW | CTLFLAG_TUN, cc_sysctl_algorithm, "A",
	    "Default congestion control algorithm"),
	SYSCTL_PROC("net.inet.tcp.cc.available", CTLTYPE_STRING | CTLFLAG_RD,
	    cc_sysctl_available, "A",
	    "List available congestion control algorithms"),
};

int
cc_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, NULL, cc_sysctls));
}

void
cc_attach(struct ff_ctx *ctx, struct tcpcb *tp)
{
	struct cc_var *ccv = &tp->t_ccv;

	memset(ccv, 0, sizeof(*ccv));
	ccv->tp = tp;
	ccv->cc_algo = V_tcp(ctx)->cc_default;
	if (ccv->cc_algo->cb_init != NULL && ccv->cc_algo->cb_init(ccv) != 0)
		ccv->cc_algo = &newreno_cc_algo; /* needs no state */
}

void
cc_detach(struct tcpcb *tp)
{
	struct cc_var *ccv = &tp->t_ccv;

	if (ccv->cc_algo != NULL && ccv->cc_algo->cb_destroy != NULL)
		ccv->cc_algo->cb_destroy(ccv);
	ccv->cc_algo = NULL;
}

uint32_t
cc_initial_window(struct tcpcb *tp)
{
	int n = V_tcp(tp->t_ctx)->initcwnd_segments;

	if (n > 0)
		return ((uint32_t)n * tp->t_maxseg);
	/* RFC 3390: min(4 * MSS, max(2 * MSS, 4380 bytes)). */
	if (tp->t_maxseg > 2190)
		return (2 * tp->t_maxseg);
	if (tp->t_maxseg > 1095)
		return (3 * tp->t_maxseg);
	return (4 * tp->t_maxseg);
}

/*
 * RTT from the host cache, when the connection has no sample of its own
 * yet: the RTO follows it from the first segment.  Without a cached
 * variance, assume the RTT itself (+- 1 RTT), as FreeBSD does.
 */
static void
cc_hc_rtt(struct tcpcb *tp, const struct hc_metrics_lite *metrics)
{
	struct ff_ctx *ctx = tp->t_ctx;

	if (tp->t_srtt != 0 || metrics->rmx_rtt == 0)
		return;
	tp->t_srtt = (int)metrics->rmx_rtt;
	TCPSTAT_INC(ctx, tcps_usedrtt);
	if (metrics->rmx_rttvar != 0) {
		tp->t_rttvar = (int)metrics->rmx_rttvar;
		TCPSTAT_INC(ctx, tcps_usedrttvar);
	} else
		tp->t_rttvar = tp->t_srtt * TCP_RTTVAR_SCALE / TCP_RTT_SCALE;
	tp->t_rxtcur = tcp_rto_range(tp, tcp_rexmtval(tp));
}

/*
 * A connection is established (FreeBSD's cc_conn_init()): start from what
 * the host cache knows of the path, then let the algorithm set the
 * initial window.  A cached ssthresh says where the path dropped packets
 * before; slow start stops there, never below 2 segments.
 */
void
cc_conn_init(struct tcpcb *tp)
{
	const struct cc_algo *a = tp->t_ccv.cc_algo;
	struct hc_metrics_lite metrics;

	if (tp->t_inpcb != NULL) {
		tcp_hc_get(tp->t_ctx, tp->t_inpcb->inp_faddr, &metrics);
		cc_hc_rtt(tp, &metrics);
		if (metrics.rmx_ssthresh != 0) {
			tp->snd_ssthresh =
			    metrics.rmx_ssthresh > 2 * tp->t_maxseg
			    ? metrics.rmx_ssthresh
			    : 2 * tp->t_maxseg;
			TCPSTAT_INC(tp->t_ctx, tcps_usedssthresh);
		}
	}
	if (a->conn_init != NULL)
		a->conn_init(&tp->t_ccv);
}

void
cc_ack_received(struct tcpcb *tp, uint32_t acked, uint16_t type)
{
	struct cc_var *ccv = &tp->t_ccv;

	ccv->bytes_this_ack = acked;
	ccv->curack = tp->snd_una;
	if (tp->snd_cwnd <= tp->snd_wnd)
		ccv->flags |= CCF_CWND_LIMITED;
	else
		ccv->flags &= ~CCF_CWND_LIMITED;
	if (ccv->cc_algo->ack_received != NULL)
		ccv->cc_algo->ack_received(ccv, type);
}

void
cc_cong_signal(struct tcpcb *tp, uint32_t type)
{
	struct cc_var *ccv = &tp->t_ccv;

	if (type == CC_RTO) {
		tp->t_dupacks = 0;
		tp->t_bytes_acked = 0;
		EXIT_RECOVERY(tp->t_flags);
		/* RFC 2018 8, RFC 6675 5.1: the peer may renege. */
		tcp_free_sackholes(tp);
	}
	if (ccv->cc_algo->cong_signal != NULL)
		ccv->cc_algo->cong_signal(ccv, type);
}

void
cc_post_recovery(struct tcpcb *tp)
{
	struct cc_var *ccv = &tp->t_ccv;

	ccv->curack = tp->snd_una;
	if (ccv->cc_algo->post_recovery != NULL)
		ccv->cc_algo->post_recovery(ccv);
	tp->t_bytes_acked = 0;
}

void
cc_after_idle(struct tcpcb *tp)
{
	if (tp->t_ccv.cc_algo->after_idle != NULL)
		tp->t_ccv.cc_algo->after_idle(&tp->t_ccv);
}

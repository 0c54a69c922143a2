/*
 * in_pcblist.c - the protocol control blocks for tools (netstat -a), as
 * FreeBSD exports them through net.inet.tcp.pcblist: one fixed-layout
 * record per pcb (struct ff_xinpcb, ff_msg.h) with its addresses, its
 * socket and buffers, and for TCP its state, timers, congestion state
 * and counters.
 *
 * Entry point: ff_msg_netstat() (FF_MSG_NETSTAT, in parts with a
 * cursor).
 *
 * Consistency comes from the table's generation index (in_pcb.h): a
 * listing covers the generations up to the newest one at its start, in
 * order, and each part resumes after the last generation it examined,
 * so a pcb alive through the whole listing is listed once and only once.
 * Each part examines at most FF_NETSTAT_MAXSTEPS index entries and buffer
 * segments (plus the segments of the one socket that spends the budget),
 * so the main loop is never held long, whatever the table size.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ff_msg.h"
#include "core/ff_ctx.h"
#include "kern/mbuf.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"
#include "netinet/udp_var.h"

#define INP_VFLAG_IPV4 0x1 /* FreeBSD's INP_IPV4 */
#define XI_ANONPORT    0x1 /* xi_flags */
#define XI_TIMEWAIT    0x2
#define XI_NOSOCKET    0x4

/* Where a part is and how much work it may still do. */
struct pcblist_walk {
	struct ff_ctx *pw_ctx;
	struct inpcbinfo *pw_info;
	uint64_t pw_after; /* generation to resume after */
	uint64_t pw_upto;  /* the listing's newest generation */
	uint32_t pw_steps; /* work left in this part */
	uint32_t pw_pid;
};

static struct inpcbinfo *
pcblist_info(struct ff_ctx *ctx, uint32_t proto)
{
	if (proto == IPPROTO_TCP && V_tcp(ctx) != NULL)
		return (V_tcbinfo(ctx));
	if (proto == IPPROTO_UDP && V_udp(ctx) != NULL)
		return (V_udbinfo(ctx));
	return (NULL);
}

/* Ticks to milliseconds at the stack's hz. */
static uint64_t
pcblist_ticks_ms(struct ff_ctx *ctx, uint64_t ticks)
{
	return (ticks * 1000 / ctx->callouts.cw_hz);
}

/* Milliseconds until a callout fires, 0 when it is not armed. */
static int32_t
pcblist_timer(struct ff_ctx *ctx, const struct ff_callout *c)
{
	uint64_t now = ctx->callouts.cw_ticks;

	if (!callout_pending(c))
		return (0);
	if (c->c_time <= now)
		return (1);
	return ((int32_t)pcblist_ticks_ms(ctx, c->c_time - now));
}

/* A socket buffer; counting its segments costs steps. */
static void
pcblist_sockbuf(
    struct pcblist_walk *pw, const struct sockbuf *sb, struct ff_xsockbuf *x)
{
	const struct rte_mbuf *m;

	x->sb_cc = sb->sb_cc;
	x->sb_hiwat = sb->sb_hiwat;
	x->sb_lowat = sb->sb_lowat;
	x->sb_mbcnt = sb->sb_mbcnt;
	x->sb_mbmax = sb->sb_mbmax;
	x->sb_flags = (uint16_t)sb->sb_flags;
	x->sb_state = (uint16_t)sb->sb_state;
	/*
	 * Counted whole (a cut count would be a wrong one); the walk is
	 * bounded by sb_mbmax and charged to the part, which stops before
	 * its next record once the budget is spent.
	 */
	for (m = sb->sb_mb; m != NULL; m = m->next) {
		if (pw->pw_steps > 0)
			pw->pw_steps--;
		x->sb_mcnt++;
		if (m->buf_len >= MCLBYTES) /* FreeBSD's R-CLUS */
			x->sb_ccnt++;
	}
}

static void
pcblist_socket(
    struct pcblist_walk *pw, const struct socket *so, struct ff_xinpcb *xi)
{
	xi->xi_fd = so->so_fd;
	xi->xso_options = (uint32_t)so->so_options;
	xi->xso_state = (uint32_t)so->so_state;
	xi->xso_error = so->so_error;
	xi->xso_qlen = so->so_qlen;
	xi->xso_incqlen = so->so_incqlen;
	xi->xso_qlimit = so->so_qlimit;
	pcblist_sockbuf(pw, &so->so_rcv, &xi->xso_rcv);
	pcblist_sockbuf(pw, &so->so_snd, &xi->xso_snd);
}

/* Scaled RTT estimator ticks to microseconds. */
static uint32_t
pcblist_rtt_us(struct ff_ctx *ctx, int v, int shift)
{
	return ((uint32_t)((uint64_t)(v > 0 ? v : 0) * 1000000 /
	    ((uint64_t)ctx->callouts.cw_hz << shift)));
}

static void
pcblist_tcpcb(struct ff_ctx *ctx, const struct tcpcb *tp, struct ff_xinpcb *xi)
{
	const struct tcp_timer *tt = &tp->t_timers;

	xi->xt_state = tp->t_state;
	xi->xt_flags = tp->t_flags;
	xi->xt_snd_cwnd = tp->snd_cwnd;
	xi->xt_snd_ssthresh = tp->snd_ssthresh;
	xi->xt_maxseg = tp->t_maxseg;
	xi->xt_snd_wnd = tp->snd_wnd;
	xi->xt_rcv_wnd = tp->rcv_wnd;
	xi->xt_srtt = pcblist_rtt_us(ctx, tp->t_srtt, TCP_RTT_SHIFT);
	xi->xt_rttvar = pcblist_rtt_us(ctx, tp->t_rttvar, TCP_RTTVAR_SHIFT);
	xi->xt_rto = pcblist_rtt_us(ctx, tp->t_rxtcur, 0);
	xi->xt_rxtshift = (uint32_t)tp->t_rxtshift;
	xi->xt_sndrexmitpack = tp->t_sndrexmitpack;
	xi->xt_rcvoopack = tp->t_rcvoopack;
	xi->xt_sndzerowin = tp->t_sndzerowin;
	xi->tt_rexmt = pcblist_timer(ctx, &tt->tt_rexmt);
	xi->tt_persist = pcblist_timer(ctx, &tt->tt_persist);
	xi->tt_keep = pcblist_timer(ctx, &tt->tt_keep);
	xi->tt_2msl = pcblist_timer(ctx, &tt->tt_2msl);
	xi->tt_delack = pcblist_timer(ctx, &tt->tt_delack);
	xi->t_rcvtime = (int32_t)pcblist_ticks_ms(
	    ctx, ctx->callouts.cw_ticks - tp->t_rcvtime);
	if (tp->t_ccv.cc_algo != NULL)
		memcpy(xi->xt_cc, tp->t_ccv.cc_algo->name,
		    strnlen(tp->t_ccv.cc_algo->name, sizeof(xi->xt_cc) - 1));
}

/* The flow hash of a connected pcb: the 4-tuple, Fibonacci-mixed. */
static uint32_t
pcblist_flowid(const struct inpcb *inp)
{
	uint64_t k = (uint64_t)inp->inp_faddr.s_addr << 32 ^
	    (uint64_t)inp->inp_laddr.s_addr ^ (uint32_t)inp->inp_fport << 16 ^
	    inp->inp_lport;

	return ((uint32_t)((k * 0x9e3779b97f4a7c15ULL) >> 32));
}

/* One record. */
static void
pcblist_fill(
    struct pcblist_walk *pw, const struct inpcb *inp, struct ff_xinpcb *xi)
{
	memset(xi, 0, sizeof(*xi));
	xi->xi_len = sizeof(*xi);
	xi->xi_version = FF_XINPCB_VERSION;
	xi->xi_proto = (uint8_t)pw->pw_info->ipi_proto;
	xi->xi_vflag = INP_VFLAG_IPV4;
	xi->xi_gencnt = inp->inp_gencnt;
	xi->xi_laddr = inp->inp_laddr.s_addr;
	xi->xi_faddr = inp->inp_faddr.s_addr;
	xi->xi_lport = inp->inp_lport;
	xi->xi_fport = inp->inp_fport;
	xi->xi_flags = ((inp->inp_flags & INP_ANONPORT) ? XI_ANONPORT : 0) |
	    ((inp->inp_flags & INP_TIMEWAIT) ? XI_TIMEWAIT : 0) |
	    (inp->inp_socket == NULL ? XI_NOSOCKET : 0);
	if (inp->inp_faddr.s_addr != INADDR_ANY) {
		xi->xi_flowid = pcblist_flowid(inp);
		xi->xi_flowtype = FF_M_HASHTYPE_OPAQUE_HASH;
	}
	xi->xi_proc_id = (uint32_t)pw->pw_ctx->proc_id;
	xi->xi_pid = pw->pw_pid;
	xi->xi_fd = -1;
	if (inp->inp_socket != NULL)
		pcblist_socket(pw, inp->inp_socket, xi);
	if (pw->pw_info->ipi_proto == IPPROTO_TCP && inp->inp_ppcb != NULL)
		pcblist_tcpcb(pw->pw_ctx, inp->inp_ppcb, xi);
}

/*
 * Records into out[0..max) from pw_after on; pw_after becomes the last
 * generation examined.  Returns how many; *done when the walk reached
 * the end of the listing.
 */
static uint32_t
pcblist_part(
    struct pcblist_walk *pw, struct ff_xinpcb *out, uint32_t max, int *done)
{
	struct inpcbinfo *info = pw->pw_info;
	size_t i = in_pcb_order_seek(info, pw->pw_after);
	const struct inp_order *o;
	uint32_t n = 0;

	*done = 0;
	for (; i < info->ipi_ordlen; i++) {
		o = &info->ipi_order[i];
		if (o->io_gen > pw->pw_upto)
			break;
		if (n == max || pw->pw_steps == 0)
			return (n);
		pw->pw_steps--;
		pw->pw_after = o->io_gen;
		if (o->io_inp != NULL)
			pcblist_fill(pw, o->io_inp, &out[n++]);
	}
	*done = 1;
	return (n);
}

static int
pcblist_check(const struct ff_msg_hdr *req, struct ff_netstat_req *nr)
{
	if (req->fm_len != sizeof(*req) + sizeof(*nr))
		return (EINVAL);
	memcpy(nr, req + 1, sizeof(*nr));
	if (nr->nr_len != sizeof(*nr))
		return (EINVAL);
	if (nr->nr_proto != IPPROTO_TCP && nr->nr_proto != IPPROTO_UDP)
		return (EPROTONOSUPPORT);
	if ((nr->nr_gen == 0) != (req->fm_cursor == 0) ||
	    req->fm_cursor > nr->nr_gen)
		return (EINVAL);
	return (0);
}

int
ff_msg_netstat(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor)
{
	struct ff_netstat_req nr;
	struct ff_netstat_rep rep;
	struct pcblist_walk pw;
	uint32_t max;
	int error, done;

	if ((error = pcblist_check(req, &nr)) != 0)
		return (-error);
	memset(&pw, 0, sizeof(pw));
	pw.pw_ctx = ctx;
	if ((pw.pw_info = pcblist_info(ctx, nr.nr_proto)) == NULL)
		return (-EPROTONOSUPPORT);
	if (cap < sizeof(rep))
		return (-ENOMEM);
	pw.pw_upto = nr.nr_gen != 0 ? nr.nr_gen : pw.pw_info->ipi_gencnt;
	pw.pw_after = req->fm_cursor;
	pw.pw_steps = FF_NETSTAT_MAXSTEPS;
	pw.pw_pid = (uint32_t)getpid();
	max = (uint32_t)((cap - sizeof(rep)) / sizeof(struct ff_xinpcb));
	if (nr.nr_maxrecs != 0 && nr.nr_maxrecs < max)
		max = nr.nr_maxrecs;
	memset(&rep, 0, sizeof(rep));
	rep.np_count = pcblist_part(
	    &pw, (struct ff_xinpcb *)((char *)body + sizeof(rep)), max, &done);
	rep.np_len = sizeof(rep);
	rep.np_first = (uint32_t)(sizeof(*req) + sizeof(rep));
	rep.np_reclen = sizeof(struct ff_xinpcb);
	rep.np_gen = pw.pw_upto;
	rep.np_pcbcount = pw.pw_info->ipi_count;
	memcpy(body, &rep, sizeof(rep));
	/* Generation 0 is never given: an empty table is done at once. */
	*cursor = done || pw.pw_after == 0 ? 0 : pw.pw_after;
	return ((int)(sizeof(rep) + rep.np_count * sizeof(struct ff_xinpcb)));
}

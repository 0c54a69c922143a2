/*
 * ff_test_tcp.c - TCP through the test port: the socket API with errors
 * as negative errnos (for ctypes), a control block's state and sequence
 * variables, a connection put straight into ESTABLISHED with chosen
 * sequence numbers (smoltcp-style named states: no handshake replayed),
 * and TCP counters by name.
 *
 * Entry points: ff_test_tcp_socket(), _bind(), _listen(), _connect(),
 * _accept(), _send(), _recv(), _shutdown(), _close(), _setopt(),
 * _getopt(), _info(), _establish(), _set_iss(), ff_test_tcp_counter()
 * (called by ff_test_counter() for the gauges "tcp.tcb_count",
 * "tcp.sockets", "tcp.inpcbs", "tcp.syncache_count",
 * "tcp.hostcache_count").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/uipc_var.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"
#include "testport/ff_testport.h"
#include "ff_api.h"

static struct ff_ctx *
tcpt_ctx(struct ff_test *t)
{
	ff_ctx_set_current(t->t_ctx);
	return (t->t_ctx);
}

static int
tcpt_ret(int rc)
{
	return (rc < 0 ? -errno : rc);
}

static int
tcpt_sin(const char *addr, int port, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (addr == NULL || addr[0] == '\0')
		return (0);
	return (inet_pton(AF_INET, addr, &sin->sin_addr) == 1 ? 0 : -EINVAL);
}

int
ff_test_tcp_socket(struct ff_test *t)
{
	tcpt_ctx(t);
	return (tcpt_ret(ff_socket(AF_INET, SOCK_STREAM, 0)));
}

int
ff_test_tcp_bind(struct ff_test *t, int fd, const char *addr, int port)
{
	struct sockaddr_in sin;

	tcpt_ctx(t);
	if (tcpt_sin(addr, port, &sin) != 0)
		return (-EINVAL);
	return (
	    tcpt_ret(ff_bind(fd, (struct linux_sockaddr *)&sin, sizeof(sin))));
}

int
ff_test_tcp_listen(struct ff_test *t, int fd, int backlog)
{
	tcpt_ctx(t);
	return (tcpt_ret(ff_listen(fd, backlog)));
}

int
ff_test_tcp_connect(struct ff_test *t, int fd, const char *addr, int port)
{
	struct sockaddr_in sin;

	tcpt_ctx(t);
	if (tcpt_sin(addr, port, &sin) != 0)
		return (-EINVAL);
	return (tcpt_ret(
	    ff_connect(fd, (struct linux_sockaddr *)&sin, sizeof(sin))));
}

int
ff_test_tcp_accept(struct ff_test *t, int fd)
{
	tcpt_ctx(t);
	return (tcpt_ret(ff_accept(fd, NULL, NULL)));
}

int
ff_test_tcp_send(struct ff_test *t, int fd, const void *buf, uint32_t len)
{
	tcpt_ctx(t);
	return (tcpt_ret((int)ff_write(fd, buf, len)));
}

int
ff_test_tcp_recv(struct ff_test *t, int fd, void *buf, uint32_t cap)
{
	tcpt_ctx(t);
	return (tcpt_ret((int)ff_read(fd, buf, cap)));
}

int
ff_test_tcp_shutdown(struct ff_test *t, int fd, int how)
{
	tcpt_ctx(t);
	return (tcpt_ret(ff_shutdown(fd, how)));
}

int
ff_test_tcp_close(struct ff_test *t, int fd)
{
	tcpt_ctx(t);
	return (tcpt_ret(ff_close(fd)));
}

int
ff_test_tcp_setopt(struct ff_test *t, int fd, int level, int name, int v)
{
	tcpt_ctx(t);
	return (tcpt_ret(ff_setsockopt(fd, level, name, &v, sizeof(v))));
}

int
ff_test_tcp_getopt(struct ff_test *t, int fd, int level, int name, int *v)
{
	socklen_t len = sizeof(*v);

	tcpt_ctx(t);
	return (tcpt_ret(ff_getsockopt(fd, level, name, v, &len)));
}

/* The control block behind descriptor fd, or NULL. */
static struct tcpcb *
tcpt_tcpcb(struct ff_ctx *ctx, int fd)
{
	struct file *fp = fdget(&V_uipc(ctx)->us_fd, fd, DTYPE_SOCKET);
	struct socket *so;
	struct inpcb *inp;

	if (fp == NULL || (so = fp->f_data) == NULL ||
	    so->so_proto->pr_protocol != IPPROTO_TCP ||
	    (inp = sotoinpcb(so)) == NULL)
		return (NULL);
	return (inp->inp_ppcb);
}

/* What tests look at, in this order (uint32 each; see ffstack.py). */
enum {
	TI_STATE,
	TI_FLAGS,
	TI_ISS,
	TI_IRS,
	TI_SND_UNA,
	TI_SND_NXT,
	TI_SND_MAX,
	TI_SND_WND,
	TI_RCV_NXT,
	TI_RCV_ADV,
	TI_CWND,
	TI_SSTHRESH,
	TI_MAXSEG,
	TI_SND_SCALE,
	TI_RCV_SCALE,
	TI_RXTCUR,
	TI_RXTSHIFT,
	TI_SRTT,
	TI_DUPACKS,
	TI_SEGQLEN,
	TI_SND_CC,
	TI_RCV_CC,
	TI_NFIELDS
};

int
ff_test_tcp_info(struct ff_test *t, int fd, uint32_t *out, uint32_t n)
{
	struct ff_ctx *ctx = tcpt_ctx(t);
	struct tcpcb *tp = tcpt_tcpcb(ctx, fd);
	struct socket *so;
	uint32_t v[TI_NFIELDS];

	if (tp == NULL)
		return (-ENOENT);
	so = tcp_socket(tp);
	v[TI_STATE] = (uint32_t)tp->t_state;
	v[TI_FLAGS] = tp->t_flags;
	v[TI_ISS] = tp->iss;
	v[TI_IRS] = tp->irs;
	v[TI_SND_UNA] = tp->snd_una;
	v[TI_SND_NXT] = tp->snd_nxt;
	v[TI_SND_MAX] = tp->snd_max;
	v[TI_SND_WND] = tp->snd_wnd;
	v[TI_RCV_NXT] = tp->rcv_nxt;
	v[TI_RCV_ADV] = tp->rcv_adv;
	v[TI_CWND] = tp->snd_cwnd;
	v[TI_SSTHRESH] = tp->snd_ssthresh;
	v[TI_MAXSEG] = tp->t_maxseg;
	v[TI_SND_SCALE] = tp->snd_scale;
	v[TI_RCV_SCALE] = tp->rcv_scale;
	v[TI_RXTCUR] = (uint32_t)tp->t_rxtcur;
	v[TI_RXTSHIFT] = (uint32_t)tp->t_rxtshift;
	v[TI_SRTT] = (uint32_t)tp->t_srtt;
	v[TI_DUPACKS] = (uint32_t)tp->t_dupacks;
	v[TI_SEGQLEN] = (uint32_t)tp->t_segqlen;
	v[TI_SND_CC] = so != NULL ? so->so_snd.sb_cc : 0;
	v[TI_RCV_CC] = so != NULL ? so->so_rcv.sb_cc : 0;
	if (n > TI_NFIELDS)
		n = TI_NFIELDS;
	memcpy(out, v, n * sizeof(*v));
	return ((int)n);
}

/*
 * A connection in ESTABLISHED from laddr:lport to faddr:fport with our
 * ISS iss and the peer's irs, the peer's window wnd (bytes, unscaled),
 * MSS mss and no options (or timestamps with ts_recent when tsval != 0).
 * Returns the descriptor.
 */
int
ff_test_tcp_establish(struct ff_test *t, const char *laddr, int lport,
    const char *faddr, int fport, uint32_t iss, uint32_t irs, uint32_t wnd,
    uint32_t mss, uint32_t tsval)
{
	struct ff_ctx *ctx = tcpt_ctx(t);
	struct sockaddr_in sin;
	struct inpcb *inp;
	struct tcpcb *tp;
	int fd, error;

	if ((fd = ff_test_tcp_socket(t)) < 0)
		return (fd);
	if ((error = ff_test_tcp_bind(t, fd, laddr, lport)) != 0 ||
	    (error = tcpt_sin(faddr, fport, &sin)) != 0 ||
	    (tp = tcpt_tcpcb(ctx, fd)) == NULL) {
		ff_test_tcp_close(t, fd);
		return (error != 0 ? error : -ENOENT);
	}
	inp = tp->t_inpcb;
	if ((error = in_pcbconnect(inp, &sin)) != 0) {
		ff_test_tcp_close(t, fd);
		return (error);
	}
	tp->t_flags &= ~(TF_REQ_SCALE | TF_REQ_TSTMP);
	if (tsval != 0) {
		tp->t_flags |= TF_REQ_TSTMP | TF_RCVD_TSTMP;
		tp->ts_recent = tsval;
		tp->ts_recent_age = tcp_ts_getticks(ctx);
	}
	tp->iss = iss;
	tcp_sendseqinit(tp);
	tp->snd_una = tp->snd_nxt = tp->snd_max = iss + 1;
	tp->irs = irs;
	tcp_rcvseqinit(tp);
	tp->t_maxseg = mss;
	tp->snd_wnd = tp->snd_max_wnd = wnd;
	tp->snd_wl1 = irs;
	tp->snd_wl2 = iss + 1;
	tp->rcv_adv = tp->rcv_nxt + tcp_rcv_space(tp);
	soisconnecting(tcp_socket(tp));
	tcp_state_change(tp, TCPS_ESTABLISHED);
	TCPSTAT_INC(ctx, tcps_connects);
	cc_conn_init(tp);
	soisconnected(tcp_socket(tp));
	return (fd);
}

/* The TCP gauges; tcpstat and tcpxstat are ff_test_counters.c's. */
int
ff_test_tcp_counter(struct ff_ctx *ctx, const char *name, uint64_t *val)
{
	if (strcmp(name, "tcp.tcb_count") == 0)
		*val = (uint64_t)V_tcp(ctx)->tcb_count;
	else if (strcmp(name, "tcp.sockets") == 0)
		*val = uipc_sockets_inuse(ctx);
	else if (strcmp(name, "tcp.inpcbs") == 0)
		*val = V_tcbinfo(ctx)->ipi_count;
	else if (strcmp(name, "tcp.syncache_count") == 0)
		*val = V_syncache(ctx)->count;
	else if (strcmp(name, "tcp.hostcache_count") == 0)
		*val = V_hostcache(ctx)->cache_count;
	else
		return (-ENOENT);
	return (0);
}

/* Golden bytes: build options, and parse them back. */
int
ff_test_tcp_addoptions(uint32_t flags, uint32_t mss, uint32_t wscale,
    uint32_t tsval, uint32_t tsecr, uint8_t *out)
{
	struct tcpopt to;

	memset(&to, 0, sizeof(to));
	to.to_flags = flags;
	to.to_mss = (uint16_t)mss;
	to.to_wscale = (uint8_t)wscale;
	to.to_tsval = tsval;
	to.to_tsecr = tsecr;
	return (tcp_addoptions(&to, out));
}

/* out: flags, mss, wscale, tsval, tsecr, nsacks. */
int
ff_test_tcp_dooptions(const uint8_t *opt, int len, int syn, uint32_t *out)
{
	struct tcpopt to;

	tcp_dooptions(&to, opt, len, syn ? TO_SYN : 0);
	out[0] = to.to_flags;
	out[1] = to.to_mss;
	out[2] = to.to_wscale;
	out[3] = to.to_tsval;
	out[4] = to.to_tsecr;
	out[5] = to.to_nsacks;
	return (0);
}

/* Set and clear t_flags bits of fd's control block (e.g. TF_SACK_PERMIT
 * on a connection made by ff_test_tcp_establish()).  New flags, or a
 * negative errno. */
int
ff_test_tcp_setflags(struct ff_test *t, int fd, uint32_t set, uint32_t clr)
{
	struct tcpcb *tp = tcpt_tcpcb(tcpt_ctx(t), fd);

	if (tp == NULL)
		return (-ENOENT);
	tp->t_flags = (tp->t_flags | set) & ~clr;
	return ((int)tp->t_flags);
}

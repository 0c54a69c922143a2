/*
 * uipc_sockio.c - data transfer and socket options, after FreeBSD's
 * sosend_generic(), soreceive_generic(), sosetopt() and sogetopt().
 *
 * Entry points: sosend(), soreceive(), sosetopt(), sogetopt(),
 * sooptcopyin(), sooptcopyout().
 *
 * sosend copies the application's bytes into mbufs from the stack's pool
 * (headroom left for the headers) and hands them to pru_send: a datagram
 * whole or not at all (-EMSGSIZE above so_snd's limit), a stream as much
 * as fits in so_snd (-EAGAIN when nothing does).  soreceive copies out
 * of so_rcv: one record per call for datagrams (MSG_TRUNC when cut),
 * any number of bytes for streams, then tells the protocol (pru_rcvd).
 */
#include <errno.h>
#include <string.h>
#include <sys/time.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "kern/uipc_var.h"
#include "kern/protosw.h"
#include "kern/socketvar.h"
#include "kern/mbuf.h"
#include "kern/libkern.h"

#define PRU(so) ((so)->so_proto->pr_usrreqs)

/*
 * Move up to len bytes between buf and the iovecs of uio (towards the
 * iovecs when out), advancing uio; returns the bytes moved.
 */
static size_t
uiomove(void *buf, size_t len, struct uio_lite *uio, int out)
{
	const struct iovec *iov;
	char *p = buf, *ip;
	size_t n, done = 0;

	while (done < len && uio->uio_iovcnt > 0) {
		iov = uio->uio_iov;
		n = ulmin(len - done, iov->iov_len - uio->uio_iovoff);
		ip = (char *)iov->iov_base + uio->uio_iovoff;
		if (out)
			memcpy(ip, p + done, n);
		else
			memcpy(p + done, ip, n);
		done += n;
		uio->uio_resid -= n;
		uio->uio_iovoff += n;
		if (uio->uio_iovoff == iov->iov_len) {
			uio->uio_iov++;
			uio->uio_iovcnt--;
			uio->uio_iovoff = 0;
		}
	}
	return (done);
}

/*
 * A packet holding len bytes from uio, or NULL (no mbufs: nothing taken
 * from uio).
 */
static struct rte_mbuf *
m_uiotombuf(struct ff_ctx *ctx, struct uio_lite *uio, size_t len)
{
	struct rte_mbuf *m = NULL, *seg, *tail = NULL;
	struct uio_lite save = *uio;
	size_t n;

	do {
		/* The first segment may become a datagram: a pkthdr. */
		seg = m == NULL ? m_gethdr(ctx->pktmbuf_pool)
				: m_get(ctx->pktmbuf_pool);
		if (seg == NULL) {
			m_freem(m);
			*uio = save;
			return (NULL);
		}
		n = ulmin(len, (size_t)M_TRAILINGSPACE(seg));
		uiomove(mtod(seg, char *), n, uio, 0);
		seg->data_len = (uint16_t)n;
		len -= n;
		if (m == NULL)
			m = seg;
		else {
			tail->next = seg;
			m->nb_segs++;
		}
		m->pkt_len += (uint32_t)n;
		tail = seg;
	} while (len > 0);
	return (m);
}

/* The checks before sending; 0 or a negative errno. */
int
sosend_check(struct socket *so, const struct sockaddr_in *to)
{
	int error;

	if ((so->so_snd.sb_state & SBS_CANTSENDMORE) != 0)
		return (-EPIPE);
	if (so->so_error != 0) {
		error = so->so_error;
		so->so_error = 0;
		return (-error);
	}
	if ((so->so_state & SS_ISCONNECTED) == 0) {
		if ((so->so_proto->pr_flags & PR_CONNREQUIRED) != 0)
			return (-ENOTCONN);
		if (to == NULL)
			return (-EDESTADDRREQ);
	}
	return (0);
}

/* How many bytes of resid to take now; 0 or a negative errno in *errp. */
static size_t
sosend_len(struct socket *so, size_t resid, int *errp)
{
	long space = sbspace(&so->so_snd);
	int atomic = (so->so_proto->pr_flags & PR_ATOMIC) != 0;

	*errp = 0;
	if (atomic) {
		if (resid > so->so_snd.sb_hiwat)
			*errp = -EMSGSIZE;
		return (resid);
	}
	if (sosend_room(so, resid) < 0) {
		*errp = -EAGAIN;
		return (0);
	}
	return (ulmin(resid, (size_t)space));
}

long
sosend_room(struct socket *so, size_t resid)
{
	long space = sbspace(&so->so_snd);

	/* Below the low-water mark a part is not worth sending (FreeBSD). */
	if (space <= 0 ||
	    ((size_t)space < resid && space < (long)so->so_snd.sb_lowat))
		return (-EAGAIN);
	return (space);
}

long
sosend(struct socket *so, const struct sockaddr_in *to, struct uio_lite *uio,
    int flags)
{
	struct rte_mbuf *m;
	size_t len;
	int error, prflags = 0;

	/*
	 * Urgent data is not implemented: refused, not sent as ordinary data
	 * (FreeBSD's UDP refuses it the same way).
	 */
	if ((flags & MSG_OOB) != 0)
		return (-EOPNOTSUPP);
	if ((error = sosend_check(so, to)) != 0)
		return (error);
	len = sosend_len(so, uio->uio_resid, &error);
	if (error != 0)
		return (error);
	if (len == 0 && (so->so_proto->pr_flags & PR_ATOMIC) == 0)
		return (0);
	if ((m = m_uiotombuf(so->so_ctx, uio, len)) == NULL) {
		V_uipc(so->so_ctx)->us_stat.sos_nobufs++;
		return (-ENOBUFS);
	}
	/* Linux MSG_MORE: hold a short segment for what the caller adds. */
	if ((flags & MSG_MORETOCOME) != 0)
		prflags |= PRUS_MORETOCOME;
	if (so->so_pcb == NULL) {
		m_freem(m);
		return (-ECONNRESET);
	}
	error = PRU(so)->pru_send(so, prflags, &m, to);
	if (m != NULL)
		m_freem(m);
	return (error != 0 ? error : (long)len);
}

/*
 * Copy up to n bytes at offset off of the segment chain m out to uio
 * (segments followed by m->next, at most n bytes); returns bytes moved.
 */
static size_t
m_copyout_uio(
    const struct rte_mbuf *m, uint32_t off, size_t n, struct uio_lite *uio)
{
	size_t done = 0, k, got;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	for (; m != NULL && done < n && uio->uio_resid > 0; m = m->next) {
		k = ulmin(n - done, (size_t)(m->data_len - off));
		got = uiomove(mtodo(m, off), k, uio, 1);
		done += got;
		off = 0;
		if (got < k)
			break;
	}
	return (done);
}

/* Nothing to read: the answer (0 = EOF, or a negative errno). */
long
soreceive_empty(struct socket *so, int flags)
{
	int error;

	if (so->so_error != 0) {
		error = so->so_error;
		if ((flags & MSG_PEEK) == 0)
			so->so_error = 0;
		return (-error);
	}
	if ((so->so_rcv.sb_state & SBS_CANTRCVMORE) != 0)
		return (0);
	if ((so->so_state &
		(SS_ISCONNECTING | SS_ISCONNECTED | SS_ISDISCONNECTING |
		    SS_ISDISCONNECTED)) == 0 &&
	    (so->so_proto->pr_flags & PR_CONNREQUIRED) != 0)
		return (-ENOTCONN);
	return (-EAGAIN);
}

static long
soreceive_dgram(struct socket *so, struct sockaddr_in *from,
    struct uio_lite *uio, int *flagsp)
{
	struct sockbuf *sb = &so->so_rcv;
	struct rte_mbuf *m = sb->sb_mb;
	uint32_t dlen;
	size_t n;

	dlen = m_pktlen(m) - sizeof(struct sockaddr_in);
	if (from != NULL)
		memcpy(from, mtod(m, void *), sizeof(*from));
	n = m_copyout_uio(m, sizeof(struct sockaddr_in), dlen, uio);
	if (n < dlen)
		*flagsp |= MSG_TRUNC;
	if ((*flagsp & MSG_PEEK) == 0)
		sbdroprecord(sb);
	return ((long)n);
}

static long
soreceive_stream(struct socket *so, struct uio_lite *uio, int flags)
{
	struct sockbuf *sb = &so->so_rcv;
	size_t n;

	n = m_copyout_uio(
	    sb->sb_mb, 0, ulmin((size_t)sb->sb_cc, uio->uio_resid), uio);
	if ((flags & MSG_PEEK) == 0 && n > 0) {
		sbdrop(sb, (uint32_t)n);
		if ((so->so_proto->pr_flags & PR_WANTRCVD) != 0 &&
		    so->so_pcb != NULL && PRU(so)->pru_rcvd != NULL)
			(void)PRU(so)->pru_rcvd(so, flags);
	}
	return ((long)n);
}

long
soreceive(struct socket *so, struct sockaddr_in *from, struct uio_lite *uio,
    int *flagsp)
{
	int flags = *flagsp;

	*flagsp &= MSG_PEEK;
	if ((flags & MSG_OOB) != 0)
		return (-EINVAL);
	if ((so->so_options & SO_ACCEPTCONN) != 0)
		return (-ENOTCONN);
	if (so->so_rcv.sb_mb == NULL)
		return (soreceive_empty(so, flags));
	if (uio->uio_resid == 0)
		return (0);
	if ((so->so_rcv.sb_flags & SB_ATOMIC) != 0)
		return (soreceive_dgram(so, from, uio, flagsp));
	if (from != NULL)
		(void)sogetpeername(so, from);
	return (soreceive_stream(so, uio, flags));
}

/* -- options ------------------------------------------------------------- */

int
sooptcopyin(const struct sockopt *sopt, void *buf, size_t len, size_t minlen)
{
	if (sopt->sopt_val == NULL || sopt->sopt_valsize < minlen)
		return (-EINVAL);
	if (sopt->sopt_valsize < len)
		len = sopt->sopt_valsize;
	memcpy(buf, sopt->sopt_val, len);
	return (0);
}

int
sooptcopyout(struct sockopt *sopt, const void *buf, size_t len)
{
	if (sopt->sopt_val == NULL)
		return (-EINVAL);
	if (len > sopt->sopt_valsize)
		len = sopt->sopt_valsize;
	memcpy(sopt->sopt_val, buf, len);
	sopt->sopt_valsize = len;
	return (0);
}

/* The SO_* that are plain bits of so_options. */
static int
so_is_flagopt(int name)
{
	switch (name) {
	case SO_DEBUG:
	case SO_KEEPALIVE:
	case SO_DONTROUTE:
	case SO_BROADCAST:
	case SO_REUSEADDR:
	case SO_REUSEPORT:
	case SO_OOBINLINE:
	case SO_TIMESTAMP:
		return (1);
	}
	return (0);
}

static int
so_setbuf(struct socket *so, struct sockopt *sopt)
{
	struct sockbuf *sb;
	int v, error;

	if ((error = sooptcopyin(sopt, &v, sizeof(v), sizeof(v))) != 0)
		return (error);
	if (v < 1)
		return (-EINVAL);
	switch (sopt->sopt_name) {
	case SO_SNDBUF:
	case SO_RCVBUF:
		sb = sopt->sopt_name == SO_SNDBUF ? &so->so_snd : &so->so_rcv;
		if ((error = sbreserve(so, sb, (uint32_t)v)) != 0)
			return (error);
		sb->sb_flags &= ~SB_AUTOSIZE;
		return (0);
	default:
		sb = sopt->sopt_name == SO_SNDLOWAT ? &so->so_snd : &so->so_rcv;
		sb->sb_lowat = min((uint32_t)v, sb->sb_hiwat);
		return (0);
	}
}

static int
so_setsolevel(struct socket *so, struct sockopt *sopt)
{
	struct linger l;
	struct timeval tv;
	int v, error;

	if (so_is_flagopt(sopt->sopt_name)) {
		if ((error = sooptcopyin(sopt, &v, sizeof(v), sizeof(v))) != 0)
			return (error);
		if (v)
			so->so_options |= sopt->sopt_name;
		else
			so->so_options &= ~sopt->sopt_name;
		return (0);
	}
	switch (sopt->sopt_name) {
	case SO_LINGER:
		if ((error = sooptcopyin(sopt, &l, sizeof(l), sizeof(l))) != 0)
			return (error);
		so->so_linger = (short)imin(l.l_linger, 32767);
		if (l.l_onoff)
			so->so_options |= SO_LINGER;
		else
			so->so_options &= ~SO_LINGER;
		return (0);
	case SO_SNDBUF:
	case SO_RCVBUF:
	case SO_SNDLOWAT:
	case SO_RCVLOWAT:
		return (so_setbuf(so, sopt));
	case SO_SNDTIMEO:
	case SO_RCVTIMEO: /* accepted; every call is non-blocking */
		return (sooptcopyin(sopt, &tv, sizeof(tv), sizeof(tv)));
	}
	return (-ENOPROTOOPT);
}

int
sosetopt(struct socket *so, struct sockopt *sopt)
{
	int error;

	if (sopt->sopt_level != SOL_SOCKET) {
		if (PRU(so)->pru_ctloutput == NULL || so->so_pcb == NULL)
			return (
			    so->so_pcb == NULL ? -ECONNRESET : -ENOPROTOOPT);
		return (PRU(so)->pru_ctloutput(so, sopt));
	}
	if ((error = so_setsolevel(so, sopt)) != 0)
		return (error);
	if (PRU(so)->pru_ctloutput != NULL && so->so_pcb != NULL)
		(void)PRU(so)->pru_ctloutput(so, sopt);
	return (0);
}

/* The int value of a SOL_SOCKET option; 0 or -ENOPROTOOPT. */
static int
so_getint(struct socket *so, int name, int *v)
{
	if (so_is_flagopt(name) || name == SO_ACCEPTCONN) {
		*v = so->so_options & name;
		return (0);
	}
	switch (name) {
	case SO_SNDBUF:
		*v = (int)so->so_snd.sb_hiwat;
		break;
	case SO_RCVBUF:
		*v = (int)so->so_rcv.sb_hiwat;
		break;
	case SO_SNDLOWAT:
		*v = (int)so->so_snd.sb_lowat;
		break;
	case SO_RCVLOWAT:
		*v = (int)so->so_rcv.sb_lowat;
		break;
	case SO_TYPE:
		*v = so->so_type;
		break;
	case SO_PROTOCOL:
		*v = so->so_proto->pr_protocol;
		break;
	case SO_ERROR:
		*v = so->so_error;
		so->so_error = 0;
		break;
	default:
		return (-ENOPROTOOPT);
	}
	return (0);
}

int
sogetopt(struct socket *so, struct sockopt *sopt)
{
	struct linger l;
	struct timeval tv;
	int v, error;

	if (sopt->sopt_level != SOL_SOCKET) {
		if (PRU(so)->pru_ctloutput == NULL || so->so_pcb == NULL)
			return (
			    so->so_pcb == NULL ? -ECONNRESET : -ENOPROTOOPT);
		return (PRU(so)->pru_ctloutput(so, sopt));
	}
	switch (sopt->sopt_name) {
	case SO_LINGER:
		l.l_onoff = (so->so_options & SO_LINGER) != 0;
		l.l_linger = so->so_linger;
		return (sooptcopyout(sopt, &l, sizeof(l)));
	case SO_SNDTIMEO:
	case SO_RCVTIMEO:
		memset(&tv, 0, sizeof(tv));
		return (sooptcopyout(sopt, &tv, sizeof(tv)));
	}
	if ((error = so_getint(so, sopt->sopt_name, &v)) != 0)
		return (error);
	return (sooptcopyout(sopt, &v, sizeof(v)));
}

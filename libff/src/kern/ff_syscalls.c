/*
 * ff_syscalls.c - the application API of ff_api.h: F-Stack's names and
 * signatures on top of the socket layer, after FreeBSD's
 * kern/uipc_syscalls.c and sys_generic.c.
 *
 * Entry points: ff_socket() ... ff_epoll_wait(), ff_gettimeofday(), the
 * zero-copy calls ff_zc_mbuf_get() ... ff_zc_recv() (see ff_api.h for
 * the list and the errors).
 *
 * Each call finds the current stack (ff_ctx_get()), looks the descriptor
 * up in its table (EBADF; ENOTSOCK for a kqueue or epoll descriptor
 * where a socket is wanted), translates Linux numbers through ff_linux.c,
 * calls the socket layer, and turns a negative errno into -1 with errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>

#include "core/ff_ctx.h"
#include "kern/uipc_var.h"
#include "kern/eventvar.h"
#include "kern/file.h"
#include "kern/socketvar.h"
#include "kern/protosw.h"
#include "kern/ff_linux.h"
#include "ff_api.h"

#define FF_IOV_MAX 1024

/* -1 with errno from a negative errno, or the value itself. */
static inline long
sys_ret(long rv)
{
	if (rv < 0) {
		errno = (int)-rv;
		return (-1);
	}
	return (rv);
}

static struct filedesc *
sys_fdp(void)
{
	struct ff_ctx *ctx = ff_ctx_get();

	if (ctx == NULL || ctx->stack == NULL ||
	    V_uipc(ctx)->us_fd.fd_maxfiles == 0)
		return (NULL);
	return (&V_uipc(ctx)->us_fd);
}

/* The socket of fd: 0 with *sop, -EBADF or -ENOTSOCK. */
static int
getsock(int fd, struct socket **sop, struct file **fpp)
{
	struct filedesc *fdp = sys_fdp();
	struct file *fp;

	if (fdp == NULL || (fp = fdget(fdp, fd, DTYPE_NONE)) == NULL)
		return (-EBADF);
	if (fp->f_type != DTYPE_SOCKET)
		return (-ENOTSOCK);
	*sop = fp->f_data;
	if (fpp != NULL)
		*fpp = fp;
	return (0);
}

/* A descriptor for so; on failure so is closed. */
static int
sys_falloc(struct ff_ctx *ctx, struct socket *so, int nonblock)
{
	struct filedesc *fdp = &V_uipc(ctx)->us_fd;
	int fd;

	if ((fd = fdalloc(fdp, DTYPE_SOCKET, so)) < 0) {
		soclose(so);
		return (fd);
	}
	so->so_fd = fd;
	if (nonblock)
		fdp->fd_ofiles[fd].f_flag |= FNONBLOCK;
	return (fd);
}

int
ff_socket(int domain, int type, int protocol)
{
	struct ff_ctx *ctx = ff_ctx_get();
	struct socket *so;
	int error, flags = type & ~LINUX_SOCK_TYPE_MASK;

	if (ctx == NULL || ctx->stack == NULL)
		return ((int)sys_ret(-ENETDOWN));
	if (domain != AF_INET)
		return ((int)sys_ret(-EAFNOSUPPORT));
	if ((flags & ~(LINUX_SOCK_NONBLOCK | LINUX_SOCK_CLOEXEC)) != 0)
		return ((int)sys_ret(-EINVAL));
	error = socreate(ctx, type & LINUX_SOCK_TYPE_MASK, protocol, &so);
	if (error != 0)
		return ((int)sys_ret(error));
	return ((int)sys_ret(
	    sys_falloc(ctx, so, (flags & LINUX_SOCK_NONBLOCK) != 0)));
}

int
ff_bind(int s, const struct linux_sockaddr *addr, socklen_t addrlen)
{
	struct sockaddr_in sin;
	struct socket *so;
	int error;

	if ((error = getsock(s, &so, NULL)) != 0 ||
	    (error = linux_sockaddr_in(addr, addrlen, &sin, 0)) != 0)
		return ((int)sys_ret(error));
	return ((int)sys_ret(sobind(so, &sin)));
}

int
ff_listen(int s, int backlog)
{
	struct socket *so;
	int error;

	if ((error = getsock(s, &so, NULL)) != 0)
		return ((int)sys_ret(error));
	return ((int)sys_ret(solisten(so, backlog)));
}

int
ff_connect(int s, const struct linux_sockaddr *name, socklen_t namelen)
{
	struct sockaddr_in sin;
	struct socket *so;
	int error;

	if ((error = getsock(s, &so, NULL)) != 0 ||
	    (error = linux_sockaddr_in(name, namelen, &sin, 1)) != 0)
		return ((int)sys_ret(error));
	if (sin.sin_family == AF_UNSPEC) {
		if ((so->so_proto->pr_flags & PR_CONNREQUIRED) != 0)
			return ((int)sys_ret(-EAFNOSUPPORT));
		error = sodisconnect(so);
		return ((int)sys_ret(error == -ENOTCONN ? 0 : error));
	}
	if ((error = soconnect(so, &sin)) != 0)
		return ((int)sys_ret(error));
	if ((so->so_state & SS_ISCONNECTING) != 0)
		return ((int)sys_ret(-EINPROGRESS));
	if (so->so_error != 0) {
		error = so->so_error;
		so->so_error = 0;
		return ((int)sys_ret(-error));
	}
	return (0);
}

int
ff_accept4(int s, struct linux_sockaddr *addr, socklen_t *addrlen, int flags)
{
	struct ff_ctx *ctx = ff_ctx_get();
	struct sockaddr_in sin;
	struct socket *head, *so;
	int error;

	if ((error = getsock(s, &head, NULL)) != 0)
		return ((int)sys_ret(error));
	if ((flags & ~(LINUX_SOCK_NONBLOCK | LINUX_SOCK_CLOEXEC)) != 0 ||
	    (addr != NULL && addrlen != NULL && (int)*addrlen < 0))
		return ((int)sys_ret(-EINVAL));
	if (addr != NULL && addrlen == NULL)
		return ((int)sys_ret(-EFAULT));
	if ((error = soaccept(head, &so, &sin)) != 0)
		return ((int)sys_ret(error));
	if ((error = sys_falloc(ctx, so, (flags & LINUX_SOCK_NONBLOCK) != 0)) <
	    0)
		return ((int)sys_ret(error));
	(void)linux_sockaddr_out(&sin, addr, addrlen);
	return (error);
}

int
ff_accept(int s, struct linux_sockaddr *addr, socklen_t *addrlen)
{
	return (ff_accept4(s, addr, addrlen, 0));
}

int
ff_close(int fd)
{
	struct ff_ctx *ctx = ff_ctx_get();

	if (sys_fdp() == NULL)
		return ((int)sys_ret(-EBADF));
	return ((int)sys_ret(kern_close(ctx, fd)));
}

int
ff_shutdown(int s, int how)
{
	struct socket *so;
	int error;

	if ((error = getsock(s, &so, NULL)) != 0)
		return ((int)sys_ret(error));
	return ((int)sys_ret(soshutdown(so, how)));
}

static int
sys_getname(int s, struct linux_sockaddr *name, socklen_t *namelen, int peer)
{
	struct sockaddr_in sin;
	struct socket *so;
	int error;

	if ((error = getsock(s, &so, NULL)) != 0)
		return ((int)sys_ret(error));
	if (name == NULL || namelen == NULL)
		return ((int)sys_ret(-EFAULT));
	if ((int)*namelen < 0)
		return ((int)sys_ret(-EINVAL));
	error = peer ? sogetpeername(so, &sin) : sogetsockname(so, &sin);
	if (error != 0)
		return ((int)sys_ret(error));
	return ((int)sys_ret(linux_sockaddr_out(&sin, name, namelen)));
}

int
ff_getpeername(int s, struct linux_sockaddr *name, socklen_t *namelen)
{
	return (sys_getname(s, name, namelen, 1));
}

int
ff_getsockname(int s, struct linux_sockaddr *name, socklen_t *namelen)
{
	return (sys_getname(s, name, namelen, 0));
}

int
ff_setsockopt(
    int s, int level, int optname, const void *optval, socklen_t optlen)
{
	struct sockopt sopt;
	struct socket *so;
	int error, isbool, v;

	memset(&sopt, 0, sizeof(sopt));
	if ((error = getsock(s, &so, NULL)) != 0 ||
	    (error = linux_to_bsd_sockopt(level, optname, &sopt.sopt_level,
		 &sopt.sopt_name, &isbool)) != 0)
		return ((int)sys_ret(error));
	if (optval == NULL && optlen > 0)
		return ((int)sys_ret(-EFAULT));
	sopt.sopt_dir = SOPT_SET;
	sopt.sopt_val = (void *)(uintptr_t)optval;
	sopt.sopt_valsize = optlen;
	if (isbool && optlen >= sizeof(int)) {
		memcpy(&v, optval, sizeof(v));
		v = v != 0;
		sopt.sopt_val = &v;
		sopt.sopt_valsize = sizeof(v);
	}
	return ((int)sys_ret(sosetopt(so, &sopt)));
}

int
ff_getsockopt(int s, int level, int optname, void *optval, socklen_t *optlen)
{
	struct sockopt sopt;
	struct socket *so;
	int error, isbool, v;

	memset(&sopt, 0, sizeof(sopt));
	if ((error = getsock(s, &so, NULL)) != 0 ||
	    (error = linux_to_bsd_sockopt(level, optname, &sopt.sopt_level,
		 &sopt.sopt_name, &isbool)) != 0)
		return ((int)sys_ret(error));
	if (optval == NULL || optlen == NULL)
		return ((int)sys_ret(-EFAULT));
	sopt.sopt_dir = SOPT_GET;
	sopt.sopt_val = optval;
	sopt.sopt_valsize = *optlen;
	if ((error = sogetopt(so, &sopt)) != 0)
		return ((int)sys_ret(error));
	if (isbool && sopt.sopt_valsize == sizeof(int)) {
		memcpy(&v, optval, sizeof(v));
		v = v != 0;
		memcpy(optval, &v, sizeof(v));
	}
	*optlen = (socklen_t)sopt.sopt_valsize;
	return (0);
}

/* A uio over (iov, iovcnt); 0 or -EINVAL. */
static int
sys_uio(struct uio_lite *uio, const struct iovec *iov, int iovcnt)
{
	size_t total = 0;
	int i;

	if (iovcnt < 0 || iovcnt > FF_IOV_MAX || (iovcnt > 0 && iov == NULL))
		return (-EINVAL);
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > SSIZE_MAX - total)
			return (-EINVAL);
		if (iov[i].iov_base == NULL && iov[i].iov_len > 0)
			return (-EFAULT);
		total += iov[i].iov_len;
	}
	uio->uio_iov = iov;
	uio->uio_iovcnt = iovcnt;
	uio->uio_iovoff = 0;
	uio->uio_resid = total;
	return (0);
}

static ssize_t
sys_sendit(int s, const struct iovec *iov, int iovcnt, int lflags,
    const void *to, socklen_t tolen)
{
	struct sockaddr_in sin, *sinp = NULL;
	struct uio_lite uio;
	struct socket *so;
	int error, flags;

	if ((error = getsock(s, &so, NULL)) != 0 ||
	    (error = sys_uio(&uio, iov, iovcnt)) != 0 ||
	    (error = linux_to_bsd_msgflags(lflags, &flags)) != 0)
		return (sys_ret(error));
	if (to != NULL) {
		if ((error = linux_sockaddr_in(to, tolen, &sin, 0)) != 0)
			return (sys_ret(error));
		sinp = &sin;
	}
	return (sys_ret(sosend(so, sinp, &uio, flags)));
}

static ssize_t
sys_recvit(int s, const struct iovec *iov, int iovcnt, int *lflagsp, void *from,
    socklen_t *fromlen)
{
	struct sockaddr_in sin;
	struct uio_lite uio;
	struct socket *so;
	long n;
	int error, flags;

	if ((error = getsock(s, &so, NULL)) != 0 ||
	    (error = sys_uio(&uio, iov, iovcnt)) != 0 ||
	    (error = linux_to_bsd_msgflags(*lflagsp, &flags)) != 0)
		return (sys_ret(error));
	if (from != NULL && (fromlen == NULL || (int)*fromlen < 0))
		return (sys_ret(fromlen == NULL ? -EFAULT : -EINVAL));
	if (from != NULL)
		memset(&sin, 0, sizeof(sin));
	if ((n = soreceive(so, from != NULL ? &sin : NULL, &uio, &flags)) < 0)
		return (sys_ret(n));
	*lflagsp = bsd_to_linux_msgflags(flags & (MSG_TRUNC | MSG_CTRUNC));
	if (from != NULL && sin.sin_family == AF_INET)
		(void)linux_sockaddr_out(&sin, from, fromlen);
	else if (from != NULL)
		*fromlen = 0;
	return (n);
}

ssize_t
ff_read(int d, void *buf, size_t nbytes)
{
	struct iovec iov = { buf, nbytes };
	int flags = 0;

	return (sys_recvit(d, &iov, 1, &flags, NULL, NULL));
}

ssize_t
ff_readv(int fd, const struct iovec *iov, int iovcnt)
{
	int flags = 0;

	return (sys_recvit(fd, iov, iovcnt, &flags, NULL, NULL));
}

ssize_t
ff_recv(int s, void *buf, size_t len, int flags)
{
	struct iovec iov = { buf, len };

	return (sys_recvit(s, &iov, 1, &flags, NULL, NULL));
}

ssize_t
ff_recvfrom(int s, void *buf, size_t len, int flags,
    struct linux_sockaddr *from, socklen_t *fromlen)
{
	struct iovec iov = { buf, len };

	return (sys_recvit(s, &iov, 1, &flags, from, fromlen));
}

ssize_t
ff_recvmsg(int s, struct msghdr *msg, int flags)
{
	ssize_t n;

	if (msg == NULL)
		return (sys_ret(-EFAULT));
	if ((int)msg->msg_iovlen < 0)
		return (sys_ret(-EINVAL));
	n = sys_recvit(s, msg->msg_iov, (int)msg->msg_iovlen, &flags,
	    msg->msg_name, msg->msg_name != NULL ? &msg->msg_namelen : NULL);
	if (n >= 0) {
		msg->msg_flags = flags;
		msg->msg_controllen = 0;
	}
	return (n);
}

ssize_t
ff_write(int fd, const void *buf, size_t nbytes)
{
	struct iovec iov = { (void *)(uintptr_t)buf, nbytes };

	return (sys_sendit(fd, &iov, 1, 0, NULL, 0));
}

ssize_t
ff_writev(int fd, const struct iovec *iov, int iovcnt)
{
	return (sys_sendit(fd, iov, iovcnt, 0, NULL, 0));
}

ssize_t
ff_send(int s, const void *buf, size_t len, int flags)
{
	struct iovec iov = { (void *)(uintptr_t)buf, len };

	return (sys_sendit(s, &iov, 1, flags, NULL, 0));
}

ssize_t
ff_sendto(int s, const void *buf, size_t len, int flags,
    const struct linux_sockaddr *to, socklen_t tolen)
{
	struct iovec iov = { (void *)(uintptr_t)buf, len };

	return (sys_sendit(s, &iov, 1, flags, to, tolen));
}

ssize_t
ff_sendmsg(int s, const struct msghdr *msg, int flags)
{
	if (msg == NULL)
		return (sys_ret(-EFAULT));
	if ((int)msg->msg_iovlen < 0)
		return (sys_ret(-EINVAL));
	return (sys_sendit(s, msg->msg_iov, (int)msg->msg_iovlen, flags,
	    msg->msg_name, msg->msg_namelen));
}

/* -- zero copy (uipc_zerocopy.c does the work) -------------------------- */

/* The running stack, or NULL. */
static struct ff_ctx *
sys_ctx(void)
{
	struct ff_ctx *ctx = ff_ctx_get();

	return (ctx != NULL && ctx->stack != NULL ? ctx : NULL);
}

/* A refused argument: counted when there is a stack to count it. */
static long
zc_badarg(struct ff_ctx *ctx)
{
	if (ctx != NULL)
		V_uipc(ctx)->us_stat.sos_zcbadarg++;
	return (sys_ret(-EINVAL));
}

/* Refresh m from the stack's record of chain c (NULL: none held). */
static void
zc_sync(struct ff_ctx *ctx, struct ff_zc_mbuf *m, void *c)
{
	uint32_t len, off;
	void *cur;

	if (c == NULL || zc_lookup(ctx, c, &len, &off, &cur) != 0) {
		memset(m, 0, sizeof(*m));
		return;
	}
	m->bsd_mbuf = c;
	m->bsd_mbuf_off = cur;
	m->off = (int)off;
	m->len = (int)len;
}

int
ff_zc_mbuf_get(struct ff_zc_mbuf *m, int len)
{
	struct ff_ctx *ctx = sys_ctx();
	struct rte_mbuf *c;
	int error;

	if (ctx == NULL)
		return ((int)sys_ret(-ENETDOWN));
	if (m == NULL || len <= 0)
		return ((int)zc_badarg(ctx));
	if ((error = zc_get(ctx, (uint32_t)len, &c)) != 0)
		return ((int)sys_ret(error));
	zc_sync(ctx, m, c);
	return (0);
}

/* zc_copy() for ff_zc_mbuf_write() (out 0) and ff_zc_mbuf_read(). */
static int
sys_zc_copy(struct ff_zc_mbuf *m, void *data, int len, int out)
{
	struct ff_ctx *ctx = sys_ctx();
	int n;

	if (m == NULL || len < 0 || (data == NULL && len > 0))
		return ((int)zc_badarg(ctx));
	if (ctx == NULL)
		return ((int)sys_ret(-EINVAL));
	n = zc_copy(ctx, m->bsd_mbuf, data, (uint32_t)len, out);
	if (n >= 0)
		zc_sync(ctx, m, m->bsd_mbuf);
	return ((int)sys_ret(n));
}

int
ff_zc_mbuf_write(struct ff_zc_mbuf *m, const char *data, int len)
{
	return (sys_zc_copy(m, (void *)(uintptr_t)data, len, 0));
}

int
ff_zc_mbuf_read(struct ff_zc_mbuf *m, char *data, int len)
{
	return (sys_zc_copy(m, data, len, 1));
}

int
ff_zc_mbuf_segment(struct ff_zc_mbuf *m, void **seg_data, int *seg_len)
{
	struct ff_ctx *ctx = sys_ctx();
	void *p = NULL;
	int n;

	if (m == NULL || seg_data == NULL || seg_len == NULL)
		return ((int)zc_badarg(ctx));
	if (ctx == NULL)
		return ((int)sys_ret(-EINVAL));
	if ((n = zc_segment(ctx, m->bsd_mbuf, &p)) < 0)
		return ((int)sys_ret(n));
	zc_sync(ctx, m, m->bsd_mbuf);
	*seg_data = p;
	*seg_len = n;
	return (n);
}

int
ff_zc_mbuf_free(struct ff_zc_mbuf *m)
{
	struct ff_ctx *ctx = sys_ctx();
	int error;

	if (m == NULL)
		return ((int)zc_badarg(ctx));
	if (ctx == NULL)
		return ((int)sys_ret(-EINVAL));
	if ((error = zc_free(ctx, m->bsd_mbuf)) != 0)
		return ((int)sys_ret(error));
	memset(m, 0, sizeof(*m));
	return (0);
}

ssize_t
ff_zc_send(int s, struct ff_zc_mbuf *m, size_t nbytes)
{
	struct socket *so;
	void *rest;
	long n;
	int error;

	if ((error = getsock(s, &so, NULL)) != 0)
		return (sys_ret(error));
	if (m == NULL || nbytes > INT_MAX)
		return (zc_badarg(so->so_ctx));
	n = zc_send(so, m->bsd_mbuf, (uint32_t)nbytes, &rest);
	if (n >= 0)
		zc_sync(so->so_ctx, m, rest);
	return (sys_ret(n));
}

ssize_t
ff_zc_recv(int s, struct ff_zc_mbuf *m, size_t nbytes)
{
	struct socket *so;
	struct rte_mbuf *c;
	uint32_t len, off;
	void *cur;
	long n;
	int error;

	if ((error = getsock(s, &so, NULL)) != 0)
		return (sys_ret(error));
	if (m == NULL || nbytes == 0 || nbytes > INT_MAX)
		return (zc_badarg(so->so_ctx));
	if (m->bsd_mbuf != NULL &&
	    zc_lookup(so->so_ctx, m->bsd_mbuf, &len, &off, &cur) == 0) {
		V_uipc(so->so_ctx)->us_stat.sos_zcbadarg++;
		return (sys_ret(-EBUSY));
	}
	if ((n = zc_recv(so, (uint32_t)nbytes, &c)) <= 0) {
		if (n == 0)
			memset(m, 0, sizeof(*m));
		return (sys_ret(n));
	}
	zc_sync(so->so_ctx, m, c);
	return (n);
}

int
ff_ioctl(int fd, unsigned long request, ...)
{
	struct socket *so;
	struct file *fp;
	va_list ap;
	int *argp, error;

	va_start(ap, request);
	argp = va_arg(ap, int *);
	va_end(ap);
	if ((error = getsock(fd, &so, &fp)) != 0)
		return ((int)sys_ret(error));
	if (argp == NULL)
		return ((int)sys_ret(-EFAULT));
	switch (request) {
	case LINUX_FIONBIO:
		if (*argp)
			fp->f_flag |= FNONBLOCK;
		else
			fp->f_flag &= ~FNONBLOCK;
		return (0);
	case LINUX_FIONREAD:
		*argp = (int)so->so_rcv.sb_cc;
		return (0);
	}
	return ((int)sys_ret(-ENOTTY));
}

int
ff_fcntl(int fd, int cmd, ...)
{
	struct filedesc *fdp = sys_fdp();
	struct file *fp;
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	if (fdp == NULL || (fp = fdget(fdp, fd, DTYPE_NONE)) == NULL)
		return ((int)sys_ret(-EBADF));
	switch (cmd) {
	case F_GETFL:
		return (
		    O_RDWR | ((fp->f_flag & FNONBLOCK) ? LINUX_O_NONBLOCK : 0));
	case F_SETFL:
		if ((arg & LINUX_O_NONBLOCK) != 0)
			fp->f_flag |= FNONBLOCK;
		else
			fp->f_flag &= ~FNONBLOCK;
		return (0);
	case F_GETFD:
	case F_SETFD:
		return (0);
	}
	return ((int)sys_ret(-EINVAL));
}

int
ff_poll(struct pollfd fds[], nfds_t nfds, int timeout)
{
	struct filedesc *fdp = sys_fdp();
	struct file *fp;
	nfds_t i;
	int n = 0;

	if (fdp == NULL)
		return ((int)sys_ret(-EINVAL));
	if (nfds > 0 && fds == NULL)
		return ((int)sys_ret(-EFAULT));
	for (i = 0; i < nfds; i++) {
		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		fp = fdget(fdp, fds[i].fd, DTYPE_NONE);
		if (fp == NULL)
			fds[i].revents = POLLNVAL;
		else if (fp->f_type == DTYPE_SOCKET)
			fds[i].revents = (short)(sopoll(fp->f_data) &
			    ((unsigned int)fds[i].events | POLLERR | POLLHUP));
		if (fds[i].revents != 0)
			n++;
	}
	return (n);
}

int
ff_kqueue(void)
{
	struct ff_ctx *ctx = ff_ctx_get();

	if (sys_fdp() == NULL)
		return ((int)sys_ret(-ENETDOWN));
	return ((int)sys_ret(kern_kqueue(ctx)));
}

int
ff_kevent(int kq, const struct kevent *changelist, int nchanges,
    struct kevent *eventlist, int nevents, const struct timespec *timeout)
{
	struct ff_ctx *ctx = ff_ctx_get();

	if (sys_fdp() == NULL)
		return ((int)sys_ret(-EBADF));
	return ((int)sys_ret(
	    kern_kevent(ctx, kq, changelist, nchanges, eventlist, nevents)));
}

int
ff_epoll_create(int size)
{
	struct ff_ctx *ctx = ff_ctx_get();

	if (size <= 0)
		return ((int)sys_ret(-EINVAL));
	if (sys_fdp() == NULL)
		return ((int)sys_ret(-ENETDOWN));
	return ((int)sys_ret(kern_epoll_create(ctx)));
}

int
ff_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
	struct ff_ctx *ctx = ff_ctx_get();

	if (sys_fdp() == NULL)
		return ((int)sys_ret(-EBADF));
	return ((int)sys_ret(kern_epoll_ctl(ctx, epfd, op, fd, event)));
}

int
ff_epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
	struct ff_ctx *ctx = ff_ctx_get();

	if (sys_fdp() == NULL)
		return ((int)sys_ret(-EBADF));
	return ((int)sys_ret(kern_epoll_wait(ctx, epfd, events, maxevents)));
}

int
ff_gettimeofday(struct timeval *tv, struct timezone *tz)
{
	return (gettimeofday(tv, tz));
}

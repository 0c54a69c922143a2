/*
 * ff_api.h - the application API of libff.
 *
 * An application calls ff_init() once, then ff_run() with its loop
 * function, which the stack calls once per main-loop iteration; every
 * ff_* call is made from inside that loop function (one thread, run to
 * completion).  Calls return -1 and set errno (FreeBSD meaning) on error.
 */
#ifndef _FF_API_H_
#define _FF_API_H_

#include <poll.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int (*loop_func_t)(void *arg);

/*
 * Start the stack: options
 *   -c, --conf FILE            config.ini (default ./config.ini)
 *   -p, --proc-id N            this process's id (default 0)
 *   -t, --proc-type primary|secondary|auto
 * Returns 0, or -1 with errno set and a one-line reason on stderr
 * (config errors name the file, line, section and key).
 */
int	ff_init(int argc, char * const argv[]);

/*
 * Run the main loop until ff_stop_run() or SIGINT/SIGTERM; then stop the
 * ports and release the EAL (no hugepage files or runtime dirs are left).
 * Returns 0, or -1 with errno set.
 */
int	ff_run(loop_func_t loop, void *arg);
void	ff_stop_run(void);

/*
 * Sockets.  Addresses use the Linux layout (struct linux_sockaddr: a
 * 16-bit family first, AF_INET = 2; struct sockaddr_in casts to it), and
 * levels, options and flags take Linux numbers (SOL_SOCKET = 1,
 * SO_REUSEADDR = 2, TCP_NODELAY = 1, MSG_DONTWAIT = 0x40,
 * SOCK_NONBLOCK = 04000, O_NONBLOCK = 04000, FIONBIO, FIONREAD): the
 * host's <sys/socket.h> and <netinet/in.h> constants work as they are.
 * Every call is non-blocking; errno keeps FreeBSD's meaning with the
 * host's values: EAGAIN (nothing to read, no room, no connection
 * queued), EINPROGRESS (connect started), EBADF (not a descriptor),
 * ENOTSOCK (not a socket), EINVAL, EAFNOSUPPORT (not AF_INET),
 * EPROTONOSUPPORT/EPROTOTYPE, EADDRINUSE, EADDRNOTAVAIL, EISCONN,
 * ENOTCONN, EDESTADDRREQ, EMSGSIZE, EPIPE (sending after shutdown or
 * reset), ECONNREFUSED, ECONNRESET, ENOPROTOOPT, EOPNOTSUPP, EMFILE,
 * ENOBUFS.  Descriptors are small integers of the stack's own table
 * (lowest free first), not kernel descriptors.
 */
struct linux_sockaddr {
	short	sa_family;
	char	sa_data[14];
};

int	ff_socket(int domain, int type, int protocol);
int	ff_setsockopt(int s, int level, int optname, const void *optval,
	    socklen_t optlen);
int	ff_getsockopt(int s, int level, int optname, void *optval,
	    socklen_t *optlen);
int	ff_listen(int s, int backlog);
int	ff_bind(int s, const struct linux_sockaddr *addr, socklen_t addrlen);
int	ff_accept(int s, struct linux_sockaddr *addr, socklen_t *addrlen);
int	ff_accept4(int s, struct linux_sockaddr *addr, socklen_t *addrlen,
	    int flags);
int	ff_connect(int s, const struct linux_sockaddr *name,
	    socklen_t namelen);
int	ff_close(int fd);
int	ff_shutdown(int s, int how);
int	ff_getpeername(int s, struct linux_sockaddr *name,
	    socklen_t *namelen);
int	ff_getsockname(int s, struct linux_sockaddr *name,
	    socklen_t *namelen);

ssize_t	ff_read(int d, void *buf, size_t nbytes);
ssize_t	ff_readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t	ff_write(int fd, const void *buf, size_t nbytes);
ssize_t	ff_writev(int fd, const struct iovec *iov, int iovcnt);
ssize_t	ff_send(int s, const void *buf, size_t len, int flags);
ssize_t	ff_sendto(int s, const void *buf, size_t len, int flags,
	    const struct linux_sockaddr *to, socklen_t tolen);
ssize_t	ff_sendmsg(int s, const struct msghdr *msg, int flags);
ssize_t	ff_recv(int s, void *buf, size_t len, int flags);
ssize_t	ff_recvfrom(int s, void *buf, size_t len, int flags,
	    struct linux_sockaddr *from, socklen_t *fromlen);
ssize_t	ff_recvmsg(int s, struct msghdr *msg, int flags);

/* FIONBIO (int *) and FIONREAD (int *: bytes readable). */
int	ff_ioctl(int fd, unsigned long request, ...);
/* F_GETFL, F_SETFL (O_NONBLOCK), F_GETFD, F_SETFD. */
int	ff_fcntl(int fd, int cmd, ...);

/* poll(2) over stack descriptors; the timeout is ignored (no waiting). */
int	ff_poll(struct pollfd fds[], nfds_t nfds, int timeout);

int	ff_gettimeofday(struct timeval *tv, struct timezone *tz);

/*
 * kqueue, with FreeBSD's struct kevent (as F-Stack exposes it).  Filters
 * EVFILT_READ (data: bytes readable, or completed connections on a
 * listener) and EVFILT_WRITE (data: room in the send buffer); flags
 * EV_ADD, EV_DELETE, EV_ENABLE, EV_DISABLE, EV_ONESHOT, EV_CLEAR,
 * EV_DISPATCH, EV_RECEIPT; EV_EOF on output (fflags: the socket error).
 * A change that fails is reported as an EV_ERROR event (data: errno)
 * when there is room in the event list.  The timeout is ignored.
 */
struct kevent {
	uintptr_t	ident;		/* identifier for this event */
	short		filter;		/* filter for event */
	unsigned short	flags;		/* action flags for kqueue */
	unsigned int	fflags;		/* filter flag value */
	int64_t		data;		/* filter data value */
	void		*udata;		/* opaque user data identifier */
	uint64_t	ext[4];		/* extensions */
};

#define	EVFILT_READ		(-1)
#define	EVFILT_WRITE		(-2)

#define	EV_ADD		0x0001		/* add event to kq (implies enable) */
#define	EV_DELETE	0x0002		/* delete event from kq */
#define	EV_ENABLE	0x0004		/* enable event */
#define	EV_DISABLE	0x0008		/* disable event (not reported) */
#define	EV_FORCEONESHOT	0x0100		/* enable _ONESHOT and force trigger */
#define	EV_ONESHOT	0x0010		/* only report one occurrence */
#define	EV_CLEAR	0x0020		/* clear event state after reporting */
#define	EV_RECEIPT	0x0040		/* force EV_ERROR on success, data=0 */
#define	EV_DISPATCH	0x0080		/* disable event after reporting */
#define	EV_EOF		0x8000		/* EOF detected */
#define	EV_ERROR	0x4000		/* error, data contains errno */

#define	EV_SET(kevp_, a, b, c, d, e, f) do {	\
	struct kevent *kevp = (kevp_);		\
	(kevp)->ident = (a);			\
	(kevp)->filter = (b);			\
	(kevp)->flags = (c);			\
	(kevp)->fflags = (d);			\
	(kevp)->data = (e);			\
	(kevp)->udata = (f);			\
	(kevp)->ext[0] = 0;			\
	(kevp)->ext[1] = 0;			\
	(kevp)->ext[2] = 0;			\
	(kevp)->ext[3] = 0;			\
} while (0)

struct timespec;
int	ff_kqueue(void);
int	ff_kevent(int kq, const struct kevent *changelist, int nchanges,
	    struct kevent *eventlist, int nevents,
	    const struct timespec *timeout);

/*
 * epoll with Linux semantics and the host's struct epoll_event
 * (<sys/epoll.h>): one event per descriptor with the combined mask,
 * EPOLLET edge-triggered, EPOLLONESHOT, EPOLLRDHUP, data returned as
 * given, a finished connect reported as EPOLLOUT.  The timeout is
 * ignored.
 */
struct epoll_event;
int	ff_epoll_create(int size);
int	ff_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
int	ff_epoll_wait(int epfd, struct epoll_event *events, int maxevents,
	    int timeout);

#ifdef __cplusplus
}
#endif

#endif /* _FF_API_H_ */

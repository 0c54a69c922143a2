/*
 * ff_api.h - the application API of libff.
 *
 * An application calls ff_init() once, then ff_run() with its loop
 * function, which the stack calls once per main-loop iteration; every
 * ff_* call is made from inside that loop function (one thread, run to
 * completion).  Calls return -1 and set errno on error, with FreeBSD's
 * meaning and the host's values; each call below lists its own errors.
 * man/libff.3 documents the same API.
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
 * (config errors name the file, line, section and key):
 *   EALREADY	the stack is already initialised in this process
 *   EINVAL	a bad option or proc id, or a bad config.ini
 *   ENOENT, EACCES, ...  config.ini cannot be read (fopen(3)'s errno)
 *   ENOMEM	no memory for the configuration
 *   EIO	the EAL, the mbuf pool, a port or the message ring failed
 *		to start
 */
int ff_init(int argc, char *const argv[]);

/*
 * Run the main loop, calling loop(arg) once per iteration, until
 * ff_stop_run() or SIGINT/SIGTERM; then stop the ports and release the
 * EAL (no hugepage files or runtime dirs are left).  Returns 0, or -1:
 *   ENXIO	ff_init() was not called or failed
 */
int ff_run(loop_func_t loop, void *arg);
/* Make ff_run() return after the current iteration.  No errors. */
void ff_stop_run(void);

/*
 * Sockets.  Addresses use the Linux layout (struct linux_sockaddr: a
 * 16-bit family first, AF_INET = 2; struct sockaddr_in casts to it), and
 * levels, options and flags take Linux numbers (SOL_SOCKET = 1,
 * SO_REUSEADDR = 2, TCP_NODELAY = 1, MSG_DONTWAIT = 0x40,
 * SOCK_NONBLOCK = 04000, O_NONBLOCK = 04000, FIONBIO, FIONREAD): the
 * host's <sys/socket.h> and <netinet/in.h> constants work as they are.
 * Every call is non-blocking.  Descriptors are small integers of the
 * stack's own table (lowest free first), not kernel descriptors.
 *
 * Every call that takes a socket s fails with
 *   EBADF	s is not an open descriptor (or no stack is running)
 *   ENOTSOCK	s is a kqueue or epoll descriptor
 * before anything else; the other errors are listed with each call.
 */
struct linux_sockaddr {
	short sa_family;
	char sa_data[14];
};

/*
 * A socket: SOCK_STREAM (TCP) or SOCK_DGRAM (UDP) in AF_INET, with
 * SOCK_NONBLOCK and SOCK_CLOEXEC or'ed into type (both accepted; every
 * socket is non-blocking).  Returns the descriptor, or -1:
 *   ENETDOWN	no stack: ff_init() was not called or failed
 *   EAFNOSUPPORT	domain is not AF_INET
 *   EINVAL	unknown flags in type
 *   EPROTOTYPE	type is not supported (protocol 0)
 *   EPROTONOSUPPORT	protocol is not supported for type
 *   ENOBUFS	no memory for the socket, its pcb or its buffers
 *   EMFILE	the descriptor table is full
 */
int ff_socket(int domain, int type, int protocol);
/*
 * Set an option: SOL_SOCKET (SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE,
 * SO_BROADCAST, SO_DEBUG, SO_DONTROUTE, SO_OOBINLINE, SO_TIMESTAMP,
 * SO_LINGER, SO_SNDBUF, SO_RCVBUF, SO_SNDLOWAT, SO_RCVLOWAT, SO_SNDTIMEO,
 * SO_RCVTIMEO) and IPPROTO_TCP (TCP_NODELAY, TCP_MAXSEG, TCP_KEEPIDLE,
 * TCP_KEEPINTVL, TCP_KEEPCNT).  Returns 0, or -1:
 *   ENOPROTOOPT	the level or the option is not supported
 *   EFAULT	optval is NULL and optlen is not 0
 *   EINVAL	optlen is too small for the option, or the value is out of
 *		range (a buffer size below 1, TCP_MAXSEG outside
 *		net.inet.tcp.minmss..65495, keepalive times outside
 *		1..32767 s, TCP_KEEPCNT outside 1..127)
 *   ENOBUFS	SO_SNDBUF or SO_RCVBUF above kern.ipc.maxsockbuf
 *   ECONNRESET	an IPPROTO_TCP option on a connection that is gone
 */
int ff_setsockopt(
    int s, int level, int optname, const void *optval, socklen_t optlen);
/*
 * Read an option (the ones ff_setsockopt() takes, and SO_TYPE, SO_ERROR,
 * which clears the pending error, SO_ACCEPTCONN, SO_PROTOCOL); *optlen
 * is the size of optval in, the size stored out.  Returns 0, or -1:
 *   ENOPROTOOPT	the level or the option is not supported
 *   EFAULT	optval or optlen is NULL
 *   ECONNRESET	an IPPROTO_TCP option on a connection that is gone
 */
int
ff_getsockopt(int s, int level, int optname, void *optval, socklen_t *optlen);
/*
 * Accept connections on s, at most backlog queued (a negative backlog
 * or one above kern.ipc.somaxconn means kern.ipc.somaxconn).  An unbound
 * socket gets an ephemeral port.  Returns 0, or -1:
 *   EOPNOTSUPP	s is not a TCP socket
 *   EINVAL	s is connected or connecting
 *   EADDRNOTAVAIL	no ephemeral port is free
 */
int ff_listen(int s, int backlog);
/*
 * Give s a local address and port (INADDR_ANY: any local address; port
 * 0: an ephemeral port from net.inet.ip.portrange).  Returns 0, or -1:
 *   EFAULT	addr is NULL
 *   EAFNOSUPPORT	addr's family is not AF_INET
 *   EINVAL	addrlen is too short, s is already bound, or a TCP s is
 *		no longer closed
 *   EADDRNOTAVAIL	the address is not one of the stack's, or port 0
 *		and no ephemeral port is free
 *   EADDRINUSE	the address and port are taken (with SO_REUSEADDR only
 *		an exact match counts; SO_REUSEPORT on both sockets lets
 *		them share)
 */
int ff_bind(int s, const struct linux_sockaddr *addr, socklen_t addrlen);
/*
 * The first completed connection of listening socket s, as a new
 * descriptor; its peer goes to addr (*addrlen in and out) when addr is
 * not NULL.  ff_accept4() also takes SOCK_NONBLOCK and SOCK_CLOEXEC in
 * flags.  Returns the descriptor, or -1:
 *   EINVAL	s is not listening, flags has other bits, or *addrlen
 *		is negative
 *   EFAULT	addr is given without addrlen
 *   EAGAIN	no connection is queued
 *   ECONNABORTED	the listener was shut down, or the connection was
 *		reset before it was accepted
 *   EMFILE	the descriptor table is full
 *   other	an error pending on the listening socket (SO_ERROR)
 */
int ff_accept(int s, struct linux_sockaddr *addr, socklen_t *addrlen);
int
ff_accept4(int s, struct linux_sockaddr *addr, socklen_t *addrlen, int flags);
/*
 * Connect s to name.  TCP starts the handshake and fails with
 * EINPROGRESS: the socket becomes writable (EVFILT_WRITE, EPOLLOUT,
 * POLLOUT) when it is done, and SO_ERROR then tells how it went
 * (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ...).  UDP records the peer;
 * AF_UNSPEC dissolves that.  Returns 0, or -1:
 *   EINPROGRESS	a TCP connection was started
 *   EFAULT	name is NULL
 *   EINVAL	namelen is too short
 *   EAFNOSUPPORT	name's family is not AF_INET (nor AF_UNSPEC on UDP),
 *		or a TCP peer is multicast or broadcast
 *   EALREADY	a TCP connection is already in progress
 *   EISCONN	s is already connected
 *   EOPNOTSUPP	s is listening
 *   EADDRNOTAVAIL	port 0, no local address for the route, or no
 *		ephemeral port is free
 *   EADDRINUSE	the local and remote address and port are in use
 *   ENETUNREACH	no route to the destination
 *   other	an error that ended the attempt before the call returned
 *		(the pending SO_ERROR, such as ECONNREFUSED), cleared
 */
int ff_connect(int s, const struct linux_sockaddr *name, socklen_t namelen);
/*
 * Close a socket, kqueue or epoll descriptor.  A connected TCP socket
 * sends its FIN (or a RST with SO_LINGER and a zero linger time) after
 * the descriptor is gone.  Returns 0, or -1:
 *   EBADF	fd is not an open descriptor
 */
int ff_close(int fd);
/*
 * Shut down the receive side (SHUT_RD), the send side (SHUT_WR: TCP
 * sends its FIN) or both.  On a listening socket, SHUT_RD and SHUT_RDWR
 * make accept fail with ECONNABORTED.  Returns 0, or -1:
 *   EINVAL	how is not SHUT_RD, SHUT_WR or SHUT_RDWR
 *   ENOTCONN	s is not connected
 *   ECONNRESET	the TCP connection is already gone
 */
int ff_shutdown(int s, int how);
/*
 * The peer's (ff_getpeername) or the local (ff_getsockname) address of
 * s into name, truncated to *namelen; *namelen becomes its full size.
 * Returns 0, or -1:
 *   EFAULT	name or namelen is NULL
 *   EINVAL	*namelen is negative
 *   ENOTCONN	(ff_getpeername) s is not connected
 */
int ff_getpeername(int s, struct linux_sockaddr *name, socklen_t *namelen);
int ff_getsockname(int s, struct linux_sockaddr *name, socklen_t *namelen);

/*
 * Receive: ff_read() and ff_readv() read, ff_recv(), ff_recvfrom() and
 * ff_recvmsg() take flags (MSG_PEEK, MSG_DONTWAIT, MSG_TRUNC, ...) and
 * give the sender of a datagram.  A datagram is read whole or cut
 * (MSG_TRUNC in msg_flags).  Return the bytes read, 0 at end of stream
 * (the peer's FIN, or SHUT_RD), or -1:
 *   EAGAIN	nothing to read yet
 *   ENOTCONN	a TCP socket that is not connected, or is listening
 *   EINVAL	MSG_OOB, iovcnt below 0 or above 1024, lengths adding up
 *		beyond SSIZE_MAX, a negative *fromlen or msg_iovlen
 *   EFAULT	an iov_base NULL with a length, from without fromlen,
 *		msg NULL
 *   EOPNOTSUPP	a flag that is not supported
 *   ECONNRESET	the peer reset the connection
 *   ECONNREFUSED	the TCP connection was refused, or (connected UDP)
 *		an ICMP port unreachable came back
 *   ETIMEDOUT	TCP gave up retransmitting, or keepalive probes went
 *		unanswered
 *   EHOSTUNREACH, ENETUNREACH	an ICMP unreachable for the connection
 */
ssize_t ff_read(int d, void *buf, size_t nbytes);
ssize_t ff_readv(int fd, const struct iovec *iov, int iovcnt);
/*
 * Send: ff_write() and ff_writev() write, ff_send(), ff_sendto() and
 * ff_sendmsg() take flags (MSG_DONTWAIT, MSG_MORE, MSG_NOSIGNAL, ...) and
 * a destination for an unconnected UDP socket.  TCP takes what fits in
 * the send buffer; a UDP datagram goes whole or not at all.  Return the
 * bytes taken, or -1:
 *   EAGAIN	no room in the TCP send buffer
 *   EPIPE	the send side is shut down (SHUT_WR, or after the
 *		connection closed); there is no SIGPIPE
 *   ENOTCONN	a TCP socket that is not connected
 *   EDESTADDRREQ	an unconnected UDP socket and no destination
 *   EISCONN	a destination on a connected socket (TCP: one other than
 *		its peer)
 *   EMSGSIZE	a datagram larger than the send buffer or than IP allows,
 *		or one that needs fragmenting with DF set
 *   EINVAL	iovcnt below 0 or above 1024, lengths adding up beyond
 *		SSIZE_MAX, a destination too short, a negative msg_iovlen
 *   EFAULT	an iov_base NULL with a length, msg NULL
 *   EAFNOSUPPORT	the destination's family is not AF_INET
 *   EOPNOTSUPP	a flag that is not supported
 *   EADDRNOTAVAIL	UDP to port 0, no local address, no ephemeral port
 *   ENETUNREACH, EHOSTUNREACH	no route to the destination (or a reject
 *		or blackhole route)
 *   EACCES	a broadcast destination without SO_BROADCAST
 *   ENETDOWN	the interface is down
 *   EHOSTDOWN	the next hop did not answer ARP
 *   ENOBUFS	no mbuf for the data
 *   ECONNRESET	the TCP connection is gone
 *   other	an error pending on s (SO_ERROR: ECONNREFUSED, ETIMEDOUT,
 *		...), cleared; only EPIPE and the arguments' errors come
 *		first
 */
ssize_t ff_write(int fd, const void *buf, size_t nbytes);
ssize_t ff_writev(int fd, const struct iovec *iov, int iovcnt);
ssize_t ff_send(int s, const void *buf, size_t len, int flags);
ssize_t ff_sendto(int s, const void *buf, size_t len, int flags,
    const struct linux_sockaddr *to, socklen_t tolen);
ssize_t ff_sendmsg(int s, const struct msghdr *msg, int flags);
ssize_t ff_recv(int s, void *buf, size_t len, int flags);
ssize_t ff_recvfrom(int s, void *buf, size_t len, int flags,
    struct linux_sockaddr *from, socklen_t *fromlen);
ssize_t ff_recvmsg(int s, struct msghdr *msg, int flags);

/*
 * Zero copy (F-Stack's names): the application works on chains of the
 * stack's own mbufs, which a send links into the socket's send buffer
 * and a receive takes out of the receive buffer, with no copy of the
 * data.  A struct ff_zc_mbuf names one chain the application holds:
 *   bsd_mbuf	   the chain (opaque; NULL when it holds none)
 *   bsd_mbuf_off  the segment the cursor is in (opaque)
 *   off	   the cursor: bytes before it
 *   len	   the chain's data bytes
 * The stack keeps its own record of every chain it handed out and
 * refreshes these fields after each call; it never follows a pointer it
 * did not hand out, and one already sent or freed is refused (EINVAL),
 * so a stale or copied struct cannot make it read freed memory.  A chain
 * is held from ff_zc_mbuf_get() or ff_zc_recv() until ff_zc_send() has
 * taken all of it or ff_zc_mbuf_free() frees it; at most 16384 at once
 * per stack.  Stream (TCP) sockets only.
 *
 * A chain of len bytes (len > 0): the bytes are undefined until written
 * (ff_zc_mbuf_write(), or in place through ff_zc_mbuf_segment()); the
 * cursor is at 0.  Returns 0, or -1:
 *   EINVAL	m is NULL, or len is not positive
 *   ENOBUFS	no mbufs for it (the stack keeps
 *		kern.ipc.overload.mbuf_reass_pct of its pool for itself),
 *		or 16384 chains are held already
 *   ENETDOWN	no stack: ff_init() was not called or failed
 */
struct ff_zc_mbuf {
	void *bsd_mbuf;	    /* the chain */
	void *bsd_mbuf_off; /* the segment of the cursor */
	int off;	    /* the cursor */
	int len;	    /* data bytes in the chain */
};
int ff_zc_mbuf_get(struct ff_zc_mbuf *m, int len);
/*
 * Copy len bytes from data into the chain at the cursor, moving it.
 * Returns len, or -1:
 *   EINVAL	m is NULL, m->bsd_mbuf is not a chain the application
 *		holds, len is negative, or data is NULL with a length
 *   EMSGSIZE	the chain has fewer than len bytes after the cursor
 *		(nothing written)
 */
int ff_zc_mbuf_write(struct ff_zc_mbuf *m, const char *data, int len);
/*
 * Copy up to len bytes from the chain at the cursor into data, moving
 * it.  Returns the bytes copied (0 at the end of the chain), or -1:
 *   EINVAL	as for ff_zc_mbuf_write()
 */
int ff_zc_mbuf_read(struct ff_zc_mbuf *m, char *data, int len);
/*
 * The bytes of the segment at the cursor, in place: *seg_data points at
 * them, *seg_len (and the return value) is how many, and the cursor moves
 * past them (to fill or read a chain with no copy at all).  Returns 0 at
 * the end of the chain, or -1:
 *   EINVAL	m, seg_data or seg_len is NULL, or m->bsd_mbuf is not a
 *		chain the application holds
 */
int ff_zc_mbuf_segment(struct ff_zc_mbuf *m, void **seg_data, int *seg_len);
/*
 * Give the chain back to the stack (m->bsd_mbuf becomes NULL).  Returns
 * 0, or -1:
 *   EINVAL	m is NULL, or m->bsd_mbuf is not a chain the application
 *		holds (already sent or freed, or never handed out)
 */
int ff_zc_mbuf_free(struct ff_zc_mbuf *m);
/*
 * Send the first nbytes of chain m on TCP socket s (F-Stack sends a chain
 * with ff_write(fd, m->bsd_mbuf, n); here it has its own call, since
 * ff_write() cannot tell a chain from bytes).  What fits in the send
 * buffer is taken; the rest of the chain stays the application's: m
 * then names it (m->len the bytes left, the cursor moved back by what
 * was taken), to send again when the socket is writable or to free.
 * When all of the chain was taken, m->bsd_mbuf becomes NULL.  Cutting
 * inside a segment copies the rest of that one segment.  Returns the
 * bytes taken, or -1 with the chain untouched:
 *   EINVAL	m is NULL, m->bsd_mbuf is not a chain the application
 *		holds, or nbytes is above m->len
 *   EOPNOTSUPP	s is not a TCP socket
 *   EAGAIN	no room in the send buffer
 *   ENOBUFS	no mbuf to cut the chain's first segment
 *   EPIPE, ENOTCONN, ECONNRESET, other	as ff_write()
 */
ssize_t ff_zc_send(int s, struct ff_zc_mbuf *m, size_t nbytes);
/*
 * Take up to nbytes from the receive buffer of TCP socket s as a chain
 * of the received mbufs, into m (cursor at 0); the application reads it
 * (ff_zc_mbuf_read(), ff_zc_mbuf_segment()), and sends it
 * (ff_zc_send(), an echo with no copy) or frees it.  A chain that ends
 * inside a received segment gets a copy of that part.  Returns the
 * bytes taken (m->len), 0 at end of stream, or -1:
 *   EINVAL	m is NULL, nbytes is 0 or above INT_MAX
 *   EBUSY	m still names a chain the application holds (send or free
 *		it first)
 *   EOPNOTSUPP	s is not a TCP socket
 *   ENOBUFS	no mbufs (as ff_zc_mbuf_get()), or 16384 chains are held
 *   EAGAIN, ENOTCONN, ECONNRESET, other	as ff_read()
 */
ssize_t ff_zc_recv(int s, struct ff_zc_mbuf *m, size_t nbytes);

/*
 * FIONBIO (int *: non-blocking flag) and FIONREAD (int *: bytes
 * readable) on a socket.  Returns 0, or -1:
 *   EFAULT	the argument is NULL
 *   ENOTTY	another request
 */
int ff_ioctl(int fd, unsigned long request, ...);
/*
 * F_GETFL (O_RDWR, and O_NONBLOCK when set), F_SETFL (O_NONBLOCK), F_GETFD
 * and F_SETFD (0; accepted) on any descriptor.  Returns that, or -1:
 *   EBADF	fd is not an open descriptor
 *   EINVAL	another command
 */
int ff_fcntl(int fd, int cmd, ...);

/*
 * poll(2) over stack descriptors: revents for each entry (POLLNVAL for a
 * descriptor that is not open; a negative fd is skipped).  The timeout is
 * ignored (no waiting).  Returns the entries with revents, or -1:
 *   EINVAL	no stack is running
 *   EFAULT	fds is NULL and nfds is not 0
 */
int ff_poll(struct pollfd fds[], nfds_t nfds, int timeout);

/* The host's gettimeofday(2), with its return value and errors. */
int ff_gettimeofday(struct timeval *tv, struct timezone *tz);

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
	uintptr_t ident;      /* identifier for this event */
	short filter;	      /* filter for event */
	unsigned short flags; /* action flags for kqueue */
	unsigned int fflags;  /* filter flag value */
	int64_t data;	      /* filter data value */
	void *udata;	      /* opaque user data identifier */
	uint64_t ext[4];      /* extensions */
};

#define EVFILT_READ  (-1)
#define EVFILT_WRITE (-2)

#define EV_ADD		0x0001 /* add event to kq (implies enable) */
#define EV_DELETE	0x0002 /* delete event from kq */
#define EV_ENABLE	0x0004 /* enable event */
#define EV_DISABLE	0x0008 /* disable event (not reported) */
#define EV_FORCEONESHOT 0x0100 /* enable _ONESHOT and force trigger */
#define EV_ONESHOT	0x0010 /* only report one occurrence */
#define EV_CLEAR	0x0020 /* clear event state after reporting */
#define EV_RECEIPT	0x0040 /* force EV_ERROR on success, data=0 */
#define EV_DISPATCH	0x0080 /* disable event after reporting */
#define EV_EOF		0x8000 /* EOF detected */
#define EV_ERROR	0x4000 /* error, data contains errno */

#define EV_SET(kevp_, a, b, c, d, e, f)        \
	do {                                   \
		struct kevent *kevp = (kevp_); \
		(kevp)->ident = (a);           \
		(kevp)->filter = (b);          \
		(kevp)->flags = (c);           \
		(kevp)->fflags = (d);          \
		(kevp)->data = (e);            \
		(kevp)->udata = (f);           \
		(kevp)->ext[0] = 0;            \
		(kevp)->ext[1] = 0;            \
		(kevp)->ext[2] = 0;            \
		(kevp)->ext[3] = 0;            \
	} while (0)

struct timespec;
/*
 * A new kqueue.  Returns its descriptor, or -1:
 *   ENETDOWN	no stack: ff_init() was not called or failed
 *   ENOMEM	no memory for the kqueue
 *   EMFILE	the descriptor table is full
 */
int ff_kqueue(void);
/*
 * Apply changelist, then return up to nevents ready events.  Returns the
 * number of events stored (EV_ERROR entries included), or -1:
 *   EBADF	kq is not a kqueue descriptor
 *   EINVAL	nchanges or nevents is negative, or a list is NULL with a
 *		count
 *   and, for a change that fails when eventlist has no room for its
 *   EV_ERROR entry:
 *   EBADF	its ident is not an open descriptor
 *   EINVAL	its filter is not EVFILT_READ or EVFILT_WRITE, or its
 *		ident is not a socket
 *   ENOENT	EV_DELETE, EV_ENABLE or EV_DISABLE of an event never added
 *   ENOMEM	no memory for the knote
 */
int ff_kevent(int kq, const struct kevent *changelist, int nchanges,
    struct kevent *eventlist, int nevents, const struct timespec *timeout);

/*
 * epoll with Linux semantics and the host's struct epoll_event
 * (<sys/epoll.h>): one event per descriptor with the combined mask,
 * EPOLLET edge-triggered, EPOLLONESHOT, EPOLLRDHUP, data returned as
 * given, a finished connect reported as EPOLLOUT.  The timeout is
 * ignored.
 */
struct epoll_event;
/*
 * A new epoll instance (size is only checked).  Returns its descriptor,
 * or -1:
 *   EINVAL	size is not positive
 *   ENETDOWN	no stack: ff_init() was not called or failed
 *   ENOMEM	no memory for it
 *   EMFILE	the descriptor table is full
 */
int ff_epoll_create(int size);
/*
 * EPOLL_CTL_ADD, EPOLL_CTL_MOD or EPOLL_CTL_DEL socket fd on epfd.
 * Returns 0, or -1:
 *   EBADF	epfd or fd is not an open descriptor
 *   EINVAL	epfd is not an epoll descriptor, fd is epfd, or op is
 *		unknown
 *   EPERM	fd is not a socket
 *   EFAULT	event is NULL for EPOLL_CTL_ADD or EPOLL_CTL_MOD
 *   EEXIST	EPOLL_CTL_ADD of a socket already there
 *   ENOENT	EPOLL_CTL_MOD or EPOLL_CTL_DEL of a socket not there
 *   ENOMEM	no memory for the entry
 */
int ff_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
/*
 * Up to maxevents ready events into events.  Returns their number (0:
 * none ready), or -1:
 *   EBADF	epfd is not an open descriptor
 *   EINVAL	epfd is not an epoll descriptor, maxevents is not
 *		positive, or events is NULL
 */
int
ff_epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);

/*
 * Packet dispatch (F-Stack's): the application decides, for every frame
 * a process receives from its queue, which process handles it.  `data'
 * and `*len' are the frame, which the callback may rewrite in place (and
 * shorten, or lengthen within its buffer); queue_id is the calling
 * process, nb_queues the number of processes.  It returns a process (0 to
 * nb_queues - 1), FF_DISPATCH_ERROR to drop the frame, or
 * FF_DISPATCH_RESPONSE to send it back out of the port as it is now.
 * Without a dispatcher, the flow hash decides (libff.3, "Several
 * processes").  Registers for the calling process; NULL removes it.
 * Frames handed over from another process are not shown again.
 */
#define FF_DISPATCH_ERROR    (-1)
#define FF_DISPATCH_RESPONSE (-2)
typedef int (*dispatch_func_t)(
    void *data, uint16_t *len, uint16_t queue_id, uint16_t nb_queues);
void ff_regist_packet_dispatcher(dispatch_func_t func);

#ifdef __cplusplus
}
#endif

#endif /* _FF_API_H_ */

/*
 * socketvar.h - sockets and socket buffers, after FreeBSD's
 * sys/socketvar.h and sys/sockbuf.h.
 *
 * A socket is the protocol-independent half of a communication end point:
 * two socket buffers (so_rcv, so_snd) holding rte_mbuf chains, the state
 * bits of connection set-up and tear-down, the listen queues of a
 * listening socket, and the watchers (kqueue knotes, epoll items) woken
 * by sorwakeup()/sowwakeup().  The protocol half (struct inpcb and the
 * tcpcb) hangs off so_pcb and is driven through so_proto->pr_usrreqs
 * (protosw.h).
 *
 * Numbers inside the stack are FreeBSD's: SO_*, SOL_SOCKET, MSG_* below
 * replace the host (Linux) values, which only ff_syscalls.c sees (it
 * translates the application's Linux numbers in one place).  Include this
 * header before anything that uses those names.
 *
 * Socket buffers.  A stream buffer is one chain of segments linked by
 * m->next; only data_len of each segment counts (a segment's pkt_len and
 * nb_segs are meaningless once it is in the buffer).  A datagram buffer
 * (PR_ATOMIC) is a list of records: each record is a packet whose head
 * starts with the sender's struct sockaddr_in (FreeBSD's MT_SONAME mbuf,
 * in the headroom the stripped headers left) followed by the data; its
 * pkt_len and nb_segs are kept, and the last segment of a record links to
 * the next record's head.  sb_cc counts data bytes only.
 *
 * Life of a socket (who frees what):
 *   - soclose() (the fd is gone) sets SS_NOFDREF and calls pru_detach();
 *   - the protocol frees its pcb when it is done (at once for UDP; at the
 *     end of the connection for TCP) through in_pcbdetach(), which clears
 *     so_pcb and, when SS_NOFDREF is set, frees the socket (sofree());
 *   - a socket whose protocol is already gone (reset) stays until close.
 *
 * Return conventions: 0 or a negative errno; so_error holds a positive
 * errno (FreeBSD meaning, host value) reported once by the next call.
 */
#ifndef _KERN_SOCKETVAR_H_
#define _KERN_SOCKETVAR_H_

#include <stdint.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "kern/kern_sysctl_stats.h"

struct ff_ctx;
struct rte_mbuf;
struct rte_mempool;
struct protosw;
struct socket;

/* Socket-level options: FreeBSD's values (sys/socket.h). */
#undef SOL_SOCKET
#undef SO_DEBUG
#undef SO_ACCEPTCONN
#undef SO_REUSEADDR
#undef SO_KEEPALIVE
#undef SO_DONTROUTE
#undef SO_BROADCAST
#undef SO_LINGER
#undef SO_OOBINLINE
#undef SO_REUSEPORT
#undef SO_TIMESTAMP
#undef SO_SNDBUF
#undef SO_RCVBUF
#undef SO_SNDLOWAT
#undef SO_RCVLOWAT
#undef SO_SNDTIMEO
#undef SO_RCVTIMEO
#undef SO_ERROR
#undef SO_TYPE
#undef SO_PROTOCOL
#define SOL_SOCKET    0xffff	 /* options for the socket level */
#define SO_DEBUG      0x00000001 /* turn on debugging info recording */
#define SO_ACCEPTCONN 0x00000002 /* socket has had listen() */
#define SO_REUSEADDR  0x00000004 /* allow local address reuse */
#define SO_KEEPALIVE  0x00000008 /* keep connections alive */
#define SO_DONTROUTE  0x00000010 /* just use interface addresses */
#define SO_BROADCAST  0x00000020 /* permit sending of broadcast msgs */
#define SO_LINGER     0x00000080 /* linger on close if data present */
#define SO_OOBINLINE  0x00000100 /* leave received OOB data in line */
#define SO_REUSEPORT  0x00000200 /* allow local address & port reuse */
#define SO_TIMESTAMP  0x00000400 /* timestamp received dgram traffic */
#define SO_SNDBUF     0x1001	 /* send buffer size */
#define SO_RCVBUF     0x1002	 /* receive buffer size */
#define SO_SNDLOWAT   0x1003	 /* send low-water mark */
#define SO_RCVLOWAT   0x1004	 /* receive low-water mark */
#define SO_SNDTIMEO   0x1005	 /* send timeout */
#define SO_RCVTIMEO   0x1006	 /* receive timeout */
#define SO_ERROR      0x1007	 /* get error status and clear */
#define SO_TYPE	      0x1008	 /* get socket type */
#define SO_PROTOCOL   0x1016	 /* get socket protocol */

/* Message flags: FreeBSD's values. */
#undef MSG_OOB
#undef MSG_PEEK
#undef MSG_DONTROUTE
#undef MSG_EOR
#undef MSG_TRUNC
#undef MSG_CTRUNC
#undef MSG_WAITALL
#undef MSG_DONTWAIT
#undef MSG_NOSIGNAL
#define MSG_OOB	       0x00000001 /* process out-of-band data */
#define MSG_PEEK       0x00000002 /* peek at incoming message */
#define MSG_DONTROUTE  0x00000004 /* send without using routing tables */
#define MSG_EOR	       0x00000008 /* data completes record */
#define MSG_TRUNC      0x00000010 /* data discarded before delivery */
#define MSG_CTRUNC     0x00000020 /* control data lost before delivery */
#define MSG_WAITALL    0x00000040 /* wait for full request or error */
#define MSG_DONTWAIT   0x00000080 /* this message should be nonblocking */
#define MSG_NOSIGNAL   0x00020000 /* do not generate SIGPIPE on EOF */
#define MSG_MORETOCOME 0x00100000 /* more data follows (Linux MSG_MORE) */

/* so_state: FreeBSD's values. */
#define SS_NOFDREF	   0x0001 /* no file table ref any more */
#define SS_ISCONNECTED	   0x0002 /* socket connected to a peer */
#define SS_ISCONNECTING	   0x0004 /* in process of connecting */
#define SS_ISDISCONNECTING 0x0008 /* in process of disconnecting */
#define SS_NBIO		   0x0100 /* non-blocking ops (always, here) */
#define SS_ISCONFIRMING	   0x0400 /* deciding to accept connection */
#define SS_ISDISCONNECTED  0x2000 /* socket disconnected from peer */

/* so_qstate: which listen queue holds the socket. */
#define SQ_INCOMP 0x0800 /* unaccepted, incomplete connection */
#define SQ_COMP	  0x1000 /* unaccepted, complete connection */

/* sb_state: FreeBSD's values. */
#define SBS_CANTSENDMORE 0x0010 /* can't send more data to peer */
#define SBS_CANTRCVMORE	 0x0020 /* can't receive more data from peer */
#define SBS_RCVATMARK	 0x0040 /* at mark on input */

/* sb_flags. */
#define SB_AUTOSIZE 0x800  /* automatically size socket buffer */
#define SB_ATOMIC   0x1000 /* records (datagrams), not a stream */
#define SB_ZEROCOPY 0x4000 /* ff_zc_send() used: sent by reference */

/* Mbuf overhead allowance, FreeBSD's sb_efficiency. */
#define SB_EFFICIENCY 8

struct sockbuf {
	struct rte_mbuf *sb_mb;		/* oldest segment (or record) */
	struct rte_mbuf *sb_mbtail;	/* last segment */
	struct rte_mbuf *sb_lastrecord; /* head of the last record (atomic) */
	uint32_t sb_cc;			/* data bytes held */
	uint32_t sb_hiwat;		/* max data bytes */
	uint32_t sb_lowat;		/* low water mark */
	uint32_t sb_mbcnt;		/* buffer bytes of the mbufs held */
	uint32_t sb_mbmax;		/* max sb_mbcnt */
	uint32_t sb_reccnt;		/* records held (atomic) */
	struct rte_mbuf *sb_sndptr;	/* cached segment for sbsndptr() */
	uint32_t sb_sndptroff;		/* byte offset of its first byte */
	short sb_flags;			/* SB_* */
	short sb_state;			/* SBS_* */
};

/*
 * A watcher of a socket: the kqueue and epoll code embed one and get
 * sw_notify() on every wakeup, with SO_EV_* saying what changed; they
 * look at the socket's state themselves (soreadable(), sowriteable()).
 */
#define SO_EV_RCV   0x01 /* so_rcv or the listen queue changed */
#define SO_EV_SND   0x02 /* so_snd changed, or connected */
#define SO_EV_STATE 0x04 /* error, EOF, disconnect */
#define SO_EV_CLOSE 0x08 /* socket freed or fd closed: unlink */

struct so_watch {
	LIST_ENTRY(so_watch) sw_link; /* on so_watchers */
	void (*sw_notify)(struct so_watch *sw, struct socket *so, int what);
};
LIST_HEAD(so_watchhead, so_watch);

TAILQ_HEAD(sockhead, socket);

struct socket {
	struct ff_ctx *so_ctx;		/* the stack it belongs to */
	TAILQ_ENTRY(socket) so_all;	/* every socket of the stack */
	short so_type;			/* SOCK_STREAM, SOCK_DGRAM */
	int so_options;			/* SO_* bits (FreeBSD values) */
	short so_linger;		/* seconds, with SO_LINGER */
	int so_state;			/* SS_* */
	int so_error;			/* pending error, positive errno */
	const struct protosw *so_proto; /* protocol handle */
	void *so_pcb;			/* protocol control block (inpcb) */
	int so_fd;			/* descriptor, -1 when none yet */
	int so_count;			/* holds: sofree() waits for 0 */
	struct sockbuf so_rcv;		/* receive buffer */
	struct sockbuf so_snd;		/* send buffer */

	/* Listening socket: its queues (FreeBSD's so_incomp/so_comp). */
	struct sockhead so_incomp; /* embryonic connections */
	struct sockhead so_comp;   /* completed, not yet accepted */
	unsigned int so_qlen;	   /* entries on so_comp */
	unsigned int so_incqlen;   /* entries on so_incomp */
	unsigned int so_qlimit;	   /* max so_qlen (listen backlog) */
	/* Queued connection: its listener and queue. */
	struct socket *so_head;	     /* listening socket, or NULL */
	TAILQ_ENTRY(socket) so_list; /* on so_head's queue */
	short so_qstate;	     /* SQ_INCOMP, SQ_COMP */

	struct so_watchhead so_watchers; /* kqueue, epoll */
};

/* Per-stack socket-layer counters (ours; FreeBSD logs these). */
#define SOSTAT_LIST(X, A)                                            \
	X(sos_created)	  /* sockets created */                      \
	X(sos_freed)	  /* sockets freed */                        \
	X(sos_limit)	  /* refused: kern.ipc.maxsockets reached */ \
	X(sos_qoverflow)  /* sonewconn: listen queue overflow */     \
	X(sos_nobufs)	  /* sosend: no mbuf for the data */         \
	X(sos_sbfull)	  /* sbappendaddr: no room (dropped) */      \
	X(sos_zcget)	  /* zero copy: chains made for the app */   \
	X(sos_zcrecv)	  /* zero copy: chains received */           \
	X(sos_zcsend)	  /* zero copy: sends that took bytes */     \
	X(sos_zcpartial)  /* zero copy: sends that left a rest */    \
	X(sos_zccut)	  /* zero copy: segments copied to cut */    \
	X(sos_zcfree)	  /* zero copy: chains the app freed */      \
	X(sos_zcbadarg)	  /* zero copy: NULL, bad length refused */  \
	X(sos_zcbadchain) /* zero copy: chain not held, refused */   \
	X(sos_zcnobufs)	  /* zero copy: no mbuf or table full */     \
	X(sos_zcref)	  /* zero copy: segments sent by reference */

struct sostat {
	SOSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(sostat, SOSTAT_LIST);

/* Readiness, as kqueue and epoll see it. */
#define soreadable(so) soreadable_data(so) >= 0
/* Bytes readable (listener: completed connections); -1 when not ready. */
long soreadable_data(const struct socket *so);
/* Bytes writable; -1 when not ready. */
long sowriteable_data(const struct socket *so);
/* 1 when the receive side is at EOF (SBS_CANTRCVMORE) or has so_error. */
int so_rcv_eof(const struct socket *so);
int so_snd_eof(const struct socket *so);

/*
 * Socket buffer primitives (uipc_sockbuf.c).  No allocation: they move
 * the caller's mbufs in and out.
 */
/*
 * Room left, bytes (may be negative when the limit shrank): the smaller
 * of the data and the mbuf-space limits.  Inline, as FreeBSD's
 * sys/sockbuf.h has it: TCP asks on every segment, sent or received.
 */
static inline long
sbspace(const struct sockbuf *sb)
{
	long bleft = (long)sb->sb_hiwat - (long)sb->sb_cc;
	long mleft = (long)sb->sb_mbmax - (long)sb->sb_mbcnt;

	return (bleft < mleft ? bleft : mleft);
}
/* Set the limit: 0 or -ENOBUFS (above kern.ipc.maxsockbuf). */
int sbreserve(struct socket *so, struct sockbuf *sb, uint32_t cc);
/* Append every byte of packet m to a stream buffer; consumes m. */
void sbappendstream_consume(struct sockbuf *sb, struct rte_mbuf *m);
/*
 * Append datagram m (data only, headers stripped) from `from' as one
 * record; consumes m.  0, or -ENOBUFS when it does not fit (m freed,
 * sos_sbfull counted; the caller counts its own drop too).
 */
int sbappendaddr_consume(struct socket *so, struct sockbuf *sb,
    const struct sockaddr_in *from, struct rte_mbuf *m);
/* Drop len bytes from the front of a stream buffer. */
void sbdrop(struct sockbuf *sb, uint32_t len);
/* Drop the first record of an atomic buffer. */
void sbdroprecord(struct sockbuf *sb);
/* Free everything held. */
void sbflush(struct sockbuf *sb);
/*
 * Copy len bytes at offset off of a stream buffer into buf; returns the
 * bytes copied (less when the buffer holds less).  For tcp_output's
 * segments.
 */
uint32_t sbcopydata(struct sockbuf *sb, uint32_t off, uint32_t len, void *buf);
/*
 * sbcopydata() that also sums what it copies in the same pass (RFC 1071,
 * kern/subr_cksum.c): *sum gets the bytes' one's-complement sum, not
 * folded, as if they started at an even offset.
 */
uint32_t sbcopydata_cksum(
    struct sockbuf *sb, uint32_t off, uint32_t len, void *buf, uint64_t *sum);
/*
 * sbcopydata_cksum() by reference: len bytes at offset off of a stream
 * buffer as a chain of at most maxsegs (and SB_REF_MAXSEGS) indirect
 * mbufs from pool mp that share the buffer's data (rte_pktmbuf_attach),
 * with no copy; *sum gets their sum as sbcopydata_cksum() does (sum NULL:
 * no sum, and the data is not read, for a link that takes it).  NULL
 * when the range spans more segments, the buffer holds less, or the pool
 * is empty: the caller copies instead.
 */
#define SB_REF_MAXSEGS 8
struct rte_mbuf *sbrefdata(struct sockbuf *sb, uint32_t off, uint32_t len,
    struct rte_mempool *mp, uint32_t maxsegs, uint64_t *sum);
/*
 * The segment holding byte off of a stream buffer; *moff its offset.
 * The segment found is remembered (FreeBSD's sb_sndptr): tcp_output asks
 * for offsets that only grow until an ACK drops data, so a walk starts
 * where the last one ended, not at the front of a buffer of thousands of
 * segments.  Whoever unlinks segments other than through sbdrop() or
 * sbflush() clears sb_sndptr.
 */
struct rte_mbuf *sbsndptr(struct sockbuf *sb, uint32_t off, uint32_t *moff);

/*
 * State changes, called by the protocols (uipc_socket.c).  Each wakes the
 * watchers as FreeBSD's do.
 */
void soisconnecting(struct socket *so);
/* Connected; an embryonic connection moves to its listener's so_comp. */
void soisconnected(struct socket *so);
void soisdisconnecting(struct socket *so);
void soisdisconnected(struct socket *so);
/* No more data from the peer (FIN): reads return 0 once drained. */
void socantrcvmore(struct socket *so);
/* No more data to send (shutdown(SHUT_WR), or the peer is gone). */
void socantsendmore(struct socket *so);
/* Wake the readers / writers (data arrived, space freed). */
void sorwakeup(struct socket *so);
void sowwakeup(struct socket *so);
/* Set so_error (positive errno) and wake everybody. */
void soseterror(struct socket *so, int error);

/*
 * A connection request arrived on listening socket head: a new socket of
 * the same protocol (pru_attach called, options, buffer limits inherited)
 * on so_incomp, or on so_comp when connstatus is SS_ISCONNECTED.  NULL
 * when the queue is full (sos_qoverflow counted: so_qlen + so_incqlen
 * above 3/2 of so_qlimit, FreeBSD's rule), or no socket or pcb could be
 * had.  The caller (tcp_input) counts its own drop (tcps_listendrop).
 */
struct socket *sonewconn(struct socket *head, int connstatus);
/* Kill an embryonic or unaccepted connection (pru_abort, then free). */
void soabort(struct socket *so);
/* Free the socket once SS_NOFDREF is set and so_pcb is NULL. */
void sofree(struct socket *so);

/* Watchers (kern_event.c, ff_epoll.c). */
void so_watch_add(struct socket *so, struct so_watch *sw);
void so_watch_del(struct so_watch *sw);

/*
 * The socket-level calls behind the API (uipc_socket.c), all
 * non-blocking; 0 or a negative errno (sosend/soreceive: bytes or a
 * negative errno).
 */
struct uio_lite {
	const struct iovec *uio_iov;
	int uio_iovcnt;
	size_t uio_iovoff; /* bytes done in uio_iov[0] */
	size_t uio_resid;  /* bytes still to move */
};

int socreate(struct ff_ctx *ctx, int type, int proto, struct socket **sop);
int sobind(struct socket *so, const struct sockaddr_in *nam);
int solisten(struct socket *so, int backlog);
int soconnect(struct socket *so, const struct sockaddr_in *nam);
int sodisconnect(struct socket *so);
/* Take the first completed connection off head: 0 with *sop, -EAGAIN. */
int soaccept(struct socket *head, struct socket **sop, struct sockaddr_in *nam);
void soclose(struct socket *so);
int soshutdown(struct socket *so, int how);
long sosend(struct socket *so, const struct sockaddr_in *to,
    struct uio_lite *uio, int flags);
long soreceive(struct socket *so, struct sockaddr_in *from,
    struct uio_lite *uio, int *flagsp);
/* soreceive() of an empty so_rcv: 0 (EOF) or a negative errno. */
long soreceive_empty(struct socket *so, int flags);
/* The checks before sending: 0 or a negative errno (so_error cleared). */
int sosend_check(struct socket *so, const struct sockaddr_in *to);
/* The room a stream send may fill now: > 0, or -EAGAIN. */
long sosend_room(struct socket *so, size_t resid);
int sogetsockname(struct socket *so, struct sockaddr_in *nam);
int sogetpeername(struct socket *so, struct sockaddr_in *nam);

/* Socket options (uipc_socket.c), after FreeBSD's struct sockopt. */
enum sopt_dir { SOPT_GET, SOPT_SET };

struct sockopt {
	enum sopt_dir sopt_dir;
	int sopt_level;	     /* SOL_SOCKET, IPPROTO_IP, IPPROTO_TCP */
	int sopt_name;	     /* FreeBSD numbers */
	void *sopt_val;	     /* the value */
	size_t sopt_valsize; /* its size; set to the size out */
};

int sosetopt(struct socket *so, struct sockopt *sopt);
int sogetopt(struct socket *so, struct sockopt *sopt);
/* Copy a value in (at least minlen bytes) / out: 0 or -EINVAL. */
int
sooptcopyin(const struct sockopt *sopt, void *buf, size_t len, size_t minlen);
int sooptcopyout(struct sockopt *sopt, const void *buf, size_t len);

#endif /* _KERN_SOCKETVAR_H_ */

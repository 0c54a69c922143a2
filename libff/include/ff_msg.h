/*
 * ff_msg.h - the tool ABI: the one definition of every message that crosses
 * the shared-memory message ring between a stack process and a tool.
 *
 * Rules (see DESIGN.md, "Tool ABI"):
 *  - fixed-width fields only, explicit padding, spare fields for growth;
 *  - a message is self-contained: every variable part is named by an
 *    (offset, length) pair relative to the first byte of the message and
 *    must lie inside fm_len; the stack checks every one of them;
 *  - a reply re-uses the request's slot: header first, then the body;
 *  - payloads larger than one message are fetched in parts: the reply sets
 *    fm_cursor to where the next request resumes, 0 when complete.
 *
 * fstools/_ffi.py mirrors these structs; tests/unit/test_abi.py checks every
 * size and offset against ff_msg_abi_table() of the compiled library.
 */
#ifndef _FF_MSG_H_
#define _FF_MSG_H_

#include <stdint.h>

#define	FF_MSG_ABI_VERSION	1
#define	FF_MSG_MAGIC		0x4d46		/* "FM" little-endian */
#define	FF_MSG_SIZE		65536		/* one slot: header + body */
#define	FF_MSG_NSLOTS		64		/* slots (and ring entries) per process */
#define	FF_MAX_PROCS		32

/* Message types.  0 is never valid. */
#define	FF_MSG_NONE		0
#define	FF_MSG_ECHO		1	/* body returned as is: liveness, tests */
#define	FF_MSG_TOP		2	/* struct ff_top_stats */
#define	FF_MSG_TRAFFIC		3	/* struct ff_traffic_stats */
#define	FF_MSG_SYSCTL		4	/* struct ff_sysctl_req */
#define	FF_MSG_IOCTL		5	/* interface ioctls */
#define	FF_MSG_ROUTE		6	/* rt_msghdr-style routing messages, ARP */
#define	FF_MSG_IPFW		7	/* firewall rules */
#define	FF_MSG_NETSTAT		8	/* pcb lists, multi-part */
#define	FF_MSG_IOCTL6		9	/* reserved: IPv6 interface ioctls */
#define	FF_MSG_NDP		10	/* reserved: IPv6 neighbours */
#define	FF_MSG_TYPE_MAX		16	/* first number never valid */

/* fm_flags */
#define	FF_MSGF_REPLY		0x0001	/* set by the stack on the answer */

/*
 * Header of every request and reply.  64 bytes.
 */
struct ff_msg_hdr {
	uint16_t	fm_magic;	/* FF_MSG_MAGIC */
	uint16_t	fm_version;	/* FF_MSG_ABI_VERSION */
	uint16_t	fm_type;	/* FF_MSG_* */
	uint16_t	fm_flags;	/* FF_MSGF_* */
	uint32_t	fm_len;		/* header + body, bytes */
	int32_t		fm_error;	/* reply: 0 or a FreeBSD errno */
	uint64_t	fm_cursor;	/* multi-part: resume point; reply: next, 0 = done */
	uint32_t	fm_proc_id;	/* reply: the process that answered */
	uint32_t	fm_seq;		/* request number, echoed back */
	uint64_t	fm_spare[4];
};

/* A variable part of a message: offset from the message start, length. */
struct ff_msg_iov {
	uint32_t	mi_off;
	uint32_t	mi_len;
};

/*
 * FF_MSG_TOP reply body: the main loop's cycle counters since start.
 * A tool samples twice and shows the differences (idle/sys/usr percent of
 * the elapsed cycles, loops per interval).
 */
struct ff_top_stats {
	uint32_t	ts_len;		/* sizeof(struct ff_top_stats) */
	uint32_t	ts_proc_id;
	uint64_t	ts_loops;	/* main loop iterations */
	uint64_t	ts_idle_tsc;	/* cycles in iterations that did no work */
	uint64_t	ts_sys_tsc;	/* cycles in the stack and the driver */
	uint64_t	ts_usr_tsc;	/* cycles in the application's loop */
	uint64_t	ts_work_tsc;	/* all cycles accounted: idle + sys + usr */
	uint64_t	ts_tsc_hz;	/* cycles per second */
	uint64_t	ts_now_tsc;	/* stack's clock when the reply was made */
	uint64_t	ts_rx_packets;	/* convenience for live views */
	uint64_t	ts_tx_packets;
	uint64_t	ts_rx_bytes;
	uint64_t	ts_tx_bytes;
	uint64_t	ts_spare[4];
};

/*
 * FF_MSG_TRAFFIC reply body: packets and bytes through the ports this
 * process owns, since start.  Drops cover the driver (no mbuf, missed,
 * tx queue full) and the stack (bad frames, no room).
 */
struct ff_traffic_stats {
	uint32_t	tr_len;		/* sizeof(struct ff_traffic_stats) */
	uint32_t	tr_proc_id;
	uint64_t	tr_rx_packets;
	uint64_t	tr_rx_bytes;
	uint64_t	tr_rx_dropped;
	uint64_t	tr_tx_packets;
	uint64_t	tr_tx_bytes;
	uint64_t	tr_tx_dropped;
	uint64_t	tr_now_ns;	/* stack's clock when the reply was made */
	uint64_t	tr_spare[4];
};

/*
 * FF_MSG_SYSCTL: the sysctl MIB tree, by name or by number.
 *
 * Request body: struct ff_sysctl_req.  The node is named by sr_oid[0..
 * sr_oidlen) or, when sr_oidlen is 0, by the dotted name in sr_name
 * (NUL-terminated, the NUL counted in mi_len).
 *
 *  GET   one node: a record with its value (an interior node comes back
 *        as CTLTYPE_NODE, no value).
 *  SET   write sr_new (binary of the node's type, or text with
 *        FF_SYSCTLF_TEXT, parsed by the stack as [freebsd.sysctl] is);
 *        the record carries the value before (sn_oldvalue) and after
 *        (sn_value) the write.  The write takes effect at once.
 *  WALK  the leaves (and interior nodes with FF_SYSCTLF_NODES) of the
 *        named subtree, or of the whole tree when neither oid nor name is
 *        given, depth first, children by number: FreeBSD's order.  As many
 *        records as fit one message (or sr_maxnodes).  fm_cursor of the
 *        reply counts the nodes still to come (0: done); to resume, send
 *        WALK with FF_SYSCTLF_AFTER, sr_oid = the last record's OID and
 *        sr_rootlen = how many leading components of it name the subtree
 *        (0: whole tree).  The resume point need not exist any more.
 *
 * Reply body: struct ff_sysctl_rep, then sp_count records (struct
 * ff_sysctl_node), each 8-byte aligned, the first at sp_first, each next
 * one sn_reclen bytes further.  Every offset (sp_first, mi_off) counts from
 * the first byte of the message, header included.  Strings in records
 * are NUL-terminated, the NUL counted in mi_len.
 *
 * Errors (fm_error): ENOENT unknown oid, EPERM read-only, EINVAL bad
 * value or malformed request, EISDIR SET on an interior node, ENOMEM a
 * GET whose value does not fit one message.  Within a WALK a node whose
 * handler fails is returned with sn_error set and no value.
 */
#define	FF_SYSCTL_MAXNAME	24	/* CTL_MAXNAME */
#define	FF_SYSCTL_NAMEMAX	256	/* dotted name with its NUL */

/* sr_op */
#define	FF_SYSCTL_GET		1
#define	FF_SYSCTL_SET		2
#define	FF_SYSCTL_WALK		3

/* sr_flags */
#define	FF_SYSCTLF_DESCR	0x0001	/* include descriptions */
#define	FF_SYSCTLF_NOVALUE	0x0002	/* no values: names and types (-N) */
#define	FF_SYSCTLF_TEXT		0x0004	/* SET: sr_new is text */
#define	FF_SYSCTLF_AFTER	0x0008	/* WALK: resume after sr_oid */
#define	FF_SYSCTLF_NODES	0x0010	/* WALK: interior nodes as well */
#define	FF_SYSCTLF_ALL		0x001f

struct ff_sysctl_req {
	uint32_t	sr_len;		/* sizeof(struct ff_sysctl_req) */
	uint32_t	sr_op;		/* FF_SYSCTL_* */
	uint32_t	sr_flags;	/* FF_SYSCTLF_* */
	uint32_t	sr_oidlen;	/* numbers in sr_oid; 0: by sr_name */
	int32_t		sr_oid[FF_SYSCTL_MAXNAME];
	uint32_t	sr_rootlen;	/* WALK + AFTER: subtree = sr_oid[0..n) */
	uint32_t	sr_maxnodes;	/* WALK: at most this many; 0: no limit */
	struct ff_msg_iov sr_name;	/* dotted name, NUL-terminated */
	struct ff_msg_iov sr_new;	/* SET: the new value */
	uint64_t	sr_spare[4];
};

struct ff_sysctl_rep {
	uint32_t	sp_len;		/* sizeof(struct ff_sysctl_rep) */
	uint32_t	sp_count;	/* records that follow */
	uint32_t	sp_first;	/* offset of the first record */
	uint32_t	sp_spare0;
	uint64_t	sp_remaining;	/* WALK: nodes after these (= fm_cursor) */
	uint64_t	sp_spare[2];
};

struct ff_sysctl_node {
	uint32_t	sn_reclen;	/* to the next record, 8-byte multiple */
	uint32_t	sn_kind;	/* CTLTYPE_* | CTLFLAG_* (FreeBSD's) */
	uint32_t	sn_oidlen;	/* numbers in sn_oid */
	int32_t		sn_error;	/* reading the value failed: errno */
	int32_t		sn_oid[FF_SYSCTL_MAXNAME];
	struct ff_msg_iov sn_name;	/* "net.inet.tcp.sendspace" */
	struct ff_msg_iov sn_fmt;	/* "I", "IU", "LU", "A", "S,tcpstat" */
	struct ff_msg_iov sn_descr;	/* with FF_SYSCTLF_DESCR, else empty */
	struct ff_msg_iov sn_value;	/* the value's bytes (host order) */
	struct ff_msg_iov sn_oldvalue;	/* SET: the value before the write */
	uint32_t	sn_valuesize;	/* the value's full size */
	uint32_t	sn_spare0;
	uint64_t	sn_spare[2];
};

/*
 * One entry of the layout table the library exports so tests can check the
 * Python mirror: struct name, field name ("" for the struct itself, whose
 * size is then in fe_size), offset and size.
 */
struct ff_msg_abi_entry {
	const char	*fe_struct;
	const char	*fe_field;
	uint32_t	fe_offset;
	uint32_t	fe_size;
};

#endif /* _FF_MSG_H_ */

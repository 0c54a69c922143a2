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

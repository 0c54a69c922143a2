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

#define FF_MSG_ABI_VERSION 1
#define FF_MSG_MAGIC	   0x4d46 /* "FM" little-endian */
#define FF_MSG_SIZE	   65536  /* one slot: header + body */
#define FF_MSG_NSLOTS	   64	  /* slots per process: one doorbell bit each */
#define FF_MAX_PROCS	   32

/* Message types.  0 is never valid. */
#define FF_MSG_NONE	0
#define FF_MSG_ECHO	1  /* body returned as is: liveness, tests */
#define FF_MSG_TOP	2  /* struct ff_top_stats */
#define FF_MSG_TRAFFIC	3  /* struct ff_traffic_stats */
#define FF_MSG_SYSCTL	4  /* struct ff_sysctl_req */
#define FF_MSG_IOCTL	5  /* interface ioctls */
#define FF_MSG_ROUTE	6  /* rt_msghdr-style routing messages, ARP */
#define FF_MSG_IPFW	7  /* firewall rules */
#define FF_MSG_NETSTAT	8  /* pcb lists, multi-part */
#define FF_MSG_IOCTL6	9  /* reserved: IPv6 interface ioctls */
#define FF_MSG_NDP	10 /* reserved: IPv6 neighbours */
#define FF_MSG_TYPE_MAX 16 /* first number never valid */

/* fm_flags */
#define FF_MSGF_REPLY 0x0001 /* set by the stack on the answer */

/*
 * Header of every request and reply.  64 bytes.
 */
struct ff_msg_hdr {
	uint16_t fm_magic;   /* FF_MSG_MAGIC */
	uint16_t fm_version; /* FF_MSG_ABI_VERSION */
	uint16_t fm_type;    /* FF_MSG_* */
	uint16_t fm_flags;   /* FF_MSGF_* */
	uint32_t fm_len;     /* header + body, bytes */
	int32_t fm_error;    /* reply: 0 or a FreeBSD errno */
	uint64_t
	    fm_cursor; /* multi-part: resume point; reply: next, 0 = done */
	uint32_t fm_proc_id; /* reply: the process that answered */
	uint32_t fm_seq;     /* request number, echoed back */
	uint64_t fm_spare[4];
};

/* A variable part of a message: offset from the message start, length. */
struct ff_msg_iov {
	uint32_t mi_off;
	uint32_t mi_len;
};

/*
 * FF_MSG_TOP reply body: the main loop's cycle counters since start.
 * A tool samples twice and shows the differences (idle/sys/usr percent of
 * the elapsed cycles, loops per interval).
 */
struct ff_top_stats {
	uint32_t ts_len; /* sizeof(struct ff_top_stats) */
	uint32_t ts_proc_id;
	uint64_t ts_loops;	/* main loop iterations */
	uint64_t ts_idle_tsc;	/* cycles in iterations that did no work */
	uint64_t ts_sys_tsc;	/* cycles in the stack and the driver */
	uint64_t ts_usr_tsc;	/* cycles in the application's loop */
	uint64_t ts_work_tsc;	/* all cycles accounted: idle + sys + usr */
	uint64_t ts_tsc_hz;	/* cycles per second */
	uint64_t ts_now_tsc;	/* stack's clock when the reply was made */
	uint64_t ts_rx_packets; /* convenience for live views */
	uint64_t ts_tx_packets;
	uint64_t ts_rx_bytes;
	uint64_t ts_tx_bytes;
	uint64_t ts_spare[4];
};

/*
 * FF_MSG_TRAFFIC reply body: packets and bytes through the ports this
 * process owns, since start.  Drops cover the driver (no mbuf, missed,
 * tx queue full) and the stack (bad frames, no room).
 */
struct ff_traffic_stats {
	uint32_t tr_len; /* sizeof(struct ff_traffic_stats) */
	uint32_t tr_proc_id;
	uint64_t tr_rx_packets;
	uint64_t tr_rx_bytes;
	uint64_t tr_rx_dropped;
	uint64_t tr_tx_packets;
	uint64_t tr_tx_bytes;
	uint64_t tr_tx_dropped;
	uint64_t tr_now_ns; /* stack's clock when the reply was made */
	uint64_t tr_spare[4];
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
#define FF_SYSCTL_MAXNAME 24  /* CTL_MAXNAME */
#define FF_SYSCTL_NAMEMAX 256 /* dotted name with its NUL */

/* sr_op */
#define FF_SYSCTL_GET  1
#define FF_SYSCTL_SET  2
#define FF_SYSCTL_WALK 3

/* sr_flags */
#define FF_SYSCTLF_DESCR   0x0001 /* include descriptions */
#define FF_SYSCTLF_NOVALUE 0x0002 /* no values: names and types (-N) */
#define FF_SYSCTLF_TEXT	   0x0004 /* SET: sr_new is text */
#define FF_SYSCTLF_AFTER   0x0008 /* WALK: resume after sr_oid */
#define FF_SYSCTLF_NODES   0x0010 /* WALK: interior nodes as well */
#define FF_SYSCTLF_ALL	   0x001f

struct ff_sysctl_req {
	uint32_t sr_len;    /* sizeof(struct ff_sysctl_req) */
	uint32_t sr_op;	    /* FF_SYSCTL_* */
	uint32_t sr_flags;  /* FF_SYSCTLF_* */
	uint32_t sr_oidlen; /* numbers in sr_oid; 0: by sr_name */
	int32_t sr_oid[FF_SYSCTL_MAXNAME];
	uint32_t sr_rootlen;	   /* WALK + AFTER: subtree = sr_oid[0..n) */
	uint32_t sr_maxnodes;	   /* WALK: at most this many; 0: no limit */
	struct ff_msg_iov sr_name; /* dotted name, NUL-terminated */
	struct ff_msg_iov sr_new;  /* SET: the new value */
	uint64_t sr_spare[4];
};

struct ff_sysctl_rep {
	uint32_t sp_len;   /* sizeof(struct ff_sysctl_rep) */
	uint32_t sp_count; /* records that follow */
	uint32_t sp_first; /* offset of the first record */
	uint32_t sp_spare0;
	uint64_t sp_remaining; /* WALK: nodes after these (= fm_cursor) */
	uint64_t sp_spare[2];
};

struct ff_sysctl_node {
	uint32_t sn_reclen; /* to the next record, 8-byte multiple */
	uint32_t sn_kind;   /* CTLTYPE_* | CTLFLAG_* (FreeBSD's) */
	uint32_t sn_oidlen; /* numbers in sn_oid */
	int32_t sn_error;   /* reading the value failed: errno */
	int32_t sn_oid[FF_SYSCTL_MAXNAME];
	struct ff_msg_iov sn_name;     /* "net.inet.tcp.sendspace" */
	struct ff_msg_iov sn_fmt;      /* "I", "IU", "LU", "A", "S,tcpstat" */
	struct ff_msg_iov sn_descr;    /* with FF_SYSCTLF_DESCR, else empty */
	struct ff_msg_iov sn_value;    /* the value's bytes (host order) */
	struct ff_msg_iov sn_oldvalue; /* SET: the value before the write */
	uint32_t sn_valuesize;	       /* the value's full size */
	uint32_t sn_spare0;
	uint64_t sn_spare[2];
};

/*
 * A FreeBSD struct sockaddr_in, as the routing socket carries it: 16
 * bytes, sin_len first, address and port in network byte order.  A field
 * that is present must have sin_len 16 and sin_family FF_AF_INET.
 */
#define FF_AF_INET  2  /* FreeBSD's AF_INET */
#define FF_IFNAMSIZ 16 /* IFNAMSIZ, with the NUL */

struct ff_sockaddr_in {
	uint8_t sin_len;    /* sizeof(struct ff_sockaddr_in) */
	uint8_t sin_family; /* FF_AF_INET */
	uint16_t sin_port;  /* 0 */
	uint32_t sin_addr;  /* network byte order */
	uint8_t sin_zero[8];
};

/*
 * FF_MSG_IOCTL: interface ioctls (ff-ifconfig).
 *
 * Request body: struct ff_ioctl_req.  ir_name names the interface
 * (NUL-terminated inside the field); LIST takes an empty name for all.
 *
 *  LIST      (SIOCGIFCONF, SIOCGIFFLAGS, ...) interfaces in index order,
 *            each with its addresses and counters; as many as fit one
 *            message, fm_cursor = the index to resume from (0: done).
 *  SETFLAGS  (SIOCSIFFLAGS) ir_value = the new IFF_* flags; only IFF_UP
 *            and IFF_PROMISC can change, the others are ignored.
 *  SETMTU    (SIOCSIFMTU) ir_value = the MTU, 68..65535 and what the
 *            port takes.
 *  ADDADDR   (SIOCAIFADDR) add ir_addr with ir_mask (sin_len 0: the
 *            address's class mask, as FreeBSD) and ir_broadaddr (sin_len
 *            0: the subnet broadcast).  Always an alias: for a plain
 *            `ifconfig ifname inet addr' the tool deletes the old primary
 *            first, as ifconfig(8) does.
 *  DELADDR   (SIOCDIFADDR) remove ir_addr from the interface.
 *  SETCAP    (SIOCSIFCAP) ir_value = the new IFCAP_* enabled set
 *            (ifconfig [-]rxcsum, [-]txcsum, [-]tso4).  Only RXCSUM,
 *            TXCSUM and TSO4 of a port, among those on at its start,
 *            can change; without TXCSUM, TSO4 goes off too.
 *
 * Reply: LIST as struct ff_ioctl_rep then ip_count records struct
 * ff_ifinfo (ii_reclen apart, the first at ip_first, offsets from the
 * message start), each with ii_naddrs struct ff_ifaddr_info at ii_addrs.
 * The set operations answer with one record: the interface afterwards.
 *
 * Errors: ENXIO unknown interface, EAFNOSUPPORT an address that is not
 * AF_INET, EINVAL malformed request or bad value, EEXIST address already
 * on the interface, EADDRINUSE on another one, EADDRNOTAVAIL (DELADDR) not
 * on the interface; SETCAP: EINVAL a capability the interface does not
 * have, EOPNOTSUPP one that cannot change (lo0's, one the port was
 * started without, any but RXCSUM/TXCSUM/TSO4), EAGAIN TSO4 without
 * TXCSUM.
 */
#define FF_IOCTL_LIST	  1
#define FF_IOCTL_SETFLAGS 2
#define FF_IOCTL_SETMTU	  3
#define FF_IOCTL_ADDADDR  4
#define FF_IOCTL_DELADDR  5
#define FF_IOCTL_SETCAP	  6

/* ii_capenable: FreeBSD's IFCAP_* (ifconfig's options=...). */
#define FF_IFCAP_RXCSUM	   0x00001
#define FF_IFCAP_TXCSUM	   0x00002
#define FF_IFCAP_TSO4	   0x00100
#define FF_IFCAP_LINKSTATE 0x80000

/* ii_link_state: FreeBSD's LINK_STATE_*. */
#define FF_LINK_STATE_UNKNOWN 0
#define FF_LINK_STATE_DOWN    1
#define FF_LINK_STATE_UP      2

#define FF_IFCOUNTERS 12 /* enum ift_counter, FreeBSD's order */

struct ff_ioctl_req {
	uint32_t ir_len;	       /* sizeof(struct ff_ioctl_req) */
	uint32_t ir_op;		       /* FF_IOCTL_* */
	uint32_t ir_value;	       /* IFF_*, the MTU or IFCAP_* (above) */
	uint32_t ir_spare0;	       /* 0 */
	char ir_name[FF_IFNAMSIZ];     /* "f-stack-0"; LIST: "" = all */
	struct ff_sockaddr_in ir_addr; /* ADDADDR, DELADDR */
	struct ff_sockaddr_in ir_mask; /* ADDADDR */
	struct ff_sockaddr_in ir_broadaddr; /* ADDADDR; sin_len 0: default */
	uint64_t ir_spare[4];
};

struct ff_ioctl_rep {
	uint32_t ip_len;   /* sizeof(struct ff_ioctl_rep) */
	uint32_t ip_count; /* records that follow */
	uint32_t ip_first; /* offset of the first record */
	uint32_t ip_spare0;
	uint64_t ip_spare[2];
};

struct ff_ifaddr_info {
	struct ff_sockaddr_in ifa_addr;
	struct ff_sockaddr_in ifa_netmask;
	struct ff_sockaddr_in
	    ifa_broadaddr;  /* sin_len 0 without IFF_BROADCAST */
	uint32_t ifa_flags; /* 0x10: a [portN] vip_addr */
	uint32_t ifa_spare0;
};

struct ff_ifinfo {
	uint32_t ii_reclen;    /* to the next record, 8-byte multiple */
	uint16_t ii_index;     /* if_index */
	uint8_t ii_type;       /* IFT_ETHER 0x06, IFT_LOOP 0x18 */
	uint8_t ii_link_state; /* FF_LINK_STATE_* */
	uint32_t ii_flags;     /* IFF_* (FreeBSD's values) */
	uint32_t ii_mtu;
	uint32_t ii_metric;    /* always 0 */
	uint32_t ii_capenable; /* FF_IFCAP_* */
	char ii_name[FF_IFNAMSIZ];
	uint8_t ii_lladdr[8]; /* 6 bytes used; zero for lo0 */
	uint32_t ii_naddrs;   /* struct ff_ifaddr_info at ii_addrs */
	uint32_t ii_spare0;
	struct ff_msg_iov ii_addrs;
	uint64_t ii_counters[FF_IFCOUNTERS]; /* ipackets, ierrors, ... */
	uint64_t ii_spare[2];
};

/*
 * FF_MSG_ROUTE: routing messages with FreeBSD's rt_msghdr semantics
 * (ff-route), and the ARP table (ff-arp).
 *
 * Request and reply body: struct ff_rt_msghdr.  The addresses are fixed
 * fields rather than FreeBSD's packed list; rtm_addrs (RTA_*) says which
 * are present, as on the routing socket.
 *
 *  ADD     dst (+ netmask, else a host route when RTF_HOST or no mask),
 *          gateway (RTF_GATEWAY) or an interface (RTA_IFP: rtm_ifname or
 *          rtm_index); rtm_rmx.rmx_mtu with RTV_MTU in rtm_inits.
 *  DELETE  dst (+ netmask): the exact route.
 *  CHANGE  dst (+ netmask): the route's gateway / interface / MTU become
 *          what the message says (delete and re-add, the old one back on
 *          failure).
 *  GET     dst (+ netmask: exact, else longest match): the route, its
 *          gateway, interface name and index, flags and metrics.
 *  DUMP    (ours: FreeBSD reads NET_RT_DUMP by sysctl) every route, as a
 *          struct ff_rt_dump then rd_count ff_rt_msghdr records; as many as
 *          fit, fm_cursor = how many to skip next time (0: done).
 * With RTF_LLINFO in rtm_flags the same types act on the ARP table (as
 * FreeBSD's arp(8) does with RTF_LLDATA): ADD a static entry dst at
 * rtm_lladdr (RTF_ANNOUNCE: published, `pub'), or a temporary one with
 * RTV_EXPIRE in rtm_inits, rmx_expire = seconds to live and no
 * RTF_STATIC (`temp'; RTF_BLACKHOLE and RTF_REJECT: EOPNOTSUPP, an entry
 * cannot honour them); DELETE dst, or every entry
 * (of rtm_index when non-zero) when RTA_DST is absent; GET dst; DUMP the
 * table (of rtm_index when non-zero).  An ARP record has rtm_lladdr,
 * rtm_index, RTF_STATIC for permanent entries, RTF_ANNOUNCE for published
 * ones, FF_RTF_IFADDR for our own addresses, and rmx_expire = seconds
 * left (0 permanent).
 *
 * Every reply carries RTF_DONE.  Errors: EEXIST route exists, ESRCH no
 * such route / ARP entry, ENETUNREACH gateway not on a connected subnet,
 * ENXIO unknown interface, EAFNOSUPPORT a non-AF_INET address, EINVAL
 * malformed message, EBUSY deleting a connected route, ENOBUFS table full.
 */
#define FF_RTM_VERSION 5 /* RTM_VERSION */

/* rtm_type: FreeBSD's RTM_* numbers; DUMP is ours. */
#define FF_RTM_ADD    0x1
#define FF_RTM_DELETE 0x2
#define FF_RTM_CHANGE 0x3
#define FF_RTM_GET    0x4
#define FF_RTM_DUMP   0x80

/* rtm_addrs: FreeBSD's RTA_*. */
#define FF_RTA_DST     0x01
#define FF_RTA_GATEWAY 0x02
#define FF_RTA_NETMASK 0x04
#define FF_RTA_IFP     0x10
#define FF_RTA_IFA     0x20
#define FF_RTA_ALL     0x37

/* rtm_flags: FreeBSD's RTF_* (net/route.h), those the stack knows. */
#define FF_RTF_UP	 0x1
#define FF_RTF_GATEWAY	 0x2
#define FF_RTF_HOST	 0x4
#define FF_RTF_REJECT	 0x8
#define FF_RTF_DYNAMIC	 0x10
#define FF_RTF_DONE	 0x40
#define FF_RTF_LLINFO	 0x400
#define FF_RTF_STATIC	 0x800
#define FF_RTF_BLACKHOLE 0x1000
#define FF_RTF_ANNOUNCE	 0x4000 /* RTF_PROTO2: proxy ARP (`pub') */
#define FF_RTF_PINNED	 0x100000
#define FF_RTF_LOCAL	 0x200000
#define FF_RTF_IFADDR	 0x1000000 /* ours: ARP entry of our address */
/* What a request may set. */
#define FF_RTF_REQMASK                                              \
	(FF_RTF_UP | FF_RTF_GATEWAY | FF_RTF_HOST | FF_RTF_REJECT | \
	    FF_RTF_LLINFO | FF_RTF_STATIC | FF_RTF_BLACKHOLE |      \
	    FF_RTF_ANNOUNCE)

/* rtm_inits: FreeBSD's RTV_*. */
#define FF_RTV_MTU    0x1
#define FF_RTV_EXPIRE 0x4 /* RTF_LLINFO ADD: rmx_expire */

struct ff_rt_metrics {
	uint32_t rmx_mtu;      /* 0: the interface's */
	uint32_t rmx_weight;   /* 1 */
	uint64_t rmx_expire;   /* s left (ADD: to live), 0 never */
	uint64_t rmx_pksent;   /* packets sent through the route */
	uint32_t rmx_recvpipe; /* 0 (not kept) */
	uint32_t rmx_sendpipe;
	uint32_t rmx_ssthresh;
	uint32_t rmx_rtt;
	uint64_t rmx_spare[2];
};

struct ff_rt_msghdr {
	uint32_t rtm_msglen; /* sizeof(struct ff_rt_msghdr) */
	uint8_t rtm_version; /* FF_RTM_VERSION */
	uint8_t rtm_type;    /* FF_RTM_* */
	uint16_t rtm_index;  /* interface index (RTA_IFP, replies) */
	uint32_t rtm_flags;  /* FF_RTF_* */
	uint32_t rtm_addrs;  /* FF_RTA_*: which addresses are present */
	uint32_t rtm_inits;  /* FF_RTV_*: which metrics to set */
	uint32_t rtm_seq;    /* the tool's, echoed back */
	struct ff_rt_metrics rtm_rmx;
	struct ff_sockaddr_in rtm_dst;	   /* RTA_DST */
	struct ff_sockaddr_in rtm_gateway; /* RTA_GATEWAY */
	struct ff_sockaddr_in rtm_netmask; /* RTA_NETMASK */
	struct ff_sockaddr_in rtm_ifa;	   /* RTA_IFA: source address */
	char rtm_ifname[FF_IFNAMSIZ];	   /* RTA_IFP by name */
	uint8_t rtm_lladdr[8];		   /* RTF_LLINFO: the link address */
	uint64_t rtm_spare[2];
};

struct ff_rt_dump {
	uint32_t rd_len;   /* sizeof(struct ff_rt_dump) */
	uint32_t rd_count; /* records that follow */
	uint32_t rd_first; /* offset of the first record */
	uint32_t rd_spare0;
	uint64_t rd_spare[2];
};

/*
 * FF_MSG_IPFW: the firewall (ff-ipfw), FreeBSD's ipfw(4) semantics.
 *
 * Request body: struct ff_ipfw_req.  Rules travel compiled, as FreeBSD's
 * do: a struct ff_ipfw_rule header then r_cmd_len 32-bit instruction
 * words (struct ff_ipfw_insn and the words each opcode carries), the
 * match part first, the action part from word r_act_ofs (an optional
 * O_LOG, then exactly one action).  The tool compiles the text once; the
 * stack checks every instruction again before it takes a rule.
 *
 *  ADD       fw_data holds fw_count rules, each r_reclen bytes apart;
 *            all are checked before any is added (all or none).  A rule
 *            number 0 gets the last rule's number plus
 *            net.inet.ip.fw.autoinc_step.  The reply lists the rules
 *            added, with their numbers.
 *  DELETE    every rule numbered fw_rulenum (FF_IPFWF_SET: every rule of
 *            set fw_set); ESRCH when there is none.
 *  LIST      the rules numbered fw_rulenum..fw_rulenum2 (0, 0: all), with
 *            counters, as many as fit; fm_cursor = the index of the next
 *            rule (0: done).  FF_IPFWF_DYN lists the dynamic rules instead.
 *  ZERO, RESETLOG  counters / log counts of rule fw_rulenum (0: all);
 *            ESRCH when there is no such rule.
 *  FLUSH     every rule but those of set 31 (and the default rule);
 *            FF_IPFWF_DYN: the dynamic rules only.
 *  SET       fw_subop: SET_ENABLE (enable the sets of mask fw_set, then
 *            disable those of fw_set2, as one change), SET_MOVE_RULE (rule
 *            fw_rulenum to set fw_set2), SET_MOVE (set fw_set to fw_set2),
 *            SET_SWAP (fw_set and fw_set2), SET_GET (no change).
 *  TABLE     fw_table, fw_subop: CREATE (fw_count: most entries, 0: the
 *            default), DESTROY, ADD / DELETE (fw_data: fw_count struct
 *            ff_ipfw_tentry, all checked first; ADD replaces an entry's
 *            value), FLUSH, LIST (multi-part; fm_cursor = entries sent),
 *            INFO (no records), LIST_TABLES (a struct ff_ipfw_tinfo per
 *            table in fw_data of the reply; FF_IPFWF_ALL ignores
 *            fw_table).
 *  NAT       instance fw_rulenum (1..65535), fw_subop: NAT_CONFIG (fw_data:
 *            one struct ff_ipfw_nat then n_nredir struct
 *            ff_ipfw_nat_redir; creates the instance or replaces its
 *            configuration), NAT_DELETE (ESRCH: none), NAT_GET (a struct
 *            ff_ipfw_nat per instance, each followed by its redirects;
 *            fw_rulenum 0: every instance).
 *
 * Reply body: struct ff_ipfw_rep, then fp_count records from fp_first
 * (rules, dynamic rules, table entries or table infos, by the request),
 * each 8-byte aligned; offsets count from the start of the message.
 *
 * Errors: EINVAL malformed request or rule (bad opcode, length, range,
 * rule number 65535), ENOENT a table that does not exist, EEXIST table
 * exists (CREATE), ESRCH no such rule / entry, ENOSPC table or rule set
 * full.
 */
#define FF_IPFW_ADD	 1
#define FF_IPFW_DELETE	 2
#define FF_IPFW_LIST	 3
#define FF_IPFW_ZERO	 4
#define FF_IPFW_RESETLOG 5
#define FF_IPFW_FLUSH	 6
#define FF_IPFW_SET	 7
#define FF_IPFW_TABLE	 8
#define FF_IPFW_NAT	 9

/* fw_flags */
#define FF_IPFWF_SET 0x0001 /* DELETE: a whole set */
#define FF_IPFWF_DYN 0x0002 /* LIST, FLUSH: dynamic rules */
#define FF_IPFWF_ALL 0x0004 /* TABLE LIST_TABLES: every table */

/* fw_subop of SET */
#define FF_IPFW_SET_GET	      1
#define FF_IPFW_SET_ENABLE    2
#define FF_IPFW_SET_MOVE_RULE 3
#define FF_IPFW_SET_MOVE      4
#define FF_IPFW_SET_SWAP      5

/* fw_subop of TABLE */
#define FF_IPFW_TABLE_CREATE	  1
#define FF_IPFW_TABLE_DESTROY	  2
#define FF_IPFW_TABLE_ADD	  3
#define FF_IPFW_TABLE_DELETE	  4
#define FF_IPFW_TABLE_FLUSH	  5
#define FF_IPFW_TABLE_LIST	  6
#define FF_IPFW_TABLE_INFO	  7
#define FF_IPFW_TABLE_LIST_TABLES 8

/* fw_subop of NAT */
#define FF_IPFW_NAT_CONFIG 1
#define FF_IPFW_NAT_DELETE 2
#define FF_IPFW_NAT_GET	   3

#define FF_IPFW_DEFAULT_RULE 65535 /* IPFW_DEFAULT_RULE */
#define FF_IPFW_RESVD_SET    31	   /* RESVD_SET: never disabled, flushed */
#define FF_IPFW_MAXSETS	     32
#define FF_IPFW_TABLES_MAX   65535 /* table numbers 0..65534 */
#define FF_IPFW_CALLSTACK    16	   /* IPFW_CALLSTACK_SIZE */
#define FF_IPFW_RULE_WORDS   255   /* most instruction words per rule */

/*
 * One instruction, FreeBSD's ipfw_insn: opcode, length in 32-bit words
 * (this one included) with the F_NOT and F_OR flags, a 16-bit argument;
 * then len - 1 words.  Addresses in those words are in network byte
 * order, other numbers in host order.
 */
struct ff_ipfw_insn {
	uint8_t opcode;
	uint8_t len;   /* F_LEN_MASK words, F_NOT, F_OR */
	uint16_t arg1; /* by opcode */
};

#define F_NOT	   0x80
#define F_OR	   0x40
#define F_LEN_MASK 0x3f

/*
 * Opcodes (FreeBSD's names, our numbers).  Match part (arg1; the words
 * that follow):
 */
#define O_PROTO		   1 /* arg1: IP protocol */
#define O_IP_SRC_ME	   2 /* the source is one of our addresses */
#define O_IP_DST_ME	   3
#define O_IP_SRC_MASK	   4 /* n pairs (address, mask): any matches */
#define O_IP_DST_MASK	   5
#define O_IP_SRC_LOOKUP	   6 /* arg1: table; 1 word more: the value */
#define O_IP_DST_LOOKUP	   7
#define O_IP_SRCPORT	   8 /* n words low | high << 16: any matches */
#define O_IP_DSTPORT	   9
#define O_IN		   10 /* received; F_NOT: sent ("out") */
#define O_VIA		   11 /* 4 words: interface name, NUL-padded */
#define O_RECV		   12
#define O_XMIT		   13
#define O_TCPFLAGS	   14 /* arg1: flags set | flags clear << 8 */
#define O_ESTAB		   15 /* TCP with ACK or RST */
#define O_ICMPTYPE	   16 /* 1 word: bitmap of ICMP types 0..31 */
#define O_FRAG		   17 /* not the first fragment */
#define O_IPLEN		   18 /* n words low | high << 16 */
#define O_IPTTL		   19 /* n words low | high << 16 */
#define O_PROB		   20 /* 1 word: match probability * 0x7fffffff */
#define O_KEEP_STATE	   21 /* creates a dynamic rule; always matches */
#define O_LIMIT		   22 /* arg1: most states; 1 word: FF_DYN_* mask */
#define O_LOG		   40 /* arg1: logamount (0: verbose_limit) */
#define O_CHECK_STATE	   41 /* actions from here */
#define O_ACCEPT	   42
#define O_DENY		   43
#define O_REJECT	   44 /* arg1: ICMP unreachable code, ICMP_REJECT_RST */
#define O_COUNT		   45
#define O_SKIPTO	   46 /* arg1: rule (IP_FW_TARG: the table's value) */
#define O_CALLRETURN	   47 /* arg1: rule to call; F_NOT: return */
#define O_NAT		   48 /* arg1: NAT instance 1..65535 */
#define ICMP_REJECT_RST	   0x100       /* reject with a TCP RST ("reset") */
#define IP_FW_TARG	   0	       /* "tablearg" in skipto / call */
#define FF_IPFW_LOOKUP_ANY 0xffffffffu /* O_IP_*_LOOKUP: any value */

/* O_LIMIT's mask: what identifies a flow for the limit. */
#define FF_DYN_SRC_ADDR 0x1
#define FF_DYN_SRC_PORT 0x2
#define FF_DYN_DST_ADDR 0x4
#define FF_DYN_DST_PORT 0x8

struct ff_ipfw_req {
	uint32_t fw_len;      /* sizeof(struct ff_ipfw_req) */
	uint32_t fw_op;	      /* FF_IPFW_* */
	uint32_t fw_subop;    /* FF_IPFW_SET_*, FF_IPFW_TABLE_* */
	uint32_t fw_flags;    /* FF_IPFWF_* */
	uint32_t fw_rulenum;  /* DELETE, ZERO, RESETLOG, LIST, SET */
	uint32_t fw_rulenum2; /* LIST: last rule of the range */
	uint32_t fw_set;      /* set number, or mask (SET_ENABLE) */
	uint32_t fw_set2;     /* second set, or mask to disable */
	uint32_t fw_table;    /* TABLE: its number */
	uint32_t fw_count;    /* records in fw_data; CREATE: size */
	struct ff_msg_iov fw_data;
	uint64_t fw_spare[4];
};

struct ff_ipfw_rep {
	uint32_t fp_len;      /* sizeof(struct ff_ipfw_rep) */
	uint32_t fp_count;    /* records that follow */
	uint32_t fp_first;    /* offset of the first record */
	uint32_t fp_disabled; /* mask of the disabled sets */
	uint32_t fp_nrules;   /* static rules, the default one included */
	uint32_t fp_ndyn;     /* dynamic rules */
	uint64_t fp_now;      /* seconds since the Epoch (stack's clock) */
	uint64_t fp_spare[2];
};

/*
 * A rule: this header, then r_cmd_len instruction words; r_reclen covers
 * both, rounded up to 8 bytes.  Counters and timestamp are the stack's
 * (ignored on ADD).
 */
struct ff_ipfw_rule {
	uint32_t r_reclen;  /* to the next record, 8-byte multiple */
	uint16_t r_rulenum; /* 1..65535; ADD: 0 = automatic */
	uint8_t r_set;	    /* 0..31 */
	uint8_t r_flags;    /* 0 */
	uint16_t r_cmd_len; /* instruction words */
	uint16_t r_act_ofs; /* first word of the action part */
	uint32_t r_spare0;
	uint64_t r_pcnt;      /* packets that matched */
	uint64_t r_bcnt;      /* their bytes (IP length) */
	uint64_t r_timestamp; /* last match, seconds since the Epoch; 0 */
	uint64_t r_logged;    /* packets logged since resetlog */
};

/* A dynamic rule (ipfw -d). */
struct ff_ipfw_dyn {
	uint16_t d_rulenum; /* the rule that made it */
	uint8_t d_proto;    /* IP protocol */
	uint8_t d_type;	    /* O_KEEP_STATE or O_LIMIT */
	uint32_t d_expire;  /* seconds left */
	uint32_t d_src;	    /* network byte order */
	uint32_t d_dst;
	uint16_t d_sport; /* host byte order */
	uint16_t d_dport;
	uint32_t d_state; /* TCP flags seen: forward | reverse << 8 */
	uint64_t d_pcnt;  /* packets both ways */
	uint64_t d_bcnt;
};

/* A table entry: address/len -> value. */
struct ff_ipfw_tentry {
	uint32_t te_addr; /* network byte order */
	uint8_t te_masklen;
	uint8_t te_spare[3];
	uint32_t te_value;
	uint32_t te_spare1;
};

/* A table. */
struct ff_ipfw_tinfo {
	uint32_t ti_table;
	uint32_t ti_count;  /* entries */
	uint32_t ti_limit;  /* most entries */
	uint32_t ti_refcnt; /* rules that name it */
};

/*
 * A NAT instance (ipfw nat N config): its configuration, then (NAT_GET)
 * its state count and counters; n_nredir struct ff_ipfw_nat_redir follow,
 * n_reclen covering them all.
 */
struct ff_ipfw_nat {
	uint32_t n_reclen; /* to the next record, 8-byte multiple */
	uint16_t n_id;	   /* 1..65535 */
	uint16_t n_flags;  /* FF_NAT_* */
	uint32_t n_ip;	   /* alias address, network byte order */
	uint16_t n_nredir; /* redirect records that follow */
	uint16_t n_spare0;
	uint32_t n_states; /* states now (NAT_GET) */
	uint32_t n_tcp;	   /* of which TCP */
	uint32_t n_udp;	   /* UDP */
	uint32_t n_icmp;   /* ICMP echo */
	uint64_t n_in;	   /* packets translated inbound */
	uint64_t n_out;	   /* outbound */
	uint64_t n_new;	   /* states created */
	uint64_t n_full;   /* states refused: nat_max reached (dropped) */
	uint64_t n_expired;
	uint64_t n_frag;  /* fragments after the first, dropped */
	uint64_t n_reset; /* states dropped by reset on a new address */
	uint64_t n_spare[2];
};

#define FF_NAT_SAME_PORTS 0x0001 /* keep the local port when free */
#define FF_NAT_RESET	  0x0002 /* a new address drops every state */

#define FF_NAT_REDIR_ADDR 1  /* redirect_addr: local <-> public address */
#define FF_NAT_REDIR_PORT 2  /* redirect_port: one of r_nlocal backends */
#define FF_IPFW_NAT_SPOOL 32 /* most backends of one redirect_port */

struct ff_ipfw_nat_redir {
	uint8_t r_mode;	   /* FF_NAT_REDIR_* */
	uint8_t r_proto;   /* redirect_port: IPPROTO_TCP or IPPROTO_UDP */
	uint16_t r_nlocal; /* backends (redirect_addr: 1) */
	uint32_t r_paddr;  /* public address; 0: the instance's */
	uint16_t r_pport;  /* public port, host order */
	uint16_t r_spare0;
	uint32_t r_laddr[FF_IPFW_NAT_SPOOL]; /* network byte order */
	uint16_t r_lport[FF_IPFW_NAT_SPOOL]; /* host order */
	uint64_t r_flows[FF_IPFW_NAT_SPOOL]; /* NAT_GET: flows given to each */
};

/*
 * FF_MSG_NETSTAT: the protocol control blocks (netstat -a), each as one
 * struct ff_xinpcb in the style of FreeBSD's xinpcb / xtcpcb (length and
 * version first, fixed-width fields, spare room).
 *
 * Request body: struct ff_netstat_req; nr_proto IPPROTO_TCP (6) or
 * IPPROTO_UDP (17).  A listing is consistent: every pcb that exists from
 * its first part to its last is listed exactly once, whatever opens or
 * closes meanwhile.  It goes by generation: each pcb gets the next
 * number of its table when it is made, and the parts list pcbs in that
 * order.  The first request sends fm_cursor 0 and nr_gen 0; the reply's
 * np_gen is the newest generation at that moment (pcbs made later are not
 * listed) and fm_cursor the generation to resume after (0: done).  Each
 * later request sends back np_gen in nr_gen and the last fm_cursor.
 * A part examines at most FF_NETSTAT_MAXSTEPS table entries and socket
 * buffer segments (counting sb_mcnt), so a listing of any size never
 * holds the main loop long; a part may hold no record and still a
 * cursor.
 *
 * Reply body: struct ff_netstat_rep, then np_count records struct
 * ff_xinpcb, the first at np_first (from the message start), each
 * np_reclen bytes further.
 *
 * Errors: EPROTONOSUPPORT another protocol, EINVAL malformed request.
 */
#define FF_NETSTAT_MAXSTEPS 4096 /* entries and segments per part */
#define FF_XINPCB_VERSION   1
#define FF_TCP_CA_NAME_MAX  16 /* TCP_CA_NAME_MAX */

/* xi_flowtype: FreeBSD's M_HASHTYPE_* numbers. */
#define FF_M_HASHTYPE_NONE	  0
#define FF_M_HASHTYPE_OPAQUE_HASH 191 /* the stack's own 4-tuple hash */

struct ff_netstat_req {
	uint32_t nr_len;     /* sizeof(struct ff_netstat_req) */
	uint32_t nr_proto;   /* IPPROTO_TCP, IPPROTO_UDP */
	uint64_t nr_gen;     /* 0 first, then np_gen of the first reply */
	uint32_t nr_maxrecs; /* at most this many records; 0: what fits */
	uint32_t nr_spare0;
	uint64_t nr_spare[3];
};

struct ff_netstat_rep {
	uint32_t np_len;      /* sizeof(struct ff_netstat_rep) */
	uint32_t np_count;    /* records that follow */
	uint32_t np_first;    /* offset of the first record */
	uint32_t np_reclen;   /* sizeof(struct ff_xinpcb) */
	uint64_t np_gen;      /* the listing's generation (see above) */
	uint32_t np_pcbcount; /* pcbs in the table now (ipi_count) */
	uint32_t np_spare0;
	uint64_t np_spare[2];
};

/* A socket buffer (FreeBSD's struct xsockbuf). */
struct ff_xsockbuf {
	uint32_t sb_cc;	   /* data bytes held */
	uint32_t sb_hiwat; /* max data bytes */
	uint32_t sb_lowat;
	uint32_t sb_mbcnt; /* buffer bytes of the segments held */
	uint32_t sb_mbmax;
	uint32_t sb_mcnt; /* segments (mbufs) held */
	uint32_t sb_ccnt; /* of them with a cluster-sized buffer */
	uint16_t sb_flags;
	uint16_t sb_state;
};

struct ff_xinpcb {
	uint32_t xi_len;     /* sizeof(struct ff_xinpcb) */
	uint16_t xi_version; /* FF_XINPCB_VERSION */
	uint8_t xi_proto;    /* IPPROTO_TCP, IPPROTO_UDP */
	uint8_t xi_vflag;    /* 0x1: IPv4 (FreeBSD's INP_IPV4) */
	uint64_t xi_gencnt;  /* the pcb's generation */
	uint32_t xi_laddr;   /* network order */
	uint32_t xi_faddr;
	uint16_t xi_lport; /* network order */
	uint16_t xi_fport;
	uint32_t xi_flags;    /* 0x1 the stack chose the port (ANONPORT),
				 0x2 TIME_WAIT, 0x4 no socket any more */
	uint32_t xi_flowid;   /* flow hash of the 4-tuple */
	uint32_t xi_flowtype; /* FF_M_HASHTYPE_* */
	uint32_t xi_proc_id;  /* the stack process that owns it */
	uint32_t xi_pid;      /* its pid */
	int32_t xi_fd;	      /* the application's descriptor, -1 none */

	/* The socket (FreeBSD's struct xsocket); zero without one. */
	uint32_t xso_options; /* SO_* */
	uint32_t xso_state;   /* SS_* */
	int32_t xso_error;
	uint32_t xso_qlen;    /* listen queue: completed */
	uint32_t xso_incqlen; /* ... embryonic */
	uint32_t xso_qlimit;  /* ... backlog */
	struct ff_xsockbuf xso_rcv;
	struct ff_xsockbuf xso_snd;

	/* TCP (FreeBSD's struct xtcpcb); zero for UDP. */
	int32_t xt_state;	  /* TCPS_* */
	uint32_t xt_flags;	  /* TF_* */
	uint32_t xt_snd_cwnd;	  /* bytes */
	uint32_t xt_snd_ssthresh; /* bytes */
	uint32_t xt_maxseg;
	uint32_t xt_snd_wnd; /* peer's window */
	uint32_t xt_rcv_wnd; /* ours */
	uint32_t xt_srtt;    /* smoothed RTT, microseconds */
	uint32_t xt_rttvar;  /* its variation, microseconds */
	uint32_t xt_rto;     /* retransmit timeout, microseconds */
	uint32_t xt_rxtshift;
	uint32_t xt_sndrexmitpack; /* data segments retransmitted */
	uint32_t xt_rcvoopack;	   /* out-of-order segments received */
	uint32_t xt_sndzerowin;	   /* zero windows sent */
	/* Timers (FreeBSD's struct xtcp_timer): ms left, 0 not running. */
	int32_t tt_rexmt;
	int32_t tt_persist;
	int32_t tt_keep;
	int32_t tt_2msl;
	int32_t tt_delack;
	int32_t t_rcvtime;		/* ms since the last segment arrived */
	char xt_cc[FF_TCP_CA_NAME_MAX]; /* congestion control algorithm */
	uint64_t xi_spare[8];
};

/*
 * One entry of the layout table the library exports so tests can check the
 * Python mirror: struct name, field name ("" for the struct itself, whose
 * size is then in fe_size), offset and size.
 */
struct ff_msg_abi_entry {
	const char *fe_struct;
	const char *fe_field;
	uint32_t fe_offset;
	uint32_t fe_size;
};

#endif /* _FF_MSG_H_ */

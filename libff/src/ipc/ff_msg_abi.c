/*
 * ff_msg_abi.c - the layout of every ff_msg.h struct as the compiler laid
 * it out, so the Python mirror (fstools/_ffi.py) can be checked field by
 * field against the library it talks to (tests/unit/test_abi.py); and of
 * every statistics struct exported whole as an opaque sysctl ("S,tcpstat"
 * ...), made from the struct's own list (kern_sysctl_stats.h), so tools
 * decode net.inet.tcp.stats and the like without a copy of the fields.
 */
#include <stddef.h>

#include "ff_msg.h"
#include "ff_ipc.h"
#include "kern/socketvar.h"
#include "net/ether_var.h"
#include "netinet/arp_var.h"
#include "netinet/icmp_var.h"
#include "netinet/ip_var.h"
#include "netinet/ip_fw.h"
#include "netinet/tcp_var.h"
#include "netinet/udp_var.h"

#define ABI_STRUCT(s)                       \
	{                                   \
#s, "", 0, sizeof(struct s) \
	}
#define ABI_FIELD(s, f)                                                   \
	{                                                                 \
#s, #f, offsetof(struct s, f), sizeof(((struct s *)0)->f) \
	}

/*
 * A stats struct from its list: its size, then one row per counter (an
 * array is one row of its whole size).  ABI_S names the struct.
 */
#define ABI_STATS(LIST)	       ABI_STRUCT_(ABI_S), LIST(ABI_STATS_X, ABI_STATS_A)
#define ABI_STATS_X(f, ...)    ABI_FIELD_(ABI_S, f),
#define ABI_STATS_A(f, n, ...) ABI_FIELD_(ABI_S, f),
#define ABI_STRUCT_(s)	       ABI_STRUCT(s) /* expands ABI_S first */
#define ABI_FIELD_(s, f)       ABI_FIELD(s, f)

static const struct ff_msg_abi_entry ff_msg_abi[] = { ABI_STRUCT(ff_msg_hdr),
	ABI_FIELD(ff_msg_hdr, fm_magic), ABI_FIELD(ff_msg_hdr, fm_version),
	ABI_FIELD(ff_msg_hdr, fm_type), ABI_FIELD(ff_msg_hdr, fm_flags),
	ABI_FIELD(ff_msg_hdr, fm_len), ABI_FIELD(ff_msg_hdr, fm_error),
	ABI_FIELD(ff_msg_hdr, fm_cursor), ABI_FIELD(ff_msg_hdr, fm_proc_id),
	ABI_FIELD(ff_msg_hdr, fm_seq), ABI_FIELD(ff_msg_hdr, fm_spare),

	ABI_STRUCT(ff_msg_iov), ABI_FIELD(ff_msg_iov, mi_off),
	ABI_FIELD(ff_msg_iov, mi_len),

	ABI_STRUCT(ff_top_stats), ABI_FIELD(ff_top_stats, ts_len),
	ABI_FIELD(ff_top_stats, ts_proc_id), ABI_FIELD(ff_top_stats, ts_loops),
	ABI_FIELD(ff_top_stats, ts_idle_tsc),
	ABI_FIELD(ff_top_stats, ts_sys_tsc),
	ABI_FIELD(ff_top_stats, ts_usr_tsc),
	ABI_FIELD(ff_top_stats, ts_work_tsc),
	ABI_FIELD(ff_top_stats, ts_tsc_hz), ABI_FIELD(ff_top_stats, ts_now_tsc),
	ABI_FIELD(ff_top_stats, ts_rx_packets),
	ABI_FIELD(ff_top_stats, ts_tx_packets),
	ABI_FIELD(ff_top_stats, ts_rx_bytes),
	ABI_FIELD(ff_top_stats, ts_tx_bytes), ABI_FIELD(ff_top_stats, ts_spare),

	ABI_STRUCT(ff_traffic_stats), ABI_FIELD(ff_traffic_stats, tr_len),
	ABI_FIELD(ff_traffic_stats, tr_proc_id),
	ABI_FIELD(ff_traffic_stats, tr_rx_packets),
	ABI_FIELD(ff_traffic_stats, tr_rx_bytes),
	ABI_FIELD(ff_traffic_stats, tr_rx_dropped),
	ABI_FIELD(ff_traffic_stats, tr_tx_packets),
	ABI_FIELD(ff_traffic_stats, tr_tx_bytes),
	ABI_FIELD(ff_traffic_stats, tr_tx_dropped),
	ABI_FIELD(ff_traffic_stats, tr_now_ns),
	ABI_FIELD(ff_traffic_stats, tr_spare),

	ABI_STRUCT(ff_sysctl_req), ABI_FIELD(ff_sysctl_req, sr_len),
	ABI_FIELD(ff_sysctl_req, sr_op), ABI_FIELD(ff_sysctl_req, sr_flags),
	ABI_FIELD(ff_sysctl_req, sr_oidlen), ABI_FIELD(ff_sysctl_req, sr_oid),
	ABI_FIELD(ff_sysctl_req, sr_rootlen),
	ABI_FIELD(ff_sysctl_req, sr_maxnodes),
	ABI_FIELD(ff_sysctl_req, sr_name), ABI_FIELD(ff_sysctl_req, sr_new),
	ABI_FIELD(ff_sysctl_req, sr_spare),

	ABI_STRUCT(ff_sysctl_rep), ABI_FIELD(ff_sysctl_rep, sp_len),
	ABI_FIELD(ff_sysctl_rep, sp_count), ABI_FIELD(ff_sysctl_rep, sp_first),
	ABI_FIELD(ff_sysctl_rep, sp_spare0),
	ABI_FIELD(ff_sysctl_rep, sp_remaining),
	ABI_FIELD(ff_sysctl_rep, sp_spare),

	ABI_STRUCT(ff_sysctl_node), ABI_FIELD(ff_sysctl_node, sn_reclen),
	ABI_FIELD(ff_sysctl_node, sn_kind),
	ABI_FIELD(ff_sysctl_node, sn_oidlen),
	ABI_FIELD(ff_sysctl_node, sn_error), ABI_FIELD(ff_sysctl_node, sn_oid),
	ABI_FIELD(ff_sysctl_node, sn_name), ABI_FIELD(ff_sysctl_node, sn_fmt),
	ABI_FIELD(ff_sysctl_node, sn_descr),
	ABI_FIELD(ff_sysctl_node, sn_value),
	ABI_FIELD(ff_sysctl_node, sn_oldvalue),
	ABI_FIELD(ff_sysctl_node, sn_valuesize),
	ABI_FIELD(ff_sysctl_node, sn_spare0),
	ABI_FIELD(ff_sysctl_node, sn_spare),

	ABI_STRUCT(ff_sockaddr_in), ABI_FIELD(ff_sockaddr_in, sin_len),
	ABI_FIELD(ff_sockaddr_in, sin_family),
	ABI_FIELD(ff_sockaddr_in, sin_port),
	ABI_FIELD(ff_sockaddr_in, sin_addr),
	ABI_FIELD(ff_sockaddr_in, sin_zero),

	ABI_STRUCT(ff_ioctl_req), ABI_FIELD(ff_ioctl_req, ir_len),
	ABI_FIELD(ff_ioctl_req, ir_op), ABI_FIELD(ff_ioctl_req, ir_value),
	ABI_FIELD(ff_ioctl_req, ir_spare0), ABI_FIELD(ff_ioctl_req, ir_name),
	ABI_FIELD(ff_ioctl_req, ir_addr), ABI_FIELD(ff_ioctl_req, ir_mask),
	ABI_FIELD(ff_ioctl_req, ir_broadaddr),
	ABI_FIELD(ff_ioctl_req, ir_spare),

	ABI_STRUCT(ff_ioctl_rep), ABI_FIELD(ff_ioctl_rep, ip_len),
	ABI_FIELD(ff_ioctl_rep, ip_count), ABI_FIELD(ff_ioctl_rep, ip_first),
	ABI_FIELD(ff_ioctl_rep, ip_spare0), ABI_FIELD(ff_ioctl_rep, ip_spare),

	ABI_STRUCT(ff_ifaddr_info), ABI_FIELD(ff_ifaddr_info, ifa_addr),
	ABI_FIELD(ff_ifaddr_info, ifa_netmask),
	ABI_FIELD(ff_ifaddr_info, ifa_broadaddr),
	ABI_FIELD(ff_ifaddr_info, ifa_flags),
	ABI_FIELD(ff_ifaddr_info, ifa_spare0),

	ABI_STRUCT(ff_ifinfo), ABI_FIELD(ff_ifinfo, ii_reclen),
	ABI_FIELD(ff_ifinfo, ii_index), ABI_FIELD(ff_ifinfo, ii_type),
	ABI_FIELD(ff_ifinfo, ii_link_state), ABI_FIELD(ff_ifinfo, ii_flags),
	ABI_FIELD(ff_ifinfo, ii_mtu), ABI_FIELD(ff_ifinfo, ii_metric),
	ABI_FIELD(ff_ifinfo, ii_capenable), ABI_FIELD(ff_ifinfo, ii_name),
	ABI_FIELD(ff_ifinfo, ii_lladdr), ABI_FIELD(ff_ifinfo, ii_naddrs),
	ABI_FIELD(ff_ifinfo, ii_spare0), ABI_FIELD(ff_ifinfo, ii_addrs),
	ABI_FIELD(ff_ifinfo, ii_counters), ABI_FIELD(ff_ifinfo, ii_spare),

	ABI_STRUCT(ff_rt_metrics), ABI_FIELD(ff_rt_metrics, rmx_mtu),
	ABI_FIELD(ff_rt_metrics, rmx_weight),
	ABI_FIELD(ff_rt_metrics, rmx_expire),
	ABI_FIELD(ff_rt_metrics, rmx_pksent),
	ABI_FIELD(ff_rt_metrics, rmx_recvpipe),
	ABI_FIELD(ff_rt_metrics, rmx_sendpipe),
	ABI_FIELD(ff_rt_metrics, rmx_ssthresh),
	ABI_FIELD(ff_rt_metrics, rmx_rtt), ABI_FIELD(ff_rt_metrics, rmx_spare),

	ABI_STRUCT(ff_rt_msghdr), ABI_FIELD(ff_rt_msghdr, rtm_msglen),
	ABI_FIELD(ff_rt_msghdr, rtm_version), ABI_FIELD(ff_rt_msghdr, rtm_type),
	ABI_FIELD(ff_rt_msghdr, rtm_index), ABI_FIELD(ff_rt_msghdr, rtm_flags),
	ABI_FIELD(ff_rt_msghdr, rtm_addrs), ABI_FIELD(ff_rt_msghdr, rtm_inits),
	ABI_FIELD(ff_rt_msghdr, rtm_seq), ABI_FIELD(ff_rt_msghdr, rtm_rmx),
	ABI_FIELD(ff_rt_msghdr, rtm_dst), ABI_FIELD(ff_rt_msghdr, rtm_gateway),
	ABI_FIELD(ff_rt_msghdr, rtm_netmask), ABI_FIELD(ff_rt_msghdr, rtm_ifa),
	ABI_FIELD(ff_rt_msghdr, rtm_ifname),
	ABI_FIELD(ff_rt_msghdr, rtm_lladdr), ABI_FIELD(ff_rt_msghdr, rtm_spare),

	ABI_STRUCT(ff_rt_dump), ABI_FIELD(ff_rt_dump, rd_len),
	ABI_FIELD(ff_rt_dump, rd_count), ABI_FIELD(ff_rt_dump, rd_first),
	ABI_FIELD(ff_rt_dump, rd_spare0), ABI_FIELD(ff_rt_dump, rd_spare),
	ABI_STRUCT(ff_ipfw_req), ABI_FIELD(ff_ipfw_req, fw_len),
	ABI_FIELD(ff_ipfw_req, fw_op), ABI_FIELD(ff_ipfw_req, fw_subop),
	ABI_FIELD(ff_ipfw_req, fw_flags), ABI_FIELD(ff_ipfw_req, fw_rulenum),
	ABI_FIELD(ff_ipfw_req, fw_rulenum2), ABI_FIELD(ff_ipfw_req, fw_set),
	ABI_FIELD(ff_ipfw_req, fw_set2), ABI_FIELD(ff_ipfw_req, fw_table),
	ABI_FIELD(ff_ipfw_req, fw_count), ABI_FIELD(ff_ipfw_req, fw_data),
	ABI_FIELD(ff_ipfw_req, fw_spare), ABI_STRUCT(ff_ipfw_rep),
	ABI_FIELD(ff_ipfw_rep, fp_len), ABI_FIELD(ff_ipfw_rep, fp_count),
	ABI_FIELD(ff_ipfw_rep, fp_first), ABI_FIELD(ff_ipfw_rep, fp_disabled),
	ABI_FIELD(ff_ipfw_rep, fp_nrules), ABI_FIELD(ff_ipfw_rep, fp_ndyn),
	ABI_FIELD(ff_ipfw_rep, fp_now), ABI_FIELD(ff_ipfw_rep, fp_spare),
	ABI_STRUCT(ff_ipfw_insn), ABI_FIELD(ff_ipfw_insn, opcode),
	ABI_FIELD(ff_ipfw_insn, len), ABI_FIELD(ff_ipfw_insn, arg1),
	ABI_STRUCT(ff_ipfw_rule), ABI_FIELD(ff_ipfw_rule, r_reclen),
	ABI_FIELD(ff_ipfw_rule, r_rulenum), ABI_FIELD(ff_ipfw_rule, r_set),
	ABI_FIELD(ff_ipfw_rule, r_flags), ABI_FIELD(ff_ipfw_rule, r_cmd_len),
	ABI_FIELD(ff_ipfw_rule, r_act_ofs), ABI_FIELD(ff_ipfw_rule, r_spare0),
	ABI_FIELD(ff_ipfw_rule, r_pcnt), ABI_FIELD(ff_ipfw_rule, r_bcnt),
	ABI_FIELD(ff_ipfw_rule, r_timestamp), ABI_FIELD(ff_ipfw_rule, r_logged),
	ABI_STRUCT(ff_ipfw_dyn), ABI_FIELD(ff_ipfw_dyn, d_rulenum),
	ABI_FIELD(ff_ipfw_dyn, d_proto), ABI_FIELD(ff_ipfw_dyn, d_type),
	ABI_FIELD(ff_ipfw_dyn, d_expire), ABI_FIELD(ff_ipfw_dyn, d_src),
	ABI_FIELD(ff_ipfw_dyn, d_dst), ABI_FIELD(ff_ipfw_dyn, d_sport),
	ABI_FIELD(ff_ipfw_dyn, d_dport), ABI_FIELD(ff_ipfw_dyn, d_state),
	ABI_FIELD(ff_ipfw_dyn, d_pcnt), ABI_FIELD(ff_ipfw_dyn, d_bcnt),
	ABI_STRUCT(ff_ipfw_tentry), ABI_FIELD(ff_ipfw_tentry, te_addr),
	ABI_FIELD(ff_ipfw_tentry, te_masklen),
	ABI_FIELD(ff_ipfw_tentry, te_spare),
	ABI_FIELD(ff_ipfw_tentry, te_value),
	ABI_FIELD(ff_ipfw_tentry, te_spare1), ABI_STRUCT(ff_ipfw_tinfo),
	ABI_FIELD(ff_ipfw_tinfo, ti_table), ABI_FIELD(ff_ipfw_tinfo, ti_count),
	ABI_FIELD(ff_ipfw_tinfo, ti_limit), ABI_FIELD(ff_ipfw_tinfo, ti_refcnt),
	ABI_STRUCT(ff_ipfw_nat), ABI_FIELD(ff_ipfw_nat, n_reclen),
	ABI_FIELD(ff_ipfw_nat, n_id), ABI_FIELD(ff_ipfw_nat, n_flags),
	ABI_FIELD(ff_ipfw_nat, n_ip), ABI_FIELD(ff_ipfw_nat, n_nredir),
	ABI_FIELD(ff_ipfw_nat, n_spare0), ABI_FIELD(ff_ipfw_nat, n_states),
	ABI_FIELD(ff_ipfw_nat, n_tcp), ABI_FIELD(ff_ipfw_nat, n_udp),
	ABI_FIELD(ff_ipfw_nat, n_icmp), ABI_FIELD(ff_ipfw_nat, n_in),
	ABI_FIELD(ff_ipfw_nat, n_out), ABI_FIELD(ff_ipfw_nat, n_new),
	ABI_FIELD(ff_ipfw_nat, n_full), ABI_FIELD(ff_ipfw_nat, n_expired),
	ABI_FIELD(ff_ipfw_nat, n_frag), ABI_FIELD(ff_ipfw_nat, n_reset),
	ABI_FIELD(ff_ipfw_nat, n_spare), ABI_STRUCT(ff_ipfw_nat_redir),
	ABI_FIELD(ff_ipfw_nat_redir, r_mode),
	ABI_FIELD(ff_ipfw_nat_redir, r_proto),
	ABI_FIELD(ff_ipfw_nat_redir, r_nlocal),
	ABI_FIELD(ff_ipfw_nat_redir, r_paddr),
	ABI_FIELD(ff_ipfw_nat_redir, r_pport),
	ABI_FIELD(ff_ipfw_nat_redir, r_spare0),
	ABI_FIELD(ff_ipfw_nat_redir, r_laddr),
	ABI_FIELD(ff_ipfw_nat_redir, r_lport),
	ABI_FIELD(ff_ipfw_nat_redir, r_flows),

	ABI_STRUCT(ff_netstat_req), ABI_FIELD(ff_netstat_req, nr_len),
	ABI_FIELD(ff_netstat_req, nr_proto), ABI_FIELD(ff_netstat_req, nr_gen),
	ABI_FIELD(ff_netstat_req, nr_maxrecs),
	ABI_FIELD(ff_netstat_req, nr_spare0),
	ABI_FIELD(ff_netstat_req, nr_spare),

	ABI_STRUCT(ff_netstat_rep), ABI_FIELD(ff_netstat_rep, np_len),
	ABI_FIELD(ff_netstat_rep, np_count),
	ABI_FIELD(ff_netstat_rep, np_first),
	ABI_FIELD(ff_netstat_rep, np_reclen), ABI_FIELD(ff_netstat_rep, np_gen),
	ABI_FIELD(ff_netstat_rep, np_pcbcount),
	ABI_FIELD(ff_netstat_rep, np_spare0),
	ABI_FIELD(ff_netstat_rep, np_spare),

	ABI_STRUCT(ff_xsockbuf), ABI_FIELD(ff_xsockbuf, sb_cc),
	ABI_FIELD(ff_xsockbuf, sb_hiwat), ABI_FIELD(ff_xsockbuf, sb_lowat),
	ABI_FIELD(ff_xsockbuf, sb_mbcnt), ABI_FIELD(ff_xsockbuf, sb_mbmax),
	ABI_FIELD(ff_xsockbuf, sb_mcnt), ABI_FIELD(ff_xsockbuf, sb_ccnt),
	ABI_FIELD(ff_xsockbuf, sb_flags), ABI_FIELD(ff_xsockbuf, sb_state),

	ABI_STRUCT(ff_xinpcb), ABI_FIELD(ff_xinpcb, xi_len),
	ABI_FIELD(ff_xinpcb, xi_version), ABI_FIELD(ff_xinpcb, xi_proto),
	ABI_FIELD(ff_xinpcb, xi_vflag), ABI_FIELD(ff_xinpcb, xi_gencnt),
	ABI_FIELD(ff_xinpcb, xi_laddr), ABI_FIELD(ff_xinpcb, xi_faddr),
	ABI_FIELD(ff_xinpcb, xi_lport), ABI_FIELD(ff_xinpcb, xi_fport),
	ABI_FIELD(ff_xinpcb, xi_flags), ABI_FIELD(ff_xinpcb, xi_flowid),
	ABI_FIELD(ff_xinpcb, xi_flowtype), ABI_FIELD(ff_xinpcb, xi_proc_id),
	ABI_FIELD(ff_xinpcb, xi_pid), ABI_FIELD(ff_xinpcb, xi_fd),
	ABI_FIELD(ff_xinpcb, xso_options), ABI_FIELD(ff_xinpcb, xso_state),
	ABI_FIELD(ff_xinpcb, xso_error), ABI_FIELD(ff_xinpcb, xso_qlen),
	ABI_FIELD(ff_xinpcb, xso_incqlen), ABI_FIELD(ff_xinpcb, xso_qlimit),
	ABI_FIELD(ff_xinpcb, xso_rcv), ABI_FIELD(ff_xinpcb, xso_snd),
	ABI_FIELD(ff_xinpcb, xt_state), ABI_FIELD(ff_xinpcb, xt_flags),
	ABI_FIELD(ff_xinpcb, xt_snd_cwnd),
	ABI_FIELD(ff_xinpcb, xt_snd_ssthresh), ABI_FIELD(ff_xinpcb, xt_maxseg),
	ABI_FIELD(ff_xinpcb, xt_snd_wnd), ABI_FIELD(ff_xinpcb, xt_rcv_wnd),
	ABI_FIELD(ff_xinpcb, xt_srtt), ABI_FIELD(ff_xinpcb, xt_rttvar),
	ABI_FIELD(ff_xinpcb, xt_rto), ABI_FIELD(ff_xinpcb, xt_rxtshift),
	ABI_FIELD(ff_xinpcb, xt_sndrexmitpack),
	ABI_FIELD(ff_xinpcb, xt_rcvoopack), ABI_FIELD(ff_xinpcb, xt_sndzerowin),
	ABI_FIELD(ff_xinpcb, tt_rexmt), ABI_FIELD(ff_xinpcb, tt_persist),
	ABI_FIELD(ff_xinpcb, tt_keep), ABI_FIELD(ff_xinpcb, tt_2msl),
	ABI_FIELD(ff_xinpcb, tt_delack), ABI_FIELD(ff_xinpcb, t_rcvtime),
	ABI_FIELD(ff_xinpcb, xt_cc), ABI_FIELD(ff_xinpcb, xi_spare),
/* Later message kinds append their structs here. */

/* Statistics exported as opaque sysctls, FreeBSD's first. */

#define ABI_S tcpstat
	ABI_STATS(TCPSTAT_LIST)
#undef ABI_S
#define ABI_S ipstat
	    ABI_STATS(IPSTAT_LIST)
#undef ABI_S
#define ABI_S udpstat
		ABI_STATS(UDPSTAT_LIST)
#undef ABI_S
#define ABI_S icmpstat
		    ABI_STATS(ICMPSTAT_LIST)
#undef ABI_S
#define ABI_S ipfwstat
			ABI_STATS(IPFWSTAT_LIST)
#undef ABI_S
#define ABI_S arpstat
			    ABI_STATS(ARPSTAT_LIST)
#undef ABI_S
#define ABI_S tcpxstat
				ABI_STATS(TCPXSTAT_LIST)
#undef ABI_S
#define ABI_S ipxstat
				    ABI_STATS(IPXSTAT_LIST)
#undef ABI_S
#define ABI_S udpxstat
					ABI_STATS(UDPXSTAT_LIST)
#undef ABI_S
#define ABI_S arpxstat
					    ABI_STATS(ARPXSTAT_LIST)
#undef ABI_S
#define ABI_S etherxstat
						ABI_STATS(ETHERXSTAT_LIST)
#undef ABI_S
#define ABI_S sostat
						    ABI_STATS(SOSTAT_LIST)
#undef ABI_S

							{ NULL, NULL, 0, 0 } };

uint32_t
ff_msg_abi_version(void)
{
	return (FF_MSG_ABI_VERSION);
}

const struct ff_msg_abi_entry *
ff_msg_abi_table(void)
{
	return (ff_msg_abi);
}

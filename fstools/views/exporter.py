"""Prometheus metrics of stack.Snapshot samples (ff-exporter).

Every number has one metric name, after Prometheus' conventions
(https://prometheus.io/docs/practices/naming/): an ``ff_`` prefix,
snake case, the unit in the name (``_bytes``, ``_seconds``), ``_total``
on counters.  Labels: ``proc`` (the stack process) everywhere,
``interface`` on interface counters, ``mode`` on CPU time, ``state`` on
TCP connections, ``type`` on the ICMP histograms.

- STATS: every field of every stats struct (net.inet.tcp.stats is
  struct tcpstat, ...) by FreeBSD's field name: (metric name without
  ``ff_`` and ``_total``, help).  A unit test holds it complete against
  the layouts the library exports.
- IF_COUNTERS, PORT_COUNTERS: interface (if_data) and port counters.
- GAUGES: the read-only sysctls that go up and down.  A read-only
  sysctl not listed still appears: ``ff_<name>`` (``kern.`` or
  ``net.inet.``/``net.`` dropped, dots as underscores), ``_total`` for
  a 64-bit counter such as kern.ipc.overload.win_shrunk.

Used by fstools/exporter.py.  Tests: tests/unit/test_exporter.py.
"""

import re

from fstools.views import counters as cnt
from fstools.views import dashboard

# struct -> {field: (name, help)}
STATS = {
    "tcpstat": {
        "tcps_connattempt": (
            "tcp_connection_attempts",
            "Connections initiated",
        ),
        "tcps_accepts": ("tcp_accepted_connections", "Connections accepted"),
        "tcps_connects": (
            "tcp_established_connections",
            "Connections established",
        ),
        "tcps_drops": ("tcp_dropped_connections", "Connections dropped"),
        "tcps_conndrops": (
            "tcp_embryonic_dropped_connections",
            "Embryonic connections dropped",
        ),
        "tcps_minmssdrops": (
            "tcp_minmssdrops",
            "Average minmss too low drops",
        ),
        "tcps_closed": (
            "tcp_closed_connections",
            "Conn. closed (includes drops)",
        ),
        "tcps_segstimed": ("tcp_segstimed", "Segs where we tried to get rtt"),
        "tcps_rttupdated": ("tcp_rttupdated", "Times we succeeded"),
        "tcps_delack": ("tcp_delack", "Delayed acks sent"),
        "tcps_timeoutdrop": (
            "tcp_retransmit_timeout_dropped_connections",
            "Conn. dropped in rxmt timeout",
        ),
        "tcps_rexmttimeo": ("tcp_retransmit_timeouts", "Retransmit timeouts"),
        "tcps_persisttimeo": ("tcp_persist_timeouts", "Persist timeouts"),
        "tcps_keeptimeo": ("tcp_keepalive_timeouts", "Keepalive timeouts"),
        "tcps_keepprobe": ("tcp_keepalive_probes", "Keepalive probes sent"),
        "tcps_keepdrops": (
            "tcp_keepalive_dropped_connections",
            "Connections dropped in keepalive",
        ),
        "tcps_progdrops": ("tcp_progdrops", "Drops due to no progress"),
        "tcps_sndtotal": ("tcp_sent_segments", "Total packets sent"),
        "tcps_sndpack": ("tcp_sent_data_segments", "Data packets sent"),
        "tcps_sndbyte": ("tcp_sent_data_bytes", "Data bytes sent"),
        "tcps_sndrexmitpack": (
            "tcp_retransmitted_segments",
            "Data packets retransmitted",
        ),
        "tcps_sndrexmitbyte": (
            "tcp_retransmitted_bytes",
            "Data bytes retransmitted",
        ),
        "tcps_sndrexmitbad": (
            "tcp_unnecessary_retransmitted_segments",
            "Unnecessary packet retransmissions",
        ),
        "tcps_sndacks": (
            "tcp_sent_ack_only_segments",
            "Ack-only packets sent",
        ),
        "tcps_sndprobe": ("tcp_sent_window_probes", "Window probes sent"),
        "tcps_sndurg": (
            "tcp_sent_urg_only_segments",
            "Packets sent with URG only",
        ),
        "tcps_sndwinup": (
            "tcp_sent_window_updates",
            "Window update-only packets sent",
        ),
        "tcps_sndctrl": (
            "tcp_sent_control_segments",
            "Control (SYN|FIN|RST) packets sent",
        ),
        "tcps_rcvtotal": ("tcp_received_segments", "Total packets received"),
        "tcps_rcvpack": (
            "tcp_received_in_sequence_segments",
            "Packets received in sequence",
        ),
        "tcps_rcvbyte": (
            "tcp_received_in_sequence_bytes",
            "Bytes received in sequence",
        ),
        "tcps_rcvbadsum": (
            "tcp_received_bad_checksum_segments",
            "Packets received with ccksum errs",
        ),
        "tcps_rcvbadoff": (
            "tcp_received_bad_offset_segments",
            "Packets received with bad offset",
        ),
        "tcps_rcvreassfull": (
            "tcp_reassembly_full_dropped_segments",
            "Packets dropped for no reass space",
        ),
        "tcps_rcvshort": (
            "tcp_received_too_short_segments",
            "Packets received too short",
        ),
        "tcps_rcvduppack": (
            "tcp_received_duplicate_segments",
            "Duplicate-only packets received",
        ),
        "tcps_rcvdupbyte": (
            "tcp_received_duplicate_bytes",
            "Duplicate-only bytes received",
        ),
        "tcps_rcvpartduppack": (
            "tcp_received_partly_duplicate_segments",
            "Packets with some duplicate data",
        ),
        "tcps_rcvpartdupbyte": (
            "tcp_received_partly_duplicate_bytes",
            "Dup. bytes in part-dup. packets",
        ),
        "tcps_rcvoopack": (
            "tcp_received_out_of_order_segments",
            "Out-of-order packets received",
        ),
        "tcps_rcvoobyte": (
            "tcp_received_out_of_order_bytes",
            "Out-of-order bytes received",
        ),
        "tcps_rcvpackafterwin": (
            "tcp_received_after_window_segments",
            "Packets with data after window",
        ),
        "tcps_rcvbyteafterwin": (
            "tcp_received_after_window_bytes",
            "Bytes rcvd after window",
        ),
        "tcps_rcvafterclose": (
            "tcp_received_after_close_segments",
            'Packets rcvd after "close"',
        ),
        "tcps_rcvwinprobe": (
            "tcp_received_window_probes",
            "Rcvd window probe packets",
        ),
        "tcps_rcvdupack": (
            "tcp_received_duplicate_acks",
            "Rcvd duplicate acks",
        ),
        "tcps_rcvacktoomuch": (
            "tcp_received_acks_for_unsent_data",
            "Rcvd acks for unsent data",
        ),
        "tcps_rcvackpack": ("tcp_received_ack_segments", "Rcvd ack packets"),
        "tcps_rcvackbyte": ("tcp_acked_bytes", "Bytes acked by rcvd acks"),
        "tcps_rcvwinupd": (
            "tcp_received_window_updates",
            "Rcvd window update packets",
        ),
        "tcps_pawsdrop": (
            "tcp_paws_dropped_segments",
            "Segments dropped due to PAWS",
        ),
        "tcps_predack": ("tcp_predack", "Times hdr predict ok for acks"),
        "tcps_preddat": ("tcp_preddat", "Times hdr predict ok for data pkts"),
        "tcps_pcbcachemiss": ("tcp_pcbcachemiss", "PCB cache misses"),
        "tcps_cachedrtt": (
            "tcp_cachedrtt",
            "Times cached RTT in route updated",
        ),
        "tcps_cachedrttvar": (
            "tcp_cachedrttvar",
            "Times cached rttvar updated",
        ),
        "tcps_cachedssthresh": (
            "tcp_cachedssthresh",
            "Times cached ssthresh updated",
        ),
        "tcps_usedrtt": ("tcp_usedrtt", "Times RTT initialized from route"),
        "tcps_usedrttvar": (
            "tcp_usedrttvar",
            "Times RTTVAR initialized from rt",
        ),
        "tcps_usedssthresh": (
            "tcp_usedssthresh",
            "Times ssthresh initialized from rt",
        ),
        "tcps_persistdrop": ("tcp_persistdrop", "Timeout in persist state"),
        "tcps_badsyn": ("tcp_badsyn", "Bogus SYN, e.g. premature ACK"),
        "tcps_mturesent": ("tcp_mturesent", "Resends due to MTU discovery"),
        "tcps_listendrop": (
            "tcp_listen_queue_overflows",
            "Listen queue overflows",
        ),
        "tcps_badrst": ("tcp_badrst", "Ignored RSTs in the window"),
        "tcps_sc_added": ("tcp_sc_added", "Entry added to syncache"),
        "tcps_sc_retransmitted": (
            "tcp_sc_retransmitted",
            "Syncache entry was retransmitted",
        ),
        "tcps_sc_dupsyn": ("tcp_sc_dupsyn", "Duplicate SYN packet"),
        "tcps_sc_dropped": ("tcp_sc_dropped", "Could not reply to packet"),
        "tcps_sc_completed": (
            "tcp_sc_completed",
            "Successful extraction of entry",
        ),
        "tcps_sc_bucketoverflow": (
            "tcp_sc_bucketoverflow",
            "Syncache per-bucket limit hit",
        ),
        "tcps_sc_cacheoverflow": (
            "tcp_sc_cacheoverflow",
            "Syncache cache limit hit",
        ),
        "tcps_sc_reset": ("tcp_sc_reset", "RST removed entry from syncache"),
        "tcps_sc_stale": ("tcp_sc_stale", "Timed out or listen socket gone"),
        "tcps_sc_aborted": ("tcp_sc_aborted", "Syncache entry aborted"),
        "tcps_sc_badack": ("tcp_sc_badack", "Removed due to bad ACK"),
        "tcps_sc_unreach": ("tcp_sc_unreach", "ICMP unreachable received"),
        "tcps_sc_zonefail": ("tcp_sc_zonefail", "Zalloc() failed"),
        "tcps_sc_sendcookie": ("tcp_sc_sendcookie", "SYN cookie sent"),
        "tcps_sc_recvcookie": ("tcp_sc_recvcookie", "SYN cookie received"),
        "tcps_hc_added": ("tcp_hc_added", "Entry added to hostcache"),
        "tcps_hc_bucketoverflow": (
            "tcp_hc_bucketoverflow",
            "Hostcache per bucket limit hit",
        ),
        "tcps_finwait2_drops": (
            "tcp_finwait2_drops",
            "FIN_WAIT_2 dropped after limit",
        ),
        "tcps_sack_recovery_episode": (
            "tcp_sack_recovery_episode",
            "SACK recovery episodes",
        ),
        "tcps_sack_rexmits": (
            "tcp_sack_retransmitted_segments",
            "SACK rexmit segments",
        ),
        "tcps_sack_rexmit_bytes": (
            "tcp_sack_retransmitted_bytes",
            "SACK rexmit bytes",
        ),
        "tcps_sack_rcv_blocks": (
            "tcp_sack_rcv_blocks",
            "SACK blocks (options) received",
        ),
        "tcps_sack_send_blocks": (
            "tcp_sack_send_blocks",
            "SACK blocks (options) sent",
        ),
        "tcps_sack_lostrexmt": (
            "tcp_sack_lostrexmt",
            "SACK lost retransmission recovered",
        ),
        "tcps_sack_sboverflow": (
            "tcp_sack_sboverflow",
            "Times scoreboard overflowed",
        ),
        "tcps_ecn_rcvce": ("tcp_ecn_rcvce", "ECN Congestion Experienced"),
        "tcps_ecn_rcvect0": ("tcp_ecn_rcvect0", "ECN Capable Transport"),
        "tcps_ecn_rcvect1": ("tcp_ecn_rcvect1", "ECN Capable Transport"),
        "tcps_ecn_shs": ("tcp_ecn_shs", "ECN successful handshakes"),
        "tcps_ecn_rcwnd": ("tcp_ecn_rcwnd", "# times ECN reduced the cwnd"),
        "tcps_sig_rcvgoodsig": (
            "tcp_sig_rcvgoodsig",
            "Total matching signature received",
        ),
        "tcps_sig_rcvbadsig": (
            "tcp_sig_rcvbadsig",
            "Total bad signature received",
        ),
        "tcps_sig_err_buildsig": (
            "tcp_sig_err_buildsig",
            "Failed to make signature",
        ),
        "tcps_sig_err_sigopt": (
            "tcp_sig_err_sigopt",
            "No signature expected by socket",
        ),
        "tcps_sig_err_nosigopt": (
            "tcp_sig_err_nosigopt",
            "No signature provided by segment",
        ),
        "tcps_pmtud_blackhole_activated": (
            "tcp_pmtud_blackhole_activated",
            "Black Hole Count",
        ),
        "tcps_pmtud_blackhole_activated_min_mss": (
            "tcp_pmtud_blackhole_activated_min_mss",
            "BH at min MSS",
        ),
        "tcps_pmtud_blackhole_failed": (
            "tcp_pmtud_blackhole_failed",
            "Black Hole Failure Count",
        ),
        "tcps_tunneled_pkts": (
            "tcp_tunneled_pkts",
            "Packets encap's in UDP received",
        ),
        "tcps_tunneled_errs": (
            "tcp_tunneled_errs",
            "Errors in UDP-encapsulated packets",
        ),
        "tcps_dsack_count": (
            "tcp_dsack_count",
            "Number of ACKs arriving with DSACKs",
        ),
        "tcps_dsack_bytes": (
            "tcp_dsack_bytes",
            "Number of bytes DSACK'ed no TLP",
        ),
        "tcps_dsack_tlp_bytes": (
            "tcp_dsack_tlp_bytes",
            "Number of bytes DSACK'ed due to TLPs",
        ),
        "tcps_tw_recycles": (
            "tcp_tw_recycles",
            "Times time-wait was recycled.",
        ),
        "tcps_tw_resets": ("tcp_tw_resets", "Times time-wait sent a reset."),
        "tcps_tw_responds": (
            "tcp_tw_responds",
            "Times time-wait sent a valid ack.",
        ),
        "tcps_ace_nect": ("tcp_ace_nect", "ACE SYN packet with Non-ECT"),
        "tcps_ace_ect1": ("tcp_ace_ect1", "ACE SYN packet with ECT1"),
        "tcps_ace_ect0": ("tcp_ace_ect0", "ACE SYN packet with ECT0"),
        "tcps_ace_ce": ("tcp_ace_ce", "ACE SYN packet with CE"),
        "tcps_ecn_sndect0": ("tcp_ecn_sndect0", "ECN Capable Transport"),
        "tcps_ecn_sndect1": ("tcp_ecn_sndect1", "ECN Capable Transport"),
        "tcps_tlpresends": (
            "tcp_tlp_resent_segments",
            "Number of tlp resends",
        ),
        "tcps_tlpresend_bytes": (
            "tcp_tlp_resent_bytes",
            "Number of bytes resent by tlp",
        ),
    },
    "tcpxstat": {
        "tcpx_badflags": (
            "tcp_badflags",
            "SYN with FIN or RST, no flags, ...",
        ),
        "tcpx_badaddr": ("tcp_badaddr", "Broadcast/multicast endpoint"),
        "tcpx_noport": ("tcp_noport", "No socket: answered with RST"),
        "tcpx_nombuf": ("tcp_nombuf", "No mbuf for a segment we send"),
        "tcpx_notsyn": ("tcp_notsyn", "LISTEN: not a SYN, dropped"),
        "tcpx_nopcb": ("tcp_nopcb", "No control block for a new conn."),
        "tcpx_outofwin": ("tcp_outofwin", "Unacceptable segment (RFC 9293)"),
        "tcpx_synsentbadack": (
            "tcp_synsentbadack",
            "SYN_SENT: ACK outside iss..snd_max",
        ),
        "tcpx_noack": ("tcp_noack", "Synchronized state, no ACK bit"),
        "tcpx_oerrors": ("tcp_oerrors", "Ip_output refused a segment"),
        "tcpx_icmpnopcb": ("tcp_icmpnopcb", "ICMP error: no such connection"),
        "tcpx_icmpbadseq": (
            "tcp_icmpbadseq",
            "ICMP error: quoted seq not in flight",
        ),
        "tcpx_icmpbadmtu": (
            "tcp_icmpbadmtu",
            "ICMP frag-needed: MTU not smaller",
        ),
        "tcpx_sc_badcookie": (
            "tcp_sc_badcookie",
            "ACK to a listener, bad cookie",
        ),
        "tcpx_sc_nosock": ("tcp_sc_nosock", "Cache entry, no socket for it"),
        "tcpx_challenge_ack": (
            "tcp_challenge_ack",
            "RFC 5961 challenge ACKs sent",
        ),
        "tcpx_ackwar_limited": (
            "tcp_ackwar_limited",
            "... suppressed by the rate limit",
        ),
        "tcpx_tw_rstignored": (
            "tcp_tw_rstignored",
            "RFC 1337: RST in TIME_WAIT",
        ),
        "tcpx_blackholed": (
            "tcp_blackholed",
            "Closed port, no RST (blackhole)",
        ),
        "tcpx_badsack": ("tcp_badsack", "SACK block outside snd_una..snd_max"),
        "tcpx_sack_rescue": (
            "tcp_sack_rescue",
            "RFC 6675 rescue retransmissions",
        ),
        "tcpx_hc_nospace": (
            "tcp_hc_nospace",
            "Host cache full: entry not added",
        ),
        "tcpx_ghostack": ("tcp_ghostack", "ACK below snd_una - max window"),
    },
    "ipstat": {
        "ips_total": ("ip_received_packets", "Total packets received"),
        "ips_badsum": ("ip_bad_checksum_packets", "Checksum bad"),
        "ips_tooshort": ("ip_tooshort", "Packet too short"),
        "ips_toosmall": ("ip_toosmall", "Not enough data"),
        "ips_badhlen": ("ip_badhlen", "Ip header length < data size"),
        "ips_badlen": ("ip_badlen", "Ip length < ip header length"),
        "ips_fragments": ("ip_fragments", "Fragments received"),
        "ips_fragdropped": (
            "ip_fragdropped",
            "Frags dropped (dups, out of space)",
        ),
        "ips_fragtimeout": ("ip_fragtimeout", "Fragments timed out"),
        "ips_forward": ("ip_forward", "Packets forwarded"),
        "ips_fastforward": ("ip_fastforward", "Packets fast forwarded"),
        "ips_cantforward": (
            "ip_cantforward",
            "Packets rcvd for unreachable dest",
        ),
        "ips_redirectsent": (
            "ip_redirectsent",
            "Packets forwarded on same net",
        ),
        "ips_noproto": ("ip_noproto", "Unknown or unsupported protocol"),
        "ips_delivered": (
            "ip_delivered_packets",
            "Datagrams delivered to upper level",
        ),
        "ips_localout": ("ip_sent_packets", "Total ip packets generated here"),
        "ips_odropped": (
            "ip_output_dropped_packets",
            "Lost packets due to nobufs, etc.",
        ),
        "ips_reassembled": ("ip_reassembled", "Total packets reassembled ok"),
        "ips_fragmented": (
            "ip_fragmented",
            "Datagrams successfully fragmented",
        ),
        "ips_ofragments": ("ip_ofragments", "Output fragments created"),
        "ips_cantfrag": ("ip_cantfrag", "Don't fragment flag was set, etc."),
        "ips_badoptions": ("ip_badoptions", "Error in option processing"),
        "ips_noroute": (
            "ip_no_route_packets",
            "Packets discarded due to no route",
        ),
        "ips_badvers": ("ip_badvers", "Ip version != 4"),
        "ips_rawout": ("ip_rawout", "Total raw ip packets generated"),
        "ips_toolong": ("ip_toolong", "Ip length > max ip packet size"),
        "ips_notmember": ("ip_notmember", "Multicasts for unregistered grps"),
        "ips_nogif": ("ip_nogif", "No match gif found"),
        "ips_badaddr": ("ip_badaddr", "Invalid address on header"),
    },
    "ipxstat": {
        "ipx_ttlexceeded": ("ip_ttlexceeded", "TTL ran out while forwarding"),
        "ipx_loopdrop": ("ip_loopdrop", "Loopback nesting too deep"),
        "ipx_reassmem": ("ip_reassmem", "Fragment refused: memory bound"),
    },
    "udpstat": {
        "udps_ipackets": ("udp_received_datagrams", "Total input packets"),
        "udps_hdrops": ("udp_hdrops", "Packet shorter than header"),
        "udps_badsum": ("udp_bad_checksum_datagrams", "Checksum error"),
        "udps_nosum": ("udp_nosum", "No checksum"),
        "udps_badlen": ("udp_badlen", "Data length larger than packet"),
        "udps_noport": ("udp_no_port_datagrams", "No socket on port"),
        "udps_noportbcast": (
            "udp_noportbcast",
            "Of above, arrived as broadcast",
        ),
        "udps_fullsock": (
            "udp_socket_full_datagrams",
            "Not delivered, input socket full",
        ),
        "udpps_pcbcachemiss": (
            "udp_pcbcachemiss",
            "Input packets missing pcb cache",
        ),
        "udpps_pcbhashmiss": (
            "udp_pcbhashmiss",
            "Input packets not for hashed pcb",
        ),
        "udps_opackets": ("udp_sent_datagrams", "Total output packets"),
        "udps_fastout": ("udp_fastout", "Output packets on fast path"),
        "udps_noportmcast": (
            "udp_noportmcast",
            "Of no port, arrived as multicast",
        ),
        "udps_filtermcast": ("udp_filtermcast", "Blocked by multicast filter"),
    },
    "udpxstat": {
        "udpx_icmpnotify": ("udp_icmpnotify", "ICMP error: so_error set"),
        "udpx_icmpnopcb": ("udp_icmpnopcb", "ICMP error: no connected socket"),
        "udpx_icmpbadquote": (
            "udp_icmpbadquote",
            "ICMP error: quote no UDP header",
        ),
        "udpx_icmpignored": ("udp_icmpignored", "ICMP error: no errno for it"),
    },
    "icmpstat": {
        "icps_error": ("icmp_error_calls", "Calls to icmp_error"),
        "icps_oldshort": ("icmp_oldshort", "No error: old ip too short"),
        "icps_oldicmp": ("icmp_oldicmp", "No error: old was an icmp error"),
        "icps_outhist": (
            "icmp_sent_messages",
            "ICMP messages sent, by ICMP type",
        ),
        "icps_badcode": ("icmp_badcode", "Icmp_code out of range"),
        "icps_tooshort": ("icmp_tooshort", "Packet < ICMP_MINLEN"),
        "icps_checksum": ("icmp_checksum", "Bad checksum"),
        "icps_badlen": ("icmp_badlen", "Calculated bound mismatch"),
        "icps_reflect": ("icmp_responses", "Responses sent"),
        "icps_inhist": (
            "icmp_received_messages",
            "ICMP messages received, by ICMP type",
        ),
        "icps_bmcastecho": (
            "icmp_bmcastecho",
            "B/mcast echo requests dropped",
        ),
        "icps_bmcasttstamp": (
            "icmp_bmcasttstamp",
            "B/mcast tstamp requests dropped",
        ),
        "icps_badaddr": ("icmp_badaddr", "Bad return address"),
        "icps_noroute": ("icmp_noroute", "No route back"),
    },
    "arpstat": {
        "txrequests": ("arp_txrequests", "ARP requests sent"),
        "txreplies": ("arp_txreplies", "ARP replies sent"),
        "rxrequests": ("arp_rxrequests", "ARP requests received"),
        "rxreplies": ("arp_rxreplies", "ARP replies received"),
        "received": ("arp_received", "ARP packets received"),
        "txerrors": ("arp_txerrors", "ARP requests that failed to go out"),
        "dropped": ("arp_dropped", "Packets dropped waiting for a reply"),
        "timeouts": ("arp_timeouts", "Entries removed by timeout"),
        "dupips": ("arp_dupips", "Duplicate IPs detected"),
    },
    "arpxstat": {
        "arpx_tooshort": ("arp_tooshort", "Shorter than an Ethernet ARP"),
        "arpx_badhrd": ("arp_badhrd", "Hardware type not Ethernet"),
        "arpx_badpro": ("arp_badpro", "Protocol not IPv4"),
        "arpx_badlen": ("arp_badlen", "Address lengths not 6/4"),
        "arpx_badop": ("arp_badop", "Neither request nor reply"),
        "arpx_fromself": ("arp_fromself", "Sender hardware address is ours"),
        "arpx_bcastsrc": ("arp_bcastsrc", "Sender hardware is broadcast"),
        "arpx_badaddr": ("arp_badaddr", "Sender IP multicast/broadcast"),
        "arpx_notours": ("arp_notours", "Not about our addresses: ignored"),
        "arpx_permanent": ("arp_permanent", "Tried to change a static entry"),
        "arpx_tablefull": ("arp_tablefull", "No room for a new entry"),
    },
    "etherxstat": {
        "ethx_tooshort": ("ether_tooshort", "Shorter than a header (ierrors)"),
        "ethx_vlandrop": (
            "ether_vlandrop",
            "Tagged, vlan_accept off (noproto)",
        ),
        "ethx_llc": ("ether_llc", "802.3 length field (noproto)"),
        "ethx_unknown": ("ether_unknown", "Unknown ether type (noproto)"),
        "ethx_notours": ("ether_notours", "Unicast to another station"),
        "ethx_ifdown": ("ether_ifdown", "Interface down (iqdrops)"),
        "ethx_nobufs": ("ether_nobufs", "No room for a link header"),
        "ethx_toolong": (
            "ether_toolong",
            "Longer than the MTU allows (ierrors)",
        ),
    },
    "sostat": {
        "sos_created": ("socket_created_sockets", "Sockets created"),
        "sos_freed": ("socket_freed_sockets", "Sockets freed"),
        "sos_limit": ("socket_limit", "Refused: kern.ipc.maxsockets reached"),
        "sos_qoverflow": (
            "socket_qoverflow",
            "Sonewconn: listen queue overflow",
        ),
        "sos_nobufs": ("socket_nobufs", "Sosend: no mbuf for the data"),
        "sos_sbfull": ("socket_sbfull", "Sbappendaddr: no room (dropped)"),
        "sos_zcget": ("socket_zc_get_chains", "Zero copy: chains made"),
        "sos_zcrecv": ("socket_zc_recv_chains", "Zero copy: chains received"),
        "sos_zcsend": ("socket_zc_sends", "Zero copy: sends that took bytes"),
        "sos_zcpartial": (
            "socket_zc_partial_sends",
            "Zero copy: sends that left part of the chain",
        ),
        "sos_zccut": (
            "socket_zc_cut_segments",
            "Zero copy: segments copied to cut a chain",
        ),
        "sos_zcfree": ("socket_zc_freed_chains", "Zero copy: chains freed"),
        "sos_zcbadarg": (
            "socket_zc_badarg",
            "Zero copy: NULL or bad length refused",
        ),
        "sos_zcbadchain": (
            "socket_zc_badchain",
            "Zero copy: chain not held (foreign or used twice) refused",
        ),
        "sos_zcnobufs": (
            "socket_zc_nobufs",
            "Zero copy: no mbuf, or too many chains held",
        ),
        "sos_zcref": (
            "socket_zc_ref_segments",
            "Zero copy: segments sent by reference to the send buffer",
        ),
    },
    "ipfwstat": {
        "ipfw_denied": (
            "ipfw_denied_packets",
            "Packets denied (deny, reject, unreach)",
        ),
        "ipfw_rejected": (
            "ipfw_rejected_packets",
            "Denied packets answered with an RST or ICMP unreachable",
        ),
        "ipfw_short": (
            "ipfw_short_packets",
            "Transport header cut short (matched without ports)",
        ),
        "ipfw_dyn_full": (
            "ipfw_dynamic_rules_refused",
            "States refused: net.inet.ip.fw.dyn_max reached",
        ),
        "ipfw_limit_drop": (
            "ipfw_limit_dropped_packets",
            "Packets over a limit rule's count",
        ),
        "ipfw_dyn_expired": ("ipfw_dynamic_rules_expired", "States expired"),
        "ipfw_callstack": (
            "ipfw_call_stack_overflows",
            "Calls past the call stack (went on with the next rule)",
        ),
        "ipfw_log_limited": (
            "ipfw_log_limited",
            "Log lines not written: logamount reached",
        ),
        "ipfw_table_full": (
            "ipfw_table_entries_refused",
            "Table entries refused: table full",
        ),
    },
}

# if_data counters (ifconfig/netstat -i): name, help.
IF_COUNTERS = {
    "ipackets": ("interface_received_packets", "Packets received"),
    "ierrors": ("interface_receive_errors", "Input errors"),
    "opackets": ("interface_sent_packets", "Packets sent"),
    "oerrors": ("interface_send_errors", "Output errors"),
    "collisions": ("interface_collisions", "Collisions on CSMA links"),
    "ibytes": ("interface_received_bytes", "Bytes received"),
    "obytes": ("interface_sent_bytes", "Bytes sent"),
    "imcasts": (
        "interface_received_multicast_packets",
        "Multicast packets received",
    ),
    "omcasts": ("interface_sent_multicast_packets", "Multicast packets sent"),
    "iqdrops": ("interface_receive_drops", "Input packets dropped"),
    "oqdrops": ("interface_send_drops", "Output packets dropped"),
    "noproto": (
        "interface_unknown_protocol_packets",
        "Packets for an unknown or unsupported protocol",
    ),
}

# The ports' counters (ff-traffic): TrafficStats field -> name, help.
PORT_COUNTERS = {
    "rx_packets": ("port_received_packets", "Packets received by the ports"),
    "rx_bytes": ("port_received_bytes", "Bytes received by the ports"),
    "rx_dropped": ("port_receive_drops", "Packets the ports dropped on input"),
    "tx_packets": ("port_sent_packets", "Packets sent by the ports"),
    "tx_bytes": ("port_sent_bytes", "Bytes sent by the ports"),
    "tx_dropped": ("port_send_drops", "Packets the ports dropped on output"),
}

# Read-only sysctls that go up and down: sysctl -> name, help.
GAUGES = {
    "kern.ipc.numopensockets": ("sockets_open", "Open sockets"),
    "kern.ipc.maxsockets": ("sockets_max", "Most sockets the stack may open"),
    "kern.ipc.nmbufs": ("mbufs", "Packet buffers in the pool"),
    "kern.ipc.mclbytes": (
        "mbuf_data_bytes",
        "Data one packet buffer holds: 2048, or a jumbo frame",
    ),
    "kern.ipc.overload.mbufs_free": (
        "mbufs_free",
        "Packet buffers free in the pool",
    ),
    "kern.ipc.overload.level": (
        "overload_level",
        "Pool pressure: 0 none, 1 windows, 2 SYNs, 3 reassembly",
    ),
    "kern.openfiles": ("files_open", "Open descriptors"),
    "kern.maxfiles": ("files_max", "Most descriptors the stack may open"),
    "net.inet.tcp.pcbcount": ("tcp_pcbs", "Live TCP control blocks"),
    "net.inet.tcp.syncache.count": (
        "tcp_syncache_entries",
        "Entries in the SYN cache",
    ),
    "net.inet.tcp.hostcache.count": (
        "tcp_hostcache_entries",
        "Entries in the TCP host cache",
    ),
    "net.inet.tcp.sack.globalholes": (
        "tcp_sack_holes",
        "SACK scoreboard holes allocated",
    ),
}
STATES = "net.inet.tcp.states"

NAME_RE = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def sysctl_metric(name):
    """The name of a read-only sysctl not in GAUGES (see the module's
    docstring): kern.ipc.overload.win_shrunk -> ipc_overload_win_shrunk."""
    for prefix in ("kern.", "net.inet.", "net."):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return re.sub(r"[^a-zA-Z0-9_]", "_", name)


def families(snaps):
    """The metric families of one scrape: snapshots of every process."""
    from prometheus_client.core import (
        CounterMetricFamily,
        GaugeMetricFamily,
    )

    fam = {}

    def add(kind, name, help_, labels, value, extra=()):
        key = "ff_" + name
        if key not in fam:
            cls = CounterMetricFamily if kind == "c" else GaugeMetricFamily
            fam[key] = cls(key, help_, labels=[n for n, _ in labels])
        fam[key].add_metric([v for _, v in labels], value)

    for s in snaps:
        proc = ("proc", str(s.proc_id))
        _top(add, proc, s.top)
        for field, (name, help_) in PORT_COUNTERS.items():
            add("c", name, help_, [proc], getattr(s.traffic, field))
        for ifp in s.interfaces:
            for field, value in ifp.counters.items():
                name, help_ = IF_COUNTERS[field]
                add("c", name, help_, [proc, ("interface", ifp.name)], value)
        for struct, fields in s.stats().items():
            _stats(add, proc, struct, fields)
        _sysctls(add, proc, s)
    return list(fam.values())


def _top(add, proc, top):
    hz = top.tsc_hz or 1
    for mode in ("idle", "sys", "usr"):
        add(
            "c",
            "cpu_seconds",
            "Main-loop time by mode: idle, sys (the stack), usr (the "
            "application), from the cycle counters ff-top shows",
            [proc, ("mode", mode)],
            getattr(top, mode + "_tsc") / hz,
        )
    add("c", "loop_iterations", "Main-loop iterations", [proc], top.loops)


def _stats(add, proc, struct, fields):
    table = STATS.get(struct, {})
    for field, value in fields.items():
        if field not in table:
            continue  # padding and spares
        name, help_ = table[field]
        if isinstance(value, list):
            for i, v in enumerate(value):
                add("c", name, help_, [proc, ("type", str(i))], v)
        else:
            add("c", name, help_, [proc], value)


def _sysctls(add, proc, snap):
    for name, node in snap.sysctls.items():
        if node.error or node.fmt.startswith("S,"):
            continue
        value = node.decoded
        if name == STATES and isinstance(value, list):
            for state, n in zip(dashboard.TCP_STATES, value):
                add(
                    "g",
                    "tcp_connections",
                    "TCP control blocks by state (net.inet.tcp.states)",
                    [proc, ("state", state)],
                    n,
                )
        elif name in GAUGES and isinstance(value, int):
            add("g", *GAUGES[name], [proc], value)
        elif isinstance(value, int):
            counter = cnt.is_counter(node)
            add(
                "c" if counter else "g",
                sysctl_metric(name),
                "sysctl %s" % name,
                [proc],
                value,
            )

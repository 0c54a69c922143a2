/*
 * ff_config.c - read and check config.ini.
 *
 * Entry points: ff_config_defaults(), ff_config_load(),
 * ff_config_load_string().  The value parsers are in ff_config_parse.c,
 * the [vdevN] drivers and devargs folding in ff_config_vdev.c, what the
 * three share in ff_config_var.h; the test dump, ff_test_config_dump(), is
 * part of the test harness (testport/ff_test_config.c).
 *
 * libinih splits the text into sections and name=value pairs; this file
 * owns the rest: one table of keys (section, name, parser, field), the
 * checks that span keys and sections, and the messages, one line each:
 *   config.ini:12: [port0] netmask: 255.255.225.0 is not a contiguous netmask
 * The text is read into a scratch ff_config that is copied out only when
 * every check passed, so a caller never sees half a configuration.  No EAL
 * is needed: tools and tests load a config without starting DPDK.
 *
 * Syntax, as Debian's libinih 55 reads it and this file uses it:
 *  - a line is `[section]', `name = value' (or `name: value'), a comment or
 *    blank, at most 199 characters (a longer line is an error, not cut);
 *  - `;' or `#' first on a line starts a comment; inside a line `;' after a
 *    blank starts a comment too, `#' does not: it stays in the value, which
 *    then fails its check;
 *  - a value is one line: leading blanks are dropped before libinih sees a
 *    line, so an indented line is an ordinary line, never a continuation;
 *  - names are case-sensitive; a section or a key may appear only once.
 *
 * Sections and keys (F-Stack's names where F-Stack has the key; "ours"
 * marks the others):
 *
 * [dpdk]
 *   lcore_mask      hex, non-zero; one process per bit (default 1, at most
 *                   FF_MAX_PROCS = 32); process
 *                   N runs on the N-th lcore of the set (EAL -l); process
 *                   0 is the primary, the others secondaries (-t), all
 *                   on every port (README, "Several processes")
 *   lcore_list      the same set as a list, "2,4-5" (F-Stack's alternative
 *                   to lcore_mask; give one of the two)
 *   channel         EAL -n, memory channels, 0-32 (0 = EAL default)
 *   memory          EAL -m, MB (0 = as needed)
 *   no_huge         0/1: EAL --no-huge (memory private to the primary:
 *                   no tool can attach, and tools say so)
 *   base_virtaddr   EAL --base-virtaddr, hex
 *   file_prefix     EAL --file-prefix (default "ff"); the tools' -P
 *   allow           PCI allow list, comma-separated; F-Stack's older name
 *                   pci_whitelist is accepted too
 *   log_level       1-8 or emerg, alert, crit, err, warning, notice, info,
 *                   debug: DPDK's RTE_LOG_* (default warning)
 *   log_file        ours: log file (default stderr)
 *   port_list       ports to use, "0-3,5" (default: every [portN])
 *   nb_vdev         number of [vdevN] sections (default: as many as given)
 *   nb_bond         0 only: bonding is not supported
 *   promiscuous     0/1 (default 1)
 *   numa_on         0/1 (default 1): the packet pool and the rings on the
 *                   NUMA socket of the port, else on any socket
 *   tx_csum_offoad_skip  0/1 (F-Stack's spelling; tx_csum_offload_skip too)
 *   tso             0/1 (default 0): when the port offers TSO, turn it on
 *                   (IFCAP_TSO4) and send TCP super-segments of up to 64 KB
 *                   for the port to cut (netinet/tcp_output.c)
 *   vlan_strip      0/1 (default 1)
 *   vlan_filter     must be empty: VLAN filtering is not supported
 *   vlan_accept     ours: 0/1, accept VLAN-tagged frames (default 0)
 *   idle_sleep      µs to sleep after a loop that did nothing, 0-100000
 *                   (default 0)
 *   idle_spin       ours: µs to keep polling without sleeping after the
 *                   last iteration that did work, 0-100000 (default 0: sleep
 *                   after the first idle iteration); needs idle_sleep.  A
 *                   busy stack then answers without the wake-up of a sleep
 *                   (idle_sleep plus timer slack, ~55 µs by default), an
 *                   idle one still sleeps
 *   pkt_tx_delay    µs to hold transmitted packets to batch them, 0-100; a
 *                   full burst (32 frames) goes at once.  Default 0, not
 *                   F-Stack's 100: we are latency-first and flush at the end
 *                   of every loop, which costs nothing when the loop is busy
 *   rx_burst        ours: frames taken per receive burst, 1-32 (default
 *                   32); at 32 a port is read again while bursts come back
 *                   full (8 at most per loop iteration), below it once
 *   timer_slack     ours: µs the kernel may add to each idle_sleep
 *                   (prctl PR_SET_TIMERSLACK of the loop's thread), 1-100000;
 *                   default: the kernel's, 50 µs, so that idle_sleep=5
 *                   sleeps about 55 µs
 *   profile         ours: latency or throughput, a group of defaults for
 *                   pkt_tx_delay, rx_burst and TCP's delayed ACK; a key the
 *                   file sets itself wins (core/ff_config_profile.c)
 *   symmetric_rss   only 0: not supported yet (ff does not program a NIC's
 *                   RSS key; processes hash flows in software)
 *   nb_mbufs        ours: mbufs in the pool (default 8191)
 *   proc_type, proc_id   rejected: they come from the command line (-t, -p)
 *
 * [portN], N below FF_MAX_PORTS
 *   addr, netmask   IPv4, required; the netmask must be contiguous
 *   broadcast       must be addr | ~netmask, which is also the default
 *   gateway         inside the port's subnet; optional
 *   if_name         interface name (default f-stack-N)
 *   lcore_list      lcores serving the port, "0-3,5": every process serves
 *                   every port, so only the whole lcore_mask is accepted
 *   vip_addr        extra /32 addresses, "a;b;c" (no blank before a `;':
 *                   that starts a comment)
 *   rx_desc, tx_desc   ours: descriptors of each receive / transmit queue
 *                   (the ring the driver fills and the stack drains), a
 *                   power of two, 32-32768 (default 1024).  The driver may
 *                   round it to its own limits (rx_desc_lim): the primary
 *                   says so at start, and dev.<driver>.<unit>.rx_desc and
 *                   tx_desc show the sizes in force.  A larger receive ring
 *                   rides out a longer pause of the loop (a SYN flood over
 *                   net_af_xdp overflows 1024 in ~5 ms of preemption).
 *                   A size a virtual device ignores (net_tap, net_memif,
 *                   net_af_packet; net_af_xdp's tx_desc) is refused at
 *                   start by dpdk/ff_dpdk_port.c
 *   mtu             ours: the interface's IP MTU at start, 68-65535
 *                   (default: the driver's, 1500); ifconfig mtu changes it
 *                   later.  Checked at start against the driver
 *                   (rte_eth_dev_info's min_mtu, max_mtu, max_rx_pktlen)
 *                   by dpdk/ff_dpdk_port.c, with this line in the message.
 *                   net_memif (DPDK 22.11) has no MTU of its own (no
 *                   mtu_set, a max_rx_pktlen of 1518 its receive path
 *                   never checks): it carries a longer frame in chained
 *                   descriptors of its bsize= each, so there ff keeps the
 *                   MTU itself.  A port that sends each frame in one
 *                   mbuf (net_af_xdp, memif zero copy) takes no MTU whose
 *                   frame is longer than an mbuf (2048 bytes)
 *   csum_trust      ours: 0/1 (default 0), net_memif only.  1 when the
 *                   other end is an ff stack with csum_trust=1 too: TCP
 *                   and UDP checksums are left out on transmit (the
 *                   field holds the pseudo-header sum, as a NIC's
 *                   offload expects) and nothing received is verified
 *                   (the port says IFCAP_RXCSUM and IFCAP_TXCSUM, as
 *                   FreeBSD's lo0 and Linux's veth).  The IP header
 *                   sum is still computed.  A peer that checks (VPP,
 *                   an ff stack without it) drops every segment as a
 *                   bad checksum.  Refused on another [vdevN] driver
 *                   here, on a PCI port at start (dpdk/ff_dpdk_port.c)
 *   vip_ifname, ipfw_pr   must be empty: not supported yet (VIPs live on
 *                   the port's interface; ipfw has no fwd action for
 *                   ipfw_pr's policy routes)
 *   slave_port_list must be empty: bonding is not supported
 *   addr6, prefix_len, gateway6, vip_addr6   must be empty: no IPv6 yet
 *
 * [vdevN], N below FF_MAX_VDEVS: one DPDK virtual device (EAL --vdev)
 *   driver          net_tap, net_memif, net_af_packet, net_af_xdp, net_ring
 *                   or virtio_user (default virtio_user, as in F-Stack)
 *   args            devargs, passed as given
 *   iface, path, queues, queue_size, mac, cq   F-Stack's virtio-user keys,
 *                   folded into the devargs of the drivers that have them:
 *                     net_tap        iface, mac
 *                     net_af_packet  iface, qpairs=queues
 *                     net_af_xdp     iface, queue_count=queues
 *                     net_memif      socket=path, mac
 *                     virtio_user    path, queues, queue_size, mac, cq
 *   zero_copy       ours: 0/1, net_memif only, its client side only
 *                   (args=role=client): zero-copy=yes, the client's
 *                   frames stay in its own packet pool both ways, which
 *                   the server maps and copies from and into (DPDK's
 *                   server side has no such mode, so there it is an error,
 *                   as zero-copy= in args is); one process only.
 *                   The EAL then keeps each memory list in one hugepage
 *                   file (--single-file-segments), which memif needs to
 *                   hand the pool to its peer (ff_config_vdev.c)
 *                   A key the driver has no use for is an error.  The result
 *                   is vc_devargs, e.g. "net_tap0,iface=fftap0,mac=...".
 *
 * [freebsd.boot]: FreeBSD's loader tunables
 *   hz, kern.hz     callout ticks per second, 1-100000 (default 1000)
 *   kern.ipc.nmbufs packet buffers in the pool, as [dpdk] nb_mbufs (one
 *                   of the two, not both)
 *   fd_reserve      F-Stack's: descriptors start at this number, 0-1048576
 *                   (default 0), so that they do not overlap the kernel's
 *   any other name=value is kept in cfg->boot, with its line; the stack
 *   applies it at start to the sysctl of that name, which must be a
 *   tunable (CTLFLAG_TUN), or refuses to start (kern/kern_sysctl_tunable.c)
 *
 * [freebsd.sysctl]
 *   every name=value is kept in cfg->sysctl, with its line, and set at start
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "ff_ipc.h"
#include "core/ff_config_var.h"

/* A config file is small; a bigger one is a mistake (a log, a binary). */
#define CFG_MAX_FILE (1024 * 1024)

/*
 * The key table: one entry per key of each kind of section, naming its
 * value parser (ff_config_parse.c, cfg_driver() in ff_config_vdev.c) and
 * the field it fills.
 */
#define KEY(s, st, n, a, fn, t, fl, f, lo, hi, why)                            \
	{                                                                      \
		s, n, a, fn, t, fl, offsetof(st, f), sizeof(((st *)0)->f), lo, \
		    hi, why                                                    \
	}
#define D(n, fn, t, fl, f, lo, hi) \
	KEY(CS_DPDK, struct ff_dpdk_cfg, n, NULL, fn, t, fl, f, lo, hi, NULL)
#define P(n, fn, t, fl, f) \
	KEY(CS_PORT, struct ff_port_cfg, n, NULL, fn, t, fl, f, 0, 0, NULL)
#define PR(n, fn, t, fl, f, lo, hi) \
	KEY(CS_PORT, struct ff_port_cfg, n, NULL, fn, t, fl, f, lo, hi, NULL)
#define V(n, fn, t, fl, f, lo, hi) \
	KEY(CS_VDEV, struct ff_vdev_cfg, n, NULL, fn, t, fl, f, lo, hi, NULL)
/* A key F-Stack has and we refuse unless it is empty (or always). */
#define NO(s, n, fn, why)                                          \
	{                                                          \
		s, n, NULL, fn, CT_NONE, CK_EMPTY, 0, 0, 0, 0, why \
	}

const struct cfg_key cfg_keys[] = {
	D("lcore_mask", cfg_lcore_mask, CT_STR, 0, lcore_mask, 0, 0),
	D("lcore_list", cfg_lcores, CT_NONE, 0, lcore_mask, 0, 0),
	D("channel", cfg_int, CT_INT, 0, channel, 0, 32),
	D("memory", cfg_int, CT_INT, 0, memory, 0, 1 << 20),
	D("no_huge", cfg_int, CT_INT, 0, no_huge, 0, 1),
	D("base_virtaddr", cfg_hex, CT_STR, 0, base_virtaddr, 0, 0),
	D("file_prefix", cfg_name, CT_STR, 0, file_prefix, 0, 0),
	KEY(CS_DPDK, struct ff_dpdk_cfg, "allow", "pci_whitelist", cfg_str,
	    CT_STR, CK_EMPTY, allow, 0, 0, NULL),
	D("log_level", cfg_log_level, CT_INT, 0, log_level, 1, 8),
	D("log_file", cfg_str, CT_STR, CK_EMPTY, log_file, 0, 0),
	D("port_list", cfg_port_list, CT_NONE, 0, port_list, 0, 0),
	D("nb_vdev", cfg_int, CT_INT, 0, nb_vdev, 0, FF_MAX_VDEVS),
	{ CS_DPDK, "nb_bond", NULL, cfg_int, CT_NONE, 0, 0, 0, 0, 0,
	    "bonding is not supported (only 0)" },
	D("promiscuous", cfg_int, CT_INT, 0, promiscuous, 0, 1),
	D("numa_on", cfg_int, CT_INT, 0, numa_on, 0, 1),
	KEY(CS_DPDK, struct ff_dpdk_cfg, "tx_csum_offoad_skip",
	    "tx_csum_offload_skip", cfg_int, CT_INT, 0, tx_csum_offload_skip, 0,
	    1, NULL),
	D("tso", cfg_int, CT_INT, 0, tso, 0, 1),
	D("vlan_strip", cfg_int, CT_INT, 0, vlan_strip, 0, 1),
	NO(CS_DPDK, "vlan_filter", cfg_refuse,
	    "VLAN filtering is not supported; leave it empty"),
	D("vlan_accept", cfg_int, CT_INT, 0, vlan_accept, 0, 1),
	D("idle_sleep", cfg_int, CT_INT, 0, idle_sleep, 0, 100000),
	D("idle_spin", cfg_int, CT_INT, 0, idle_spin, 0, 100000),
	D("pkt_tx_delay", cfg_int, CT_INT, 0, pkt_tx_delay, 0, 100),
	D("rx_burst", cfg_int, CT_INT, 0, rx_burst, 1, FF_RX_BURST_MAX),
	D("timer_slack", cfg_int, CT_INT, 0, timer_slack, 1, 100000),
	D("profile", cfg_profile, CT_STR, 0, profile, 0, 0),
	{ CS_DPDK, "symmetric_rss", NULL, cfg_int, CT_NONE, 0, 0, 0, 0, 0,
	    "ff does not support symmetric_rss yet (it does not program "
	    "a NIC's RSS key: the flow hash is its own); only 0" },
	D("nb_mbufs", cfg_int, CT_INT, 0, nb_mbufs, 1023, 16777215),
	NO(CS_DPDK, "proc_type", cfg_cmdline,
	    "comes from the command line (-t), not from config.ini"),
	NO(CS_DPDK, "proc_id", cfg_cmdline,
	    "comes from the command line (-p), not from config.ini"),

	P("addr", cfg_ipv4, CT_IP, 0, pc_addr),
	P("netmask", cfg_netmask, CT_IP, 0, pc_netmask),
	P("broadcast", cfg_ipv4, CT_IP, 0, pc_broadcast),
	P("gateway", cfg_gateway, CT_IP, 0, pc_gateway),
	P("if_name", cfg_name, CT_STR, 0, pc_if_name),
	P("lcore_list", cfg_lcore_list, CT_NONE, 0, pc_lcores),
	P("vip_addr", cfg_vips, CT_NONE, CK_EMPTY, pc_vips),
	PR("rx_desc", cfg_pow2, CT_INT, 0, pc_rx_desc, FF_PORT_DESC_MIN,
	    FF_PORT_DESC_MAX),
	PR("tx_desc", cfg_pow2, CT_INT, 0, pc_tx_desc, FF_PORT_DESC_MIN,
	    FF_PORT_DESC_MAX),
	PR("mtu", cfg_int, CT_INT, 0, pc_mtu, FF_PORT_MTU_MIN, FF_PORT_MTU_MAX),
	PR("csum_trust", cfg_int, CT_INT, 0, pc_csum_trust, 0, 1),
	NO(CS_PORT, "vip_ifname", cfg_refuse,
	    "ff does not support vip_ifname yet (VIPs live on the port's "
	    "own interface); leave it empty"),
	NO(CS_PORT, "ipfw_pr", cfg_refuse,
	    "ff does not support ipfw_pr yet (ipfw has no fwd action); "
	    "leave it empty"),
	NO(CS_PORT, "slave_port_list", cfg_refuse,
	    "bonding is not supported; leave it empty"),
	NO(CS_PORT, "addr6", cfg_refuse,
	    "IPv6 is not supported yet; leave it empty"),
	NO(CS_PORT, "prefix_len", cfg_refuse,
	    "IPv6 is not supported yet; leave it empty"),
	NO(CS_PORT, "gateway6", cfg_refuse,
	    "IPv6 is not supported yet; leave it empty"),
	NO(CS_PORT, "vip_addr6", cfg_refuse,
	    "IPv6 is not supported yet; leave it empty"),

	/* Devargs fold in this order: keep iface first, as people write it. */
	V("driver", cfg_driver, CT_STR, 0, vc_driver, 0, 0),
	V("args", cfg_str, CT_STR, CK_EMPTY, vc_args, 0, 0),
	V("iface", cfg_name, CT_STR, 0, vc_iface, 0, 0),
	V("path", cfg_str, CT_STR, 0, vc_path, 0, 0),
	V("queues", cfg_int, CT_INT, 0, vc_queues, 1, 1024),
	V("queue_size", cfg_int, CT_INT, 0, vc_queue_size, 1, 32768),
	V("mac", cfg_mac, CT_STR, 0, vc_mac, 0, 0),
	V("cq", cfg_int, CT_INT, 0, vc_cq, 0, 1),
	V("zero_copy", cfg_int, CT_INT, 0, vc_zero_copy, 0, 1),

	/* Tunables needed before the stack exists: clock and packet pool. */
	KEY(CS_BOOT, struct ff_config, "hz", "kern.hz", cfg_int, CT_INT, 0, hz,
	    1, 100000, NULL),
	KEY(CS_BOOT, struct ff_config, "kern.ipc.nmbufs", NULL, cfg_int, CT_INT,
	    0, dpdk.nb_mbufs, 1023, 16777215, NULL),
	KEY(CS_BOOT, struct ff_config, "fd_reserve", NULL, cfg_int, CT_INT, 0,
	    fd_reserve, 0, 1 << 20, NULL),
};

_Static_assert(nitems(cfg_keys) <= CFG_NKEYS, "raise CFG_NKEYS");
const size_t cfg_nkeys = nitems(cfg_keys);

/* Sections F-Stack has and ff does not: say so rather than "unknown". */
static const char *const cfg_fstack_only[] = {
	"bond",
	"vlan",
	"pcap",
	"kni",
	"rss_check",
};

/*
 * Messages.
 */
static int __attribute__((format(printf, 5, 0))) cfg_verr(struct cfg_parse *pp,
    int line, const char *section, const char *key, const char *fmt, va_list ap)
{
	int n;

	if (pp->pp_failed)
		return (-1);
	pp->pp_failed = 1;
	pp->pp_err_line = line;
	if (pp->pp_err == NULL || pp->pp_errlen == 0)
		return (-1);
	n = snprintf(pp->pp_err, pp->pp_errlen,
	    "%s:%d: [%s]%s%s: ", pp->pp_file, line, section,
	    key != NULL ? " " : "", key != NULL ? key : "");
	if (n >= 0 && (size_t)n < pp->pp_errlen)
		vsnprintf(pp->pp_err + n, pp->pp_errlen - n, fmt, ap);
	return (-1);
}

/* An error at a given place; returns -1. */
int
cfg_err_at(struct cfg_parse *pp, int line, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verr(pp, line, section, key, fmt, ap);
	va_end(ap);
	return (-1);
}

/* An error about the line being read; returns -1. */
int
cfg_err(struct cfg_parse *pp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verr(pp, pp->pp_lineno, pp->pp_section, pp->pp_key, fmt, ap);
	va_end(ap);
	return (-1);
}

static const char *
cfg_ntoa(uint32_t hbo, char *buf)
{
	struct in_addr a;

	a.s_addr = htonl(hbo);
	return (inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN));
}

/*
 * Where things are: a section's struct inside struct ff_config, and the
 * per-key line table of one section instance.
 */
size_t
cfg_section_offset(enum cfg_sect sect, int idx)
{
	switch (sect) {
	case CS_DPDK:
		return (offsetof(struct ff_config, dpdk));
	case CS_PORT:
		return (offsetof(struct ff_config, ports) +
		    idx * sizeof(struct ff_port_cfg));
	case CS_VDEV:
		return (offsetof(struct ff_config, vdevs) +
		    idx * sizeof(struct ff_vdev_cfg));
	default:
		return (0);
	}
}

static int *
cfg_lines(struct cfg_parse *pp, enum cfg_sect sect, int idx)
{
	switch (sect) {
	case CS_DPDK:
		return (pp->pp_dpdk_lines);
	case CS_PORT:
		return (pp->pp_port_lines[idx]);
	case CS_VDEV:
		return (pp->pp_vdev_lines[idx]);
	default:
		return (pp->pp_boot_lines);
	}
}

static const struct cfg_key *
cfg_key_find(enum cfg_sect sect, const char *name)
{
	const struct cfg_key *kp;

	for (kp = cfg_keys; kp < cfg_keys + nitems(cfg_keys); kp++) {
		if (kp->ck_sect != sect)
			continue;
		if (strcmp(kp->ck_name, name) == 0 ||
		    (kp->ck_alias != NULL && strcmp(kp->ck_alias, name) == 0))
			return (kp);
	}
	return (NULL);
}

/* The line `name' was set on in one section instance, 0 if never. */
int
cfg_key_line(
    struct cfg_parse *pp, enum cfg_sect sect, int idx, const char *name)
{
	const struct cfg_key *kp;

	kp = cfg_key_find(sect, name);
	if (kp == NULL)
		return (0);
	return (cfg_lines(pp, sect, idx)[kp - cfg_keys]);
}

/*
 * Sections.  The reader opens them, so that an empty or a repeated section
 * is seen too (libinih only reports name=value pairs).
 */
static enum cfg_sect
cfg_section_kind(const char *name, long *idx)
{
	const char *digits;

	*idx = 0;
	if (strcmp(name, "dpdk") == 0)
		return (CS_DPDK);
	if (strcmp(name, "freebsd.boot") == 0)
		return (CS_BOOT);
	if (strcmp(name, "freebsd.sysctl") == 0)
		return (CS_SYSCTL);
	if (strncmp(name, "port", 4) == 0)
		digits = name + 4;
	else if (strncmp(name, "vdev", 4) == 0)
		digits = name + 4;
	else
		return (CS_NONE);
	if (*digits == '\0' || digits[strspn(digits, "0123456789")] != '\0')
		return (CS_NONE);
	*idx = strtol(digits, NULL, 10); /* overflow: LONG_MAX, too big */
	return (name[0] == 'p' ? CS_PORT : CS_VDEV);
}

static int
cfg_section_unknown(struct cfg_parse *pp)
{
	size_t i, len;

	for (i = 0; i < nitems(cfg_fstack_only); i++) {
		len = strlen(cfg_fstack_only[i]);
		if (strncmp(pp->pp_section, cfg_fstack_only[i], len) == 0)
			return (cfg_err(pp,
			    "F-Stack section not supported "
			    "by ff"));
	}
	return (cfg_err(pp,
	    "unknown section (dpdk, portN, vdevN, "
	    "freebsd.boot, freebsd.sysctl)"));
}

/* Mark a section instance present; returns its first line if it was. */
static int
cfg_section_mark(struct cfg_parse *pp, enum cfg_sect sect, int idx)
{
	struct ff_config *cfg = pp->pp_cfg;
	int *line;

	if (sect == CS_PORT) {
		cfg->ports[idx].pc_present = 1;
		line = &cfg->ports[idx].pc_line;
	} else if (sect == CS_VDEV) {
		cfg->vdevs[idx].vc_present = 1;
		line = &cfg->vdevs[idx].vc_line;
	} else
		line = &pp->pp_sect_line[sect];
	if (*line != 0)
		return (*line);
	*line = pp->pp_lineno;
	return (0);
}

static int
cfg_section_open(struct cfg_parse *pp, const char *line)
{
	enum cfg_sect sect;
	const char *end;
	size_t len;
	long idx;
	int first, max;

	end = strchr(line, ']');
	if (end == NULL)
		return (0); /* libinih reports the syntax error */
	len = end - line - 1;
	pp->pp_key = NULL;
	pp->pp_sect = CS_NONE;
	snprintf(
	    pp->pp_section, sizeof(pp->pp_section), "%.*s", (int)len, line + 1);
	sect = cfg_section_kind(pp->pp_section, &idx);
	if (sect == CS_NONE || len >= sizeof(pp->pp_section))
		return (cfg_section_unknown(pp));
	max = sect == CS_PORT ? FF_MAX_PORTS : FF_MAX_VDEVS;
	if ((sect == CS_PORT || sect == CS_VDEV) && idx >= max)
		return (cfg_err(pp, "%s number %ld is out of range (0..%d)",
		    sect == CS_PORT ? "port" : "vdev", idx, max - 1));
	first = cfg_section_mark(pp, sect, (int)idx);
	if (first != 0)
		return (
		    cfg_err(pp, "duplicate section (first on line %d)", first));
	pp->pp_sect = sect;
	pp->pp_index = (int)idx;
	if (pp->pp_nhist < CFG_NSECTS) {
		pp->pp_hist[pp->pp_nhist].h_line = pp->pp_lineno;
		memcpy(pp->pp_hist[pp->pp_nhist++].h_name, pp->pp_section,
		    sizeof(pp->pp_section));
	}
	return (0);
}

/*
 * The libinih reader: hands out one line at a time and counts them.  It
 * drops leading blanks (no continuation lines, see the top of the file),
 * refuses lines that do not fit libinih's buffer rather than let them be
 * cut in two, and opens sections.
 */
static char *
cfg_reader(char *buf, int size, void *arg)
{
	struct cfg_parse *pp = arg;
	const char *line, *nl;
	size_t len;

	line = pp->pp_text;
	if (pp->pp_failed || *line == '\0')
		return (NULL);
	nl = strchr(line, '\n');
	len = nl != NULL ? (size_t)(nl - line) : strlen(line);
	pp->pp_text = line + len + (nl != NULL);
	pp->pp_lineno++;
	if (pp->pp_lineno == 1 && len >= 3 &&
	    memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3; /* UTF-8 byte order mark */
		len -= 3;
	}
	for (; len > 0 && (*line == ' ' || *line == '\t'); len--)
		line++;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len >= (size_t)size) {
		pp->pp_key = NULL;
		cfg_err(pp, "line longer than %d characters", size - 1);
		return (NULL);
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (buf[0] == '[' && cfg_section_open(pp, buf) != 0)
		return (NULL);
	return (buf);
}

/* A [freebsd.boot] tunable or a [freebsd.sysctl] line. */
static int
cfg_kv_add(struct cfg_parse *pp, struct ff_kv *kv, int *np, const char *name,
    const char *value)
{
	int i;

	for (i = 0; i < *np; i++)
		if (strcmp(kv[i].kv_name, name) == 0)
			return (cfg_err(pp, "duplicate key (first on line %d)",
			    kv[i].kv_line));
	if (*value == '\0')
		return (cfg_err(pp, "empty value"));
	if (*np == FF_MAX_KV)
		return (cfg_err(
		    pp, "more than %d entries in one section", FF_MAX_KV));
	if (strlen(name) >= sizeof(kv->kv_name))
		return (cfg_err(pp, "name too long (at most %zu characters)",
		    sizeof(kv->kv_name) - 1));
	if (strlen(value) >= sizeof(kv->kv_value))
		return (cfg_err(pp, "%s is too long (at most %zu characters)",
		    value, sizeof(kv->kv_value) - 1));
	snprintf(kv[*np].kv_name, sizeof(kv->kv_name), "%s", name);
	snprintf(kv[*np].kv_value, sizeof(kv->kv_value), "%s", value);
	kv[(*np)++].kv_line = pp->pp_lineno;
	return (0);
}

static int
cfg_key_set(struct cfg_parse *pp, const char *name, const char *value)
{
	struct ff_config *cfg = pp->pp_cfg;
	const struct cfg_key *kp;
	int *lines;

	if (pp->pp_sect == CS_SYSCTL)
		return (
		    cfg_kv_add(pp, cfg->sysctl, &cfg->nb_sysctl, name, value));
	kp = cfg_key_find(pp->pp_sect, name);
	if (kp == NULL && pp->pp_sect == CS_BOOT)
		return (cfg_kv_add(pp, cfg->boot, &cfg->nb_boot, name, value));
	if (kp == NULL)
		return (cfg_err(pp, "unknown key"));
	lines = cfg_lines(pp, pp->pp_sect, pp->pp_index);
	if (lines[kp - cfg_keys] != 0)
		return (cfg_err(pp, "duplicate key (first on line %d)",
		    lines[kp - cfg_keys]));
	lines[kp - cfg_keys] = pp->pp_lineno;
	if (*value == '\0' && (kp->ck_flags & CK_EMPTY) == 0)
		return (cfg_err(pp, "empty value"));
	return (kp->ck_parse(pp, kp,
	    (char *)cfg + cfg_section_offset(pp->pp_sect, pp->pp_index),
	    value));
}

/* The libinih handler: nonzero means the pair was fine. */
static int
cfg_handler(void *arg, const char *section, const char *name, const char *value)
{
	struct cfg_parse *pp = arg;

	if (pp->pp_failed)
		return (0);
	pp->pp_key = name;
	if (pp->pp_sect == CS_NONE)
		return (cfg_err(pp, "key outside any section") == 0);
	return (cfg_key_set(pp, name, value) == 0);
}

/*
 * Checks that span keys, run once the whole text is read.
 */

/* Address checks of one [portN]. */
static int
cfg_finish_addr(struct cfg_parse *pp, int i, const char *sect)
{
	struct ff_port_cfg *pc = &pp->pp_cfg->ports[i];
	uint32_t addr, mask, net, bcast, gw;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int line;

	addr = ntohl(pc->pc_addr.s_addr);
	mask = ntohl(pc->pc_netmask.s_addr);
	net = addr & mask;
	bcast = addr | ~mask;
	if (mask < 0xfffffffe && (addr == net || addr == bcast))
		return (cfg_err_at(pp, cfg_key_line(pp, CS_PORT, i, "addr"),
		    sect, "addr", "%s is the %s address of its subnet",
		    cfg_ntoa(addr, a), addr == net ? "network" : "broadcast"));
	line = cfg_key_line(pp, CS_PORT, i, "broadcast");
	if (line == 0)
		pc->pc_broadcast.s_addr = htonl(bcast);
	else if (ntohl(pc->pc_broadcast.s_addr) != bcast)
		return (cfg_err_at(pp, line, sect, "broadcast",
		    "%s does not match addr/netmask (expected %s)",
		    cfg_ntoa(ntohl(pc->pc_broadcast.s_addr), a),
		    cfg_ntoa(bcast, b)));
	gw = ntohl(pc->pc_gateway.s_addr);
	line = cfg_key_line(pp, CS_PORT, i, "gateway");
	if (!pc->pc_has_gateway)
		return (0);
	if (gw == addr)
		return (cfg_err_at(pp, line, sect, "gateway",
		    "%s is the port's own address", cfg_ntoa(gw, a)));
	if ((gw & mask) != net ||
	    (mask < 0xfffffffe && (gw == net || gw == bcast)))
		return (cfg_err_at(pp, line, sect, "gateway",
		    "%s is not a host of %s/%d", cfg_ntoa(gw, a),
		    cfg_ntoa(net, b), __builtin_popcount(mask)));
	return (0);
}

/*
 * [portN] lcore_list: the lcores that serve the port.  Every ff process
 * opens a queue on every port, so the only list that tells the truth is
 * all of them; a subset (F-Stack's per-port queue map) is refused.
 */
static int
cfg_finish_port_lcores(struct cfg_parse *pp, int i, const char *sect)
{
	struct ff_port_cfg *pc = &pp->pp_cfg->ports[i];
	uint64_t bits = pp->pp_cfg->dpdk.lcore_mask_bits, seen = 0;
	int j, line;

	line = cfg_key_line(pp, CS_PORT, i, "lcore_list");
	for (j = 0; j < pc->pc_nb_lcores; j++) {
		if ((bits & (1ULL << pc->pc_lcores[j])) == 0)
			return (cfg_err_at(pp, line, sect, "lcore_list",
			    "lcore %d is not in lcore_mask %s",
			    pc->pc_lcores[j], pp->pp_cfg->dpdk.lcore_mask));
		seen |= 1ULL << pc->pc_lcores[j];
	}
	if (line != 0 && seen != bits)
		return (cfg_err_at(pp, line, sect, "lcore_list",
		    "ff does not support serving a port from some of the "
		    "lcores yet: every process serves every port (list all "
		    "of lcore_mask %s, or leave it out)",
		    pp->pp_cfg->dpdk.lcore_mask));
	return (0);
}

/*
 * [portN] csum_trust=1 says the link's other end is an ff stack that
 * trusts it too, which only a shared-memory link can be sure of: a port
 * made by a [vdevN] of another driver is refused here; a port of no
 * [vdevN] (a PCI device) is refused at start, where its driver is known
 * (dpdk/ff_dpdk_port.c).
 */
static int
cfg_finish_csum_trust(struct cfg_parse *pp, int i, const char *sect)
{
	struct ff_port_cfg *pc = &pp->pp_cfg->ports[i];
	const struct ff_vdev_cfg *vc;

	pc->pc_csum_trust_line = cfg_key_line(pp, CS_PORT, i, "csum_trust");
	if (!pc->pc_csum_trust || i >= FF_MAX_VDEVS)
		return (0);
	vc = &pp->pp_cfg->vdevs[i];
	if (!vc->vc_present || strcmp(vc->vc_driver, "net_memif") == 0)
		return (0);
	return (cfg_err_at(pp, pc->pc_csum_trust_line, sect, "csum_trust",
	    "1 needs a net_memif port, whose other end is a process on this "
	    "host; port %d is a %s ([vdev%d], line %d), whose peer may "
	    "need the sums",
	    i, vc->vc_driver, i, vc->vc_line));
}

static int
cfg_finish_port(struct cfg_parse *pp, int i)
{
	struct ff_port_cfg *pc = &pp->pp_cfg->ports[i];
	char sect[24];

	snprintf(sect, sizeof(sect), "port%d", i);
	if (cfg_key_line(pp, CS_PORT, i, "addr") == 0)
		return (cfg_err_at(pp, pc->pc_line, sect, "addr",
		    "missing (every [portN] needs addr and netmask)"));
	if (cfg_key_line(pp, CS_PORT, i, "netmask") == 0)
		return (cfg_err_at(pp, pc->pc_line, sect, "netmask",
		    "missing (every [portN] needs addr and netmask)"));
	if (cfg_finish_addr(pp, i, sect) != 0)
		return (-1);
	/* The driver's limits are known at start only (ff_dpdk_port.c). */
	pc->pc_mtu_line = cfg_key_line(pp, CS_PORT, i, "mtu");
	if (cfg_finish_csum_trust(pp, i, sect) != 0)
		return (-1);
	return (cfg_finish_port_lcores(pp, i, sect));
}

/* port_list names only [portN] that exist; without it, all of them. */
static int
cfg_finish_ports(struct cfg_parse *pp)
{
	struct ff_config *cfg = pp->pp_cfg;
	struct ff_dpdk_cfg *d = &cfg->dpdk;
	int i, line;

	line = cfg_key_line(pp, CS_DPDK, 0, "port_list");
	if (line == 0) {
		d->nb_ports = 0;
		for (i = 0; i < FF_MAX_PORTS; i++)
			if (cfg->ports[i].pc_present)
				d->port_list[d->nb_ports++] = (uint16_t)i;
	}
	for (i = 0; i < d->nb_ports; i++)
		if (!cfg->ports[d->port_list[i]].pc_present)
			return (cfg_err_at(pp, line, "dpdk", "port_list",
			    "port %d has no [port%d] section", d->port_list[i],
			    d->port_list[i]));
	for (i = 0; i < FF_MAX_PORTS; i++)
		if (cfg->ports[i].pc_present && cfg_finish_port(pp, i) != 0)
			return (-1);
	return (0);
}

/* [dpdk] lcore_mask and lcore_list say the same thing: one of them. */
static int
cfg_finish_lcores(struct cfg_parse *pp)
{
	int mask, list;

	mask = cfg_key_line(pp, CS_DPDK, 0, "lcore_mask");
	list = cfg_key_line(pp, CS_DPDK, 0, "lcore_list");
	if (mask == 0 || list == 0)
		return (0);
	return (cfg_err_at(pp, mask > list ? mask : list, "dpdk",
	    mask > list ? "lcore_mask" : "lcore_list",
	    "lcore_mask (line %d) and lcore_list (line %d) both given: "
	    "use one",
	    mask, list));
}

/* idle_spin delays the sleep of idle_sleep: without one it does nothing. */
static int
cfg_finish_idle(struct cfg_parse *pp)
{
	const struct ff_dpdk_cfg *d = &pp->pp_cfg->dpdk;
	int line;

	line = cfg_key_line(pp, CS_DPDK, 0, "idle_spin");
	if (d->idle_spin > 0 && d->idle_sleep == 0)
		return (cfg_err_at(pp, line, "dpdk", "idle_spin",
		    "%d needs idle_sleep > 0: the loop never sleeps without it",
		    d->idle_spin));
	return (0);
}

/* kern.ipc.nmbufs and [dpdk] nb_mbufs size the same pool. */
static int
cfg_finish_boot(struct cfg_parse *pp)
{
	int dline, bline;

	dline = cfg_key_line(pp, CS_DPDK, 0, "nb_mbufs");
	bline = cfg_key_line(pp, CS_BOOT, 0, "kern.ipc.nmbufs");
	if (dline != 0 && bline != 0)
		return (cfg_err_at(pp, bline, "freebsd.boot", "kern.ipc.nmbufs",
		    "the pool is already sized by [dpdk] nb_mbufs on line %d",
		    dline));
	return (0);
}

/* The section open at `line', for libinih's syntax errors. */
static const char *
cfg_section_at(struct cfg_parse *pp, int line)
{
	const char *name;
	int i;

	name = "";
	for (i = 0; i < pp->pp_nhist && pp->pp_hist[i].h_line < line; i++)
		name = pp->pp_hist[i].h_name;
	return (name);
}

static int
cfg_parse(struct cfg_parse *pp)
{
	int rc;

	rc = ini_parse_stream(cfg_reader, pp, cfg_handler, pp);
	if (rc < 0) {
		pp->pp_failed = 0;
		return (cfg_err_at(pp, 0, "", NULL, "libinih failed (%d)", rc));
	}
	/*
	 * libinih keeps going after a line it cannot parse and returns the
	 * first bad line, which may come before one we refused.
	 */
	if (rc > 0 && (!pp->pp_failed || rc < pp->pp_err_line)) {
		pp->pp_failed = 0;
		return (cfg_err_at(pp, rc, cfg_section_at(pp, rc), NULL,
		    "syntax error (expected [section], name = value "
		    "or a comment)"));
	}
	if (pp->pp_failed)
		return (-1);
	if (cfg_finish_lcores(pp) != 0 || cfg_finish_vdevs(pp) != 0 ||
	    cfg_finish_ports(pp) != 0 || cfg_finish_boot(pp) != 0 ||
	    cfg_finish_profile(pp) != 0 || cfg_finish_idle(pp) != 0)
		return (-1);
	return (0);
}

static int
cfg_load_text(const char *text, const char *name, struct ff_config *cfg,
    char *err, size_t errlen)
{
	struct cfg_parse *pp;
	struct ff_config *tmp;
	int rc;

	tmp = malloc(sizeof(*tmp));
	pp = calloc(1, sizeof(*pp));
	if (tmp == NULL || pp == NULL) {
		free(tmp);
		free(pp);
		ff_config_defaults(cfg);
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", name, strerror(ENOMEM));
		errno = ENOMEM;
		return (-1);
	}
	ff_config_defaults(tmp);
	pp->pp_cfg = tmp;
	pp->pp_file = name;
	pp->pp_text = text;
	pp->pp_err = err;
	pp->pp_errlen = err != NULL ? errlen : 0;
	if (strlen(name) >= sizeof(tmp->path))
		rc = cfg_err_at(pp, 0, "", NULL, "file name too long");
	else {
		snprintf(tmp->path, sizeof(tmp->path), "%s", name);
		rc = cfg_parse(pp);
	}
	if (rc == 0)
		memcpy(cfg, tmp, sizeof(*cfg));
	else
		ff_config_defaults(cfg);
	free(tmp);
	free(pp);
	if (rc != 0)
		errno = EINVAL;
	return (rc);
}

/* The whole file, NUL-terminated, or NULL with errno and a message. */
static char *
cfg_read_file(const char *path, char *err, size_t errlen)
{
	FILE *f;
	char *text;
	size_t n;
	int error;

	text = NULL;
	f = fopen(path, "r");
	if (f == NULL)
		goto fail;
	text = malloc(CFG_MAX_FILE + 1);
	if (text == NULL)
		goto fail;
	n = fread(text, 1, CFG_MAX_FILE + 1, f);
	if (ferror(f))
		goto fail;
	errno = EINVAL;
	if (n > CFG_MAX_FILE || memchr(text, '\0', n) != NULL)
		goto fail;
	fclose(f);
	text[n] = '\0';
	return (text);
fail:
	error = errno;
	if (error == EINVAL)
		snprintf(err, err != NULL ? errlen : 0,
		    "%s: not a config file "
		    "(bigger than %d bytes, or binary)",
		    path, CFG_MAX_FILE);
	else
		snprintf(err, err != NULL ? errlen : 0, "%s: %s", path,
		    strerror(error));
	free(text);
	if (f != NULL)
		fclose(f);
	errno = error;
	return (NULL);
}

void
ff_config_defaults(struct ff_config *cfg)
{
	struct ff_dpdk_cfg *d = &cfg->dpdk;
	int i;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(d->lcore_mask, sizeof(d->lcore_mask), "1");
	d->lcore_mask_bits = 1;
	d->nb_procs = 1;
	d->proc_type = FF_PROC_AUTO;
	snprintf(d->file_prefix, sizeof(d->file_prefix), "%s",
	    FF_DEFAULT_FILE_PREFIX);
	d->log_level = FF_LOG_WARNING;
	d->promiscuous = 1;
	d->numa_on = 1;
	d->vlan_strip = 1;
	d->nb_mbufs = 8191;
	d->rx_burst = FF_RX_BURST_MAX;
	cfg->hz = 1000;
	for (i = 0; i < FF_MAX_PORTS; i++) {
		cfg->ports[i].pc_port_id = (uint16_t)i;
		cfg->ports[i].pc_rx_desc = FF_PORT_DESC_DEFAULT;
		cfg->ports[i].pc_tx_desc = FF_PORT_DESC_DEFAULT;
		/* i < FF_MAX_PORTS (8): one digit, which gcc cannot see. */
		snprintf(cfg->ports[i].pc_if_name,
		    sizeof(cfg->ports[i].pc_if_name), "f-stack-%u",
		    (unsigned int)i % 10);
	}
}

int
ff_config_load_string(const char *text, const char *name, struct ff_config *cfg,
    char *err, size_t errlen)
{
	if (text == NULL || cfg == NULL) {
		errno = EINVAL;
		return (-1);
	}
	return (cfg_load_text(
	    text, name != NULL ? name : "<string>", cfg, err, errlen));
}

int
ff_config_load(
    const char *path, struct ff_config *cfg, char *err, size_t errlen)
{
	char *text;
	int rc, error;

	if (path == NULL || cfg == NULL) {
		errno = EINVAL;
		return (-1);
	}
	text = cfg_read_file(path, err, errlen);
	if (text == NULL) {
		error = errno;
		ff_config_defaults(cfg);
		errno = error;
		return (-1);
	}
	rc = cfg_load_text(text, path, cfg, err, errlen);
	error = errno;
	free(text);
	errno = error;
	return (rc);
}

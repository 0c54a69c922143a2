/*
 * ff_config.c - read and check config.ini.
 *
 * Entry points: ff_config_defaults(), ff_config_load(),
 * ff_config_load_string(), ff_test_config_dump().
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
 *   lcore_mask      hex, non-zero; one process per bit (default 1)
 *   channel         EAL -n, memory channels, 0-32 (0 = EAL default)
 *   memory          EAL -m, MB (0 = as needed)
 *   no_huge         0/1: EAL --no-huge
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
 *   numa_on         0/1 (default 1)
 *   tx_csum_offoad_skip  0/1 (F-Stack's spelling; tx_csum_offload_skip too)
 *   tso             0/1 (default 0)
 *   vlan_strip      0/1 (default 1)
 *   vlan_filter     must be empty: VLAN filtering is not supported
 *   vlan_accept     ours: 0/1, accept VLAN-tagged frames (default 0)
 *   idle_sleep      µs to sleep after a loop that did nothing, 0-100000
 *                   (default 0)
 *   pkt_tx_delay    µs to hold transmitted packets, 0-100.  Default 0, not
 *                   F-Stack's 100: we are latency-first and flush at the end
 *                   of every loop, which costs nothing when the loop is busy
 *   symmetric_rss   0/1 (default 0)
 *   nb_mbufs        ours: mbufs in the pool (default 8191)
 *   proc_type, proc_id   rejected: they come from the command line (-t, -p)
 *
 * [portN], N below FF_MAX_PORTS
 *   addr, netmask   IPv4, required; the netmask must be contiguous
 *   broadcast       must be addr | ~netmask, which is also the default
 *   gateway         inside the port's subnet; optional
 *   if_name         interface name (default f-stack-N)
 *   lcore_list      lcores serving the port, "0-3,5", all in lcore_mask
 *   vip_addr        extra /32 addresses, "a;b;c" (no blank before a `;':
 *                   that starts a comment)
 *   vip_ifname      interface name for the VIPs
 *   ipfw_pr         kept as given; ipfw checks it
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
 *                   A key the driver has no use for is an error.  The result
 *                   is vc_devargs, e.g. "net_tap0,iface=fftap0,mac=...".
 *
 * [freebsd.boot]
 *   hz              callout ticks per second, 1-100000 (default 1000)
 *   any other name=value is kept in cfg->boot for the sysctl tree to check
 *
 * [freebsd.sysctl]
 *   every name=value is kept in cfg->sysctl, with its line, and set at start
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "ff_config.h"
#include "ff_ipc.h"

#ifndef nitems
#define	nitems(x)	(sizeof((x)) / sizeof((x)[0]))
#endif

/* DPDK's RTE_LOG_* numbers, here so that this file needs no DPDK header. */
#define	FF_LOG_WARNING	5
static const char *const cfg_log_names[] = {
	NULL, "emerg", "alert", "crit", "err", "warning", "notice", "info",
	"debug",
};

/* A config file is small; a bigger one is a mistake (a log, a binary). */
#define	CFG_MAX_FILE	(1024 * 1024)

enum cfg_sect {
	CS_NONE = 0,		/* before the first section header */
	CS_DPDK,
	CS_PORT,
	CS_VDEV,
	CS_BOOT,
	CS_SYSCTL,
	CS_NKINDS
};

/* How a field is shown in devargs and dumps. */
enum cfg_type {
	CT_NONE = 0,		/* no field, or printed by hand */
	CT_INT,
	CT_STR,
	CT_IP,
};

#define	CK_EMPTY	0x01	/* an empty value is allowed */

struct cfg_parse;
struct cfg_key;
typedef int cfg_parse_fn(struct cfg_parse *, const struct cfg_key *,
    void *, const char *);

/* One key of one kind of section. */
struct cfg_key {
	enum cfg_sect	 ck_sect;
	const char	*ck_name;
	const char	*ck_alias;	/* another accepted name, or NULL */
	cfg_parse_fn	*ck_parse;
	enum cfg_type	 ck_type;
	int		 ck_flags;	/* CK_* */
	size_t		 ck_off;	/* field in the section's struct */
	size_t		 ck_size;	/* its size; 0 = the key stores nothing */
	long		 ck_min;	/* range of an integer */
	long		 ck_max;
	const char	*ck_why;	/* the message for a refused value */
};

#define	CFG_NKEYS	64		/* >= nitems(cfg_keys) */
#define	CFG_NSECTS	24		/* >= sections that can be open at once */

/* The state of one parse.  It lives on the caller's stack. */
struct cfg_parse {
	struct ff_config *pp_cfg;	/* scratch copy being filled */
	const char	*pp_file;	/* name used in messages */
	const char	*pp_text;	/* where the reader is */
	int		 pp_lineno;	/* line the reader handed out last */
	const char	*pp_key;	/* key being parsed, as written */
	enum cfg_sect	 pp_sect;	/* current section ... */
	int		 pp_index;	/* ... its N for [portN] and [vdevN] */
	char		 pp_section[64];	/* ... and its name as written */
	int		 pp_nhist;	/* sections opened so far, for messages */
	struct {
		int	 h_line;
		char	 h_name[64];
	}		 pp_hist[CFG_NSECTS];
	int		 pp_sect_line[CS_NKINDS]; /* [dpdk] etc. seen on */
	/* The line each key was set on, 0 = not set, per section instance. */
	int		 pp_dpdk_lines[CFG_NKEYS];
	int		 pp_boot_lines[CFG_NKEYS];
	int		 pp_port_lines[FF_MAX_PORTS][CFG_NKEYS];
	int		 pp_vdev_lines[FF_MAX_VDEVS][CFG_NKEYS];
	char		*pp_err;
	size_t		 pp_errlen;
	int		 pp_failed;	/* only the first error is reported */
	int		 pp_err_line;
};

static cfg_parse_fn cfg_int, cfg_str, cfg_name, cfg_hex, cfg_lcore_mask,
    cfg_log_level, cfg_port_list, cfg_lcore_list, cfg_ipv4, cfg_netmask,
    cfg_gateway, cfg_vips, cfg_mac, cfg_driver, cfg_refuse, cfg_cmdline;

#define	KEY(s, st, n, a, fn, t, fl, f, lo, hi, why)			\
	{ s, n, a, fn, t, fl, offsetof(st, f), sizeof(((st *)0)->f),	\
	  lo, hi, why }
#define	D(n, fn, t, fl, f, lo, hi)					\
	KEY(CS_DPDK, struct ff_dpdk_cfg, n, NULL, fn, t, fl, f, lo, hi, NULL)
#define	P(n, fn, t, fl, f)						\
	KEY(CS_PORT, struct ff_port_cfg, n, NULL, fn, t, fl, f, 0, 0, NULL)
#define	V(n, fn, t, fl, f, lo, hi)					\
	KEY(CS_VDEV, struct ff_vdev_cfg, n, NULL, fn, t, fl, f, lo, hi, NULL)
/* A key F-Stack has and we refuse unless it is empty (or always). */
#define	NO(s, n, fn, why)						\
	{ s, n, NULL, fn, CT_NONE, CK_EMPTY, 0, 0, 0, 0, why }

static const struct cfg_key cfg_keys[] = {
	D("lcore_mask", cfg_lcore_mask, CT_STR, 0, lcore_mask, 0, 0),
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
	    "tx_csum_offload_skip", cfg_int, CT_INT, 0, tx_csum_offload_skip,
	    0, 1, NULL),
	D("tso", cfg_int, CT_INT, 0, tso, 0, 1),
	D("vlan_strip", cfg_int, CT_INT, 0, vlan_strip, 0, 1),
	NO(CS_DPDK, "vlan_filter", cfg_refuse,
	    "VLAN filtering is not supported; leave it empty"),
	D("vlan_accept", cfg_int, CT_INT, 0, vlan_accept, 0, 1),
	D("idle_sleep", cfg_int, CT_INT, 0, idle_sleep, 0, 100000),
	D("pkt_tx_delay", cfg_int, CT_INT, 0, pkt_tx_delay, 0, 100),
	D("symmetric_rss", cfg_int, CT_INT, 0, symmetric_rss, 0, 1),
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
	P("vip_ifname", cfg_name, CT_STR, CK_EMPTY, pc_vip_ifname),
	P("ipfw_pr", cfg_str, CT_STR, CK_EMPTY, pc_ipfw_pr),
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

	KEY(CS_BOOT, struct ff_config, "hz", NULL, cfg_int, CT_INT, 0, hz,
	    1, 100000, NULL),
};

_Static_assert(nitems(cfg_keys) <= CFG_NKEYS, "raise CFG_NKEYS");

/* How an F-Stack [vdevN] key becomes a devarg of one driver. */
struct cfg_fold {
	const char	*cf_key;
	const char	*cf_arg;
};

struct cfg_driver {
	const char	*cd_name;
	const char	*cd_needs;	/* key the driver cannot do without */
	struct cfg_fold	 cd_fold[6];
};

static const struct cfg_driver cfg_drivers[] = {
	{ "net_tap", NULL, { { "iface", "iface" }, { "mac", "mac" } } },
	{ "net_memif", NULL, { { "path", "socket" }, { "mac", "mac" } } },
	{ "net_af_packet", "iface",
	  { { "iface", "iface" }, { "queues", "qpairs" } } },
	{ "net_af_xdp", "iface",
	  { { "iface", "iface" }, { "queues", "queue_count" } } },
	{ "net_ring", NULL, { { NULL, NULL } } },
	{ "virtio_user", "path",
	  { { "path", "path" }, { "queues", "queues" },
	    { "queue_size", "queue_size" }, { "mac", "mac" }, { "cq", "cq" } } },
};

/* Sections F-Stack has and ff does not: say so rather than "unknown". */
static const char *const cfg_fstack_only[] = {
	"bond", "vlan", "pcap", "kni", "rss_check",
};

/*
 * Messages.
 */
static int __attribute__((format(printf, 5, 0)))
cfg_verr(struct cfg_parse *pp, int line, const char *section,
    const char *key, const char *fmt, va_list ap)
{
	int n;

	if (pp->pp_failed)
		return (-1);
	pp->pp_failed = 1;
	pp->pp_err_line = line;
	if (pp->pp_err == NULL || pp->pp_errlen == 0)
		return (-1);
	n = snprintf(pp->pp_err, pp->pp_errlen, "%s:%d: [%s]%s%s: ",
	    pp->pp_file, line, section, key != NULL ? " " : "",
	    key != NULL ? key : "");
	if (n >= 0 && (size_t)n < pp->pp_errlen)
		vsnprintf(pp->pp_err + n, pp->pp_errlen - n, fmt, ap);
	return (-1);
}

/* An error at a given place; returns -1. */
static int __attribute__((format(printf, 5, 6)))
cfg_err_at(struct cfg_parse *pp, int line, const char *section,
    const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verr(pp, line, section, key, fmt, ap);
	va_end(ap);
	return (-1);
}

/* An error about the line being read; returns -1. */
static int __attribute__((format(printf, 2, 3)))
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
static size_t
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
static int
cfg_key_line(struct cfg_parse *pp, enum cfg_sect sect, int idx,
    const char *name)
{
	const struct cfg_key *kp;

	kp = cfg_key_find(sect, name);
	if (kp == NULL)
		return (0);
	return (cfg_lines(pp, sect, idx)[kp - cfg_keys]);
}

/*
 * Value parsers.  Each checks one value, stores it in its field and
 * returns 0, or reports the error and returns -1.  The handler has already
 * refused an empty value unless the key has CK_EMPTY.
 */
static int
cfg_strtol(const char *s, long *np)
{
	char *end;

	errno = 0;
	*np = strtol(s, &end, 10);
	if (end == s || *end != '\0' || isspace((unsigned char)*s))
		return (-1);
	return (0);			/* ERANGE leaves LONG_MIN/MAX: out of range */
}

static int
cfg_int(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	long n;

	if (cfg_strtol(v, &n) != 0)
		return (cfg_err(pp, "%s is not an integer", v));
	if (n < kp->ck_min || n > kp->ck_max) {
		if (kp->ck_why != NULL)
			return (cfg_err(pp, "%s", kp->ck_why));
		return (cfg_err(pp, "%s is out of range (%ld..%ld)", v,
		    kp->ck_min, kp->ck_max));
	}
	if (kp->ck_size != 0)
		*(int *)((char *)base + kp->ck_off) = (int)n;
	return (0);
}

static int
cfg_str(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	size_t len;

	len = strlen(v);
	if (len >= kp->ck_size)
		return (cfg_err(pp, "%s is too long (at most %zu characters)",
		    v, kp->ck_size - 1));
	memcpy((char *)base + kp->ck_off, v, len + 1);
	return (0);
}

/* Interface names and the file prefix end up in paths and EAL options. */
static int
cfg_name(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

	if (v[strspn(v, ok)] != '\0')
		return (cfg_err(pp, "%s is not a valid name "
		    "(letters, digits, '.', '_' and '-' only)", v));
	return (cfg_str(pp, kp, base, v));
}

static int
cfg_hex(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	const char *h;

	h = v;
	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	if (*h == '\0' || h[strspn(h, "0123456789abcdefABCDEF")] != '\0')
		return (cfg_err(pp, "%s is not a hexadecimal number", v));
	return (cfg_str(pp, kp, base, v));
}

static int
cfg_lcore_mask(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	struct ff_dpdk_cfg *d = base;
	const char *h;
	uint64_t bits;

	if (cfg_hex(pp, kp, base, v) != 0)
		return (-1);
	h = v;
	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	h += strspn(h, "0");
	if (strlen(h) > 16)
		return (cfg_err(pp, "%s names lcores above %d", v,
		    FF_MAX_LCORES - 1));
	bits = strtoull(h, NULL, 16);
	if (bits == 0)
		return (cfg_err(pp, "%s selects no lcore", v));
	d->lcore_mask_bits = bits;
	d->nb_procs = __builtin_popcountll(bits);
	return (0);
}

static int
cfg_log_level(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	size_t i;

	for (i = 1; i < nitems(cfg_log_names); i++) {
		if (strcmp(v, cfg_log_names[i]) == 0) {
			*(int *)((char *)base + kp->ck_off) = (int)i;
			return (0);
		}
	}
	if (!isdigit((unsigned char)v[0]))
		return (cfg_err(pp, "%s is not a log level (1-8, emerg, alert, "
		    "crit, err, warning, notice, info or debug)", v));
	return (cfg_int(pp, kp, base, v));
}

/* Append `n' to a list unless it is already there or the list is full. */
static int
cfg_list_add(struct cfg_parse *pp, const char *what, uint16_t *out, int max,
    int *np, long n)
{
	int i;

	for (i = 0; i < *np; i++)
		if (out[i] == n)
			return (cfg_err(pp, "%s %ld is listed twice", what, n));
	if (*np >= max)
		return (cfg_err(pp, "more than %d %ss", max, what));
	out[(*np)++] = (uint16_t)n;
	return (0);
}

/* A list such as "0-3,5" (port_list, lcore_list), each entry below limit. */
static int
cfg_ranges(struct cfg_parse *pp, const char *v, const char *what,
    uint16_t *out, int max, long limit, int *np)
{
	const char *s;
	char *end;
	long lo, hi;

	*np = 0;
	for (s = v;; s = end + 1) {
		if (!isdigit((unsigned char)*s))
			break;
		lo = hi = strtol(s, &end, 10);
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				break;
			hi = strtol(end + 1, &end, 10);
		}
		if (lo > hi)
			break;
		if (hi >= limit)
			return (cfg_err(pp, "%s %ld is out of range (0..%ld)",
			    what, hi, limit - 1));
		for (; lo <= hi; lo++)
			if (cfg_list_add(pp, what, out, max, np, lo) != 0)
				return (-1);
		if (*end == '\0')
			return (0);
		if (*end != ',')
			break;
	}
	return (cfg_err(pp, "%s is not a list such as 0-3,5", v));
}

static int
cfg_port_list(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	struct ff_dpdk_cfg *d = base;

	return (cfg_ranges(pp, v, "port", d->port_list, FF_MAX_PORTS,
	    FF_MAX_PORTS, &d->nb_ports));
}

static int
cfg_lcore_list(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	struct ff_port_cfg *pc = base;

	return (cfg_ranges(pp, v, "lcore", pc->pc_lcores, FF_MAX_LCORES,
	    FF_MAX_LCORES, &pc->pc_nb_lcores));
}

static int
cfg_ipv4(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	struct in_addr *a = (struct in_addr *)((char *)base + kp->ck_off);

	/* inet_pton, unlike inet_aton, takes only the dotted quad. */
	if (inet_pton(AF_INET, v, a) != 1)
		return (cfg_err(pp, "%s is not an IPv4 address", v));
	return (0);
}

static int
cfg_netmask(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	struct ff_port_cfg *pc = base;
	uint32_t m;

	if (cfg_ipv4(pp, kp, base, v) != 0)
		return (-1);
	m = ntohl(pc->pc_netmask.s_addr);
	/* Contiguous: the host part ~m is one run of low bits. */
	if ((~m & (~m + 1)) != 0)
		return (cfg_err(pp, "%s is not a contiguous netmask", v));
	if (m == 0)
		return (cfg_err(pp, "%s leaves no network part", v));
	return (0);
}

static int
cfg_gateway(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	struct ff_port_cfg *pc = base;

	if (cfg_ipv4(pp, kp, base, v) != 0)
		return (-1);
	pc->pc_has_gateway = 1;
	return (0);
}

/* vip_addr: IPv4 addresses separated by `;', blanks around them ignored. */
static int
cfg_vips(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	struct ff_port_cfg *pc = base;
	char buf[INI_MAX_LINE], *tok, *save;
	size_t len;

	snprintf(buf, sizeof(buf), "%s", v);	/* a line fits, so v does */
	for (tok = strtok_r(buf, ";", &save); tok != NULL;
	    tok = strtok_r(NULL, ";", &save)) {
		tok += strspn(tok, " \t");
		len = strcspn(tok, " \t");
		if (tok[len + strspn(tok + len, " \t")] != '\0')
			return (cfg_err(pp, "%s is not an IPv4 address", tok));
		tok[len] = '\0';
		if (pc->pc_nb_vips == FF_MAX_VIPS)
			return (cfg_err(pp, "more than %d addresses",
			    FF_MAX_VIPS));
		if (inet_pton(AF_INET, tok, &pc->pc_vips[pc->pc_nb_vips]) != 1)
			return (cfg_err(pp, "%s is not an IPv4 address", tok));
		pc->pc_nb_vips++;
	}
	return (0);
}

static int
cfg_mac(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	int i;

	/* Stops at the NUL of a short string before reading past it. */
	for (i = 0; i < 17; i++)
		if (i % 3 == 2 ? v[i] != ':' : !isxdigit((unsigned char)v[i]))
			break;
	if (i != 17 || v[17] != '\0')
		return (cfg_err(pp, "%s is not a MAC address "
		    "(xx:xx:xx:xx:xx:xx)", v));
	return (cfg_str(pp, kp, base, v));
}

static const struct cfg_driver *
cfg_driver_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(cfg_drivers); i++)
		if (strcmp(cfg_drivers[i].cd_name, name) == 0)
			return (&cfg_drivers[i]);
	return (NULL);
}

static int
cfg_driver(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	if (cfg_driver_find(v) == NULL)
		return (cfg_err(pp, "%s is not a supported driver (net_tap, "
		    "net_memif, net_af_packet, net_af_xdp, net_ring, "
		    "virtio_user)", v));
	return (cfg_str(pp, kp, base, v));
}

/* F-Stack keys for features we lack: fine while empty. */
static int
cfg_refuse(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	if (*v == '\0')
		return (0);
	return (cfg_err(pp, "%s", kp->ck_why));
}

static int
cfg_cmdline(struct cfg_parse *pp, const struct cfg_key *kp, void *base,
    const char *v)
{
	return (cfg_err(pp, "%s", kp->ck_why));
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
	*idx = strtol(digits, NULL, 10);	/* overflow: LONG_MAX, too big */
	return (name[0] == 'p' ? CS_PORT : CS_VDEV);
}

static int
cfg_section_unknown(struct cfg_parse *pp)
{
	size_t i, len;

	for (i = 0; i < nitems(cfg_fstack_only); i++) {
		len = strlen(cfg_fstack_only[i]);
		if (strncmp(pp->pp_section, cfg_fstack_only[i], len) == 0)
			return (cfg_err(pp, "F-Stack section not supported "
			    "by ff"));
	}
	return (cfg_err(pp, "unknown section (dpdk, portN, vdevN, "
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
		return (0);		/* libinih reports the syntax error */
	len = end - line - 1;
	pp->pp_key = NULL;
	pp->pp_sect = CS_NONE;
	snprintf(pp->pp_section, sizeof(pp->pp_section), "%.*s", (int)len,
	    line + 1);
	sect = cfg_section_kind(pp->pp_section, &idx);
	if (sect == CS_NONE || len >= sizeof(pp->pp_section))
		return (cfg_section_unknown(pp));
	max = sect == CS_PORT ? FF_MAX_PORTS : FF_MAX_VDEVS;
	if ((sect == CS_PORT || sect == CS_VDEV) && idx >= max)
		return (cfg_err(pp, "%s number %ld is out of range (0..%d)",
		    sect == CS_PORT ? "port" : "vdev", idx, max - 1));
	first = cfg_section_mark(pp, sect, (int)idx);
	if (first != 0)
		return (cfg_err(pp, "duplicate section (first on line %d)",
		    first));
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
		line += 3;		/* UTF-8 byte order mark */
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
		return (cfg_err(pp, "more than %d entries in one section",
		    FF_MAX_KV));
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
		return (cfg_kv_add(pp, cfg->sysctl, &cfg->nb_sysctl, name,
		    value));
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
	return (kp->ck_parse(pp, kp, (char *)cfg +
	    cfg_section_offset(pp->pp_sect, pp->pp_index), value));
}

/* The libinih handler: nonzero means the pair was fine. */
static int
cfg_handler(void *arg, const char *section, const char *name,
    const char *value)
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

/* Whether comma-separated devargs `args' set `name'. */
static int
cfg_args_have(const char *args, const char *name)
{
	size_t len;

	len = strlen(name);
	for (; args != NULL; args = strchr(args, ',')) {
		args += *args == ',';
		if (strncmp(args, name, len) == 0 && args[len] == '=')
			return (1);
	}
	return (0);
}

static int __attribute__((format(printf, 3, 4)))
cfg_append(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t len;
	int n;

	len = strlen(buf);
	va_start(ap, fmt);
	n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	return (n < 0 || (size_t)n >= size - len ? -1 : 0);
}

/* Fold one F-Stack key given in [vdevN] into the devargs. */
static int
cfg_fold_key(struct cfg_parse *pp, const char *sect, int line,
    const struct cfg_key *kp, const struct cfg_driver *cd,
    struct ff_vdev_cfg *vc)
{
	const struct cfg_fold *cf;
	const char *field;

	for (cf = cd->cd_fold; cf->cf_key != NULL; cf++)
		if (strcmp(cf->cf_key, kp->ck_name) == 0)
			break;
	if (cf->cf_key == NULL)
		return (cfg_err_at(pp, line, sect, kp->ck_name,
		    "%s has no such setting", cd->cd_name));
	if (cfg_args_have(vc->vc_args, cf->cf_arg))
		return (cfg_err_at(pp, line, sect, kp->ck_name,
		    "%s= is also given in args", cf->cf_arg));
	field = (const char *)vc + kp->ck_off;
	if ((kp->ck_type == CT_INT ? cfg_append(vc->vc_devargs,
	    sizeof(vc->vc_devargs), ",%s=%d", cf->cf_arg, *(const int *)field) :
	    cfg_append(vc->vc_devargs, sizeof(vc->vc_devargs), ",%s=%s",
	    cf->cf_arg, field)) != 0)
		return (cfg_err_at(pp, line, sect, kp->ck_name,
		    "devargs too long"));
	return (0);
}

/* Build "<driver><N>,<folded keys>,<args>" for EAL --vdev. */
static int
cfg_finish_vdev(struct cfg_parse *pp, int i)
{
	struct ff_vdev_cfg *vc = &pp->pp_cfg->vdevs[i];
	const struct cfg_driver *cd;
	const struct cfg_key *kp;
	char sect[24];
	int *lines;

	snprintf(sect, sizeof(sect), "vdev%d", i);
	lines = pp->pp_vdev_lines[i];
	if (vc->vc_driver[0] == '\0')
		snprintf(vc->vc_driver, sizeof(vc->vc_driver), "virtio_user");
	cd = cfg_driver_find(vc->vc_driver);
	snprintf(vc->vc_devargs, sizeof(vc->vc_devargs), "%s%d", cd->cd_name,
	    i);
	for (kp = cfg_keys; kp < cfg_keys + nitems(cfg_keys); kp++) {
		if (kp->ck_sect != CS_VDEV || lines[kp - cfg_keys] == 0 ||
		    strcmp(kp->ck_name, "driver") == 0 ||
		    strcmp(kp->ck_name, "args") == 0)
			continue;
		if (cfg_fold_key(pp, sect, lines[kp - cfg_keys], kp, cd,
		    vc) != 0)
			return (-1);
	}
	if (cd->cd_needs != NULL &&
	    cfg_key_line(pp, CS_VDEV, i, cd->cd_needs) == 0 &&
	    !cfg_args_have(vc->vc_args, cd->cd_needs))
		return (cfg_err_at(pp, vc->vc_line, sect, cd->cd_needs,
		    "missing (%s needs it)", cd->cd_name));
	if (vc->vc_args[0] != '\0' && cfg_append(vc->vc_devargs,
	    sizeof(vc->vc_devargs), ",%s", vc->vc_args) != 0)
		return (cfg_err_at(pp, vc->vc_line, sect, "args",
		    "devargs too long"));
	return (0);
}

/* [vdev0] .. [vdevN-1] for nb_vdev=N; without nb_vdev, as many as given. */
static int
cfg_finish_vdevs(struct cfg_parse *pp)
{
	struct ff_config *cfg = pp->pp_cfg;
	char sect[24];
	int i, last, nbline;

	last = -1;
	for (i = 0; i < FF_MAX_VDEVS; i++)
		if (cfg->vdevs[i].vc_present)
			last = i;
	nbline = cfg_key_line(pp, CS_DPDK, 0, "nb_vdev");
	if (nbline == 0)
		cfg->dpdk.nb_vdev = last + 1;
	for (i = 0; i < FF_MAX_VDEVS; i++) {
		snprintf(sect, sizeof(sect), "vdev%d", i);
		if (i >= cfg->dpdk.nb_vdev && cfg->vdevs[i].vc_present)
			return (cfg_err_at(pp, cfg->vdevs[i].vc_line, sect,
			    NULL, "beyond nb_vdev=%d", cfg->dpdk.nb_vdev));
		if (i < cfg->dpdk.nb_vdev && !cfg->vdevs[i].vc_present &&
		    nbline != 0)
			return (cfg_err_at(pp, nbline, "dpdk", "nb_vdev",
			    "%d, but there is no [vdev%d] section",
			    cfg->dpdk.nb_vdev, i));
		if (i < cfg->dpdk.nb_vdev && !cfg->vdevs[i].vc_present) {
			snprintf(sect, sizeof(sect), "vdev%d", last);
			return (cfg_err_at(pp, cfg->vdevs[last].vc_line, sect,
			    NULL, "no [vdev%d] before it (vdevs are numbered "
			    "from 0)", i));
		}
		if (cfg->vdevs[i].vc_present && cfg_finish_vdev(pp, i) != 0)
			return (-1);
	}
	return (0);
}

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
	if ((gw & mask) != net || (mask < 0xfffffffe &&
	    (gw == net || gw == bcast)))
		return (cfg_err_at(pp, line, sect, "gateway",
		    "%s is not a host of %s/%d", cfg_ntoa(gw, a),
		    cfg_ntoa(net, b), __builtin_popcount(mask)));
	return (0);
}

static int
cfg_finish_port(struct cfg_parse *pp, int i)
{
	struct ff_port_cfg *pc = &pp->pp_cfg->ports[i];
	uint64_t bits = pp->pp_cfg->dpdk.lcore_mask_bits;
	char sect[24];
	int j;

	snprintf(sect, sizeof(sect), "port%d", i);
	if (cfg_key_line(pp, CS_PORT, i, "addr") == 0)
		return (cfg_err_at(pp, pc->pc_line, sect, "addr",
		    "missing (every [portN] needs addr and netmask)"));
	if (cfg_key_line(pp, CS_PORT, i, "netmask") == 0)
		return (cfg_err_at(pp, pc->pc_line, sect, "netmask",
		    "missing (every [portN] needs addr and netmask)"));
	if (cfg_finish_addr(pp, i, sect) != 0)
		return (-1);
	for (j = 0; j < pc->pc_nb_lcores; j++)
		if ((bits & (1ULL << pc->pc_lcores[j])) == 0)
			return (cfg_err_at(pp,
			    cfg_key_line(pp, CS_PORT, i, "lcore_list"), sect,
			    "lcore_list", "lcore %d is not in lcore_mask %s",
			    pc->pc_lcores[j], pp->pp_cfg->dpdk.lcore_mask));
	return (0);
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
		return (cfg_err_at(pp, 0, "", NULL, "libinih failed (%d)",
		    rc));
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
	if (cfg_finish_vdevs(pp) != 0 || cfg_finish_ports(pp) != 0)
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
		snprintf(err, err != NULL ? errlen : 0, "%s: not a config file "
		    "(bigger than %d bytes, or binary)", path, CFG_MAX_FILE);
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
	cfg->hz = 1000;
	for (i = 0; i < FF_MAX_PORTS; i++) {
		cfg->ports[i].pc_port_id = (uint16_t)i;
		snprintf(cfg->ports[i].pc_if_name,
		    sizeof(cfg->ports[i].pc_if_name), "f-stack-%d", i);
	}
}

int
ff_config_load_string(const char *text, const char *name,
    struct ff_config *cfg, char *err, size_t errlen)
{
	if (text == NULL || cfg == NULL) {
		errno = EINVAL;
		return (-1);
	}
	return (cfg_load_text(text, name != NULL ? name : "<string>", cfg,
	    err, errlen));
}

int
ff_config_load(const char *path, struct ff_config *cfg, char *err,
    size_t errlen)
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

/*
 * The dump, for tests: "name=value" lines.
 */
struct cfg_out {
	char	*co_buf;
	size_t	 co_len;
	size_t	 co_off;		/* what the whole text needs */
};

static void __attribute__((format(printf, 2, 3)))
cfg_out(struct cfg_out *co, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(co->co_off < co->co_len ? co->co_buf + co->co_off : NULL,
	    co->co_off < co->co_len ? co->co_len - co->co_off : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		co->co_off += n;
}

/* Every key of one section instance that has a plain field. */
static void
cfg_dump_keys(struct cfg_out *co, const struct ff_config *cfg,
    enum cfg_sect sect, int idx, const char *prefix)
{
	const struct cfg_key *kp;
	const char *field, *base;
	char a[INET_ADDRSTRLEN];

	base = (const char *)cfg + cfg_section_offset(sect, idx);
	for (kp = cfg_keys; kp < cfg_keys + nitems(cfg_keys); kp++) {
		if (kp->ck_sect != sect || kp->ck_size == 0)
			continue;
		field = base + kp->ck_off;
		if (kp->ck_type == CT_INT)
			cfg_out(co, "%s%s=%d\n", prefix, kp->ck_name,
			    *(const int *)field);
		else if (kp->ck_type == CT_STR)
			cfg_out(co, "%s%s=%s\n", prefix, kp->ck_name, field);
		else if (kp->ck_type == CT_IP)
			cfg_out(co, "%s%s=%s\n", prefix, kp->ck_name,
			    inet_ntop(AF_INET, field, a, sizeof(a)));
	}
}

static void
cfg_dump_list(struct cfg_out *co, const char *name, const uint16_t *v, int n)
{
	int i;

	cfg_out(co, "%s=", name);
	for (i = 0; i < n; i++)
		cfg_out(co, "%s%u", i > 0 ? "," : "", v[i]);
	cfg_out(co, "\n");
}

static void
cfg_dump_port(struct cfg_out *co, const struct ff_config *cfg, int i)
{
	const struct ff_port_cfg *pc = &cfg->ports[i];
	char prefix[24], name[40], a[INET_ADDRSTRLEN];
	int j;

	snprintf(prefix, sizeof(prefix), "port%d.", i);
	cfg_dump_keys(co, cfg, CS_PORT, i, prefix);
	cfg_out(co, "%shas_gateway=%d\n", prefix, pc->pc_has_gateway);
	snprintf(name, sizeof(name), "%slcore_list", prefix);
	cfg_dump_list(co, name, pc->pc_lcores, pc->pc_nb_lcores);
	cfg_out(co, "%svip_addr=", prefix);
	for (j = 0; j < pc->pc_nb_vips; j++)
		cfg_out(co, "%s%s", j > 0 ? ";" : "",
		    inet_ntop(AF_INET, &pc->pc_vips[j], a, sizeof(a)));
	cfg_out(co, "\n");
}

static void
cfg_dump_kv(struct cfg_out *co, const char *prefix, const struct ff_kv *kv,
    int n)
{
	int i;

	for (i = 0; i < n; i++)
		cfg_out(co, "%s.%s=%s\n%s.%s@line=%d\n", prefix,
		    kv[i].kv_name, kv[i].kv_value, prefix, kv[i].kv_name,
		    kv[i].kv_line);
}

size_t
ff_test_config_dump(const struct ff_config *cfg, char *buf, size_t len)
{
	const struct ff_dpdk_cfg *d = &cfg->dpdk;
	struct cfg_out co = { buf, len, 0 };
	char prefix[24];
	int i;

	if (len > 0)
		buf[0] = '\0';
	cfg_out(&co, "path=%s\n", cfg->path);
	cfg_dump_keys(&co, cfg, CS_DPDK, 0, "dpdk.");
	cfg_out(&co, "dpdk.lcore_mask_bits=0x%llx\ndpdk.nb_procs=%d\n",
	    (unsigned long long)d->lcore_mask_bits, d->nb_procs);
	cfg_dump_list(&co, "dpdk.port_list", d->port_list, d->nb_ports);
	for (i = 0; i < FF_MAX_PORTS; i++)
		if (cfg->ports[i].pc_present)
			cfg_dump_port(&co, cfg, i);
	for (i = 0; i < FF_MAX_VDEVS; i++) {
		if (!cfg->vdevs[i].vc_present)
			continue;
		snprintf(prefix, sizeof(prefix), "vdev%d.", i);
		cfg_dump_keys(&co, cfg, CS_VDEV, i, prefix);
		cfg_out(&co, "%sdevargs=%s\n", prefix,
		    cfg->vdevs[i].vc_devargs);
	}
	cfg_out(&co, "boot.hz=%d\n", cfg->hz);
	cfg_dump_kv(&co, "boot", cfg->boot, cfg->nb_boot);
	cfg_dump_kv(&co, "sysctl", cfg->sysctl, cfg->nb_sysctl);
	return (co.co_off);
}

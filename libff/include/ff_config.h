/*
 * ff_config.h - config.ini, F-Stack compatible where F-Stack has the key.
 *
 * Sections: [dpdk], [portN], [vdevN], [freebsd.boot], [freebsd.sysctl].
 * An unknown section or key, or a bad value, is an error that names the
 * file, line, section and key; nothing is half-applied.
 *
 * [vdevN] extends F-Stack's virtio-user-only section compatibly: `driver'
 * names any DPDK virtual device (net_tap, net_memif, net_af_packet,
 * net_af_xdp, net_ring, virtio_user) and `args' passes its devargs; the
 * F-Stack keys (iface, path, queues, queue_size, mac, cq) are folded into
 * the devargs of the drivers that know them.
 */
#ifndef _FF_CONFIG_H_
#define _FF_CONFIG_H_

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define FF_MAX_PORTS	     8
#define FF_MAX_VDEVS	     8
#define FF_MAX_VIPS	     64
#define FF_MAX_KV	     256
#define FF_MAX_LCORES	     64
#define FF_IFNAMSIZ	     16
#define FF_RX_BURST_MAX	     32 /* [dpdk] rx_burst: frames per receive burst */
/* [portN] rx_desc, tx_desc: descriptors per queue, a power of two. */
#define FF_PORT_DESC_DEFAULT 1024
#define FF_PORT_DESC_MIN     32 /* one receive burst */
#define FF_PORT_DESC_MAX     32768
#define FF_PORT_MTU_MIN	     68	   /* RFC 791: every link carries 68 bytes */
#define FF_PORT_MTU_MAX	     65535 /* IP's largest datagram */

enum ff_proc_type {
	FF_PROC_AUTO = 0,
	FF_PROC_PRIMARY,
	FF_PROC_SECONDARY,
};

/* A name=value pair kept with its source line, for [freebsd.*]. */
struct ff_kv {
	char kv_name[128];
	char kv_value[256];
	int kv_line;
};

struct ff_port_cfg {
	int pc_present; /* a [portN] section was read */
	uint16_t pc_port_id;
	char pc_if_name[FF_IFNAMSIZ]; /* default f-stack-N */
	struct in_addr pc_addr;
	struct in_addr pc_netmask;
	struct in_addr pc_broadcast;
	struct in_addr pc_gateway;
	int pc_has_gateway;
	uint16_t pc_lcores[FF_MAX_LCORES]; /* lcore_list */
	int pc_nb_lcores;
	struct in_addr pc_vips[FF_MAX_VIPS]; /* vip_addr, ';'-separated */
	int pc_nb_vips;
	int pc_rx_desc;	   /* descriptors per rx queue, default 1024 */
	int pc_tx_desc;	   /* descriptors per tx queue, default 1024 */
	int pc_mtu;	   /* ours: IP MTU at start, 0 = the driver's (1500) */
	int pc_mtu_line;   /* line of mtu=, for the start's messages */
	int pc_csum_trust; /* ours: no TCP/UDP sums with an ff peer (memif) */
	int pc_csum_trust_line; /* its line, for the start's messages */
	int pc_line;		/* line of the section header */
};

struct ff_vdev_cfg {
	int vc_present;
	char vc_driver[32]; /* net_tap, net_memif, ... */
	char vc_args[512];  /* devargs as given */
	char vc_iface[FF_IFNAMSIZ];
	char vc_path[256];
	char vc_mac[18];
	int vc_queues;
	int vc_queue_size;
	int vc_cq;
	int vc_zero_copy; /* net_memif zero-copy=yes (needs one file/list) */
	int vc_frame;	  /* net_memif: a frame of its port's mtu, 1 KB up */
	char vc_devargs[1024]; /* full "name,args" for --vdev */
	int vc_line;
};

struct ff_dpdk_cfg {
	char lcore_mask[32]; /* hex, as given */
	uint64_t lcore_mask_bits;
	int nb_procs;		     /* bits set in lcore_mask */
	int proc_id;		     /* from -p, default 0 */
	enum ff_proc_type proc_type; /* from -t */
	int channel;		     /* -n; 0 = EAL default */
	int memory;		     /* -m MB; 0 = on demand */
	int no_huge;
	char base_virtaddr[32];
	char file_prefix[64];	 /* default FF_DEFAULT_FILE_PREFIX */
	char allow[512];	 /* PCI allow list, comma-separated */
	int log_level;		 /* RTE_LOG_*; default warning */
	char log_file[PATH_MAX]; /* "" = stderr */
	uint16_t port_list[FF_MAX_PORTS];
	int nb_ports;
	int nb_vdev;
	int promiscuous;	  /* default 1 */
	int numa_on;		  /* default 1 */
	int tx_csum_offload_skip; /* F-Stack: tx_csum_offoad_skip */
	int tso;
	int vlan_strip;	  /* default 1 */
	int vlan_accept;  /* ours: accept tagged frames */
	int idle_sleep;	  /* µs to sleep after an idle loop */
	int idle_spin;	  /* µs of polling after work before sleeping */
	int pkt_tx_delay; /* µs; 0 = flush every loop */
	int rx_burst;	  /* ours: frames per receive burst, default 32 */
	int timer_slack;  /* ours: µs of timer slack, 0 = the kernel's */
	char profile[16]; /* ours: latency, throughput or "" (none) */
	int nb_mbufs;	  /* ours: mbuf pool size */
};

struct ff_config {
	char path[PATH_MAX];
	struct ff_dpdk_cfg dpdk;
	struct ff_port_cfg ports[FF_MAX_PORTS];
	struct ff_vdev_cfg vdevs[FF_MAX_VDEVS];
	int hz;		/* [freebsd.boot] hz, default 1000 */
	int fd_reserve; /* [freebsd.boot] fd_reserve: first descriptor */
	struct ff_kv boot[FF_MAX_KV]; /* other [freebsd.boot] tunables */
	int nb_boot;
	struct ff_kv sysctl[FF_MAX_KV]; /* [freebsd.sysctl] */
	int nb_sysctl;
};

/*
 * Fill `cfg' with defaults, then read `path'.  Returns 0, or -1 with errno
 * set and a one-line message in `err' (when err is not NULL and errlen is
 * not 0):
 *   "config.ini:12: [port0] netmask: 255.255.225.0 is not a contiguous netmask"
 *   EINVAL	path or cfg is NULL; a syntax error, an unknown section or
 *		key, a bad value, or a check across keys failed; the file
 *		is bigger than 1 MiB or holds a NUL byte
 *   ENOENT, EACCES, EISDIR, ...  the file cannot be opened or read
 *		(fopen(3)'s and fread(3)'s errno)
 *   ENOMEM	no memory for the scratch configuration
 * On error `cfg' holds the defaults, never part of the file.  Needs no EAL.
 * proc_id and proc_type are left at their defaults: they come from the
 * command line, which the caller applies afterwards.  The syntax and every
 * key are described at the top of core/ff_config.c.
 */
int ff_config_load(
    const char *path, struct ff_config *cfg, char *err, size_t errlen);

/*
 * Same as ff_config_load() on a string (tests, embedded configs); `name'
 * (NULL: "<string>") stands for the file in messages.  Returns 0, or -1:
 *   EINVAL	text or cfg is NULL, or the text is not a valid config
 *   ENOMEM	no memory for the scratch configuration
 */
int ff_config_load_string(const char *text, const char *name,
    struct ff_config *cfg, char *err, size_t errlen);

/* Fill `cfg' with the defaults (the config of an empty file).  No errors. */
void ff_config_defaults(struct ff_config *cfg);

#endif /* _FF_CONFIG_H_ */

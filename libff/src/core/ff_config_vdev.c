/*
 * ff_config_vdev.c - config.ini's [vdevN] sections: the DPDK virtual
 * device drivers ff knows, and F-Stack's virtio-user keys folded into the
 * devargs of the drivers that have them.
 *
 * Entry points: cfg_driver() (the value parser of `driver'),
 * cfg_finish_vdevs() (run once the whole text is read).
 *
 * The result is each vdev's vc_devargs, "<driver><N>,<folded keys>,<args>",
 * as the EAL's --vdev option takes it, e.g. "net_tap0,iface=fftap0".  A key
 * the driver has no use for, a key also given in args, or a missing key
 * the driver needs is an error naming the line it was set on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_config_var.h"

/* How a [vdevN] key becomes a devarg of one driver. */
struct cfg_fold {
	const char *cf_key;
	const char *cf_arg;
	int cf_yesno; /* 0/1 given as no/yes */
};

struct cfg_driver {
	const char *cd_name;
	const char *cd_needs; /* key the driver cannot do without */
	struct cfg_fold cd_fold[6];
};

static const struct cfg_driver cfg_drivers[] = {
	{ "net_tap", NULL, { { "iface", "iface", 0 }, { "mac", "mac", 0 } } },
	{ "net_memif", NULL,
	    { { "path", "socket", 0 }, { "mac", "mac", 0 },
		{ "zero_copy", "zero-copy", 1 } } },
	{ "net_af_packet", "iface",
	    { { "iface", "iface", 0 }, { "queues", "qpairs", 0 } } },
	{ "net_af_xdp", "iface",
	    { { "iface", "iface", 0 }, { "queues", "queue_count", 0 } } },
	{ "net_ring", NULL, { { NULL, NULL, 0 } } },
	{ "virtio_user", "path",
	    { { "path", "path", 0 }, { "queues", "queues", 0 },
		{ "queue_size", "queue_size", 0 }, { "mac", "mac", 0 },
		{ "cq", "cq", 0 } } },
};

static const struct cfg_driver *
cfg_driver_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(cfg_drivers); i++)
		if (strcmp(cfg_drivers[i].cd_name, name) == 0)
			return (&cfg_drivers[i]);
	return (NULL);
}

int
cfg_driver(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	if (cfg_driver_find(v) == NULL)
		return (cfg_err(pp,
		    "%s is not a supported driver (net_tap, "
		    "net_memif, net_af_packet, net_af_xdp, net_ring, "
		    "virtio_user)",
		    v));
	return (cfg_str(pp, kp, base, v));
}

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
	if ((cf->cf_yesno ? cfg_append(vc->vc_devargs, sizeof(vc->vc_devargs),
				",%s=%s", cf->cf_arg,
				*(const int *)field ? "yes" : "no")
		    : kp->ck_type == CT_INT
		    ? cfg_append(vc->vc_devargs, sizeof(vc->vc_devargs),
			  ",%s=%d", cf->cf_arg, *(const int *)field)
		    : cfg_append(vc->vc_devargs, sizeof(vc->vc_devargs),
			  ",%s=%s", cf->cf_arg, field)) != 0)
		return (cfg_err_at(
		    pp, line, sect, kp->ck_name, "devargs too long"));
	return (0);
}

/* The value of devarg `name' in `args' (up to the next comma), or NULL. */
static const char *
cfg_args_value(const char *args, const char *name, char *buf, size_t size)
{
	size_t len;

	len = strlen(name);
	for (; args != NULL; args = strchr(args, ',')) {
		args += *args == ',';
		if (strncmp(args, name, len) == 0 && args[len] == '=') {
			snprintf(buf, size, "%.*s",
			    (int)strcspn(args + len + 1, ","), args + len + 1);
			return (buf);
		}
	}
	return (NULL);
}

/*
 * memif zero copy: the client's frames stay in its own packet pool both
 * ways, which the server maps and copies from and into; DPDK's server side has no such mode
 * and drops the flag without a word, so it is refused here.  zero-copy=
 * in args is refused too: zero_copy=1 is the one way to ask, because the
 * EAL must be told as well (ff_dpdk_eal_args(): --single-file-segments),
 * and so is zero copy in a stack of several processes (see there).
 */
static int
cfg_check_zero_copy(struct cfg_parse *pp, const char *sect, int i)
{
	struct ff_vdev_cfg *vc = &pp->pp_cfg->vdevs[i];
	char role[16];
	int line;

	if (strcmp(vc->vc_driver, "net_memif") != 0)
		return (0);
	if (cfg_args_have(vc->vc_args, "zero-copy"))
		return (cfg_err_at(pp, cfg_key_line(pp, CS_VDEV, i, "args"),
		    sect, "args",
		    "zero-copy= is set by zero_copy=1 (which also gives the "
		    "EAL --single-file-segments, as memif needs)"));
	line = cfg_key_line(pp, CS_VDEV, i, "zero_copy");
	if (line == 0 || !vc->vc_zero_copy)
		return (0);
	if (cfg_args_value(vc->vc_args, "role", role, sizeof(role)) == NULL ||
	    (strcmp(role, "client") != 0 && strcmp(role, "slave") != 0))
		return (cfg_err_at(pp, line, sect, "zero_copy",
		    "only a memif client sends by reference (args=role=client;"
		    " the server, memif's default role, maps the client's "
		    "memory and copies)"));
	if (pp->pp_cfg->dpdk.nb_procs > 1)
		return (cfg_err_at(pp, line, sect, "zero_copy",
		    "one process only (lcore_mask of one CPU): memif closes "
		    "the EAL's memory files in every process, ff mends the "
		    "primary's alone (dpdk/ff_memif_zc.c)"));
	return (0);
}

/*
 * net_memif's buffers for a jumbo MTU: bsize= (2048 by default) large
 * enough for a whole frame of port N's [portN] mtu (vdev N makes port N),
 * its Ethernet header and an 802.1Q tag, rounded up to 1 KB.  DPDK 22.11's
 * memif transmit spreads a longer frame over chained descriptors but
 * never clears the chain flag (MEMIF_DESC_FLAG_NEXT) of a frame's first
 * descriptor, which it reuses as the ring comes round: the receiver then
 * joins unrelated frames into one (seen here as oversize frames and a
 * stalled transfer).  One descriptor a frame avoids it; the receiver
 * copies a frame into one mbuf (the pool's buffers hold a frame of the
 * MTU too, dpdk/ff_dpdk.c's pool_bufsize()).  A bsize= in args
 * that is too small is refused; memif takes at most 65535.
 */
#define CFG_MEMIF_BSIZE	    2048     /* memif's default */
#define CFG_MEMIF_BSIZE_MAX 65535    /* its pkt_buffer_size is 16 bits */
#define CFG_FRAME_OVERHEAD  (14 + 4) /* Ethernet header, 802.1Q tag */

static int
cfg_memif_bsize(struct cfg_parse *pp, const char *sect, int i)
{
	struct ff_vdev_cfg *vc = &pp->pp_cfg->vdevs[i];
	int mtu = i < FF_MAX_PORTS ? pp->pp_cfg->ports[i].pc_mtu : 0;
	unsigned long need, have, frame;
	char buf[16], psect[24];

	snprintf(psect, sizeof(psect), "port%d", i);
	if (strcmp(vc->vc_driver, "net_memif") != 0 || mtu == 0)
		return (0);
	need = (unsigned long)mtu + CFG_FRAME_OVERHEAD;
	/* What a buffer must hold for this port (dpdk/ff_dpdk.c's pool). */
	frame = (need + 1023) & ~1023UL;
	vc->vc_frame =
	    (int)(frame < CFG_MEMIF_BSIZE_MAX ? frame : CFG_MEMIF_BSIZE_MAX);
	if (cfg_args_value(vc->vc_args, "bsize", buf, sizeof(buf)) != NULL) {
		have = strtoul(buf, NULL, 10);
		if (have >= need)
			return (0);
		return (cfg_err_at(pp, cfg_key_line(pp, CS_VDEV, i, "args"),
		    sect, "args",
		    "bsize=%s is less than a frame of [port%d] mtu=%d (%lu "
		    "bytes with its header and a VLAN tag): DPDK 22.11's memif "
		    "chains descriptors for it and leaves their flags stale",
		    buf, i, mtu, need));
	}
	if (need <= CFG_MEMIF_BSIZE)
		return (0);
	need = (unsigned long)vc->vc_frame;
	if (need < (unsigned long)mtu + CFG_FRAME_OVERHEAD)
		return (cfg_err_at(pp, cfg_key_line(pp, CS_PORT, i, "mtu"),
		    psect, "mtu",
		    "%d: net_memif's buffers (bsize=) hold at most %d bytes, "
		    "a frame of mtu %d with its header and a VLAN tag",
		    mtu, CFG_MEMIF_BSIZE_MAX,
		    CFG_MEMIF_BSIZE_MAX - CFG_FRAME_OVERHEAD));
	if (cfg_append(vc->vc_devargs, sizeof(vc->vc_devargs), ",bsize=%lu",
		need) != 0)
		return (cfg_err_at(
		    pp, vc->vc_line, sect, NULL, "devargs too long"));
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
	snprintf(
	    vc->vc_devargs, sizeof(vc->vc_devargs), "%s%d", cd->cd_name, i);
	for (kp = cfg_keys; kp < cfg_keys + cfg_nkeys; kp++) {
		if (kp->ck_sect != CS_VDEV || lines[kp - cfg_keys] == 0 ||
		    strcmp(kp->ck_name, "driver") == 0 ||
		    strcmp(kp->ck_name, "args") == 0)
			continue;
		if (cfg_fold_key(pp, sect, lines[kp - cfg_keys], kp, cd, vc) !=
		    0)
			return (-1);
	}
	if (cd->cd_needs != NULL &&
	    cfg_key_line(pp, CS_VDEV, i, cd->cd_needs) == 0 &&
	    !cfg_args_have(vc->vc_args, cd->cd_needs))
		return (cfg_err_at(pp, vc->vc_line, sect, cd->cd_needs,
		    "missing (%s needs it)", cd->cd_name));
	if (cfg_check_zero_copy(pp, sect, i) != 0 ||
	    cfg_memif_bsize(pp, sect, i) != 0)
		return (-1);
	if (vc->vc_args[0] != '\0' &&
	    cfg_append(vc->vc_devargs, sizeof(vc->vc_devargs), ",%s",
		vc->vc_args) != 0)
		return (cfg_err_at(
		    pp, vc->vc_line, sect, "args", "devargs too long"));
	return (0);
}

/* [vdev0] .. [vdevN-1] for nb_vdev=N; without nb_vdev, as many as given. */
int
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
			return (
			    cfg_err_at(pp, cfg->vdevs[last].vc_line, sect, NULL,
				"no [vdev%d] before it (vdevs are numbered "
				"from 0)",
				i));
		}
		if (cfg->vdevs[i].vc_present && cfg_finish_vdev(pp, i) != 0)
			return (-1);
	}
	return (0);
}

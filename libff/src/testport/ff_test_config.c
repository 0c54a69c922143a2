/*
 * ff_test_config.c - a parsed configuration dumped as "name=value" lines,
 * for tests/unit/test_config.py, which reads struct ff_config through it
 * rather than mirror the struct in Python.
 *
 * Entry point: ff_test_config_dump().  Every key of the key table that
 * stores a plain field is printed under its section ("dpdk.nb_mbufs=8191",
 * "port0.addr=198.18.0.2", "vdev0.devargs=net_tap0,iface=fftap0"), then
 * the fields a parser derives (lcore_mask_bits, nb_procs, lists, has_gateway)
 * and the [freebsd.boot] and [freebsd.sysctl] entries with their lines,
 * and the EAL arguments ff_init() would start DPDK with ("eal.args=ff
 * -l2 ...").  ff_test_numa_socket() shows the numa_on decision.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>

#include "core/ff_config_var.h"
#include "dpdk/ff_dpdk.h"
#include "testport/ff_test_config.h"

struct cfg_out {
	char *co_buf;
	size_t co_len;
	size_t co_off; /* what the whole text needs */
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
	for (kp = cfg_keys; kp < cfg_keys + cfg_nkeys; kp++) {
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
cfg_dump_kv(
    struct cfg_out *co, const char *prefix, const struct ff_kv *kv, int n)
{
	int i;

	for (i = 0; i < n; i++)
		cfg_out(co, "%s.%s=%s\n%s.%s@line=%d\n", prefix, kv[i].kv_name,
		    kv[i].kv_value, prefix, kv[i].kv_name, kv[i].kv_line);
}

/* The EAL's argv, joined by blanks (argv[0] too). */
static void
cfg_dump_eal(struct cfg_out *co, const struct ff_config *cfg)
{
	char *argv[FF_EAL_MAXARGS], buf[8192], err[256];
	int i, argc;

	argc = ff_dpdk_eal_args(
	    cfg, argv, FF_EAL_MAXARGS, buf, sizeof(buf), err, sizeof(err));
	cfg_out(co, "eal.args=");
	for (i = 0; i < argc; i++)
		cfg_out(co, "%s%s", i > 0 ? " " : "", argv[i]);
	cfg_out(co, "\n");
}

int
ff_test_numa_socket(const struct ff_config *cfg, int dev_socket)
{
	return (ff_dpdk_numa_socket(cfg, dev_socket));
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
		cfg_out(
		    &co, "%sdevargs=%s\n", prefix, cfg->vdevs[i].vc_devargs);
	}
	cfg_out(&co, "boot.hz=%d\n", cfg->hz);
	cfg_out(&co, "boot.fd_reserve=%d\n", cfg->fd_reserve);
	cfg_dump_kv(&co, "boot", cfg->boot, cfg->nb_boot);
	cfg_dump_kv(&co, "sysctl", cfg->sysctl, cfg->nb_sysctl);
	cfg_dump_eal(&co, cfg);
	return (co.co_off);
}

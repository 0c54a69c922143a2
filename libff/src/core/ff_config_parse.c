/*
 * ff_config_parse.c - the value parsers of config.ini's keys.
 *
 * Entry points: the cfg_parse_fn functions that the key table of
 * ff_config.c names (cfg_int(), cfg_str(), cfg_name(), cfg_hex(),
 * cfg_lcore_mask(), cfg_lcores(), cfg_log_level(), cfg_port_list(),
 * cfg_lcore_list(),
 * cfg_ipv4(), cfg_netmask(), cfg_gateway(), cfg_vips(), cfg_mac(),
 * cfg_refuse(), cfg_cmdline()).
 *
 * Each checks one value as written, stores it in its field of the section's
 * struct (`base') and returns 0, or reports the error through cfg_err() and
 * returns -1.  Addresses are IPv4 dotted quads (RFC 1166's notation, as
 * inet_pton(3) takes them); netmasks must be contiguous (RFC 4632).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "ff_msg.h"
#include "core/ff_config_var.h"

static const char *const cfg_log_names[] = {
	NULL,
	"emerg",
	"alert",
	"crit",
	"err",
	"warning",
	"notice",
	"info",
	"debug",
};

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
	return (0); /* ERANGE leaves LONG_MIN/MAX: out of range */
}

int
cfg_int(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
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

/* An integer in range that is a power of two: ring sizes. */
int
cfg_pow2(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	long n;

	if (cfg_strtol(v, &n) == 0 && n > 0 && (n & (n - 1)) != 0)
		return (cfg_err(pp, "%s is not a power of two", v));
	return (cfg_int(pp, kp, base, v));
}

int
cfg_str(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
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
int
cfg_name(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

	if (v[strspn(v, ok)] != '\0')
		return (cfg_err(pp,
		    "%s is not a valid name "
		    "(letters, digits, '.', '_' and '-' only)",
		    v));
	return (cfg_str(pp, kp, base, v));
}

int
cfg_hex(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	const char *h;

	h = v;
	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	if (*h == '\0' || h[strspn(h, "0123456789abcdefABCDEF")] != '\0')
		return (cfg_err(pp, "%s is not a hexadecimal number", v));
	return (cfg_str(pp, kp, base, v));
}

int
cfg_lcore_mask(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
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
		return (cfg_err(
		    pp, "%s names lcores above %d", v, FF_MAX_LCORES - 1));
	bits = strtoull(h, NULL, 16);
	if (bits == 0)
		return (cfg_err(pp, "%s selects no lcore", v));
	if (__builtin_popcountll(bits) > FF_MAX_PROCS)
		return (cfg_err(pp,
		    "%s selects %d lcores; ff runs at most %d "
		    "stack processes",
		    v, __builtin_popcountll(bits), FF_MAX_PROCS));
	d->lcore_mask_bits = bits;
	d->nb_procs = __builtin_popcountll(bits);
	return (0);
}

int
cfg_log_level(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	size_t i;

	for (i = 1; i < nitems(cfg_log_names); i++) {
		if (strcmp(v, cfg_log_names[i]) == 0) {
			*(int *)((char *)base + kp->ck_off) = (int)i;
			return (0);
		}
	}
	if (!isdigit((unsigned char)v[0]))
		return (cfg_err(pp,
		    "%s is not a log level (1-8, emerg, alert, "
		    "crit, err, warning, notice, info or debug)",
		    v));
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
cfg_ranges(struct cfg_parse *pp, const char *v, const char *what, uint16_t *out,
    int max, long limit, int *np)
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

int
cfg_port_list(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	struct ff_dpdk_cfg *d = base;

	return (cfg_ranges(pp, v, "port", d->port_list, FF_MAX_PORTS,
	    FF_MAX_PORTS, &d->nb_ports));
}

int
cfg_lcore_list(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	struct ff_port_cfg *pc = base;

	return (cfg_ranges(pp, v, "lcore", pc->pc_lcores, FF_MAX_LCORES,
	    FF_MAX_LCORES, &pc->pc_nb_lcores));
}

/*
 * [dpdk] lcore_list, "2,4-5": the same set of lcores as lcore_mask, written
 * as a list.  lcore_mask is rewritten in hex so that messages and the
 * tools show one form.
 */
int
cfg_lcores(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	struct ff_dpdk_cfg *d = base;
	uint16_t list[FF_MAX_LCORES];
	uint64_t bits = 0;
	int i, n;

	if (cfg_ranges(
		pp, v, "lcore", list, FF_MAX_LCORES, FF_MAX_LCORES, &n) != 0)
		return (-1);
	if (n > FF_MAX_PROCS)
		return (cfg_err(pp,
		    "%s selects %d lcores; ff runs at most %d "
		    "stack processes",
		    v, n, FF_MAX_PROCS));
	for (i = 0; i < n; i++)
		bits |= 1ULL << list[i];
	d->lcore_mask_bits = bits;
	d->nb_procs = n;
	snprintf(d->lcore_mask, sizeof(d->lcore_mask), "%llx",
	    (unsigned long long)bits);
	return (0);
}

int
cfg_ipv4(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	struct in_addr *a = (struct in_addr *)((char *)base + kp->ck_off);

	/* inet_pton, unlike inet_aton, takes only the dotted quad. */
	if (inet_pton(AF_INET, v, a) != 1)
		return (cfg_err(pp, "%s is not an IPv4 address", v));
	return (0);
}

int
cfg_netmask(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
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

int
cfg_gateway(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	struct ff_port_cfg *pc = base;

	if (cfg_ipv4(pp, kp, base, v) != 0)
		return (-1);
	pc->pc_has_gateway = 1;
	return (0);
}

/* vip_addr: IPv4 addresses separated by `;', blanks around them ignored. */
int
cfg_vips(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	struct ff_port_cfg *pc = base;
	char buf[INI_MAX_LINE], *tok, *save;
	size_t len;

	snprintf(buf, sizeof(buf), "%s", v); /* a line fits, so v does */
	for (tok = strtok_r(buf, ";", &save); tok != NULL;
	     tok = strtok_r(NULL, ";", &save)) {
		tok += strspn(tok, " \t");
		len = strcspn(tok, " \t");
		if (tok[len + strspn(tok + len, " \t")] != '\0')
			return (cfg_err(pp, "%s is not an IPv4 address", tok));
		tok[len] = '\0';
		if (pc->pc_nb_vips == FF_MAX_VIPS)
			return (
			    cfg_err(pp, "more than %d addresses", FF_MAX_VIPS));
		if (inet_pton(AF_INET, tok, &pc->pc_vips[pc->pc_nb_vips]) != 1)
			return (cfg_err(pp, "%s is not an IPv4 address", tok));
		pc->pc_nb_vips++;
	}
	return (0);
}

int
cfg_mac(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	int i;

	/* Stops at the NUL of a short string before reading past it. */
	for (i = 0; i < 17; i++)
		if (i % 3 == 2 ? v[i] != ':' : !isxdigit((unsigned char)v[i]))
			break;
	if (i != 17 || v[17] != '\0')
		return (cfg_err(pp,
		    "%s is not a MAC address "
		    "(xx:xx:xx:xx:xx:xx)",
		    v));
	return (cfg_str(pp, kp, base, v));
}

/* F-Stack keys for features we lack: fine while empty. */
int
cfg_refuse(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	if (*v == '\0')
		return (0);
	return (cfg_err(pp, "%s", kp->ck_why));
}

int
cfg_cmdline(
    struct cfg_parse *pp, const struct cfg_key *kp, void *base, const char *v)
{
	return (cfg_err(pp, "%s", kp->ck_why));
}

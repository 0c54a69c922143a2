/*
 * kern_sysctl_tunable.c - [freebsd.boot]: FreeBSD's loader tunables,
 * applied to the nodes that carry CTLFLAG_TUN.
 *
 * Entry point: sysctl_boot_apply(), called by the stack's attach once
 * every subsystem registered its nodes and before the first socket,
 * descriptor or pcb exists.  FreeBSD fetches a tunable when its node is
 * registered; here the whole list is applied in one place (twice, see
 * sysctl_boot_apply()), which also lets every name be checked: an
 * unknown name, a name that is no tunable, or a value its node refuses
 * stops the start with one line that names the file and line, as every
 * other config error does:
 *   config.ini:12: [freebsd.boot] kern.maxfiles: 0 is out of range
 *   (1..134217728)
 * A node that is CTLFLAG_RD | CTLFLAG_TUN (RDTUN) takes its value here
 * and nowhere else; RWTUN nodes may be changed again at run time.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"

static int __attribute__((format(printf, 5, 6)))
tunable_err(const struct ff_config *cfg, const struct ff_kv *kv, char *err,
    size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL || errlen == 0)
		return (-1);
	n = snprintf(err, errlen, "%s:%d: [freebsd.boot] %s: ",
	    cfg->path[0] != '\0' ? cfg->path : "config", kv->kv_line,
	    kv->kv_name);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return (-1);
}

/*
 * Tunables of F-Stack's sample config.ini that ff has no node for, and
 * why (a name prefix ends in a dot).
 */
static const struct tunable_unsupported {
	const char *tu_name;
	const char *tu_why;
} tunable_unsupported[] = {
	{ "kern.ncallout",
	    "not supported by ff: its callouts live in the structures that "
	    "own them, there is no callout table to size" },
	{ "kern.features.inet6", "IPv6 is not supported yet" },
	{ "net.inet6.", "IPv6 is not supported yet" },
};

static const char *
tunable_unsupported_why(const char *name)
{
	const struct tunable_unsupported *tu;
	size_t n = sizeof(tunable_unsupported) / sizeof(tunable_unsupported[0]);
	size_t len;

	for (tu = tunable_unsupported; tu < tunable_unsupported + n; tu++) {
		len = strlen(tu->tu_name);
		if (tu->tu_name[len - 1] == '.'
			? strncmp(name, tu->tu_name, len) == 0
			: strcmp(name, tu->tu_name) == 0)
			return (tu->tu_why);
	}
	return (NULL);
}

/* Why a name that is no tunable cannot be set at boot. */
static int
tunable_refuse(const struct ff_config *cfg, const struct ff_kv *kv,
    const struct sysctl_oid *oidp, char *err, size_t errlen)
{
	const char *why = tunable_unsupported_why(kv->kv_name);

	if (oidp == NULL && why != NULL)
		return (tunable_err(cfg, kv, err, errlen, "%s", why));
	if (oidp == NULL)
		return (tunable_err(
		    cfg, kv, err, errlen, "unknown tunable (no such sysctl)"));
	if (!sysctl_oid_is_leaf(oidp))
		return (tunable_err(
		    cfg, kv, err, errlen, "a sysctl node, not a tunable"));
	if (sysctl_oid_kind(oidp) & CTLFLAG_WR)
		return (tunable_err(cfg, kv, err, errlen,
		    "not a tunable; set it in [freebsd.sysctl]"));
	return (tunable_err(cfg, kv, err, errlen, "read-only, not a tunable"));
}

/* One name=value: 0, or -1 with the message. */
static int
tunable_apply(
    struct ff_ctx *ctx, const struct ff_kv *kv, char *err, size_t errlen)
{
	const struct ff_config *cfg = ctx->cfg;
	struct sysctl_oid *oidp;
	char range[64];
	int error;

	oidp = sysctl_find_name(ctx, kv->kv_name);
	if (oidp == NULL || !sysctl_oid_is_leaf(oidp) ||
	    (sysctl_oid_kind(oidp) & CTLFLAG_TUN) == 0)
		return (tunable_refuse(cfg, kv, oidp, err, errlen));
	error = sysctl_oid_set_tunable(ctx, oidp, kv->kv_value);
	if (error == 0)
		return (0);
	if (error == ERANGE && sysctl_oid_range(oidp, range, sizeof(range)))
		return (tunable_err(cfg, kv, err, errlen,
		    "%s is out of range (%s)", kv->kv_value, range));
	if (error == ERANGE)
		return (tunable_err(
		    cfg, kv, err, errlen, "%s is out of range", kv->kv_value));
	if (error == EINVAL)
		return (tunable_err(cfg, kv, err, errlen,
		    "%s is not a valid value (%s)", kv->kv_value,
		    sysctl_oid_descr(oidp)));
	return (tunable_err(
	    cfg, kv, err, errlen, "%s: %s", kv->kv_value, strerror(error)));
}

/*
 * Two passes in file order.  Some tunables derive others (a SYN cache or
 * host cache hashsize sets cachelimit to hashsize * bucketlimit, and an
 * explicit cachelimit is checked against that product), so the first
 * pass may refuse a value, or have it overwritten, only because of the
 * order of the lines; the second pass sets every one again (setting a
 * value a node already holds changes nothing) and its verdict is final,
 * as FreeBSD's, where the explicit tunable wins whatever the order.
 */
int
sysctl_boot_apply(struct ff_ctx *ctx, char *err, size_t errlen)
{
	const struct ff_config *cfg = ctx->cfg;
	int i;

	if (cfg == NULL)
		return (0);
	for (i = 0; i < cfg->nb_boot; i++)
		(void)tunable_apply(ctx, &cfg->boot[i], NULL, 0);
	for (i = 0; i < cfg->nb_boot; i++)
		if (tunable_apply(ctx, &cfg->boot[i], err, errlen) != 0) {
			errno = EINVAL;
			return (-1);
		}
	return (0);
}

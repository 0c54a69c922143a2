/*
 * ip_fw2.c - ipfw's packet path: the hooks where FreeBSD's pfil hooks
 * sit, the evaluation of the rule list on one packet (FreeBSD's
 * ipfw_chk in netpfil/ipfw/ip_fw2.c), the actions, logging, and the
 * net.inet.ip.fw sysctls.  The nat action hands the packet to
 * ip_fw_nat.c and, as with one_pass=1, its verdict ends the walk.
 *
 * Entry points: ipfw_init(), ipfw_fini(), ipfw_sysctl_attach(),
 * ipfw_check_in() (ip_input, after validation), ipfw_check_out()
 * (ip_output, before fragmentation), ipfw_chk().
 *
 * Semantics of ipfw(8): rules in number order, the first whose every
 * instruction matches decides (count, skipto and call/return go on);
 * instructions with F_OR form a block that matches when any of them
 * does; F_NOT inverts one.  Disabled sets are skipped.  The default
 * rule 65535 accepts, or denies with net.inet.ip.fw.default_to_accept=0
 * in [freebsd.boot].
 * reject / unreach answer on the input path only (RFC 792 destination
 * unreachable, RFC 9293 3.10.7.1 for the RST); on the output path they
 * drop as deny does, and the sender sees EACCES.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "core/ff_ctx.h"
#include "net/if_var.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/icmp_var.h"
#include "netinet/tcp_var.h"
#include "netinet/ip_fw.h"
#include "kern/kern_sysctl.h"
#include "kern/libkern.h"
#include "kern/mbuf.h"
#include "kern/uma.h"

uint64_t
ipfw_now(struct ff_ctx *ctx)
{
	return (ff_clock_wall(&ctx->clock) / FF_NS_PER_SEC);
}

uint64_t
ipfw_uptime(struct ff_ctx *ctx)
{
	return (ff_clock_uptime(&ctx->clock));
}

int
ipfw_init(struct ff_ctx *ctx)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	int error;

	memset(fw, 0, sizeof(*fw));
	fw->enable = 1;
	/*
	 * ipfw is always built in: a stack that denied everything until
	 * configured would break every existing config, so the default
	 * rule accepts (F-Stack's FF_IPFW build says "default to accept"
	 * too); [freebsd.boot] net.inet.ip.fw.default_to_accept=0 denies.
	 */
	fw->default_to_accept = 1;
	fw->autoinc_step = 100;
	fw->tables_max = 128;
	fw->dyn_max = 16384;
	fw->dyn_buckets = 256;
	fw->dyn_ack_lifetime = 300;
	fw->dyn_syn_lifetime = 20;
	fw->dyn_fin_lifetime = 1;
	fw->dyn_rst_lifetime = 1;
	fw->dyn_udp_lifetime = 10;
	fw->dyn_short_lifetime = 5;
	if ((error = ipfw_rules_init(ctx)) != 0 ||
	    (error = ipfw_dyn_init(ctx)) != 0 ||
	    (error = ipfw_tables_init(ctx)) != 0 ||
	    (error = ipfw_nat_init(ctx)) != 0) {
		ipfw_fini(ctx);
		return (error);
	}
	return (0);
}

void
ipfw_fini(struct ff_ctx *ctx)
{
	ipfw_dyn_fini(ctx);
	ipfw_rules_fini(ctx);
	ipfw_tables_fini(ctx);
	ipfw_nat_fini(ctx);
}

/* --- the packet's arguments ------------------------------------------ */

/* Ports, flags or type of the first fragment; 0, or -1 when too short. */
static int
ipfw_args_l4(struct ip_fw_args *args)
{
	uint8_t buf[20];
	const uint8_t *p;
	uint32_t need;

	switch (args->proto) {
	case IPPROTO_TCP:
		need = sizeof(tcp_hdr_t);
		break;
	case IPPROTO_UDP:
		need = 8;
		break;
	case IPPROTO_ICMP:
		need = 4;
		break;
	default:
		return (0);
	}
	if (args->iplen < args->hlen + need ||
	    (p = m_copydata_p(args->m, (uint32_t)args->hlen, need, buf)) ==
		NULL)
		return (-1);
	if (args->proto == IPPROTO_ICMP) {
		args->icmp_type = p[0];
		return (0);
	}
	args->sport = (uint16_t)(p[0] << 8 | p[1]);
	args->dport = (uint16_t)(p[2] << 8 | p[3]);
	args->has_ports = 1;
	if (args->proto == IPPROTO_TCP) {
		const tcp_hdr_t *th = (const tcp_hdr_t *)p;

		args->tcpflags = th->th_flags;
		args->tcp_seq = ntohl(th->th_seq);
		args->tcp_ack = ntohl(th->th_ack);
		args->tcp_hlen = (uint16_t)(th->th_off << 2);
	}
	return (0);
}

/* Fill args from the IP header at the front of m; -1 when too short. */
static int
ipfw_args_fill(
    struct ip_fw_args *args, struct rte_mbuf *m, struct ifnet *ifp, int out)
{
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);
	uint16_t off = ntohs(ip->ip_off);

	memset(args, 0, sizeof(*args));
	args->m = m;
	args->ifp = ifp;
	args->out = out;
	args->proto = ip->ip_p;
	args->ttl = ip->ip_ttl;
	args->hlen = IP_HDRLEN(ip);
	args->iplen = ntohs(ip->ip_len);
	args->src = ip->ip_src;
	args->dst = ip->ip_dst;
	args->frag = (off & IP_OFFMASK) != 0;
	if (args->frag)
		return (0);
	return (ipfw_args_l4(args));
}

/* --- matching ---------------------------------------------------------- */

/* Any of the ranges (low | high << 16) in the words after cmd. */
static int
ipfw_match_ranges(const struct ff_ipfw_insn *cmd, uint32_t v)
{
	const uint32_t *w = ipfw_insn_args(cmd);
	int i, n = F_LEN(cmd) - 1;

	for (i = 0; i < n; i++)
		if (v >= (w[i] & 0xffff) && v <= (w[i] >> 16))
			return (1);
	return (0);
}

/* Any of the (address, mask) pairs after cmd. */
static int
ipfw_match_masks(const struct ff_ipfw_insn *cmd, struct in_addr a)
{
	const uint32_t *w = ipfw_insn_args(cmd);
	int i, n = (F_LEN(cmd) - 1) / 2;

	for (i = 0; i < n; i++)
		if ((a.s_addr & w[2 * i + 1]) == w[2 * i])
			return (1);
	return (0);
}

/* An interface name, with a trailing '*' matching any suffix. */
static int
ipfw_match_ifname(const struct ff_ipfw_insn *cmd, const struct ifnet *ifp)
{
	const char *name = (const char *)ipfw_insn_args(cmd);
	size_t n = strnlen(name, FF_IFNAMSIZ);

	if (ifp == NULL)
		return (0);
	if (strcmp(name, "any") == 0)
		return (1);
	if (n > 0 && name[n - 1] == '*')
		return (strncmp(name, ifp->if_xname, n - 1) == 0);
	return (strcmp(name, ifp->if_xname) == 0);
}

static int
ipfw_match_lookup(
    struct ff_ctx *ctx, const struct ff_ipfw_insn *cmd, struct ip_fw_args *args)
{
	struct in_addr a =
	    cmd->opcode == O_IP_SRC_LOOKUP ? args->src : args->dst;
	uint32_t want = (ipfw_insn_args(cmd))[0], val;

	if (!ipfw_table_lookup(ctx, cmd->arg1, a, &val))
		return (0);
	if (want != FF_IPFW_LOOKUP_ANY && want != val)
		return (0);
	args->tablearg = val;
	return (1);
}

/* The probability test of `prob p'. */
static int
ipfw_match_prob(const struct ff_ipfw_insn *cmd)
{
	uint32_t p = (ipfw_insn_args(cmd))[0];

	return ((uint32_t)(ff_random64() & 0x7fffffff) < p);
}

static int
ipfw_match_tcpflags(const struct ff_ipfw_insn *cmd, const struct ip_fw_args *a)
{
	uint8_t set = cmd->arg1 & 0xff, clear = cmd->arg1 >> 8;

	if (a->proto != IPPROTO_TCP || !a->has_ports)
		return (0);
	return ((a->tcpflags & set) == set && (a->tcpflags & clear) == 0);
}

/* One match instruction (its F_NOT not applied). */
static int
ipfw_match(
    struct ff_ctx *ctx, const struct ff_ipfw_insn *cmd, struct ip_fw_args *a)
{
	switch (cmd->opcode) {
	case O_PROTO:
		return (a->proto == cmd->arg1);
	case O_IP_SRC_ME:
		return (in_localip(ctx, a->src));
	case O_IP_DST_ME:
		return (in_localip(ctx, a->dst));
	case O_IP_SRC_MASK:
		return (ipfw_match_masks(cmd, a->src));
	case O_IP_DST_MASK:
		return (ipfw_match_masks(cmd, a->dst));
	case O_IP_SRC_LOOKUP:
	case O_IP_DST_LOOKUP:
		return (ipfw_match_lookup(ctx, cmd, a));
	case O_IP_SRCPORT:
		return (a->has_ports && ipfw_match_ranges(cmd, a->sport));
	case O_IP_DSTPORT:
		return (a->has_ports && ipfw_match_ranges(cmd, a->dport));
	case O_IN:
		return (!a->out);
	case O_VIA:
		return (ipfw_match_ifname(cmd, a->ifp));
	case O_RECV:
		return (!a->out && ipfw_match_ifname(cmd, a->ifp));
	case O_XMIT:
		return (a->out && ipfw_match_ifname(cmd, a->ifp));
	case O_TCPFLAGS:
		return (ipfw_match_tcpflags(cmd, a));
	case O_ESTAB:
		return (a->proto == IPPROTO_TCP && a->has_ports &&
		    (a->tcpflags & (TH_RST | TH_ACK)) != 0);
	case O_ICMPTYPE:
		return (a->proto == IPPROTO_ICMP && !a->frag &&
		    a->icmp_type < 32 &&
		    ((ipfw_insn_args(cmd))[0] & (1u << a->icmp_type)));
	case O_FRAG:
		return (a->frag);
	case O_IPLEN:
		return (ipfw_match_ranges(cmd, a->iplen));
	case O_IPTTL:
		return (ipfw_match_ranges(cmd, a->ttl));
	case O_PROB:
		return (ipfw_match_prob(cmd));
	}
	return (0); /* checked when the rule was added: not reached */
}

/*
 * The match part of rule f: 1 when it matches.  keep-state and limit
 * install a state (they always match); when that fails *drop is set.
 */
static int
ipfw_match_rule(
    struct ff_ctx *ctx, struct ip_fw *f, struct ip_fw_args *a, int *drop)
{
	const struct ff_ipfw_insn *cmd;
	int l, len, m, skip_or = 0;

	for (l = 0; l < f->act_ofs; l += len) {
		cmd = IPFW_INSN(f, l);
		len = F_LEN(cmd);
		if (skip_or) {
			skip_or = (cmd->len & F_OR) != 0;
			continue;
		}
		if (cmd->opcode == O_KEEP_STATE || cmd->opcode == O_LIMIT) {
			if (ipfw_dyn_install(ctx, f, cmd, a) != 0) {
				*drop = 1;
				return (1);
			}
			continue;
		}
		m = ipfw_match(ctx, cmd, a);
		if (cmd->len & F_NOT)
			m = !m;
		if (m)
			skip_or = (cmd->len & F_OR) != 0;
		else if ((cmd->len & F_OR) == 0)
			return (0);
	}
	return (1);
}

/* --- actions ----------------------------------------------------------- */

static void
ipfw_count(struct ff_ctx *ctx, struct ip_fw *f, const struct ip_fw_args *a)
{
	f->pcnt++;
	f->bcnt += a->iplen;
	f->timestamp = ipfw_now(ctx);
}

static const char *
ipfw_action_name(const struct ff_ipfw_insn *cmd, char *buf, size_t len)
{
	switch (cmd->opcode) {
	case O_ACCEPT:
		return ("Accept");
	case O_DENY:
		return ("Deny");
	case O_COUNT:
		return ("Count");
	case O_CHECK_STATE:
		return ("Check-state");
	case O_REJECT:
		if (cmd->arg1 == ICMP_REJECT_RST)
			return ("Reset");
		snprintf(buf, len, "Unreach %u", cmd->arg1);
		return (buf);
	case O_SKIPTO:
		snprintf(buf, len, "SkipTo %u", cmd->arg1);
		return (buf);
	case O_CALLRETURN:
		if (cmd->len & F_NOT)
			return ("Return");
		snprintf(buf, len, "Call %u", cmd->arg1);
		return (buf);
	case O_NAT:
		snprintf(buf, len, "Nat %u", cmd->arg1);
		return (buf);
	}
	return ("?");
}

/*
 * The log line of FreeBSD's ipfw_log(): "ipfw: 100 Deny TCP
 * 198.18.0.1:40000 198.18.0.2:80 in via f-stack-0".
 */
static void
ipfw_log_line(
    struct ip_fw *f, const struct ff_ipfw_insn *act, const struct ip_fw_args *a)
{
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN], abuf[32], proto[64];

	inet_ntop(AF_INET, &a->src, src, sizeof(src));
	inet_ntop(AF_INET, &a->dst, dst, sizeof(dst));
	if (a->proto == IPPROTO_TCP || a->proto == IPPROTO_UDP)
		snprintf(proto, sizeof(proto), "%s %s:%u %s:%u",
		    a->proto == IPPROTO_TCP ? "TCP" : "UDP", src, a->sport, dst,
		    a->dport);
	else if (a->proto == IPPROTO_ICMP)
		snprintf(proto, sizeof(proto), "ICMP:%u %s %s", a->icmp_type,
		    src, dst);
	else
		snprintf(
		    proto, sizeof(proto), "P:%u %s %s", a->proto, src, dst);
	ff_log(FF_LOG_SECURITY, "ipfw: %u %s %s %s via %s\n", f->rulenum,
	    ipfw_action_name(act, abuf, sizeof(abuf)), proto,
	    a->out ? "out" : "in", a->ifp != NULL ? a->ifp->if_xname : "-");
}

/* O_LOG: one line per packet up to the rule's logamount (0: no limit). */
static void
ipfw_log(struct ff_ctx *ctx, struct ip_fw *f, const struct ff_ipfw_insn *log,
    const struct ip_fw_args *a)
{
	struct ipfw_state *fw = V_ipfw(ctx);

	if (!fw->verbose)
		return;
	if (log->arg1 != 0 && f->logged >= log->arg1) {
		fw->stat.ipfw_log_limited++;
		return;
	}
	f->logged++;
	ipfw_log_line(f, log + 1, a); /* the action after O_LOG */
	if (log->arg1 != 0 && f->logged == log->arg1)
		ff_log(FF_LOG_SECURITY, "ipfw: limit %u reached on entry %u\n",
		    log->arg1, f->rulenum);
}

/* RST for a TCP segment (as tcp_dropwithreset answers), never for one. */
static void
ipfw_send_rst(struct ff_ctx *ctx, const struct ip_fw_args *a)
{
	uint32_t tlen;

	if (!a->has_ports || (a->tcpflags & TH_RST) != 0)
		return;
	if (a->tcpflags & TH_ACK) {
		tcp_respond(ctx, NULL, a->dst, htons(a->dport), a->src,
		    htons(a->sport), a->tcp_ack, 0, TH_RST);
		return;
	}
	tlen = a->iplen - a->hlen - a->tcp_hlen;
	if (a->tcpflags & TH_SYN)
		tlen++;
	if (a->tcpflags & TH_FIN)
		tlen++;
	tcp_respond(ctx, NULL, a->dst, htons(a->dport), a->src, htons(a->sport),
	    0, a->tcp_seq + tlen, TH_RST | TH_ACK);
}

/*
 * reject / unreach / reset: answer a received packet (not a fragment
 * after the first, nor a broadcast: icmp_error checks what RFC 1122
 * forbids answering).  Consumes m.
 */
static void
ipfw_reject_consume(struct ff_ctx *ctx, const struct ff_ipfw_insn *cmd,
    struct ip_fw_args *a, int lflags)
{
	struct ipfw_state *fw = V_ipfw(ctx);

	if (a->out || a->frag) {
		m_freem(a->m);
		return;
	}
	fw->stat.ipfw_rejected++;
	if (cmd->arg1 == ICMP_REJECT_RST) {
		if (a->proto == IPPROTO_TCP)
			ipfw_send_rst(ctx, a);
		m_freem(a->m);
		return;
	}
	icmp_error_consume(ctx, a->m, ICMP_UNREACH, cmd->arg1, 0, lflags);
}

/* --- evaluation -------------------------------------------------------- */

/* Where rule processing goes on: the first rule numbered >= num. */
static uint32_t
ipfw_jump(struct ipfw_state *fw, uint32_t cur, uint32_t num)
{
	uint32_t here = fw->map[cur]->rulenum;

	/* skipto only goes forward: a target at or before us is the next. */
	if (num <= here)
		return (cur + 1);
	return (ipfw_find_rule(fw, num));
}

struct ipfw_walk {
	uint32_t stack[FF_IPFW_CALLSTACK]; /* call: the caller's number */
	int depth;
	int dyn_checked;     /* states looked up for this packet */
	struct ip_fw *state; /* the rule a matching state names */
};

/*
 * The action of f (the rule that matched) on args.  Returns -1 when
 * processing goes on at *next, else the verdict.
 */
static int
ipfw_act(struct ff_ctx *ctx, struct ip_fw *f, struct ip_fw_args *a,
    uint32_t idx, uint32_t *next, struct ipfw_walk *w)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	const struct ff_ipfw_insn *cmd = ACTION_PTR(f);
	uint32_t arg;

	if (cmd->opcode == O_LOG) {
		ipfw_log(ctx, f, cmd, a);
		cmd++;
	}
	if (cmd->opcode != O_CHECK_STATE)
		ipfw_count(ctx, f, a);
	arg = cmd->arg1 == IP_FW_TARG ? a->tablearg : cmd->arg1;
	a->act = cmd;
	switch (cmd->opcode) {
	case O_ACCEPT:
		return (IP_FW_PASS);
	case O_DENY:
	case O_REJECT:
		return (IP_FW_DENY);
	case O_COUNT:
		*next = idx + 1;
		return (-1);
	case O_NAT:
		return (ipfw_nat(ctx, a, arg));
	case O_SKIPTO:
		*next = ipfw_jump(fw, idx, arg);
		return (-1);
	case O_CALLRETURN:
		*next = idx + 1;
		if (cmd->len & F_NOT) {
			/* return: after the caller; an empty stack goes on. */
			if (w->depth > 0)
				*next = ipfw_find_rule(
				    fw, w->stack[--w->depth] + 1u);
			return (-1);
		}
		if (w->depth == FF_IPFW_CALLSTACK) {
			fw->stat.ipfw_callstack++;
			return (-1);
		}
		w->stack[w->depth++] = f->rulenum;
		*next = ipfw_find_rule(fw, arg);
		return (-1);
	}
	*next = idx + 1; /* check-state without a state: next rule */
	return (-1);
}

/* The state of this packet, looked up once (check-state, keep-state). */
static struct ip_fw *
ipfw_probe_state(struct ff_ctx *ctx, struct ip_fw_args *a, struct ipfw_walk *w)
{
	if (!w->dyn_checked) {
		w->dyn_checked = 1;
		w->state = ipfw_dyn_lookup(ctx, a);
	}
	return (w->state);
}

int
ipfw_chk(struct ff_ctx *ctx, struct ip_fw_args *a)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ipfw_walk w;
	struct ip_fw *f, *s;
	uint32_t i = 0, next = 0;
	int drop, v;

	memset(&w, 0, sizeof(w));
	while (i < fw->nrules) {
		f = fw->map[i];
		if (fw->disabled & (1u << f->set)) {
			i++;
			continue;
		}
		if (f->probe && (s = ipfw_probe_state(ctx, a, &w)) != NULL) {
			w.state = NULL; /* the state's rule decides once */
			f = s;
			i = ipfw_find_rule(fw, f->rulenum);
		} else {
			drop = 0;
			if (!ipfw_match_rule(ctx, f, a, &drop)) {
				i++;
				continue;
			}
			if (drop) {
				a->act = NULL;
				return (IP_FW_DENY);
			}
		}
		if ((v = ipfw_act(ctx, f, a, i, &next, &w)) >= 0)
			return (v);
		i = next;
	}
	return (IP_FW_DENY); /* the default rule is last: not reached */
}

/*
 * Only the default rule is loaded and it accepts (net.inet.ip.fw.
 * default_to_accept, no rule added): it has no option and matches every
 * packet, so count m on it and pass, without parsing the transport
 * header or walking the rules (a memif bulk receiver spent 4 % of its
 * samples there, on every segment).  1 when done.
 */
static int
ipfw_default_pass(struct ipfw_state *fw, struct ff_ctx *ctx, struct rte_mbuf *m)
{
	struct ip_fw *f = fw->map[0];
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);

	if (fw->nrules != 1 || f->cmd_len != 1 ||
	    ACTION_PTR(f)->opcode != O_ACCEPT ||
	    (fw->disabled & (1u << f->set)) != 0)
		return (0);
	f->pcnt++;
	f->bcnt += ntohs(ip->ip_len);
	f->timestamp = ipfw_now(ctx);
	return (1);
}

/* Run the rules; 0 to go on, else m was consumed. */
static int
ipfw_hook(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int out,
    int lflags)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ip_fw_args a;

	if (ipfw_default_pass(fw, ctx, m))
		return (0);
	/*
	 * A transport header cut short is looked at without ports (they
	 * match no port option) rather than dropped as FreeBSD does: the
	 * protocol counts and drops it after us, in its own counter.
	 */
	if (ipfw_args_fill(&a, m, ifp, out) != 0)
		fw->stat.ipfw_short++;
	if (ipfw_chk(ctx, &a) == IP_FW_PASS)
		return (0);
	fw->stat.ipfw_denied++;
	/* The rule that denied: its action tells how to answer. */
	if (a.act != NULL && a.act->opcode == O_REJECT) {
		ipfw_reject_consume(ctx, a.act, &a, lflags);
		return (1);
	}
	m_freem(m);
	return (1);
}

int
ipfw_check_in(
    struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int lflags)
{
	if (!V_ipfw(ctx)->enable)
		return (0);
	return (ipfw_hook(ctx, ifp, m, 0, lflags));
}

int
ipfw_check_out(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m)
{
	if (!V_ipfw(ctx)->enable)
		return (0);
	return (ipfw_hook(ctx, ifp, m, 1, 0));
}

/* --- sysctls ----------------------------------------------------------- */

/* default_to_accept (boot only): the default rule's action follows. */
static int
ipfw_sysctl_default(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	int v = fw->default_to_accept, error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v != 0 && v != 1)
		return (EINVAL);
	fw->default_to_accept = v;
	ipfw_default_rule_update(ctx);
	return (0);
}

/* dyn_max: the states' zone takes the new limit (those in use stay). */
static int
ipfw_sysctl_dyn_max(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	int v = fw->dyn_max, error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v < 0 || v > (1 << 24))
		return (EINVAL);
	fw->dyn_max = v;
	uma_zone_set_max(fw->dyn_zone, (unsigned int)v);
	return (0);
}

/* dyn_buckets: a power of two; the hash is made at the first state. */
static int
ipfw_sysctl_dyn_buckets(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	int v = fw->dyn_buckets, error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v < 16 || v > (1 << 20) || (v & (v - 1)) != 0)
		return (EINVAL);
	if (v != fw->dyn_buckets && fw->dyn_count != 0)
		return (EBUSY);
	fw->dyn_buckets = v;
	ipfw_dyn_flush(ctx); /* empty: the next state makes it anew */
	return (0);
}

static int
ipfw_sysctl_dyn_count(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	unsigned int n = ipfw_dyn_count(ctx);

	return (sysctl_out(req, &n, sizeof(n)));
}

static int
ipfw_sysctl_static_count(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	unsigned int n = V_ipfw(ctx)->nrules;

	return (sysctl_out(req, &n, sizeof(n)));
}

#define STATE struct ipfw_state
#define LIFETIME(n, f, d) \
	SYSCTL_INT("net.inet.ip.fw." n, CTLFLAG_RW, STATE, f, 1, 86400, d)

static const struct sysctl_entry ipfw_sysctls[] = {
	SYSCTL_NODE("net.inet.ip.fw", "Firewall"),
	SYSCTL_INT("net.inet.ip.fw.enable", CTLFLAG_RW, STATE, enable, 0, 1,
	    "Enable ipfw"),
	SYSCTL_PROC_VAR("net.inet.ip.fw.default_to_accept",
	    CTLTYPE_INT | CTLFLAG_RDTUN, STATE, default_to_accept,
	    ipfw_sysctl_default, "I",
	    "Make the default rule accept all packets."),
	SYSCTL_INT("net.inet.ip.fw.verbose", CTLFLAG_RW, STATE, verbose, 0, 1,
	    "Log matches to ipfw rules"),
	SYSCTL_INT("net.inet.ip.fw.verbose_limit", CTLFLAG_RW, STATE,
	    verbose_limit, 0, 65535,
	    "Set upper limit of matches of ipfw rules logged"),
	SYSCTL_INT("net.inet.ip.fw.autoinc_step", CTLFLAG_RW, STATE,
	    autoinc_step, 1, 1000, "Rule number auto-increment step"),
	SYSCTL_INT("net.inet.ip.fw.tables_max", CTLFLAG_RDTUN, STATE,
	    tables_max, 1, FF_IPFW_TABLES_MAX, "Maximum number of tables"),
	SYSCTL_PROC("net.inet.ip.fw.static_count", CTLTYPE_UINT | CTLFLAG_RD,
	    ipfw_sysctl_static_count, "IU", "Number of static rules"),
	SYSCTL_PROC("net.inet.ip.fw.dyn_count", CTLTYPE_UINT | CTLFLAG_RD,
	    ipfw_sysctl_dyn_count, "IU", "Number of dyn. rules"),
	SYSCTL_PROC_VAR("net.inet.ip.fw.dyn_max", CTLTYPE_INT | CTLFLAG_RWTUN,
	    STATE, dyn_max, ipfw_sysctl_dyn_max, "I",
	    "Max number of dyn. rules"),
	SYSCTL_PROC_VAR("net.inet.ip.fw.dyn_buckets",
	    CTLTYPE_INT | CTLFLAG_RWTUN, STATE, dyn_buckets,
	    ipfw_sysctl_dyn_buckets, "I", "Number of dyn. buckets"),
	LIFETIME("dyn_ack_lifetime", dyn_ack_lifetime,
	    "Lifetime of dyn. rules for acks"),
	LIFETIME("dyn_syn_lifetime", dyn_syn_lifetime,
	    "Lifetime of dyn. rules for syn"),
	LIFETIME("dyn_fin_lifetime", dyn_fin_lifetime,
	    "Lifetime of dyn. rules for fin"),
	LIFETIME("dyn_rst_lifetime", dyn_rst_lifetime,
	    "Lifetime of dyn. rules for rst"),
	LIFETIME("dyn_udp_lifetime", dyn_udp_lifetime,
	    "Lifetime of dyn. rules for UDP"),
	LIFETIME("dyn_short_lifetime", dyn_short_lifetime,
	    "Lifetime of dyn. rules for other situations"),
	SYSCTL_INT("net.inet.ip.fw.nat_max", CTLFLAG_RW, STATE, nat_max, 1,
	    1 << 24, "Max number of states of each NAT instance"),
	SYSCTL_STATS("net.inet.ip.fw.stats", STATE, stat, "S,ipfwstat",
	    "ipfw drops and refusals (struct ipfwstat, netinet/ip_fw.h)"),
};

#undef LIFETIME
#undef STATE

int
ipfw_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, V_ipfw(ctx), ipfw_sysctls));
}

/*
 * ip_fw.h - ipfw, the firewall (FreeBSD's netinet/ip_fw.h and
 * netpfil/ipfw/ip_fw_private.h): the per-stack state, the compiled rule
 * as the stack keeps it, the packet's arguments while rules look at it,
 * and the entry points of ip_fw2.c (evaluation, hooks, sysctls),
 * ip_fw_sockopt.c (rule set management), ip_fw_dynamic.c (keep-state),
 * ip_fw_table.c (lookup tables) and ip_fw_nat.c (NAT instances).
 *
 * The instruction set and the rule's wire form are the tool ABI:
 * ff_msg.h defines them (O_*, struct ff_ipfw_insn, struct ff_ipfw_rule).
 */
#ifndef _NETINET_IP_FW_H_
#define _NETINET_IP_FW_H_

#include <stdint.h>
#include <netinet/in.h>

#include "ff_msg.h"
#include "core/ff_callout.h"
#include "kern/kern_sysctl_stats.h"

struct ff_ctx;
struct ifnet;
struct rte_mbuf;
struct uma_zone;
struct ipfw_dyn;
struct ipfw_table;
struct ipfw_nat;

/* An instruction word, seen as an instruction or as a plain word. */
union ipfw_word {
	struct ff_ipfw_insn insn;
	uint32_t w;
};

/* A rule as the stack keeps it: counters, then its instructions. */
struct ip_fw {
	uint16_t rulenum;
	uint8_t set;
	uint16_t cmd_len;   /* words in cmd[] */
	uint16_t act_ofs;   /* first word of the action part */
	uint32_t id;	    /* unique for the life of the stack */
	uint64_t pcnt;	    /* packets */
	uint64_t bcnt;	    /* bytes */
	uint64_t timestamp; /* last match, seconds since the Epoch */
	uint64_t logged;    /* packets logged since resetlog */
	uint8_t probe;	    /* keep-state, limit or check-state */
	union ipfw_word cmd[];
};

/* The instruction at word i of rule f. */
#define IPFW_INSN(f, i) (&(f)->cmd[(i)].insn)
#define F_LEN(c)	((c)->len & F_LEN_MASK)
#define ACTION_PTR(f)	IPFW_INSN(f, (f)->act_ofs)

/* The words after instruction cmd. */
static inline const uint32_t *
ipfw_insn_args(const struct ff_ipfw_insn *cmd)
{
	return (&((const union ipfw_word *)(const void *)cmd)[1].w);
}

/* Drops and refusals ipfw counts (net.inet.ip.fw.stats, ours). */
#define IPFWSTAT_LIST(X, A)                                        \
	X(ipfw_denied, "packets denied (deny, reject, unreach)")   \
	X(ipfw_rejected, "of which answered (RST or ICMP)")        \
	X(ipfw_short, "transport header cut short (seen without)") \
	X(ipfw_dyn_full, "states refused: dyn_max reached")        \
	X(ipfw_limit_drop, "packets over a limit rule's count")    \
	X(ipfw_dyn_expired, "states expired")                      \
	X(ipfw_callstack, "calls past the call stack (went on)")   \
	X(ipfw_log_limited, "log lines not written: logamount")    \
	X(ipfw_table_full, "table entries refused: table full")

struct ipfwstat {
	IPFWSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(ipfwstat, IPFWSTAT_LIST);

/* Per-stack state (V_ipfw). */
struct ipfw_state {
	struct ipfwstat stat;	/* net.inet.ip.fw.stats */
	int enable;		/* net.inet.ip.fw.enable */
	int default_to_accept;	/* net.inet.ip.fw.default_to_accept */
	int verbose;		/* net.inet.ip.fw.verbose */
	int verbose_limit;	/* net.inet.ip.fw.verbose_limit */
	int autoinc_step;	/* net.inet.ip.fw.autoinc_step */
	int tables_max;		/* net.inet.ip.fw.tables_max */
	int dyn_max;		/* net.inet.ip.fw.dyn_max */
	int dyn_buckets;	/* net.inet.ip.fw.dyn_buckets */
	int dyn_ack_lifetime;	/* seconds: established TCP */
	int dyn_syn_lifetime;	/* seconds: one SYN seen */
	int dyn_fin_lifetime;	/* seconds: both FINs seen */
	int dyn_rst_lifetime;	/* seconds: RST seen */
	int dyn_udp_lifetime;	/* seconds: UDP */
	int dyn_short_lifetime; /* seconds: other protocols */

	struct ip_fw **map; /* rules in order, the default one last */
	uint32_t nrules;    /* entries of map */
	uint32_t mapcap;    /* room in map */
	uint32_t next_id;   /* ip_fw.id of the next rule */
	uint32_t disabled;  /* mask of the disabled sets */
	struct ip_fw *default_rule;

	struct ipfw_dyn **dyn_hash; /* dyn_buckets chains (allocated lazily) */
	uint32_t dyn_nbuckets;	    /* the size dyn_hash was made with */
	uint32_t dyn_count;	    /* net.inet.ip.fw.dyn_count */
	struct uma_zone *dyn_zone;
	struct ff_callout dyn_tick; /* expiry, once a second */

	struct ipfw_table **tables; /* tables_max slots, NULL: none */
	uint32_t ntables;	    /* slots of tables */

	struct ipfw_nat *nat_head; /* NAT instances */
	int nat_max;		   /* net.inet.ip.fw.nat_max: states each */
};

#define V_ipfw(ctx) ((ctx)->vnet.v_ipfw)

/* What the rules look at, taken from the packet once (ipfw_chk). */
struct ip_fw_args {
	struct rte_mbuf *m;
	struct ifnet *ifp;  /* received on / sent through */
	int out;	    /* 1: ip_output, 0: ip_input */
	uint8_t proto;	    /* IP protocol */
	uint8_t ttl;	    /* ip_ttl */
	uint8_t tcpflags;   /* TCP only */
	uint8_t icmp_type;  /* ICMP only */
	int has_ports;	    /* TCP/UDP with the header present */
	int frag;	    /* offset non-zero: not the first fragment */
	int hlen;	    /* IP header length */
	uint16_t iplen;	    /* ip_len, host order */
	struct in_addr src; /* network byte order */
	struct in_addr dst;
	uint16_t sport; /* host byte order */
	uint16_t dport;
	uint32_t tcp_seq; /* host order: for the RST of reject */
	uint32_t tcp_ack;
	uint16_t tcp_hlen;		/* TCP header length */
	uint32_t tablearg;		/* value of the last table lookup */
	const struct ff_ipfw_insn *act; /* the action that decided */
};

/* Verdicts of ipfw_chk. */
#define IP_FW_PASS 0
#define IP_FW_DENY 1

/* ip_fw2.c: set-up, sysctls, the hooks ip_input / ip_output call. */
int ipfw_init(struct ff_ctx *ctx);
void ipfw_fini(struct ff_ctx *ctx);
int ipfw_sysctl_attach(struct ff_ctx *ctx);
/*
 * The pfil hooks: 0 when the packet goes on; otherwise it was consumed
 * (denied, or answered with an RST / ICMP unreachable) and the caller
 * stops.  ip_input calls ipfw_check_in after validation, before options,
 * delivery and forwarding; ip_output calls ipfw_check_out before
 * fragmentation.  Both do nothing while net.inet.ip.fw.enable is 0.
 */
int ipfw_check_in(
    struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int lflags);
int ipfw_check_out(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m);
/* Evaluate the rules on args: IP_FW_PASS or IP_FW_DENY (args->m kept). */
int ipfw_chk(struct ff_ctx *ctx, struct ip_fw_args *args);
/* Seconds since the Epoch, as rules and states are stamped. */
uint64_t ipfw_now(struct ff_ctx *ctx);
uint64_t ipfw_uptime(struct ff_ctx *ctx);

/* ip_fw_sockopt.c: the rule set (callers: ipfw_msg, ip_fw2.c). */
int ipfw_rules_init(struct ff_ctx *ctx);
void ipfw_rules_fini(struct ff_ctx *ctx);
/* First index of map whose rule number is >= rulenum. */
uint32_t ipfw_find_rule(struct ipfw_state *fw, uint32_t rulenum);
/* Check n wire rules in buf (len bytes): 0 or an errno, nothing changed. */
int
ipfw_check_rules(struct ff_ctx *ctx, const void *buf, size_t len, uint32_t n);
/* Add them (checked): 0 or ENOMEM/ENOSPC; numbers[] gets the numbers. */
int ipfw_add_rules(
    struct ff_ctx *ctx, const void *buf, uint32_t n, uint16_t *numbers);
int ipfw_del_rule(struct ff_ctx *ctx, uint32_t rulenum);
int ipfw_del_set(struct ff_ctx *ctx, uint32_t set);
void ipfw_flush(struct ff_ctx *ctx);
int ipfw_zero(struct ff_ctx *ctx, uint32_t rulenum, int log_only);
int ipfw_set_enable(struct ff_ctx *ctx, uint32_t enable, uint32_t disable);
int ipfw_set_move_rule(struct ff_ctx *ctx, uint32_t rulenum, uint32_t set);
int ipfw_set_move(struct ff_ctx *ctx, uint32_t from, uint32_t to);
int ipfw_set_swap(struct ff_ctx *ctx, uint32_t a, uint32_t b);
/* The default rule's action follows default_to_accept. */
void ipfw_default_rule_update(struct ff_ctx *ctx);

/* ip_fw_dynamic.c: states of keep-state and limit. */
int ipfw_dyn_init(struct ff_ctx *ctx);
void ipfw_dyn_fini(struct ff_ctx *ctx);
/* Free every state and the hash (flush; a new dyn_buckets). */
void ipfw_dyn_flush(struct ff_ctx *ctx);
/*
 * The state args belongs to: its rule, NULL when none (or the rule it
 * named is gone); updates its counters, TCP flags and expiry.
 */
struct ip_fw *ipfw_dyn_lookup(struct ff_ctx *ctx, struct ip_fw_args *args);
/*
 * Install a state for args under rule f (O_KEEP_STATE or O_LIMIT insn):
 * 0, or -1 when the packet must be dropped (table full, over the limit).
 */
int ipfw_dyn_install(struct ff_ctx *ctx, struct ip_fw *f,
    const struct ff_ipfw_insn *cmd, const struct ip_fw_args *args);
/* Forget the states of rule f (deleted), or every state (f NULL). */
void ipfw_dyn_remove_rule(struct ff_ctx *ctx, const struct ip_fw *f);
/* Copy states from *cursor into records; 0 done or ENOMEM to resume. */
int ipfw_dyn_list(struct ff_ctx *ctx, void *out, size_t cap, uint32_t *count,
    size_t *used, uint64_t *cursor);
uint32_t ipfw_dyn_count(struct ff_ctx *ctx);

/* ip_fw_table.c: address tables over the stack's trie (net/rib.h). */
int ipfw_tables_init(struct ff_ctx *ctx);
void ipfw_tables_fini(struct ff_ctx *ctx);
/* 1 with *val when addr is in table tbl, 0 when not (or no table). */
int ipfw_table_lookup(
    struct ff_ctx *ctx, uint32_t tbl, struct in_addr addr, uint32_t *val);
int ipfw_table_exists(struct ff_ctx *ctx, uint32_t tbl);
void ipfw_table_ref(struct ff_ctx *ctx, uint32_t tbl, int delta);
int ipfw_table_create(struct ff_ctx *ctx, uint32_t tbl, uint32_t limit);
int ipfw_table_destroy(struct ff_ctx *ctx, uint32_t tbl);
int ipfw_table_flush(struct ff_ctx *ctx, uint32_t tbl);
/* Entries (all checked first): 0 or an errno, nothing changed. */
int ipfw_table_add(struct ff_ctx *ctx, uint32_t tbl,
    const struct ff_ipfw_tentry *te, uint32_t n);
int ipfw_table_del(struct ff_ctx *ctx, uint32_t tbl,
    const struct ff_ipfw_tentry *te, uint32_t n);
int ipfw_table_info(struct ff_ctx *ctx, uint32_t tbl, struct ff_ipfw_tinfo *ti);
/* Entries from *cursor (how many already sent): 0 done, ENOMEM more. */
int
ipfw_table_list(struct ff_ctx *ctx, uint32_t tbl, struct ff_ipfw_tentry *out,
    uint32_t room, uint32_t *count, uint64_t *cursor);

/* ip_fw_nat.c: NAT instances (ipfw nat N config) and the nat action. */
int ipfw_nat_init(struct ff_ctx *ctx);
void ipfw_nat_fini(struct ff_ctx *ctx);
/* Translate args->m through instance id: IP_FW_PASS or IP_FW_DENY. */
int ipfw_nat(struct ff_ctx *ctx, struct ip_fw_args *args, uint32_t id);
/* A struct ff_ipfw_nat and its redirects (len bytes): 0 or an errno. */
int ipfw_nat_config(struct ff_ctx *ctx, const void *buf, size_t len);
int ipfw_nat_delete(struct ff_ctx *ctx, uint32_t id);
/* Instance id (0: all) as records through reserve; 0, ENOMEM, ESRCH. */
int ipfw_nat_get(struct ff_ctx *ctx, uint32_t id,
    void *(*reserve)(void *, size_t), void *arg, uint32_t *count);

#endif /* _NETINET_IP_FW_H_ */

/*
 * ip_fw_sockopt.c - ipfw's rule set (FreeBSD's netpfil/ipfw/
 * ip_fw_sockopt.c): check compiled rules, add them, delete, zero, flush,
 * and the 32 sets (enable/disable, move, swap).
 *
 * Entry points: ipfw_rules_init(), ipfw_rules_fini(), ipfw_find_rule(),
 * ipfw_check_rules(), ipfw_add_rules(), ipfw_del_rule(), ipfw_del_set(),
 * ipfw_flush(), ipfw_zero(), ipfw_set_enable(), ipfw_set_move_rule(),
 * ipfw_set_move(), ipfw_set_swap(), ipfw_default_rule_update().
 *
 * The rules live in map[], sorted by number, the default rule 65535
 * last; rules with the same number keep the order they were added in.
 * Every change builds the new map aside and swaps it in, so a refused
 * request leaves the set as it was, and the packet path (same thread)
 * never sees half a change.  Every instruction of a rule from a tool is
 * checked here (opcode, length, arguments, tables) before anything moves.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "netinet/ip_fw.h"

uint32_t
ipfw_find_rule(struct ipfw_state *fw, uint32_t rulenum)
{
	uint32_t lo = 0, hi = fw->nrules, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (fw->map[mid]->rulenum < rulenum)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

static struct ip_fw *
ipfw_rule_alloc(struct ipfw_state *fw, uint16_t cmd_len)
{
	struct ip_fw *f = calloc(1, sizeof(*f) + cmd_len * sizeof(uint32_t));

	if (f != NULL) {
		f->cmd_len = cmd_len;
		f->id = ++fw->next_id;
	}
	return (f);
}

void
ipfw_default_rule_update(struct ff_ctx *ctx)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ff_ipfw_insn *cmd;

	if (fw->default_rule == NULL)
		return;
	cmd = ACTION_PTR(fw->default_rule);
	cmd->opcode = fw->default_to_accept ? O_ACCEPT : O_DENY;
}

int
ipfw_rules_init(struct ff_ctx *ctx)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ip_fw *f;

	fw->mapcap = 64;
	if ((fw->map = calloc(fw->mapcap, sizeof(*fw->map))) == NULL ||
	    (f = ipfw_rule_alloc(fw, 1)) == NULL)
		return (ENOMEM);
	f->rulenum = FF_IPFW_DEFAULT_RULE;
	f->set = FF_IPFW_RESVD_SET;
	f->act_ofs = 0;
	IPFW_INSN(f, 0)->len = 1;
	fw->default_rule = f;
	fw->map[0] = f;
	fw->nrules = 1;
	ipfw_default_rule_update(ctx);
	return (0);
}

/* Take a rule out of service: its tables and states forget it. */
static void
ipfw_rule_free(struct ff_ctx *ctx, struct ip_fw *f)
{
	const struct ff_ipfw_insn *cmd;
	int l;

	for (l = 0; l < f->act_ofs; l += F_LEN(cmd)) {
		cmd = IPFW_INSN(f, l);
		if (cmd->opcode == O_IP_SRC_LOOKUP ||
		    cmd->opcode == O_IP_DST_LOOKUP)
			ipfw_table_ref(ctx, cmd->arg1, -1);
	}
	if (f->probe)
		ipfw_dyn_remove_rule(ctx, f);
	free(f);
}

void
ipfw_rules_fini(struct ff_ctx *ctx)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	uint32_t i;

	for (i = 0; fw->map != NULL && i < fw->nrules; i++)
		free(fw->map[i]);
	free(fw->map);
	fw->map = NULL;
	fw->nrules = fw->mapcap = 0;
	fw->default_rule = NULL;
}

/* --- checking a rule from a tool ---------------------------------------- */

/* Words an opcode must have: exact (> 0), or its own check (0). */
static int
ipfw_insn_len_ok(const struct ff_ipfw_insn *cmd)
{
	int len = F_LEN(cmd);

	switch (cmd->opcode) {
	case O_PROTO:
	case O_IP_SRC_ME:
	case O_IP_DST_ME:
	case O_IN:
	case O_TCPFLAGS:
	case O_ESTAB:
	case O_FRAG:
	case O_KEEP_STATE:
		return (len == 1);
	case O_IP_SRC_LOOKUP:
	case O_IP_DST_LOOKUP:
	case O_ICMPTYPE:
	case O_PROB:
	case O_LIMIT:
		return (len == 2);
	case O_VIA:
	case O_RECV:
	case O_XMIT:
		return (len == 1 + FF_IFNAMSIZ / 4);
	case O_IP_SRC_MASK:
	case O_IP_DST_MASK:
		return (len >= 3 && (len - 1) % 2 == 0);
	case O_IP_SRCPORT:
	case O_IP_DSTPORT:
	case O_IPLEN:
	case O_IPTTL:
		return (len >= 2);
	}
	return (0); /* not a match opcode */
}

/* The arguments of a match instruction. */
static int
ipfw_insn_args_ok(struct ff_ctx *ctx, const struct ff_ipfw_insn *cmd)
{
	const uint32_t *w = ipfw_insn_args(cmd);
	int i, n = F_LEN(cmd) - 1;

	switch (cmd->opcode) {
	case O_PROTO:
		return (cmd->arg1 <= 255 ? 0 : EINVAL);
	case O_IP_SRC_LOOKUP:
	case O_IP_DST_LOOKUP:
		return (ipfw_table_exists(ctx, cmd->arg1) ? 0 : ENOENT);
	case O_VIA:
	case O_RECV:
	case O_XMIT:
		return (memchr(w, '\0', FF_IFNAMSIZ) != NULL &&
			    ((const char *)w)[0] != '\0'
			? 0
			: EINVAL);
	case O_IP_SRC_MASK:
	case O_IP_DST_MASK:
		for (i = 0; i < n; i += 2)
			if ((w[i] & ~w[i + 1]) != 0)
				return (EINVAL); /* bits beyond the mask */
		return (0);
	case O_IP_SRCPORT:
	case O_IP_DSTPORT:
	case O_IPLEN:
	case O_IPTTL:
		for (i = 0; i < n; i++)
			if ((w[i] & 0xffff) > (w[i] >> 16))
				return (EINVAL);
		return (0);
	case O_TCPFLAGS:
		return (((cmd->arg1 & 0xff) & (cmd->arg1 >> 8)) ? EINVAL : 0);
	case O_PROB:
		return (w[0] == 0 || w[0] > 0x7fffffff ? EINVAL : 0);
	case O_LIMIT:
		return (cmd->arg1 == 0 || w[0] == 0 || w[0] > 0xf ? EINVAL : 0);
	}
	return (0);
}

/* The match part: words [0, act_ofs). */
static int
ipfw_check_match(struct ff_ctx *ctx, const struct ff_ipfw_rule *r,
    const union ipfw_word *words, int *probe)
{
	const struct ff_ipfw_insn *cmd, *prev = NULL;
	int l, len, error, states = 0;

	for (l = 0; l < r->r_act_ofs; l += len) {
		cmd = &words[l].insn;
		len = F_LEN(cmd);
		if (len == 0 || l + len > r->r_act_ofs ||
		    !ipfw_insn_len_ok(cmd))
			return (EINVAL);
		if ((error = ipfw_insn_args_ok(ctx, cmd)) != 0)
			return (error);
		if (cmd->opcode == O_KEEP_STATE || cmd->opcode == O_LIMIT) {
			if (states++ || (cmd->len & (F_NOT | F_OR)) ||
			    (prev != NULL && (prev->len & F_OR)))
				return (EINVAL);
			*probe = 1;
		}
		prev = cmd;
	}
	/* An or-block must end before the action. */
	return (prev != NULL && (prev->len & F_OR) ? EINVAL : 0);
}

/* One action instruction. */
static int
ipfw_action_ok(const struct ff_ipfw_insn *cmd)
{
	if (F_LEN(cmd) != 1 || (cmd->len & F_OR))
		return (0);
	if ((cmd->len & F_NOT) && cmd->opcode != O_CALLRETURN)
		return (0);
	switch (cmd->opcode) {
	case O_CHECK_STATE:
	case O_ACCEPT:
	case O_DENY:
	case O_COUNT:
		return (cmd->arg1 == 0);
	case O_REJECT:
		return (cmd->arg1 <= 15 || cmd->arg1 == ICMP_REJECT_RST);
	case O_SKIPTO:
		return (1); /* 0 is tablearg, else any rule number */
	case O_NAT:
		return (cmd->arg1 != 0); /* 0 would be tablearg: not taken */
	case O_CALLRETURN:
		return ((cmd->len & F_NOT) == 0 || cmd->arg1 == 0);
	}
	return (0);
}

/* The action part: an optional O_LOG, then one action, nothing more. */
static int
ipfw_check_action(
    const struct ff_ipfw_rule *r, const union ipfw_word *words, int *probe)
{
	const struct ff_ipfw_insn *cmd;
	int l = r->r_act_ofs;

	cmd = &words[l].insn;
	if (cmd->opcode == O_LOG) {
		if (F_LEN(cmd) != 1 || (cmd->len & (F_NOT | F_OR)) ||
		    ++l >= r->r_cmd_len)
			return (EINVAL);
		cmd++;
	}
	if (l + 1 != r->r_cmd_len || !ipfw_action_ok(cmd))
		return (EINVAL);
	if (cmd->opcode == O_CHECK_STATE)
		*probe = 1;
	return (0);
}

/* One rule record of at most left bytes: 0 or an errno. */
static int
ipfw_check_rule(struct ff_ctx *ctx, const struct ff_ipfw_rule *r, size_t left)
{
	const union ipfw_word *words = (const void *)(r + 1);
	size_t need;
	int probe = 0, error;

	if (left < sizeof(*r) || r->r_reclen < sizeof(*r) ||
	    r->r_reclen > left || (r->r_reclen & 7) != 0)
		return (EINVAL);
	need = sizeof(*r) + (size_t)r->r_cmd_len * sizeof(uint32_t);
	if (need > r->r_reclen || r->r_cmd_len == 0 ||
	    r->r_cmd_len > FF_IPFW_RULE_WORDS || r->r_act_ofs >= r->r_cmd_len)
		return (EINVAL);
	if (r->r_rulenum >= FF_IPFW_DEFAULT_RULE ||
	    r->r_set >= FF_IPFW_MAXSETS || r->r_flags != 0)
		return (EINVAL);
	if ((error = ipfw_check_match(ctx, r, words, &probe)) != 0)
		return (error);
	return (ipfw_check_action(r, words, &probe));
}

int
ipfw_check_rules(struct ff_ctx *ctx, const void *buf, size_t len, uint32_t n)
{
	const uint8_t *p = buf;
	const struct ff_ipfw_rule *r;
	uint32_t i;
	int error;

	if (n == 0)
		return (EINVAL);
	for (i = 0; i < n; i++) {
		r = (const struct ff_ipfw_rule *)p;
		if ((error = ipfw_check_rule(ctx, r, len)) != 0)
			return (error);
		len -= r->r_reclen;
		p += r->r_reclen;
	}
	return (0);
}

/* --- changing the set --------------------------------------------------- */

/* A rule of the stack made from a checked record. */
static struct ip_fw *
ipfw_rule_make(struct ff_ctx *ctx, const struct ff_ipfw_rule *r)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ff_ipfw_insn *cmd;
	struct ip_fw *f;
	int l;

	if ((f = ipfw_rule_alloc(fw, r->r_cmd_len)) == NULL)
		return (NULL);
	f->rulenum = r->r_rulenum;
	f->set = r->r_set;
	f->act_ofs = r->r_act_ofs;
	memcpy(f->cmd, r + 1, r->r_cmd_len * sizeof(uint32_t));
	for (l = 0; l < f->act_ofs; l += F_LEN(cmd)) {
		cmd = IPFW_INSN(f, l);
		if (cmd->opcode == O_KEEP_STATE || cmd->opcode == O_LIMIT)
			f->probe = 1;
	}
	cmd = ACTION_PTR(f);
	/* log without logamount: verbose_limit when added (ipfw(8)). */
	if (cmd->opcode == O_LOG && cmd->arg1 == 0)
		cmd->arg1 = (uint16_t)fw->verbose_limit;
	if (cmd->opcode == O_LOG)
		cmd++;
	if (cmd->opcode == O_CHECK_STATE)
		f->probe = 1;
	return (f);
}

static void
ipfw_rule_refs(struct ff_ctx *ctx, struct ip_fw *f)
{
	const struct ff_ipfw_insn *cmd;
	int l;

	for (l = 0; l < f->act_ofs; l += F_LEN(cmd)) {
		cmd = IPFW_INSN(f, l);
		if (cmd->opcode == O_IP_SRC_LOOKUP ||
		    cmd->opcode == O_IP_DST_LOOKUP)
			ipfw_table_ref(ctx, cmd->arg1, 1);
	}
}

static int
ipfw_cmp_num(const void *a, const void *b)
{
	const struct ip_fw *x = *(struct ip_fw *const *)a;
	const struct ip_fw *y = *(struct ip_fw *const *)b;

	if (x->rulenum != y->rulenum)
		return (x->rulenum < y->rulenum ? -1 : 1);
	return (x->id < y->id ? -1 : 1); /* the order they came in */
}

/* map + add (sorted), merged into a new map of n + nadd rules. */
static int
ipfw_map_merge(struct ipfw_state *fw, struct ip_fw **add, uint32_t nadd)
{
	uint32_t cap = fw->nrules + nadd, i = 0, j = 0, k = 0;
	struct ip_fw **map;

	if (cap < fw->mapcap)
		cap = fw->mapcap;
	if ((map = malloc(cap * sizeof(*map))) == NULL)
		return (ENOMEM);
	while (i < fw->nrules || j < nadd) {
		if (j == nadd ||
		    (i < fw->nrules && fw->map[i]->rulenum <= add[j]->rulenum))
			map[k++] = fw->map[i++];
		else
			map[k++] = add[j++];
	}
	free(fw->map);
	fw->map = map;
	fw->mapcap = cap;
	fw->nrules = k;
	return (0);
}

/* The number of an automatic rule: the last one's plus the step. */
static uint16_t
ipfw_auto_num(struct ipfw_state *fw, uint16_t last)
{
	if (last < FF_IPFW_DEFAULT_RULE - fw->autoinc_step)
		return ((uint16_t)(last + fw->autoinc_step));
	return (last);
}

int
ipfw_add_rules(
    struct ff_ctx *ctx, const void *buf, uint32_t n, uint16_t *numbers)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	const uint8_t *p = buf;
	const struct ff_ipfw_rule *r;
	struct ip_fw **add;
	uint16_t last = fw->nrules > 1 ? fw->map[fw->nrules - 2]->rulenum : 0;
	uint32_t i;
	int error = ENOMEM;

	if ((add = calloc(n, sizeof(*add))) == NULL)
		return (ENOMEM);
	for (i = 0; i < n; i++, p += r->r_reclen) {
		r = (const struct ff_ipfw_rule *)p;
		if ((add[i] = ipfw_rule_make(ctx, r)) == NULL)
			goto fail;
		if (add[i]->rulenum == 0)
			add[i]->rulenum = ipfw_auto_num(fw, last);
		if (add[i]->rulenum > last)
			last = add[i]->rulenum;
		numbers[i] = add[i]->rulenum;
	}
	qsort(add, n, sizeof(*add), ipfw_cmp_num);
	if ((error = ipfw_map_merge(fw, add, n)) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		ipfw_rule_refs(ctx, add[i]);
	free(add);
	return (0);
fail:
	for (i = 0; i < n; i++)
		free(add[i]);
	free(add);
	return (error);
}

/* Drop the rules `gone' says, keeping the order of the others. */
static uint32_t
ipfw_map_filter(struct ff_ctx *ctx, int (*gone)(const struct ip_fw *, uint32_t),
    uint32_t arg)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	uint32_t i, k = 0, n = 0;

	for (i = 0; i < fw->nrules; i++) {
		if (fw->map[i] != fw->default_rule && gone(fw->map[i], arg)) {
			ipfw_rule_free(ctx, fw->map[i]);
			n++;
		} else
			fw->map[k++] = fw->map[i];
	}
	fw->nrules = k;
	return (n);
}

static int
ipfw_is_num(const struct ip_fw *f, uint32_t num)
{
	return (f->rulenum == num);
}

static int
ipfw_is_set(const struct ip_fw *f, uint32_t set)
{
	return (f->set == set);
}

static int
ipfw_not_resvd(const struct ip_fw *f, uint32_t unused)
{
	return (f->set != FF_IPFW_RESVD_SET);
}

int
ipfw_del_rule(struct ff_ctx *ctx, uint32_t rulenum)
{
	if (rulenum == 0 || rulenum >= FF_IPFW_DEFAULT_RULE)
		return (EINVAL);
	return (ipfw_map_filter(ctx, ipfw_is_num, rulenum) ? 0 : ESRCH);
}

int
ipfw_del_set(struct ff_ctx *ctx, uint32_t set)
{
	if (set >= FF_IPFW_MAXSETS)
		return (EINVAL);
	(void)ipfw_map_filter(ctx, ipfw_is_set, set);
	return (0);
}

void
ipfw_flush(struct ff_ctx *ctx)
{
	(void)ipfw_map_filter(ctx, ipfw_not_resvd, 0);
}

int
ipfw_zero(struct ff_ctx *ctx, uint32_t rulenum, int log_only)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ip_fw *f;
	uint32_t i;
	int found = 0;

	for (i = 0; i < fw->nrules; i++) {
		f = fw->map[i];
		if (rulenum != 0 && f->rulenum != rulenum)
			continue;
		found = 1;
		f->logged = 0;
		if (log_only)
			continue;
		f->pcnt = f->bcnt = 0;
		f->timestamp = 0;
	}
	return (found ? 0 : ESRCH);
}

/* --- sets ---------------------------------------------------------------- */

int
ipfw_set_enable(struct ff_ctx *ctx, uint32_t enable, uint32_t disable)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	uint32_t resvd = 1u << FF_IPFW_RESVD_SET;

	if ((disable & resvd) != 0)
		return (EINVAL);
	fw->disabled = (fw->disabled & ~enable) | disable;
	return (0);
}

int
ipfw_set_move_rule(struct ff_ctx *ctx, uint32_t rulenum, uint32_t set)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	uint32_t i;
	int found = 0;

	if (rulenum == 0 || rulenum >= FF_IPFW_DEFAULT_RULE ||
	    set >= FF_IPFW_MAXSETS)
		return (EINVAL);
	for (i = 0; i < fw->nrules; i++)
		if (fw->map[i]->rulenum == rulenum) {
			fw->map[i]->set = (uint8_t)set;
			found = 1;
		}
	return (found ? 0 : ESRCH);
}

/* Sets a and b exchange their rules (move: b takes a's, a is emptied). */
static int
ipfw_set_exchange(struct ff_ctx *ctx, uint32_t a, uint32_t b, int swap)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ip_fw *f;
	uint32_t i;

	if (a >= FF_IPFW_RESVD_SET || b >= FF_IPFW_RESVD_SET)
		return (EINVAL);
	for (i = 0; i < fw->nrules; i++) {
		f = fw->map[i];
		if (f->set == a)
			f->set = (uint8_t)b;
		else if (swap && f->set == b)
			f->set = (uint8_t)a;
	}
	return (0);
}

int
ipfw_set_move(struct ff_ctx *ctx, uint32_t from, uint32_t to)
{
	return (ipfw_set_exchange(ctx, from, to, 0));
}

int
ipfw_set_swap(struct ff_ctx *ctx, uint32_t a, uint32_t b)
{
	return (ipfw_set_exchange(ctx, a, b, 1));
}

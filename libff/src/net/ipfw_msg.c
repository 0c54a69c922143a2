/*
 * ipfw_msg.c - FF_MSG_IPFW: ff-ipfw's requests (FreeBSD's IP_FW3
 * socket options), checked and handed to netinet/ip_fw_sockopt.c,
 * ip_fw_dynamic.c, ip_fw_table.c and ip_fw_nat.c.
 *
 * Entry point: ff_msg_ipfw(), from the message dispatch table.  The
 * layout is in ff_msg.h.  Every length and offset is checked before the
 * rule set is touched; a refused request leaves it as it was.  Lists
 * come in parts: fm_cursor says where the next request resumes.
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "ipc/ff_msg_server.h"
#include "net/net_msg.h"
#include "netinet/ip_fw.h"

/* The reply's head, filled last (counts known). */
static void
ipfw_msg_head(struct ff_ctx *ctx, struct net_msg_out *no)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ff_ipfw_rep *rep = (struct ff_ipfw_rep *)no->no_body;

	rep->fp_len = sizeof(*rep);
	rep->fp_count = no->no_count;
	rep->fp_first = (uint32_t)(sizeof(struct ff_msg_hdr) +
	    ((sizeof(*rep) + 7) & ~(size_t)7));
	rep->fp_disabled = fw->disabled;
	rep->fp_nrules = fw->nrules;
	rep->fp_ndyn = ipfw_dyn_count(ctx);
	rep->fp_now = ipfw_now(ctx);
}

/* One rule as a record; NULL when the reply is full. */
static struct ff_ipfw_rule *
ipfw_msg_rule(struct net_msg_out *no, const struct ip_fw *f)
{
	size_t len = sizeof(struct ff_ipfw_rule) + f->cmd_len * 4u;
	struct ff_ipfw_rule *r;

	len = (len + 7) & ~(size_t)7;
	if ((r = net_msg_reserve(no, len)) == NULL)
		return (NULL);
	r->r_reclen = (uint32_t)len;
	r->r_rulenum = f->rulenum;
	r->r_set = f->set;
	r->r_cmd_len = f->cmd_len;
	r->r_act_ofs = f->act_ofs;
	r->r_pcnt = f->pcnt;
	r->r_bcnt = f->bcnt;
	r->r_timestamp = f->timestamp;
	r->r_logged = f->logged;
	memcpy(r + 1, f->cmd, f->cmd_len * 4u);
	no->no_count++;
	return (r);
}

/* LIST: rules of [lo, hi] from index *cursor, as many as fit. */
static int
ipfw_msg_list(struct ff_ctx *ctx, const struct ff_ipfw_req *rq,
    struct net_msg_out *no, uint64_t *cursor)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	uint32_t lo = rq->fw_rulenum, hi = rq->fw_rulenum2, i;

	if (hi == 0)
		hi = lo == 0 ? FF_IPFW_DEFAULT_RULE : lo;
	if (lo > hi || hi > FF_IPFW_DEFAULT_RULE)
		return (EINVAL);
	i = *cursor != 0 ? (uint32_t)*cursor : ipfw_find_rule(fw, lo);
	*cursor = 0;
	for (; i < fw->nrules && fw->map[i]->rulenum <= hi; i++)
		if (ipfw_msg_rule(no, fw->map[i]) == NULL) {
			if (no->no_count == 0)
				return (ENOMEM);
			*cursor = i;
			break;
		}
	return (0);
}

/* ADD: check every rule, add them all, answer with what was added. */
static int
ipfw_msg_add(struct ff_ctx *ctx, const struct ff_msg_hdr *req,
    const struct ff_ipfw_req *rq, struct net_msg_out *no)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	uint16_t numbers[FF_MSG_SIZE / sizeof(struct ff_ipfw_rule)];
	const void *data = ff_msg_iov_get(req, &rq->fw_data);
	uint32_t i, k;
	int error;

	if (data == NULL || rq->fw_count == 0 ||
	    rq->fw_count > sizeof(numbers) / sizeof(numbers[0]))
		return (EINVAL);
	if ((error = ipfw_check_rules(
		 ctx, data, rq->fw_data.mi_len, rq->fw_count)) != 0 ||
	    (error = ipfw_add_rules(ctx, data, rq->fw_count, numbers)) != 0)
		return (error);
	/* The reply: each new rule (the last of its number). */
	for (i = 0; i < rq->fw_count; i++) {
		k = ipfw_find_rule(fw, numbers[i] + 1u);
		if (k > 0 && fw->map[k - 1]->rulenum == numbers[i] &&
		    ipfw_msg_rule(no, fw->map[k - 1]) == NULL)
			break;
	}
	return (0);
}

static int
ipfw_msg_set(struct ff_ctx *ctx, const struct ff_ipfw_req *rq)
{
	switch (rq->fw_subop) {
	case FF_IPFW_SET_GET:
		return (0);
	case FF_IPFW_SET_ENABLE:
		return (ipfw_set_enable(ctx, rq->fw_set, rq->fw_set2));
	case FF_IPFW_SET_MOVE_RULE:
		return (ipfw_set_move_rule(ctx, rq->fw_rulenum, rq->fw_set2));
	case FF_IPFW_SET_MOVE:
		return (ipfw_set_move(ctx, rq->fw_set, rq->fw_set2));
	case FF_IPFW_SET_SWAP:
		return (ipfw_set_swap(ctx, rq->fw_set, rq->fw_set2));
	}
	return (EINVAL);
}

/* TABLE ADD / DELETE: the entries of fw_data. */
static int
ipfw_msg_tentries(struct ff_ctx *ctx, const struct ff_msg_hdr *req,
    const struct ff_ipfw_req *rq)
{
	const struct ff_ipfw_tentry *te = ff_msg_iov_get(req, &rq->fw_data);

	if (te == NULL || rq->fw_count == 0 ||
	    rq->fw_data.mi_len / sizeof(*te) < rq->fw_count)
		return (EINVAL);
	if (rq->fw_subop == FF_IPFW_TABLE_ADD)
		return (ipfw_table_add(ctx, rq->fw_table, te, rq->fw_count));
	return (ipfw_table_del(ctx, rq->fw_table, te, rq->fw_count));
}

/* Room for the rest of the reply, for a list written in place. */
static void *
ipfw_msg_room(struct net_msg_out *no, size_t *cap)
{
	size_t start = (no->no_off + 7) & ~(size_t)7;

	if (start >= no->no_cap)
		return (NULL);
	*cap = no->no_cap - start;
	return (net_msg_reserve(no, *cap));
}

/* Keep only `used' bytes of what ipfw_msg_room gave. */
static void
ipfw_msg_trim(struct net_msg_out *no, const void *out, size_t used)
{
	no->no_off = (size_t)((const uint8_t *)out - no->no_body) + used;
}

/* TABLE LIST: entries from the cursor, as many as fit. */
static int
ipfw_msg_tlist(struct ff_ctx *ctx, const struct ff_ipfw_req *rq,
    struct net_msg_out *no, uint64_t *cursor)
{
	struct ff_ipfw_tentry *out;
	size_t cap;
	uint32_t n;
	int error;

	if ((out = ipfw_msg_room(no, &cap)) == NULL)
		return (ENOMEM);
	error = ipfw_table_list(
	    ctx, rq->fw_table, out, (uint32_t)(cap / sizeof(*out)), &n, cursor);
	ipfw_msg_trim(no, out, n * sizeof(*out));
	no->no_count = n;
	return (error);
}

/* TABLE INFO / LIST_TABLES: struct ff_ipfw_tinfo records. */
static int
ipfw_msg_tinfo(
    struct ff_ctx *ctx, const struct ff_ipfw_req *rq, struct net_msg_out *no)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ff_ipfw_tinfo ti, *out;
	uint32_t t;

	if (!(rq->fw_flags & FF_IPFWF_ALL) ||
	    rq->fw_subop == FF_IPFW_TABLE_INFO) {
		if (ipfw_table_info(ctx, rq->fw_table, &ti) != 0)
			return (ENOENT);
		if ((out = net_msg_reserve(no, sizeof(*out))) == NULL)
			return (ENOMEM);
		*out = ti;
		no->no_count = 1;
		return (0);
	}
	for (t = 0; t < fw->ntables; t++) {
		if (ipfw_table_info(ctx, t, &ti) != 0)
			continue;
		if ((out = net_msg_reserve(no, sizeof(*out))) == NULL)
			return (ENOMEM);
		*out = ti;
		no->no_count++;
	}
	return (0);
}

static int
ipfw_msg_table(struct ff_ctx *ctx, const struct ff_msg_hdr *req,
    const struct ff_ipfw_req *rq, struct net_msg_out *no, uint64_t *cursor)
{
	switch (rq->fw_subop) {
	case FF_IPFW_TABLE_CREATE:
		return (ipfw_table_create(ctx, rq->fw_table, rq->fw_count));
	case FF_IPFW_TABLE_DESTROY:
		return (ipfw_table_destroy(ctx, rq->fw_table));
	case FF_IPFW_TABLE_ADD:
	case FF_IPFW_TABLE_DELETE:
		return (ipfw_msg_tentries(ctx, req, rq));
	case FF_IPFW_TABLE_FLUSH:
		return (ipfw_table_flush(ctx, rq->fw_table));
	case FF_IPFW_TABLE_LIST:
		return (ipfw_msg_tlist(ctx, rq, no, cursor));
	case FF_IPFW_TABLE_INFO:
	case FF_IPFW_TABLE_LIST_TABLES:
		return (ipfw_msg_tinfo(ctx, rq, no));
	}
	return (EINVAL);
}

static void *
ipfw_msg_nat_reserve(void *arg, size_t len)
{
	return (net_msg_reserve(arg, len));
}

/* NAT: instance fw_rulenum. */
static int
ipfw_msg_nat(struct ff_ctx *ctx, const struct ff_msg_hdr *req,
    const struct ff_ipfw_req *rq, struct net_msg_out *no)
{
	const void *data;

	if (rq->fw_rulenum > 65535 ||
	    (rq->fw_rulenum == 0 && rq->fw_subop != FF_IPFW_NAT_GET))
		return (EINVAL);
	switch (rq->fw_subop) {
	case FF_IPFW_NAT_CONFIG:
		data = ff_msg_iov_get(req, &rq->fw_data);
		if (data == NULL ||
		    rq->fw_data.mi_len < sizeof(struct ff_ipfw_nat) ||
		    ((const struct ff_ipfw_nat *)data)->n_id != rq->fw_rulenum)
			return (EINVAL);
		return (ipfw_nat_config(ctx, data, rq->fw_data.mi_len));
	case FF_IPFW_NAT_DELETE:
		return (ipfw_nat_delete(ctx, rq->fw_rulenum));
	case FF_IPFW_NAT_GET:
		return (ipfw_nat_get(ctx, rq->fw_rulenum, ipfw_msg_nat_reserve,
		    no, &no->no_count));
	}
	return (EINVAL);
}

/* LIST with FF_IPFWF_DYN: the states. */
static int
ipfw_msg_dyn(struct ff_ctx *ctx, struct net_msg_out *no, uint64_t *cursor)
{
	size_t cap, used;
	void *out;
	int error;

	if ((out = ipfw_msg_room(no, &cap)) == NULL)
		return (ENOMEM);
	error = ipfw_dyn_list(ctx, out, cap, &no->no_count, &used, cursor);
	ipfw_msg_trim(no, out, used);
	return (error == ENOMEM ? 0 : error);
}

static int
ipfw_msg_op(struct ff_ctx *ctx, const struct ff_msg_hdr *req,
    const struct ff_ipfw_req *rq, struct net_msg_out *no, uint64_t *cursor)
{
	switch (rq->fw_op) {
	case FF_IPFW_ADD:
		return (ipfw_msg_add(ctx, req, rq, no));
	case FF_IPFW_DELETE:
		if (rq->fw_flags & FF_IPFWF_SET)
			return (ipfw_del_set(ctx, rq->fw_set));
		return (ipfw_del_rule(ctx, rq->fw_rulenum));
	case FF_IPFW_LIST:
		if (rq->fw_flags & FF_IPFWF_DYN)
			return (ipfw_msg_dyn(ctx, no, cursor));
		return (ipfw_msg_list(ctx, rq, no, cursor));
	case FF_IPFW_ZERO:
	case FF_IPFW_RESETLOG:
		return (ipfw_zero(
		    ctx, rq->fw_rulenum, rq->fw_op == FF_IPFW_RESETLOG));
	case FF_IPFW_FLUSH:
		if (!(rq->fw_flags & FF_IPFWF_DYN))
			ipfw_flush(ctx);
		ipfw_dyn_flush(ctx);
		return (0);
	case FF_IPFW_SET:
		return (ipfw_msg_set(ctx, rq));
	case FF_IPFW_TABLE:
		return (ipfw_msg_table(ctx, req, rq, no, cursor));
	case FF_IPFW_NAT:
		return (ipfw_msg_nat(ctx, req, rq, no));
	}
	return (EINVAL);
}

int
ff_msg_ipfw(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor)
{
	struct ff_ipfw_req rq;
	struct net_msg_out no;
	int error, parts;

	if (ctx->stack == NULL)
		return (-ENXIO);
	if (req->fm_len < sizeof(*req) + sizeof(rq))
		return (-EINVAL);
	memcpy(&rq, req + 1, sizeof(rq));
	if (rq.fw_len != sizeof(rq))
		return (-EINVAL);
	if (cap < sizeof(struct ff_ipfw_rep) + 8)
		return (-ENOMEM);
	net_msg_out_init(&no, body, cap, sizeof(struct ff_ipfw_rep));
	parts = rq.fw_op == FF_IPFW_LIST ||
	    (rq.fw_op == FF_IPFW_TABLE && rq.fw_subop == FF_IPFW_TABLE_LIST);
	*cursor = parts ? req->fm_cursor : 0;
	if ((error = ipfw_msg_op(ctx, req, &rq, &no, cursor)) != 0)
		return (-error);
	ipfw_msg_head(ctx, &no);
	return ((int)no.no_off);
}

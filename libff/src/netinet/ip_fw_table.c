/*
 * ip_fw_table.c - ipfw's lookup tables of type addr (FreeBSD's netpfil/
 * ipfw/ip_fw_table.c): address/masklen -> 32-bit value, matched by
 * table(N) and giving tablearg.
 *
 * Entry points: ipfw_tables_init(), ipfw_tables_fini(),
 * ipfw_table_lookup(), ipfw_table_exists(), ipfw_table_ref(),
 * ipfw_table_create(), ipfw_table_destroy(), ipfw_table_flush(),
 * ipfw_table_add(), ipfw_table_del(), ipfw_table_info(),
 * ipfw_table_list().
 *
 * Why rte_rib (net/rib.h, the trie the routing table already uses):
 * entries are prefixes, and a lookup must find the longest one holding
 * the address, as FreeBSD's radix tables do.  rte_hash matches exact
 * keys only (a prefix table would take one probe per distinct mask
 * length, up to 33); rte_lpm is one or two memory reads but its 64 MB
 * tbl24 per table and 24-bit next hops cannot carry 32-bit tablearg
 * values.  rte_rib walks at most 32 levels of a binary trie whose
 * nodes come from a pool sized when the table is made (two nodes per
 * entry at most: the entry and one branch), takes inserts and removals
 * at run time without a rebuild, and keeps our value in the node's
 * extension.  A million entries cost two million nodes, about 128 MB
 * of the stack's memory: a table is as big as its `limit' says
 * (FF_IPFW_TABLE_DEFAULT entries unless given), so small tables stay
 * small.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "core/ff_ctx.h"
#include "net/rib.h"
#include "netinet/ip_fw.h"

#define FF_IPFW_TABLE_DEFAULT 65536	  /* entries, without `limit' */
#define FF_IPFW_TABLE_MAXSIZE (16u << 20) /* entries, at most */

struct ipfw_table {
	struct rib *rib;
	uint32_t count;	 /* entries */
	uint32_t limit;	 /* most entries */
	uint32_t refcnt; /* rules that name the table */
};

/* The extension of a trie node: zero in a node that only branches. */
struct ipfw_tent {
	uint32_t value;
	uint32_t valid;
};

int
ipfw_tables_init(struct ff_ctx *ctx)
{
	return (0); /* the slots are made at the first table */
}

void
ipfw_tables_fini(struct ff_ctx *ctx)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	uint32_t i;

	for (i = 0; i < fw->ntables; i++)
		if (fw->tables[i] != NULL) {
			rib_free(fw->tables[i]->rib);
			free(fw->tables[i]);
		}
	free(fw->tables);
	fw->tables = NULL;
	fw->ntables = 0;
}

static struct ipfw_table *
ipfw_table_get(struct ff_ctx *ctx, uint32_t tbl)
{
	struct ipfw_state *fw = V_ipfw(ctx);

	return (tbl < fw->ntables ? fw->tables[tbl] : NULL);
}

int
ipfw_table_exists(struct ff_ctx *ctx, uint32_t tbl)
{
	return (ipfw_table_get(ctx, tbl) != NULL);
}

void
ipfw_table_ref(struct ff_ctx *ctx, uint32_t tbl, int delta)
{
	struct ipfw_table *t = ipfw_table_get(ctx, tbl);

	if (t != NULL)
		t->refcnt += (uint32_t)delta;
}

/* The entry node that holds addr: itself or the nearest real parent. */
static struct ipfw_tent *
ipfw_table_match(struct ipfw_table *t, uint32_t addr)
{
	struct rib_node *node = rib_lookup(t->rib, addr);
	struct ipfw_tent *e;

	while (node != NULL) {
		e = rib_ext(node);
		if (e->valid)
			return (e);
		node = rib_lookup_parent(node);
	}
	return (NULL);
}

int
ipfw_table_lookup(
    struct ff_ctx *ctx, uint32_t tbl, struct in_addr addr, uint32_t *val)
{
	struct ipfw_table *t = ipfw_table_get(ctx, tbl);
	struct ipfw_tent *e;

	if (t == NULL || t->count == 0 ||
	    (e = ipfw_table_match(t, ntohl(addr.s_addr))) == NULL)
		return (0);
	*val = e->value;
	return (1);
}

/* Room for table numbers below tables_max, made at the first table. */
static int
ipfw_table_slots(struct ipfw_state *fw)
{
	if (fw->tables != NULL)
		return (0);
	fw->tables = calloc((size_t)fw->tables_max, sizeof(*fw->tables));
	if (fw->tables == NULL)
		return (ENOMEM);
	fw->ntables = (uint32_t)fw->tables_max;
	return (0);
}

int
ipfw_table_create(struct ff_ctx *ctx, uint32_t tbl, uint32_t limit)
{
	struct ipfw_state *fw = V_ipfw(ctx);
	struct ipfw_table *t;
	char name[64];

	if (limit == 0)
		limit = FF_IPFW_TABLE_DEFAULT;
	if (tbl >= (uint32_t)fw->tables_max || limit > FF_IPFW_TABLE_MAXSIZE)
		return (EINVAL);
	if (ipfw_table_slots(fw) != 0)
		return (ENOMEM);
	if (fw->tables[tbl] != NULL)
		return (EEXIST);
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return (ENOMEM);
	snprintf(name, sizeof(name), "fwt%p.%u", (void *)ctx, tbl);
	t->rib = rib_create(name, 2 * limit + 1, sizeof(struct ipfw_tent));
	if (t->rib == NULL) {
		free(t);
		return (ENOMEM);
	}
	t->limit = limit;
	fw->tables[tbl] = t;
	return (0);
}

int
ipfw_table_destroy(struct ff_ctx *ctx, uint32_t tbl)
{
	struct ipfw_table *t = ipfw_table_get(ctx, tbl);

	if (t == NULL)
		return (ENOENT);
	if (t->refcnt != 0)
		return (EBUSY); /* rules still name it */
	rib_free(t->rib);
	free(t);
	V_ipfw(ctx)->tables[tbl] = NULL;
	return (0);
}

/* A new empty trie of the same size: cheaper than removing each entry. */
int
ipfw_table_flush(struct ff_ctx *ctx, uint32_t tbl)
{
	struct ipfw_table *t = ipfw_table_get(ctx, tbl);
	char name[64];

	if (t == NULL)
		return (ENOENT);
	rib_free(t->rib);
	snprintf(name, sizeof(name), "fwt%p.%u", (void *)ctx, tbl);
	t->rib = rib_create(name, 2 * t->limit + 1, sizeof(struct ipfw_tent));
	t->count = 0;
	if (t->rib == NULL) {
		free(t); /* no memory for an empty table: it goes */
		V_ipfw(ctx)->tables[tbl] = NULL;
		return (ENOMEM);
	}
	return (0);
}

/* An entry of a request: 0 with its host-order address, or EINVAL. */
static int
ipfw_tentry_ok(const struct ff_ipfw_tentry *te, uint32_t *addr)
{
	if (te->te_masklen > 32)
		return (EINVAL);
	*addr = ntohl(te->te_addr);
	if ((*addr & ~rib_depth_to_mask(te->te_masklen)) != 0)
		return (EINVAL); /* host bits beyond the mask */
	return (0);
}

/* The entry exactly there, or NULL. */
static struct ipfw_tent *
ipfw_table_exact(struct ipfw_table *t, uint32_t addr, uint8_t len)
{
	struct rib_node *node = rib_lookup_exact(t->rib, addr, len);
	struct ipfw_tent *e;

	if (node == NULL)
		return (NULL);
	e = rib_ext(node);
	return (e->valid ? e : NULL);
}

int
ipfw_table_add(struct ff_ctx *ctx, uint32_t tbl,
    const struct ff_ipfw_tentry *te, uint32_t n)
{
	struct ipfw_table *t = ipfw_table_get(ctx, tbl);
	struct rib_node *node;
	struct ipfw_tent *e;
	uint32_t i, addr, fresh = 0;
	int error;

	if (t == NULL && (error = ipfw_table_create(ctx, tbl, 0)) != 0)
		return (error);
	t = ipfw_table_get(ctx, tbl);
	for (i = 0; i < n; i++) {
		if ((error = ipfw_tentry_ok(&te[i], &addr)) != 0)
			return (error);
		if (ipfw_table_exact(t, addr, te[i].te_masklen) == NULL)
			fresh++;
	}
	if (fresh > t->limit - t->count) {
		V_ipfw(ctx)->stat.ipfw_table_full += fresh;
		return (ENOSPC);
	}
	for (i = 0; i < n; i++) {
		addr = ntohl(te[i].te_addr);
		node = rib_lookup_exact(t->rib, addr, te[i].te_masklen);
		if (node == NULL &&
		    (node = rib_insert(t->rib, addr, te[i].te_masklen)) == NULL)
			return (ENOMEM); /* node pool: sized not to happen */
		e = rib_ext(node);
		if (!e->valid)
			t->count++;
		e->valid = 1;
		e->value = te[i].te_value;
	}
	return (0);
}

int
ipfw_table_del(struct ff_ctx *ctx, uint32_t tbl,
    const struct ff_ipfw_tentry *te, uint32_t n)
{
	struct ipfw_table *t = ipfw_table_get(ctx, tbl);
	uint32_t i, addr;
	int error;

	if (t == NULL)
		return (ENOENT);
	for (i = 0; i < n; i++) {
		if ((error = ipfw_tentry_ok(&te[i], &addr)) != 0)
			return (error);
		if (ipfw_table_exact(t, addr, te[i].te_masklen) == NULL)
			return (ESRCH);
	}
	for (i = 0; i < n; i++) {
		addr = ntohl(te[i].te_addr);
		if (ipfw_table_exact(t, addr, te[i].te_masklen) == NULL)
			continue; /* the same entry twice in the request */
		rib_remove(t->rib, addr, te[i].te_masklen);
		t->count--;
	}
	return (0);
}

int
ipfw_table_info(struct ff_ctx *ctx, uint32_t tbl, struct ff_ipfw_tinfo *ti)
{
	struct ipfw_table *t = ipfw_table_get(ctx, tbl);

	if (t == NULL)
		return (ENOENT);
	memset(ti, 0, sizeof(*ti));
	ti->ti_table = tbl;
	ti->ti_count = t->count;
	ti->ti_limit = t->limit;
	ti->ti_refcnt = t->refcnt;
	return (0);
}

static void
ipfw_tentry_export(struct rib_node *node, struct ff_ipfw_tentry *out)
{
	const struct ipfw_tent *e = rib_ext(node);
	uint32_t addr;
	uint8_t depth;

	rib_node_key(node, &addr, &depth);
	memset(out, 0, sizeof(*out));
	out->te_addr = htonl(addr);
	out->te_masklen = depth;
	out->te_value = e->value;
}

/* The node to resume after: the last one sent, or where it was. */
static struct rib_node *
ipfw_table_resume(struct ipfw_table *t, uint64_t cursor)
{
	uint32_t addr = (uint32_t)(cursor >> 8);
	uint8_t depth = (uint8_t)(cursor & 0xff);
	struct rib_node *node = rib_lookup_exact(t->rib, addr, depth);

	return (node != NULL ? node : rib_lookup(t->rib, addr));
}

/*
 * Entries in the trie's order.  The cursor is the last entry sent
 * (1 << 40 | address << 8 | masklen): the walk resumes after it (after
 * the nearest node holding it when it was deleted meanwhile).  0/0,
 * which the walk leaves out, comes first.
 */
int
ipfw_table_list(struct ff_ctx *ctx, uint32_t tbl, struct ff_ipfw_tentry *out,
    uint32_t room, uint32_t *count, uint64_t *cursor)
{
	struct ipfw_table *t = ipfw_table_get(ctx, tbl);
	struct rib_node *node = NULL;
	uint64_t last = 0;
	uint32_t addr;
	uint8_t depth;

	*count = 0;
	if (t == NULL)
		return (ENOENT);
	if (*cursor != 0)
		node = ipfw_table_resume(t, *cursor);
	else if ((node = rib_lookup_exact(t->rib, 0, 0)) != NULL &&
	    ((const struct ipfw_tent *)rib_ext(node))->valid)
		ipfw_tentry_export(node, &out[(*count)++]);
	else
		node = NULL;
	while ((node = rib_next(t->rib, node)) != NULL) {
		if (!((const struct ipfw_tent *)rib_ext(node))->valid)
			continue;
		if (*count == room)
			break;
		ipfw_tentry_export(node, &out[(*count)++]);
		rib_node_key(node, &addr, &depth);
		last = 1ull << 40 | (uint64_t)addr << 8 | depth;
	}
	*cursor = node != NULL ? last : 0;
	return (0);
}

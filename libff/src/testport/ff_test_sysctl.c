/*
 * ff_test_sysctl.c - test entry points for the sysctl tree and its
 * message, exported as ff_test_sysctl_* for tests/stack/test_sysctl.py.
 *
 * A test tree is a bare context (no EAL, no ports, no protocols) holding
 * the kern.* nodes plus one debug.test.* leaf of every type, so each type
 * can be read and written through the very handler ff-sysctl talks to.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/ff_errno.h"
#include "ff_msg.h"
#include "ipc/ff_msg_server.h"
#include "kern/kern_sysctl.h"
#include "testport/ff_test_sysctl.h"

/* Layout known to the test: "S,teststat" is four uint64_t. */
struct sysctl_teststat {
	uint64_t ts_a;
	uint64_t ts_b;
	uint64_t ts_c;
	uint64_t ts_d;
};

struct sysctl_testvars {
	int tv_int;
	unsigned int tv_uint;
	long tv_long;
	unsigned long tv_ulong;
	uint64_t tv_u64;
	char tv_string[16];
	int tv_ro;
	struct sysctl_teststat tv_stats;
	unsigned char tv_blob[8];
	unsigned char tv_big[80000]; /* larger than one message */
	int tv_even;
};

struct sysctl_testctx {
	struct ff_ctx tc_ctx; /* first: the handle is both */
	struct sysctl_testvars tc_vars;
};

/* debug.test.even: a proc node that takes even numbers only. */
static int
sysctl_test_even(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	int *p = sysctl_oid_arg1(oidp), v = *p, error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v & 1)
		return (EINVAL);
	*p = v;
	return (0);
}

/* debug.test.broken: a handler that always fails. */
static int
sysctl_test_broken(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	return (EIO);
}

#define STATE struct sysctl_testvars

static const struct sysctl_entry sysctl_test_sysctls[] = {
	SYSCTL_NODE("debug.test", "Test leaves"),
	SYSCTL_INT("debug.test.int", CTLFLAG_RW, STATE, tv_int, -100, 100,
	    "An int in [-100, 100]"),
	SYSCTL_UINT("debug.test.uint", CTLFLAG_RW, STATE, tv_uint, 10, 1000,
	    "An unsigned int in [10, 1000]"),
	SYSCTL_LONG("debug.test.long", CTLFLAG_RW, STATE, tv_long, -5000000000L,
	    5000000000L, "A long in +-5e9"),
	SYSCTL_ULONG("debug.test.ulong", CTLFLAG_RW, STATE, tv_ulong,
	    "An unsigned long"),
	SYSCTL_U64("debug.test.u64", CTLFLAG_RW, STATE, tv_u64, "A uint64_t"),
	SYSCTL_STRING("debug.test.string", CTLFLAG_RW, STATE, tv_string,
	    "A string of 15"),
	SYSCTL_INT("debug.test.ro", CTLFLAG_RD, STATE, tv_ro, 0, 0x7fffffff,
	    "Read-only"),
	SYSCTL_STATS("debug.test.stats", STATE, tv_stats, "S,teststat",
	    "Statistics, zeroed by a write"),
	SYSCTL_OPAQUE("debug.test.blob", CTLFLAG_RW, STATE, tv_blob, "S,blob",
	    "Opaque, written whole"),
	SYSCTL_OPAQUE("debug.test.big", CTLFLAG_RD, STATE, tv_big, "S,big",
	    "Larger than a message"),
	SYSCTL_PROC_VAR("debug.test.even", CTLTYPE_INT | CTLFLAG_RW, STATE,
	    tv_even, sysctl_test_even, "I", "Even numbers only"),
	SYSCTL_PROC("debug.test.broken", CTLTYPE_INT | CTLFLAG_RD,
	    sysctl_test_broken, "I", "Fails to read"),
};

#undef STATE

static int
sysctl_test_register(struct ff_ctx *ctx, struct sysctl_testvars *v)
{
	return (SYSCTL_ADD_TABLE(ctx, v, sysctl_test_sysctls) == 0 ? 0 : -1);
}

/*
 * A fresh tree with the test leaves (`with_test' != 0) or only what a
 * stack has at attach.  NULL with errno on failure.
 */
void *
ff_test_sysctl_new(int with_test)
{
	struct sysctl_testctx *tc;
	struct sysctl_testvars *v;

	tc = calloc(1, sizeof(*tc));
	if (tc == NULL)
		return (NULL);
	v = &tc->tc_vars;
	tc->tc_ctx.callouts.cw_hz = 1000;
	v->tv_uint = 10;
	v->tv_ro = 42;
	v->tv_stats.ts_a = 1;
	v->tv_stats.ts_b = 2;
	v->tv_stats.ts_c = 3;
	v->tv_stats.ts_d = 4;
	if (sysctl_ctx_init(&tc->tc_ctx) != 0 ||
	    (with_test && sysctl_test_register(&tc->tc_ctx, v) != 0)) {
		sysctl_ctx_fini(&tc->tc_ctx);
		free(tc);
		return (NULL);
	}
	return (tc);
}

void
ff_test_sysctl_free(void *handle)
{
	struct sysctl_testctx *tc = handle;

	if (tc == NULL)
		return;
	sysctl_ctx_fini(&tc->tc_ctx);
	free(tc);
}

/*
 * Run one message against the tree as the server would: header checks,
 * private copy, handler, reply header.  Returns the reply's length or
 * -EMSGSIZE when req or rep are unusable.
 */
int
ff_test_sysctl_msg(
    void *handle, const void *req, size_t reqlen, void *rep, size_t repcap)
{
	struct sysctl_testctx *tc = handle;
	struct ff_msg_hdr *copy, *out = rep;
	uint64_t cursor = 0;
	int blen, error = 0;

	if (reqlen < sizeof(*copy) || reqlen > FF_MSG_SIZE ||
	    repcap < sizeof(*out))
		return (-EMSGSIZE);
	if (repcap > FF_MSG_SIZE)
		repcap = FF_MSG_SIZE;
	copy = calloc(1, FF_MSG_SIZE);
	if (copy == NULL)
		return (-ENOMEM);
	memcpy(copy, req, reqlen);
	if (copy->fm_magic != FF_MSG_MAGIC || copy->fm_len != reqlen)
		error = EBADMSG;
	blen = error ? 0
		     : ff_msg_sysctl(&tc->tc_ctx, copy, out + 1,
			   repcap - sizeof(*out), &cursor);
	if (blen < 0) {
		error = -blen;
		blen = 0;
		cursor = 0;
	}
	memset(out, 0, sizeof(*out));
	out->fm_magic = FF_MSG_MAGIC;
	out->fm_version = FF_MSG_ABI_VERSION;
	out->fm_type = copy->fm_type;
	out->fm_flags = FF_MSGF_REPLY;
	out->fm_len = (uint32_t)(sizeof(*out) + blen);
	out->fm_error = error ? ff_errno_to_bsd(error) : 0;
	out->fm_cursor = cursor;
	out->fm_seq = copy->fm_seq;
	free(copy);
	return ((int)out->fm_len);
}

/* [freebsd.sysctl]'s path; returns 0 or a host errno. */
int
ff_test_sysctl_set_string(void *handle, const char *name, const char *value)
{
	struct sysctl_testctx *tc = handle;

	return (sysctl_set_string(&tc->tc_ctx, name, value));
}

/* Nodes in the tree (leaves only, or all but the root). */
int
ff_test_sysctl_count(void *handle, int leaves)
{
	struct sysctl_testctx *tc = handle;
	struct sysctl_oid *top = sysctl_root(&tc->tc_ctx), *n;
	int count = 0;

	for (n = sysctl_walk_first(top, leaves); n != NULL;
	     n = sysctl_next(top, n, leaves))
		count++;
	return (count);
}

/* What the socket layer would read: proof that a write took effect. */
unsigned int
ff_test_sysctl_somaxconn(void *handle)
{
	struct sysctl_testctx *tc = handle;

	return (tc->tc_ctx.sysctl->st_ipc.ki_somaxconn);
}

/* Register one more int leaf at run time (walk resume tests). */
int
ff_test_sysctl_add_int(void *handle, const char *name, int *ptr)
{
	struct sysctl_testctx *tc = handle;
	/* The name comes at run time: an entry of its own, the int at 0. */
	const struct sysctl_entry e =
	    SYSCTL_ENTRY(name, CTLTYPE_INT | CTLFLAG_RW, 0, 0, -1000, 1000,
		NULL, NULL, "Added by a test");

	return (-sysctl_add_table(&tc->tc_ctx, ptr, &e, 1));
}

/*
 * ff_testport.h - the deterministic test port: an in-memory ff_port
 * backend, a virtual clock, and the ff_test_* functions that pytest
 * drives through ctypes (tests/stack/ffstack.py).
 *
 * One EAL per process (ff_test_eal_init(), idempotent, no hugepages, no
 * PCI, no shared config); any number of stacks created and destroyed in
 * turn, each with its own mbuf pool, so that a test can check that every
 * mbuf came back.
 *
 * Errors: functions returning int give 0 (or a count) on success and a
 * negative errno on failure unless said otherwise; pointers are NULL on
 * failure with a message in err.
 */
#ifndef _FF_TESTPORT_H_
#define _FF_TESTPORT_H_

#include <stddef.h>
#include <stdint.h>

struct ff_ctx;
struct ff_port;
struct rte_mbuf;
struct rte_mempool;
struct ff_test;

struct ff_dpdk_cfg;

#define FF_TESTPORT_QLEN 4096 /* frames each way */

/* Backend (ff_testport.c). */
/* A test port whose queues hold rx_desc and tx_desc frames (at most
 * FF_TESTPORT_QLEN), as [portN] rx_desc and tx_desc size a NIC's rings. */
struct ff_port *ff_testport_open(uint16_t port_id, int rx_desc, int tx_desc);
/* Queue a received frame; consumes m.  0 or -ENOBUFS (queue full). */
int ff_testport_rx_put(struct ff_port *p, struct rte_mbuf *m);
/* Oldest transmitted frame, or NULL; the caller owns it. */
struct rte_mbuf *ff_testport_tx_get(struct ff_port *p);
unsigned int ff_testport_tx_count(const struct ff_port *p);
/*
 * Offloads the port has, as RTE_ETH_{RX,TX}_OFFLOAD_* words, enabled as
 * the DPDK backend picks them from config `d' (ff_dpdk_rx_offloads(): the
 * checksum verdicts, VLAN strip with [dpdk] vlan_strip;
 * ff_dpdk_tx_offloads(): the checksums unless tx_csum_offoad_skip, TSO
 * only with [dpdk] tso).  They set the port's and its ifnet's capability
 * words; sent frames get DPDK's tx flags as dpdk/ sets them.
 */
void ff_testport_set_offloads(
    struct ff_port *p, uint64_t rx, uint64_t tx, const struct ff_dpdk_cfg *d);

/*
 * Join a and b, the same port of the stacks of processes proc_a and
 * proc_b: frames handed over by one reach the other.  0 or -EINVAL.
 */
int
ff_testport_join(struct ff_port *a, int proc_a, struct ff_port *b, int proc_b);

/* The stack under test (ff_test.c). */
struct ff_test {
	struct ff_ctx *t_ctx;	    /* the stack */
	struct rte_mempool *t_pool; /* its private mbuf pool */
	unsigned int t_pool_size;   /* mbufs in t_pool */
	uint64_t t_fuzz_state;	    /* PRNG of ff_test_fuzz() */
	struct rte_mbuf **t_held;   /* ff_test_mbuf_hold() */
	unsigned int t_nheld;
	/* DPDK's tx words of the frame ff_test_pop() took last. */
	int t_popped;
	uint64_t t_pop_ol_flags;
	uint16_t t_pop_tso_segsz;
	uint16_t t_pop_nb_segs;
	uint8_t t_pop_l4_len;
};

/* Exported to ctypes. */
int ff_test_eal_init(int log_level);
/*
 * The stack's log (ff_log, DPDK's log stream) appended to the file at
 * `path' with every level shown, or back to the EAL's stream and level
 * with NULL.  0 or a negative errno.
 */
int ff_test_log_capture(const char *path);
struct ff_test *
ff_test_create(const char *config_text, char *err, size_t errlen);
int ff_test_destroy(struct ff_test *t);
/*
 * Several processes of one port in one test (ff_test_mp.c): a stack that
 * stands for process proc_id of those lcore_mask counts, two stacks'
 * ports joined (every port of a with the same port of b), and
 * ff_regist_packet_dispatcher() on a stack.
 */
struct ff_test *ff_test_create_proc(
    const char *config_text, int proc_id, char *err, size_t errlen);
int ff_test_join(struct ff_test *a, struct ff_test *b);
int ff_test_dispatcher(struct ff_test *t, void *func);
/* Which processes run, as the main loop learns it; the queues adopted. */
int ff_test_procs_live(struct ff_test *t, uint32_t live);
/* The flow hash of our symmetric key; Toeplitz under any key. */
uint32_t
ff_test_rss_hash(const char *src, int sport, const char *dst, int dport);
uint32_t ff_test_toeplitz(
    const uint8_t *key, uint32_t keylen, const uint8_t *data, uint32_t len);
int ff_test_inject(struct ff_test *t, int port, const void *frame, uint32_t len,
    uint64_t ol_flags);
/* frame as a chain cut at the increasing offsets cuts[0..ncuts). */
int ff_test_inject_split(struct ff_test *t, int port, const void *frame,
    uint32_t len, const uint32_t *cuts, int ncuts);
/* The same with each piece at the very end of its buffer. */
int ff_test_inject_split_at_end(struct ff_test *t, int port, const void *frame,
    uint32_t len, const uint32_t *cuts, int ncuts);
int ff_test_run(struct ff_test *t);
/* One main-loop iteration (ff_ctx_iterate()): the work it did. */
int ff_test_iterate(struct ff_test *t);
/*
 * Make the next iteration `us' longer on the virtual clock, switched out
 * by the kernel if `switched' (ff_test_loop.c).  0 or -EINVAL.
 */
int ff_test_loop_stall(struct ff_test *t, uint64_t us, int switched);
/* With on, every request and iteration is switched out (ff_test_loop.c). */
int ff_test_loop_switching(struct ff_test *t, int on);
/* Echo what TCP socket fd receives from the loop's application slot, in
 * the iteration that received it; fd -1 stops (ff_test_loop.c). */
int ff_test_loop_echo(struct ff_test *t, int fd);
/*
 * Move the virtual clock by us, run one iteration as ff_run() does and
 * say whether it would sleep now (1) or keep polling (0), [dpdk]
 * idle_spin; -EINVAL without a virtual clock (ff_test_loop.c).
 */
int ff_test_loop_idle(struct ff_test *t, uint64_t us);
int ff_test_advance(struct ff_test *t, uint64_t ns, uint64_t step_ns);
uint64_t ff_test_now(struct ff_test *t);
int ff_test_pop(struct ff_test *t, int port, void *buf, uint32_t cap);
int ff_test_tx_pending(struct ff_test *t, int port);
/*
 * The DPDK tx words of the frame popped last: ol_flags, then tso_segsz,
 * l4_len and nb_segs in out[1..3].  0, or -ENOENT before any pop.
 */
int ff_test_pop_offloads(struct ff_test *t, uint64_t *out);
int ff_test_mbufs_in_use(struct ff_test *t);
int ff_test_port_mac(struct ff_test *t, int port, uint8_t *mac);
int
ff_test_port_offloads(struct ff_test *t, int port, uint64_t rx, uint64_t tx);
/*
 * Most mbufs one frame the test port sends may have (net_af_xdp's 1: no
 * chains); the test port starts with any number.  0, -ENODEV, -EINVAL.
 */
int ff_test_port_txsegmax(struct ff_test *t, int port, int n);
int ff_test_sysctl_set(struct ff_test *t, const char *name, const char *value);
int ff_test_counter(struct ff_test *t, const char *name, uint64_t *val);
int ff_test_fuzz(struct ff_test *t, uint64_t seed, uint32_t count,
    const uint8_t *corpus, const uint32_t *lens, uint32_t ncorpus);

/*
 * The stack's invariants (ff_test_check.c): 0, or -EPROTO with what is
 * wrong in err.
 */
int ff_test_check(struct ff_test *t, char *err, size_t errlen);

/* Overload (ff_test_overload.c): a SYN flood, and the pool held. */
int ff_test_synflood(struct ff_test *t, int port, const char *dst, int dport,
    uint32_t count, uint64_t seed, uint32_t step_ms);
int ff_test_synflood_cycles(struct ff_test *t, int port, const char *dst,
    int dport, uint32_t count, uint64_t seed, uint64_t *cycles);
int ff_test_mbuf_hold(struct ff_test *t, uint32_t n);
int ff_test_mbuf_release(struct ff_test *t);

/* The message ring's answer path, without the ring (ff_test_msg.c). */
int ff_test_msg(struct ff_test *t, const void *req, size_t reqlen, void *rep,
    size_t repcap);
/*
 * The real message ring on this stack (ff_msg_server_create(), as
 * ff_init() makes it; served by ff_test_run(), gone with the stack):
 * *area is its slot area, struct ff_msg_area of ipc/ff_msg_ring.h.  One
 * stack at a time may have it.  0, -EEXIST or -ENOENT.
 */
int ff_test_msg_ring(struct ff_test *t, void **area);
/*
 * The ring server's counters in struct ff_msg_stats order (served,
 * errors, badstate, reclaimed, abandoned, inuse, owners), up to n of
 * them: how many were written, or -ENOENT without a ring.
 */
int ff_test_msg_stats(struct ff_test *t, uint64_t *out, uint32_t n);

/* The internal API, for tests (ff_test_api.c). */
int ff_test_route_add(struct ff_test *t, const char *dst, int plen,
    const char *gw, const char *ifname, uint32_t flags);
int ff_test_route_delete(struct ff_test *t, const char *dst, int plen);
int
ff_test_route_get(struct ff_test *t, const char *dst, char *out, size_t outlen);
int ff_test_route_count(struct ff_test *t);
int ff_test_ipfw_dyn_nbuckets(struct ff_test *t);
int ff_test_tcb_hash_buckets(struct ff_test *t);
int ff_test_arp_add(
    struct ff_test *t, const char *addr, const uint8_t *mac, int flags);
int ff_test_arp_delete(struct ff_test *t, const char *addr);
int ff_test_arp_get(struct ff_test *t, const char *addr, uint8_t *mac,
    int *flags, int64_t *expire);
int ff_test_arp_count(struct ff_test *t);
int ff_test_ifaddr_add(
    struct ff_test *t, const char *ifname, const char *addr, int plen);
int
ff_test_ifaddr_delete(struct ff_test *t, const char *ifname, const char *addr);
int ff_test_if_setflags(struct ff_test *t, const char *ifname, uint32_t flags);
int ff_test_ip_output(struct ff_test *t, const char *src, const char *dst,
    int proto, const void *payload, uint32_t len, int flags);

/* TCP (ff_test_tcp.c): socket calls return a negative errno. */
int ff_test_tcp_socket(struct ff_test *t);
int ff_test_tcp_bind(struct ff_test *t, int fd, const char *addr, int port);
int ff_test_tcp_listen(struct ff_test *t, int fd, int backlog);
int ff_test_tcp_connect(struct ff_test *t, int fd, const char *addr, int port);
int ff_test_tcp_accept(struct ff_test *t, int fd);
int ff_test_tcp_send(struct ff_test *t, int fd, const void *buf, uint32_t len);
int ff_test_tcp_recv(struct ff_test *t, int fd, void *buf, uint32_t cap);
int ff_test_tcp_shutdown(struct ff_test *t, int fd, int how);
int ff_test_tcp_close(struct ff_test *t, int fd);
int ff_test_tcp_setopt(struct ff_test *t, int fd, int level, int name, int v);
int ff_test_tcp_getopt(struct ff_test *t, int fd, int level, int name, int *v);
int ff_test_tcp_info(struct ff_test *t, int fd, uint32_t *out, uint32_t n);
int ff_test_tcp_establish(struct ff_test *t, const char *laddr, int lport,
    const char *faddr, int fport, uint32_t iss, uint32_t irs, uint32_t wnd,
    uint32_t mss, uint32_t tsval);
int ff_test_tcp_counter(struct ff_ctx *ctx, const char *name, uint64_t *val);
int ff_test_tcp_addoptions(uint32_t flags, uint32_t mss, uint32_t wscale,
    uint32_t tsval, uint32_t tsecr, uint8_t *out);
int ff_test_tcp_dooptions(const uint8_t *opt, int len, int syn, uint32_t *out);
int ff_test_tcp_setflags(struct ff_test *t, int fd, uint32_t set, uint32_t clr);

#endif /* _FF_TESTPORT_H_ */

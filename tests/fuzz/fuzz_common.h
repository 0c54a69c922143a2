/*
 * fuzz_common.h - what every libFuzzer harness of tests/fuzz shares: a
 * stack on the test port kept from input to input while each input
 * leaves it back at its baseline (asserted: no socket, pcb, control
 * block, queue, ARP entry or mbuf left), made anew every FUZZ_REUSE
 * inputs; frames in and out; the invariants asserted after every input;
 * running totals of inputs, frames and messages.
 *
 * Reproducing: an input runs alone on a fresh stack (`fuzz_x crash-...'),
 * with rte_rand() seeded the same way as in the run.  What a kept stack
 * still carries from the inputs before (the virtual clock, counters) can
 * matter; FUZZ_SEQ_LOG=file makes the harness write every input since
 * the stacks were last made to `file', and FUZZ_REPLAY=file runs such a
 * log again in order (run-fuzzers keeps it beside a finding).
 * FUZZ_REUSE=1 gives every input a fresh stack (slow, exact).
 *
 * A broken invariant aborts with a message: libFuzzer reports it as a
 * crash and keeps the input, as it does an ASan or UBSan report.
 */
#ifndef _FUZZ_COMMON_H_
#define _FUZZ_COMMON_H_

#include <stddef.h>
#include <stdint.h>

struct ff_test;

/* The test port's peer and our address (as tests/stack/ffstack.py). */
#define FUZZ_PEER_MAC  "\x02\x00\x00\x00\xaa\x01"
#define FUZZ_PEER_IP   0xc6120001u /* 198.18.0.1 */
#define FUZZ_OUR_IP    0xc6120002u /* 198.18.0.2 */
#define FUZZ_PORT1_IP  0xc6130002u /* 198.19.0.2 */
#define FUZZ_FRAME_MAX 1518

/* Two ports, 198.18.0.2/24 and 198.19.0.2/24, a small pool. */
extern const char fuzz_config[];
/*
 * The same with every limit tiny (sockets, listen queue, syncache,
 * reassembly queues and fragments, ARP hold queue, TCP out-of-order
 * queue, socket buffers): an input of a few frames reaches the paths
 * where a limit is hit, where leaks hide.
 */
extern const char fuzz_config_tight[];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Runs a FUZZ_REPLAY log, if asked, before libFuzzer starts. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * First thing of every input: counts it, writes it to the sequence log,
 * seeds rte_rand(), prints the running totals every 10 s.
 */
void fuzz_begin(const uint8_t *data, size_t size);

/*
 * The stack for `config' (the kept one, or a fresh one), the peer's MAC
 * known; aborts on failure.
 */
struct ff_test *fuzz_stack(const char *config);
/*
 * Everything an input may leave is gone: sockets closed by the caller,
 * the clock moved on past every timer (TIME_WAIT, retransmissions,
 * reassembly, ARP), frames sent drained.  Asserts the invariants, that
 * no socket, pcb, control block, reassembly queue, ARP entry or mbuf is
 * left, purges the TCP host cache and keeps the stack for the next input
 * (FUZZ_STRICT; without it, for inputs that may change the timers or add
 * static entries, only that the stack gives every mbuf back when
 * destroyed, which it then is).
 */
#define FUZZ_STRICT 1
void fuzz_settle_end(struct ff_test *t, int flags);
/* The invariants (ff_test_check()); `where' names the step on failure. */
void fuzz_check(struct ff_test *t, const char *where);
/* Abort with a message (a finding). */
void
fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/*
 * What the inputs carried: inputs run, frames injected, requests
 * handled.  Printed as "#fuzz fuzz_frames: N" lines every 10 s, and as
 * "stat::fuzz_frames: N" lines (as libFuzzer prints its own) when the
 * harness exits, is interrupted (SIGINT, SIGTERM), times out or fails.
 */
extern unsigned long long fuzz_nframes, fuzz_nmsgs, fuzz_ninputs;

/* Inject one frame on port 0 and run the loop. */
void fuzz_inject(struct ff_test *t, const void *frame, size_t len);
/* The same as a chain cut at the increasing offsets cuts[0..ncuts). */
void fuzz_inject_split(struct ff_test *t, const void *frame, size_t len,
    const uint32_t *cuts, int ncuts);
/*
 * Pop every frame sent on every port; for each one on port 0, `fn' (may
 * be NULL) sees it.
 */
void fuzz_drain(struct ff_test *t,
    void (*fn)(void *arg, const uint8_t *f, size_t len), void *arg);

/* A gauge or counter by name (ff_test_counter()); aborts if unknown. */
uint64_t fuzz_counter(struct ff_test *t, const char *name);

/* The Internet checksum of `len' bytes, folded, starting from `sum'. */
uint16_t fuzz_cksum(const void *p, size_t len, uint32_t sum);

/*
 * An Ethernet + IPv4 frame from the peer (src) to dst on port 0 into
 * f (room for 14 + 20 + len): header checksum right, DF clear unless
 * in `off' (IP flags and fragment offset, host order).  Returns its
 * length.  `l4' (len bytes) is copied behind the header.
 */
size_t
fuzz_ip_frame(uint8_t *f, const uint8_t *dst_mac, uint32_t src, uint32_t dst,
    uint8_t proto, uint16_t id, uint16_t off, const void *l4, size_t len);
/* The TCP/UDP checksum of an IPv4 segment (pseudo-header included). */
uint16_t fuzz_l4_cksum(
    uint32_t src, uint32_t dst, uint8_t proto, const void *seg, size_t len);

/* Bytes of a fuzz input, consumed front to back. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

uint8_t fuzz_u8(struct fuzz_in *in);
uint16_t fuzz_u16(struct fuzz_in *in);
uint32_t fuzz_u32(struct fuzz_in *in);
/* Up to `want' bytes; returns how many (the rest of the input at most). */
size_t fuzz_bytes(struct fuzz_in *in, void *out, size_t want);

#endif /* _FUZZ_COMMON_H_ */

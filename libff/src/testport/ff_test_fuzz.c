/*
 * ff_test_fuzz.c - a seeded fuzzer for the test port.
 *
 * Entry point: ff_test_fuzz().  Frames are random bytes (one in eight)
 * or a frame of the caller's corpus with one to four mutations: a bit
 * flipped, a byte set to an edge value, the frame cut short or grown
 * with random bytes, a 16-bit field replaced.  The loop runs after every
 * burst, the virtual clock moves 50 ms every 512 frames so that timers
 * (ARP, reassembly) fire, and transmitted frames are popped and freed as
 * a peer would.  The same seed gives the same run.
 */
#include <errno.h>
#include <string.h>

#include <rte_mbuf.h>

#include "core/ff_ctx.h"
#include "net/ff_port.h"
#include "testport/ff_testport.h"

#define FUZZ_MAXLEN 1518
#define FUZZ_BURST  32

/* xorshift64*: small, fast, and reproducible from the seed. */
static uint64_t
fuzz_rand(struct ff_test *t)
{
	uint64_t x = t->t_fuzz_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	t->t_fuzz_state = x;
	return (x * 0x2545f4914f6cdd1dULL);
}

static uint32_t
fuzz_below(struct ff_test *t, uint32_t n)
{
	return (n == 0 ? 0 : (uint32_t)(fuzz_rand(t) % n));
}

static void
fuzz_mutate_once(struct ff_test *t, uint8_t *f, uint32_t *len)
{
	static const uint8_t edge[] = { 0x00, 0x01, 0x7f, 0x80, 0xff, 0x45,
		0x08, 0x06 };
	uint32_t pos = fuzz_below(t, *len ? *len : 1), n;

	switch (fuzz_below(t, 5)) {
	case 0:
		if (*len > 0)
			f[pos] ^= (uint8_t)(1u << fuzz_below(t, 8));
		break;
	case 1:
		if (*len > 0)
			f[pos] = edge[fuzz_below(t, sizeof(edge))];
		break;
	case 2:
		*len = fuzz_below(t, *len + 1);
		break;
	case 3:
		n = fuzz_below(t, 64);
		while (n-- > 0 && *len < FUZZ_MAXLEN)
			f[(*len)++] = (uint8_t)fuzz_rand(t);
		break;
	default:
		if (*len >= 2 && pos + 1 < *len) {
			f[pos] = (uint8_t)fuzz_rand(t);
			f[pos + 1] = (uint8_t)fuzz_rand(t);
		}
	}
}

/* Build frame number i into f; returns its length. */
static uint32_t
fuzz_frame(struct ff_test *t, uint8_t *f, const uint8_t *corpus,
    const uint32_t *lens, uint32_t ncorpus)
{
	uint32_t len, off = 0, k, i, n;

	if (ncorpus == 0 || fuzz_below(t, 8) == 0) {
		len = fuzz_below(t, FUZZ_MAXLEN + 1);
		for (i = 0; i < len; i++)
			f[i] = (uint8_t)fuzz_rand(t);
		return (len);
	}
	k = fuzz_below(t, ncorpus);
	for (i = 0; i < k; i++)
		off += lens[i];
	len = lens[k] > FUZZ_MAXLEN ? FUZZ_MAXLEN : lens[k];
	memcpy(f, corpus + off, len);
	n = 1 + fuzz_below(t, 4);
	while (n-- > 0)
		fuzz_mutate_once(t, f, &len);
	return (len);
}

/* Pop and free everything the stack sent. */
static void
fuzz_drain(struct ff_test *t)
{
	struct rte_mbuf *m;
	int i;

	for (i = 0; i < t->t_ctx->nb_ports; i++)
		while ((m = ff_testport_tx_get(t->t_ctx->ports[i])) != NULL)
			rte_pktmbuf_free(m);
}

int
ff_test_fuzz(struct ff_test *t, uint64_t seed, uint32_t count,
    const uint8_t *corpus, const uint32_t *lens, uint32_t ncorpus)
{
	uint8_t f[FUZZ_MAXLEN + 64];
	uint32_t i, len;
	int port, injected = 0;

	if (t->t_ctx->nb_ports == 0)
		return (-ENODEV);
	t->t_fuzz_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < count; i++) {
		len = fuzz_frame(t, f, corpus, lens, ncorpus);
		port =
		    t->t_ctx->ports[fuzz_below(t, (uint32_t)t->t_ctx->nb_ports)]
			->p_port_id;
		if (ff_test_inject(t, port, f, len, 0) == 0)
			injected++;
		if ((i + 1) % FUZZ_BURST == 0) {
			ff_test_run(t);
			fuzz_drain(t);
		}
		if ((i + 1) % 512 == 0)
			ff_test_advance(t, 50 * FF_NS_PER_MS, 0);
	}
	ff_test_run(t);
	fuzz_drain(t);
	return (injected);
}

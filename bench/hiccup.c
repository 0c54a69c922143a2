/*
 * hiccup - how long this core is taken from a thread that never sleeps.
 *
 *	hiccup SECONDS
 *
 * Reads the TSC in a tight loop for SECONDS and counts the gaps between
 * two reads longer than 5, 20 and 50 us (the TSC's rate taken against
 * CLOCK_MONOTONIC over the first 20 ms), with the time they add up to: what a busy poller on this core loses to
 * interrupts, other tasks and the hypervisor, whatever its own code
 * does.  Prints one JSON object: {"5": [gaps, ms], "20": ..., "50": ...}.
 * bench/bypass_bench.py runs it pinned to each core before the latency
 * runs: a request that arrives in a gap waits it out, so these gaps are
 * a floor under the p99 that no stack goes below on this machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e9 + (double)ts.tv_nsec);
}

/* TSC ticks per ns, over 20 ms of spinning. */
static double
tsc_ghz(void)
{
	double n0 = now_ns(), n1;
	uint64_t t0 = __rdtsc();

	while ((n1 = now_ns()) - n0 < 20e6)
		;
	return ((double)(__rdtsc() - t0) / (n1 - n0));
}

int
main(int argc, char **argv)
{
	static const double lim_us[] = { 5, 20, 50 };
	uint64_t gaps[3] = { 0 }, lost[3] = { 0 }, t, prev, end;
	double secs, ghz, us;
	int i;

	if (argc != 2 || (secs = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: hiccup SECONDS\n");
		return (2);
	}
	ghz = tsc_ghz();
	prev = __rdtsc();
	end = prev + (uint64_t)(secs * ghz * 1e9);
	do {
		t = __rdtsc();
		us = (double)(t - prev) / (ghz * 1e3);
		for (i = 0; i < 3; i++)
			if (us > lim_us[i]) {
				gaps[i]++;
				lost[i] += t - prev;
			}
		prev = t;
	} while (t < end);
	printf("{");
	for (i = 0; i < 3; i++)
		printf("%s\"%g\": [%lu, %.3f]", i ? ", " : "", lim_us[i],
		    (unsigned long)gaps[i], (double)lost[i] / (ghz * 1e6));
	printf("}\n");
	return (0);
}

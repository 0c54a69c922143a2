/*
 * fuzz_config.c - libFuzzer harness: the config parser (ff_config_load_
 * string(): the INI syntax, every key of core/ff_config.c, the
 * [freebsd.boot] and [freebsd.sysctl] tunables, vdev and port lists).
 *
 * Input: the text of a config file (a NUL byte ends it, as it ends a
 * string).  When it parses and keeps the pool small, a stack is made
 * from it on the test port (what ff_init() does after parsing: tunables
 * applied, ports and addresses set up), checked and destroyed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ff_config.h"
#include "testport/ff_testport.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ff_config cfg;
	char err[512], *text;
	struct ff_test *t;
	int left;

	fuzz_begin(data, size);
	if ((text = malloc(size + 1)) == NULL)
		return (0);
	memcpy(text, data, size);
	text[size] = '\0';
	memset(err, 0, sizeof(err));
	if (ff_config_load_string(text, "fuzz.ini", &cfg, err, sizeof(err)) ==
	    0) {
		if (ff_test_eal_init(1) != 0)
			fuzz_fail("EAL did not start");
		/* Pools above a few thousand mbufs only cost time here. */
		if (cfg.dpdk.nb_mbufs <= 4095 &&
		    (t = ff_test_create(text, err, sizeof(err))) != NULL) {
			fuzz_check(t, "created");
			ff_test_run(t);
			fuzz_drain(t, NULL, NULL);
			fuzz_check(t, "first loop");
			if ((left = ff_test_destroy(t)) != 0)
				fuzz_fail("%d mbufs lost by destroy", left);
		}
	} else if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
		fuzz_fail("a config refused without a message (or an "
			  "unterminated one)");
	free(text);
	return (0);
}

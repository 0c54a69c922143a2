/*
 * ff_test_config.h - the parsed-config dump of the test harness
 * (ff_test_config.c), and the decisions taken from a config, exported to
 * tests/unit/test_config.py.
 */
#ifndef _FF_TEST_CONFIG_H_
#define _FF_TEST_CONFIG_H_

#include <stddef.h>

struct ff_config;

/*
 * Write `cfg' as "name=value" lines into `buf' (always NUL-terminated when
 * len > 0).  Returns the length the full text needs, like snprintf().
 */
size_t ff_test_config_dump(const struct ff_config *cfg, char *buf, size_t len);

/*
 * The NUMA socket the packet pool and the port's rings of `cfg' take for
 * a device on dev_socket (dpdk/ff_dpdk.c's decision; -1 = any).
 */
int ff_test_numa_socket(const struct ff_config *cfg, int dev_socket);

#endif /* _FF_TEST_CONFIG_H_ */

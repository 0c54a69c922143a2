/*
 * ff_test_sock.h - test-port entry points for the socket API
 * (ff_test_sock.c): choosing the stack the ff_* calls go to, socket
 * leak checks, and the UDP and socket-layer counters.
 */
#ifndef _FF_TEST_SOCK_H_
#define _FF_TEST_SOCK_H_

#include <stdint.h>

struct ff_ctx;
struct ff_test;

/* Make t's stack the one ff_socket() and friends act on. */
int ff_test_use(struct ff_test *t);
/* Sockets, descriptors, pcbs, knotes and epoll items still allocated. */
int ff_test_sockets_inuse(struct ff_test *t);
int ff_test_files_inuse(struct ff_test *t);
/* "udp.udps_*", "so.sos_*" and gauges "so.sockets", "so.files",
 * "so.udp_pcbs", "so.tcp_pcbs"; 0 or -ENOENT (for ff_test_counter). */
int ff_test_sock_counter(struct ff_ctx *ctx, const char *name, uint64_t *val);

#endif /* _FF_TEST_SOCK_H_ */

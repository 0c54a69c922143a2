/*
 * ff_test_sysctl.h - test entry points of the sysctl tree (exported as
 * ff_test_sysctl_*, driven by tests/stack/test_sysctl.py through ctypes).
 * Errors are host errno values: returned negative by ff_test_sysctl_msg(),
 * positive by the others.
 */
#ifndef _FF_TEST_SYSCTL_H_
#define _FF_TEST_SYSCTL_H_

#include <stddef.h>

/* A bare context with a tree: kern.*, plus debug.test.* if with_test. */
void *ff_test_sysctl_new(int with_test);
void ff_test_sysctl_free(void *handle);
/* One FF_MSG_SYSCTL request through the handler; the reply's length. */
int ff_test_sysctl_msg(
    void *handle, const void *req, size_t reqlen, void *rep, size_t repcap);
int
ff_test_sysctl_set_string(void *handle, const char *name, const char *value);
int ff_test_sysctl_count(void *handle, int leaves);
unsigned int ff_test_sysctl_somaxconn(void *handle);
int ff_test_sysctl_add_int(void *handle, const char *name, int *ptr);

#endif /* _FF_TEST_SYSCTL_H_ */

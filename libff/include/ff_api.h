/*
 * ff_api.h - the application API of libff.
 *
 * An application calls ff_init() once, then ff_run() with its loop
 * function, which the stack calls once per main-loop iteration; every
 * ff_* call is made from inside that loop function (one thread, run to
 * completion).  Calls return -1 and set errno (FreeBSD meaning) on error.
 */
#ifndef _FF_API_H_
#define _FF_API_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int (*loop_func_t)(void *arg);

/*
 * Start the stack: options
 *   -c, --conf FILE            config.ini (default ./config.ini)
 *   -p, --proc-id N            this process's id (default 0)
 *   -t, --proc-type primary|secondary|auto
 * Returns 0, or -1 with errno set and a one-line reason on stderr
 * (config errors name the file, line, section and key).
 */
int	ff_init(int argc, char * const argv[]);

/*
 * Run the main loop until ff_stop_run() or SIGINT/SIGTERM; then stop the
 * ports and release the EAL (no hugepage files or runtime dirs are left).
 * Returns 0, or -1 with errno set.
 */
int	ff_run(loop_func_t loop, void *arg);
void	ff_stop_run(void);

#ifdef __cplusplus
}
#endif

#endif /* _FF_API_H_ */

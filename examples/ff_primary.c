/*
 * ff_primary - the smallest stack process: ff_init() with the given
 * config, then the main loop with an empty application.  It answers ARP,
 * ICMP and the tools (ff-top, ff-traffic, ff-sysctl, ...), which makes it
 * the process tests and first experiments attach to.
 *
 *	ff_primary -c config.ini [-p proc_id] [-t primary|secondary]
 *
 * SIGINT or SIGTERM stops it cleanly.
 */
#include <stdio.h>
#include <unistd.h>

#include "ff_api.h"

static int
loop(void *arg)
{
	(void)arg;
	return (0);
}

int
main(int argc, char *argv[])
{
	if (ff_init(argc, argv) != 0)
		return (1);
	printf("ff_primary: running, pid %d\n", (int)getpid());
	fflush(stdout);
	if (ff_run(loop, NULL) != 0) {
		perror("ff_run");
		return (1);
	}
	return (0);
}

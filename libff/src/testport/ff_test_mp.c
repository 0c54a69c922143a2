/*
 * ff_test_mp.c - several stack processes of one port, in one test
 * process: stacks joined port to port, the application's dispatcher,
 * and the flow hash itself.
 *
 * Entry points: ff_test_join(), ff_test_dispatcher(), ff_test_procs_live(),
 * ff_test_rss_hash(),
 * ff_test_toeplitz() (ff_test_create_proc() is in ff_test.c).
 */
#include <errno.h>
#include <arpa/inet.h>

#include "ff_api.h"
#include "core/ff_ctx.h"
#include "net/ff_port.h"
#include "net/rss_config.h"
#include "netinet/in_rss.h"
#include "testport/ff_testport.h"

int
ff_test_join(struct ff_test *a, struct ff_test *b)
{
	struct ff_ctx *ca = a->t_ctx, *cb = b->t_ctx;
	int i, j, error, joined = 0;

	for (i = 0; i < ca->nb_ports; i++)
		for (j = 0; j < cb->nb_ports; j++) {
			if (ca->ports[i]->p_port_id != cb->ports[j]->p_port_id)
				continue;
			error = ff_testport_join(ca->ports[i], ca->proc_id,
			    cb->ports[j], cb->proc_id);
			if (error != 0)
				return (error);
			joined++;
		}
	return (joined > 0 ? 0 : -ENODEV);
}

int
ff_test_dispatcher(struct ff_test *t, void *func)
{
	ff_ctx_set_current(t->t_ctx);
	ff_regist_packet_dispatcher((dispatch_func_t)func);
	return (0);
}

int
ff_test_procs_live(struct ff_test *t, uint32_t live)
{
	return ((int)ff_ctx_procs_set(t->t_ctx, live));
}

uint32_t
ff_test_rss_hash(const char *src, int sport, const char *dst, int dport)
{
	struct in_addr s, d;

	if (inet_pton(AF_INET, src, &s) != 1 ||
	    inet_pton(AF_INET, dst, &d) != 1)
		return (0);
	return (rss_hash_ip4_4tuple(
	    s, htons((uint16_t)sport), d, htons((uint16_t)dport)));
}

uint32_t
ff_test_toeplitz(
    const uint8_t *key, uint32_t keylen, const uint8_t *data, uint32_t len)
{
	return (toeplitz_hash(key, keylen, data, len));
}

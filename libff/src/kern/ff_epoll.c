/*
 * ff_epoll.c - epoll(7) over stack sockets with Linux semantics (not
 * F-Stack's emulation on top of kqueue).
 *
 * Entry points: epoll_init(), epoll_fini(), kern_epoll_create(),
 * kern_epoll_ctl(), kern_epoll_wait(), epoll_close().
 *
 * As in Linux's fs/eventpoll.c: an epitem is one registered descriptor
 * with its event mask and data.  A socket wakeup whose kind matches the
 * mask puts the item on the ready list (ep_poll_callback).  epoll_wait
 * takes items off that list, computes the socket's current poll mask and
 * reports mask & events as ONE event per descriptor; a level-triggered
 * item goes back on the list, an EPOLLET item waits for the next wakeup,
 * an EPOLLONESHOT item is disabled until EPOLL_CTL_MOD.  data is returned
 * exactly as given.  A finished connect wakes writers: EPOLLOUT.
 *
 * Poll mask of a socket (Linux tcp_poll/udp_poll):
 *   EPOLLIN|EPOLLRDNORM   data (or a queued connection), EOF or error
 *   EPOLLOUT|EPOLLWRNORM  room in so_snd (connected, or datagram)
 *   EPOLLRDHUP            the peer shut down its side (FIN)
 *   EPOLLHUP              both directions are shut
 *   EPOLLERR              so_error pending
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "core/ff_ctx.h"
#include "kern/uipc_var.h"
#include "kern/eventvar.h"
#include "kern/socketvar.h"

#define EP_PRIVATE_BITS (EPOLLONESHOT | EPOLLET | EPOLLWAKEUP | EPOLLEXCLUSIVE)
#define EP_ALWAYS	(EPOLLERR | EPOLLHUP)

struct epitem {
	struct so_watch epi_watch;	 /* on the socket: first member */
	TAILQ_ENTRY(epitem) epi_rdllink; /* ep_rdllist */
	LIST_ENTRY(epitem) epi_link;	 /* ep_items */
	struct eventpoll *epi_ep;
	struct socket *epi_so;
	int epi_fd;
	int epi_ready;		      /* on ep_rdllist */
	struct epoll_event epi_event; /* mask and data as given */
};
TAILQ_HEAD(epitemhead, epitem);

struct eventpoll {
	TAILQ_ENTRY(eventpoll) ep_link; /* us_epolls */
	struct epitemhead ep_rdllist;	/* ready items */
	LIST_HEAD(, epitem) ep_items;	/* every item */
	int ep_fd;
};

static void ep_notify(struct so_watch *sw, struct socket *so, int what);

int
epoll_init(struct ff_ctx *ctx)
{
	struct uipc_state *us = V_uipc(ctx);

	us->us_epizone = uma_zcreate("epitem", sizeof(struct epitem),
	    2 * (unsigned int)us->us_maxsockets);
	return (us->us_epizone == NULL ? -ENOMEM : 0);
}

void
epoll_fini(struct ff_ctx *ctx)
{
	struct uipc_state *us = V_uipc(ctx);
	struct eventpoll *ep;

	while ((ep = TAILQ_FIRST(&us->us_epolls)) != NULL)
		epoll_close(ctx, ep);
	uma_zdestroy(us->us_epizone);
	us->us_epizone = NULL;
}

int
kern_epoll_create(struct ff_ctx *ctx)
{
	struct uipc_state *us = V_uipc(ctx);
	struct eventpoll *ep;
	int fd;

	if ((ep = calloc(1, sizeof(*ep))) == NULL)
		return (-ENOMEM);
	TAILQ_INIT(&ep->ep_rdllist);
	LIST_INIT(&ep->ep_items);
	if ((fd = fdalloc(&us->us_fd, DTYPE_EPOLL, ep)) < 0) {
		free(ep);
		return (fd);
	}
	ep->ep_fd = fd;
	TAILQ_INSERT_TAIL(&us->us_epolls, ep, ep_link);
	return (fd);
}

static void
ep_remove(struct epitem *epi)
{
	struct eventpoll *ep = epi->epi_ep;

	if (epi->epi_ready)
		TAILQ_REMOVE(&ep->ep_rdllist, epi, epi_rdllink);
	LIST_REMOVE(epi, epi_link);
	so_watch_del(&epi->epi_watch);
	uma_zfree(V_uipc(epi->epi_so->so_ctx)->us_epizone, epi);
}

void
epoll_close(struct ff_ctx *ctx, void *arg)
{
	struct eventpoll *ep = arg;
	struct epitem *epi;

	while ((epi = LIST_FIRST(&ep->ep_items)) != NULL)
		ep_remove(epi);
	TAILQ_REMOVE(&V_uipc(ctx)->us_epolls, ep, ep_link);
	free(ep);
}

/* The socket's current poll mask. */
unsigned int
sopoll(const struct socket *so)
{
	uint32_t mask = 0;

	if (soreadable_data(so) >= 0)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (sowriteable_data(so) >= 0)
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (so_rcv_eof(so))
		mask |= EPOLLRDHUP;
	if (so_rcv_eof(so) && so_snd_eof(so))
		mask |= EPOLLHUP;
	if (so->so_error != 0)
		mask |= EPOLLERR;
	return (mask);
}

static void
ep_enqueue(struct epitem *epi)
{
	if (epi->epi_ready)
		return;
	TAILQ_INSERT_TAIL(&epi->epi_ep->ep_rdllist, epi, epi_rdllink);
	epi->epi_ready = 1;
}

static void
ep_notify(struct so_watch *sw, struct socket *so, int what)
{
	struct epitem *epi = (struct epitem *)sw;
	uint32_t key = 0;

	if ((what & SO_EV_CLOSE) != 0) {
		ep_remove(epi);
		return;
	}
	if ((what & SO_EV_RCV) != 0)
		key |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if ((what & SO_EV_SND) != 0)
		key |= EPOLLOUT | EPOLLWRNORM;
	if ((what & SO_EV_STATE) != 0)
		key = ~0u;
	if ((epi->epi_event.events & ~EP_PRIVATE_BITS) == 0)
		return; /* disabled EPOLLONESHOT */
	if ((key & (epi->epi_event.events | EP_ALWAYS)) != 0)
		ep_enqueue(epi);
}

static struct epitem *
ep_find(struct eventpoll *ep, struct socket *so)
{
	struct so_watch *sw;

	LIST_FOREACH(sw, &so->so_watchers, sw_link)
	if (sw->sw_notify == ep_notify && ((struct epitem *)sw)->epi_ep == ep)
		return ((struct epitem *)sw);
	return (NULL);
}

/* Queue epi when its socket is ready for what it asks now. */
static void
ep_check(struct epitem *epi)
{
	if ((sopoll(epi->epi_so) & (epi->epi_event.events | EP_ALWAYS)) != 0 &&
	    (epi->epi_event.events & ~EP_PRIVATE_BITS) != 0)
		ep_enqueue(epi);
}

static int
ep_insert(struct ff_ctx *ctx, struct eventpoll *ep, struct socket *so, int fd,
    const struct epoll_event *ev)
{
	struct epitem *epi;

	if ((epi = uma_zalloc(V_uipc(ctx)->us_epizone)) == NULL)
		return (-ENOMEM);
	epi->epi_watch.sw_notify = ep_notify;
	epi->epi_ep = ep;
	epi->epi_so = so;
	epi->epi_fd = fd;
	epi->epi_event = *ev;
	LIST_INSERT_HEAD(&ep->ep_items, epi, epi_link);
	so_watch_add(so, &epi->epi_watch);
	ep_check(epi);
	return (0);
}

int
kern_epoll_ctl(
    struct ff_ctx *ctx, int epfd, int op, int fd, const struct epoll_event *ev)
{
	struct filedesc *fdp = &V_uipc(ctx)->us_fd;
	struct file *epf, *fp;
	struct epitem *epi;

	if ((epf = fdget(fdp, epfd, DTYPE_NONE)) == NULL ||
	    (fp = fdget(fdp, fd, DTYPE_NONE)) == NULL)
		return (-EBADF);
	if (epf->f_type != DTYPE_EPOLL || epfd == fd)
		return (-EINVAL);
	if (fp->f_type != DTYPE_SOCKET)
		return (-EPERM);
	if (op != EPOLL_CTL_DEL && ev == NULL)
		return (-EFAULT);
	epi = ep_find(epf->f_data, fp->f_data);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (epi != NULL)
			return (-EEXIST);
		return (ep_insert(ctx, epf->f_data, fp->f_data, fd, ev));
	case EPOLL_CTL_MOD:
		if (epi == NULL)
			return (-ENOENT);
		epi->epi_event = *ev;
		ep_check(epi);
		return (0);
	case EPOLL_CTL_DEL:
		if (epi == NULL)
			return (-ENOENT);
		ep_remove(epi);
		return (0);
	}
	return (-EINVAL);
}

int
kern_epoll_wait(
    struct ff_ctx *ctx, int epfd, struct epoll_event *events, int maxevents)
{
	struct epitemhead again = TAILQ_HEAD_INITIALIZER(again);
	struct eventpoll *ep;
	struct epitem *epi;
	struct file *fp;
	uint32_t revents;
	int n = 0;

	if ((fp = fdget(&V_uipc(ctx)->us_fd, epfd, DTYPE_NONE)) == NULL)
		return (-EBADF);
	if (fp->f_type != DTYPE_EPOLL || maxevents <= 0 || events == NULL)
		return (-EINVAL);
	ep = fp->f_data;
	while (n < maxevents && (epi = TAILQ_FIRST(&ep->ep_rdllist)) != NULL) {
		TAILQ_REMOVE(&ep->ep_rdllist, epi, epi_rdllink);
		epi->epi_ready = 0;
		revents =
		    sopoll(epi->epi_so) & (epi->epi_event.events | EP_ALWAYS);
		if ((epi->epi_event.events & ~EP_PRIVATE_BITS) == 0 ||
		    revents == 0)
			continue;
		events[n].events = revents;
		events[n].data = epi->epi_event.data;
		n++;
		if ((epi->epi_event.events & EPOLLONESHOT) != 0)
			epi->epi_event.events &= EP_PRIVATE_BITS;
		else if ((epi->epi_event.events & EPOLLET) == 0) {
			TAILQ_INSERT_TAIL(&again, epi, epi_rdllink);
			epi->epi_ready = 1;
		}
	}
	TAILQ_CONCAT(&ep->ep_rdllist, &again, epi_rdllink);
	return (n);
}

/*
 * eventvar.h - kqueue and epoll instances of one stack, and closing a
 * descriptor of any type (the socket layer's view of kern_event.c and
 * ff_epoll.c; the application's view is ff_api.h).
 *
 * Both are driven by socket wakeups (struct so_watch): a registration is
 * linked to its socket, and a wakeup puts it on its instance's ready
 * list, so a kevent()/epoll_wait() call looks only at what changed.
 *
 * Return conventions: fd or count >= 0, or a negative errno.
 */
#ifndef _KERN_EVENTVAR_H_
#define _KERN_EVENTVAR_H_

struct ff_ctx;
struct kevent;
struct epoll_event;
struct timespec;

int kqueue_init(struct ff_ctx *ctx);
void kqueue_fini(struct ff_ctx *ctx);
int kern_kqueue(struct ff_ctx *ctx);
int kern_kevent(struct ff_ctx *ctx, int kqfd, const struct kevent *changes,
    int nchanges, struct kevent *events, int nevents);
/* Free a kqueue whose descriptor is being closed. */
void kqueue_close(struct ff_ctx *ctx, void *kq);

int epoll_init(struct ff_ctx *ctx);
void epoll_fini(struct ff_ctx *ctx);
int kern_epoll_create(struct ff_ctx *ctx);
int kern_epoll_ctl(
    struct ff_ctx *ctx, int epfd, int op, int fd, const struct epoll_event *ev);
int kern_epoll_wait(
    struct ff_ctx *ctx, int epfd, struct epoll_event *events, int maxevents);
void epoll_close(struct ff_ctx *ctx, void *ep);

/* A socket's poll(2)/epoll mask (EPOLLIN, EPOLLOUT, EPOLLRDHUP, ...). */
struct socket;
unsigned int sopoll(const struct socket *so);

/*
 * Close descriptor fd whatever it holds: 0 or -EBADF (kern_descrip.c).
 * Registrations of a socket in kqueues and epoll sets go with it.
 */
int kern_close(struct ff_ctx *ctx, int fd);

#endif /* _KERN_EVENTVAR_H_ */

/*
 * ff_linux.h - Linux numbers at the API boundary (ff_linux.c): option
 * levels and names, message flags, and the sockaddr layout.  Errors are
 * negative errnos.
 */
#ifndef _KERN_FF_LINUX_H_
#define _KERN_FF_LINUX_H_

#include <sys/socket.h>
#include <netinet/in.h>

/* Linux socket type flags and ioctls (asm-generic). */
#define LINUX_SOCK_TYPE_MASK 0xf
#define LINUX_SOCK_NONBLOCK  04000
#define LINUX_SOCK_CLOEXEC   02000000
#define LINUX_O_NONBLOCK     04000
#define LINUX_FIONREAD	     0x541B
#define LINUX_FIONBIO	     0x5421

/*
 * (level, name) of setsockopt/getsockopt to FreeBSD's; *isbool when the
 * value is 0/1 at the boundary and a so_options bit inside.
 * -ENOPROTOOPT for an unknown level or name.
 */
int linux_to_bsd_sockopt(
    int level, int name, int *bsdlevel, int *bsdname, int *isbool);
/* Message flags: 0, or -EOPNOTSUPP for a flag we do not know. */
int linux_to_bsd_msgflags(int lflags, int *bflags);
int bsd_to_linux_msgflags(int bflags);
/*
 * A struct sockaddr_in from the application's (addr, len): -EFAULT,
 * -EINVAL (too short), -EAFNOSUPPORT (not AF_INET; AF_UNSPEC allowed
 * when allow_unspec, giving sin_family 0).
 */
int linux_sockaddr_in(
    const void *addr, socklen_t len, struct sockaddr_in *sin, int allow_unspec);
/* Copy sin out, truncated to *lenp, and set *lenp; NULL addr: nothing. */
int
linux_sockaddr_out(const struct sockaddr_in *sin, void *addr, socklen_t *lenp);

#endif /* _KERN_FF_LINUX_H_ */

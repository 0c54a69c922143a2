/*
 * ff_errno.c - the one table that maps host (Linux) errno values to
 * FreeBSD's (sys/errno.h numbering) and back.  Values 1-34 agree except
 * EDEADLK and EAGAIN, which swap places; from 35 on the two differ.
 */
#include <errno.h>
#include <stddef.h>

#include "kern/ff_errno.h"

static const struct {
	int host;
	int bsd;
} ff_errno_map[] = {
	{ EPERM, 1 },
	{ ENOENT, 2 },
	{ ESRCH, 3 },
	{ EINTR, 4 },
	{ EIO, 5 },
	{ ENXIO, 6 },
	{ E2BIG, 7 },
	{ ENOEXEC, 8 },
	{ EBADF, 9 },
	{ ECHILD, 10 },
	{ EDEADLK, 11 },
	{ ENOMEM, 12 },
	{ EACCES, 13 },
	{ EFAULT, 14 },
	{ EBUSY, 16 },
	{ EEXIST, 17 },
	{ EXDEV, 18 },
	{ ENODEV, 19 },
	{ ENOTDIR, 20 },
	{ EISDIR, 21 },
	{ EINVAL, 22 },
	{ ENFILE, 23 },
	{ EMFILE, 24 },
	{ ENOTTY, 25 },
	{ ETXTBSY, 26 },
	{ EFBIG, 27 },
	{ ENOSPC, 28 },
	{ ESPIPE, 29 },
	{ EROFS, 30 },
	{ EMLINK, 31 },
	{ EPIPE, 32 },
	{ EDOM, 33 },
	{ ERANGE, 34 },
	{ EAGAIN, 35 },
	{ EINPROGRESS, 36 },
	{ EALREADY, 37 },
	{ ENOTSOCK, 38 },
	{ EDESTADDRREQ, 39 },
	{ EMSGSIZE, 40 },
	{ EPROTOTYPE, 41 },
	{ ENOPROTOOPT, 42 },
	{ EPROTONOSUPPORT, 43 },
	{ ESOCKTNOSUPPORT, 44 },
	{ EOPNOTSUPP, 45 },
	{ EPFNOSUPPORT, 46 },
	{ EAFNOSUPPORT, 47 },
	{ EADDRINUSE, 48 },
	{ EADDRNOTAVAIL, 49 },
	{ ENETDOWN, 50 },
	{ ENETUNREACH, 51 },
	{ ENETRESET, 52 },
	{ ECONNABORTED, 53 },
	{ ECONNRESET, 54 },
	{ ENOBUFS, 55 },
	{ EISCONN, 56 },
	{ ENOTCONN, 57 },
	{ ESHUTDOWN, 58 },
	{ ETOOMANYREFS, 59 },
	{ ETIMEDOUT, 60 },
	{ ECONNREFUSED, 61 },
	{ ELOOP, 62 },
	{ ENAMETOOLONG, 63 },
	{ EHOSTDOWN, 64 },
	{ EHOSTUNREACH, 65 },
	{ ENOTEMPTY, 66 },
	{ EUSERS, 68 },
	{ EDQUOT, 69 },
	{ ESTALE, 70 },
	{ ENOLCK, 77 },
	{ ENOSYS, 78 },
	{ EOVERFLOW, 84 },
	{ ECANCELED, 85 },
	{ EILSEQ, 86 },
	{ EBADMSG, 89 },
	{ EMULTIHOP, 90 },
	{ ENOLINK, 91 },
	{ EPROTO, 92 },
	{ ENOTRECOVERABLE, 95 },
	{ EOWNERDEAD, 96 },
};

#define NMAP (sizeof(ff_errno_map) / sizeof(ff_errno_map[0]))

int
ff_errno_to_bsd(int host_errno)
{
	size_t i;

	for (i = 0; i < NMAP; i++)
		if (ff_errno_map[i].host == host_errno)
			return (ff_errno_map[i].bsd);
	return (5);
}

int
ff_errno_from_bsd(int bsd_errno)
{
	size_t i;

	for (i = 0; i < NMAP; i++)
		if (ff_errno_map[i].bsd == bsd_errno)
			return (ff_errno_map[i].host);
	return (EIO);
}

/*
 * kern_descrip.c - the descriptor table of one stack (see file.h), after
 * FreeBSD's kern_descrip.c: the lowest free descriptor first.  The table
 * starts empty and doubles when full (FreeBSD's fdgrowtable()) up to
 * kern.maxfiles, so its memory follows the descriptors in use, not the
 * limit: a stack tuned for ten million sockets that serves a hundred
 * pays for a hundred.  Descriptors below fd_reserve (F-Stack's
 * [freebsd.boot] fd_reserve) are never handed out, so that ours and the
 * kernel's do not overlap; kern.maxfiles counts those above it.
 *
 * Entry points: fdtable_init(), fdtable_fini(), fdalloc(), fdget(),
 * fdfree(), kern_close().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/uipc_var.h"
#include "kern/eventvar.h"
#include "kern/file.h"
#include "kern/socketvar.h"

#define FD_TABLE_MIN 64 /* entries of the first table */

void
fdtable_init(struct filedesc *fdp, int maxfiles, int reserve)
{
	fdp->fd_ofiles = NULL;
	fdp->fd_nfiles = 0;
	fdp->fd_maxfiles = maxfiles;
	fdp->fd_reserve = reserve;
	fdp->fd_lastfile = -1;
	fdp->fd_freefile = reserve;
	fdp->fd_inuse = 0;
}

void
fdtable_fini(struct filedesc *fdp)
{
	free(fdp->fd_ofiles);
	fdp->fd_ofiles = NULL;
	fdp->fd_nfiles = 0;
}

/*
 * Double the table, up to fd_reserve + fd_maxfiles entries: 0, -EMFILE at
 * the limit, -ENOMEM.  Nobody keeps a struct file pointer across
 * fdalloc(), so it may move.
 */
static int
fdgrowtable(struct filedesc *fdp)
{
	size_t n, lim = (size_t)fdp->fd_reserve + (size_t)fdp->fd_maxfiles;
	struct file *nt;

	if ((size_t)fdp->fd_nfiles >= lim)
		return (-EMFILE);
	n = fdp->fd_nfiles < FD_TABLE_MIN / 2 ? FD_TABLE_MIN
					      : 2 * (size_t)fdp->fd_nfiles;
	if (n > lim)
		n = lim;
	nt = realloc(fdp->fd_ofiles, n * sizeof(*nt));
	if (nt == NULL)
		return (-ENOMEM);
	memset(nt + fdp->fd_nfiles, 0, (n - fdp->fd_nfiles) * sizeof(*nt));
	fdp->fd_ofiles = nt;
	fdp->fd_nfiles = (int)n;
	return (0);
}

int
fdalloc(struct filedesc *fdp, int type, void *data)
{
	struct file *fp;
	int fd, error;

	for (fd = fdp->fd_freefile; fd < fdp->fd_nfiles; fd++)
		if (fdp->fd_ofiles[fd].f_type == DTYPE_NONE)
			break;
	while (fd >= fdp->fd_nfiles) /* past fd_reserve: maybe twice */
		if ((error = fdgrowtable(fdp)) != 0)
			return (error);
	fp = &fdp->fd_ofiles[fd];
	fp->f_type = type;
	fp->f_flag = 0;
	fp->f_data = data;
	fdp->fd_freefile = fd + 1;
	if (fd > fdp->fd_lastfile)
		fdp->fd_lastfile = fd;
	fdp->fd_inuse++;
	return (fd);
}

struct file *
fdget(struct filedesc *fdp, int fd, int type)
{
	struct file *fp;

	if (fd < 0 || fd >= fdp->fd_nfiles || fdp->fd_ofiles == NULL)
		return (NULL);
	fp = &fdp->fd_ofiles[fd];
	if (fp->f_type == DTYPE_NONE ||
	    (type != DTYPE_NONE && fp->f_type != type))
		return (NULL);
	return (fp);
}

void
fdfree(struct filedesc *fdp, int fd)
{
	struct file *fp = &fdp->fd_ofiles[fd];

	fp->f_type = DTYPE_NONE;
	fp->f_flag = 0;
	fp->f_data = NULL;
	fdp->fd_inuse--;
	if (fd < fdp->fd_freefile)
		fdp->fd_freefile = fd;
	while (fdp->fd_lastfile >= 0 &&
	    fdp->fd_ofiles[fdp->fd_lastfile].f_type == DTYPE_NONE)
		fdp->fd_lastfile--;
}

int
kern_close(struct ff_ctx *ctx, int fd)
{
	struct filedesc *fdp = &V_uipc(ctx)->us_fd;
	struct file *fp;
	void *data;
	int type;

	if ((fp = fdget(fdp, fd, DTYPE_NONE)) == NULL)
		return (-EBADF);
	type = fp->f_type;
	data = fp->f_data;
	fdfree(fdp, fd);
	switch (type) {
	case DTYPE_SOCKET:
		soclose(data);
		break;
	case DTYPE_KQUEUE:
		kqueue_close(ctx, data);
		break;
	case DTYPE_EPOLL:
		epoll_close(ctx, data);
		break;
	}
	return (0);
}

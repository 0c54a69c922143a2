/*
 * file.h - the descriptor table of one stack, after FreeBSD's sys/file.h
 * and sys/filedesc.h.
 *
 * Every descriptor the API hands out is an index into fd_ofiles[]: a
 * socket, a kqueue or an epoll instance.  The lowest free index is used
 * (FreeBSD's fdalloc).  Entries point to their object; closing one
 * releases the object through its type's close.
 *
 * Entry points: fdalloc(), fdget(), fdfree(), fdtable_init/fini().
 */
#ifndef _KERN_FILE_H_
#define _KERN_FILE_H_

#include <stdint.h>

struct ff_ctx;

/* f_type. */
#define DTYPE_NONE   0
#define DTYPE_SOCKET 2	 /* FreeBSD's number */
#define DTYPE_KQUEUE 5	 /* FreeBSD's number */
#define DTYPE_EPOLL  100 /* ours */

/* f_flag (FreeBSD's fcntl values). */
#undef FNONBLOCK
#define FNONBLOCK 0x0004 /* O_NONBLOCK: recorded; every call is */

struct file {
	int f_type;   /* DTYPE_* */
	int f_flag;   /* FNONBLOCK */
	void *f_data; /* socket, kqueue, epoll */
};

struct filedesc {
	struct file *fd_ofiles; /* the table */
	int fd_nfiles;		/* its size now (grows on demand) */
	int fd_maxfiles;	/* descriptors at most (kern.maxfiles) */
	int fd_reserve;		/* the first one ([freebsd.boot] fd_reserve) */
	int fd_lastfile;	/* highest index in use, or -1 */
	int fd_freefile;	/* lowest index that may be free */
	int fd_inuse;		/* entries in use */
};

#define FF_MAXFILES_DEFAULT 65536     /* kern.maxfiles */
#define FF_MAXFILES_MAX	    (1 << 27) /* its largest setting */

/*
 * An empty table (allocated as it fills) of at most maxfiles descriptors,
 * numbered from reserve up.
 */
void fdtable_init(struct filedesc *fdp, int maxfiles, int reserve);
void fdtable_fini(struct filedesc *fdp);
/* A new descriptor for data of type: fd >= 0, -EMFILE or -ENOMEM. */
int fdalloc(struct filedesc *fdp, int type, void *data);
/* The entry of fd if it is of type (DTYPE_NONE: any), or NULL. */
struct file *fdget(struct filedesc *fdp, int fd, int type);
/* Release fd (the caller closed its object). */
void fdfree(struct filedesc *fdp, int fd);

#endif /* _KERN_FILE_H_ */

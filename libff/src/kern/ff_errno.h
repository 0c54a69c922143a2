/*
 * ff_errno.h - errno values at the boundaries.
 *
 * Inside libff errno values are the host's (Linux) constants.  Answers to
 * tools carry FreeBSD's numbers (fm_error), as the tools' FreeBSD-style
 * messages expect; the translation happens here and nowhere else.
 */
#ifndef _FF_ERRNO_H_
#define _FF_ERRNO_H_

/* Host errno to FreeBSD errno; unknown values map to EIO (5). */
int ff_errno_to_bsd(int host_errno);
/* FreeBSD errno to host errno; unknown values map to EIO. */
int ff_errno_from_bsd(int bsd_errno);

#endif /* _FF_ERRNO_H_ */

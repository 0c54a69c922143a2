/*
 * kern_sysctl_var.h - the sysctl tree's insides, shared by the files of
 * src/kern that build it (kern_sysctl*.c).  Everybody else goes through
 * kern_sysctl.h.
 */
#ifndef _KERN_SYSCTL_VAR_H_
#define _KERN_SYSCTL_VAR_H_

#include <stdint.h>
#include <sys/queue.h>

#include "kern/kern_sysctl.h"

struct sysctl_oid {
	struct sysctl_oid *oid_parent;	       /* NULL for the root */
	TAILQ_ENTRY(sysctl_oid) oid_link;      /* among the parent's children */
	TAILQ_HEAD(, sysctl_oid) oid_children; /* sorted by oid_number */
	char *oid_name;			       /* this component */
	int oid_number;
	int oid_kind;		      /* CTLTYPE_* | CTLFLAG_* */
	sysctl_handler_t oid_handler; /* NULL for interior nodes */
	void *oid_arg1;		      /* the variable, or the handler's */
	intptr_t oid_arg2;	      /* its size, or the handler's */
	int64_t oid_smin;	      /* range of signed types */
	int64_t oid_smax;
	uint64_t oid_umin; /* range of unsigned types */
	uint64_t oid_umax;
	char *oid_fmt; /* "I", "IU", "A", "S,tcpstat", ... */
	char *oid_descr;
};

/* kern_sysctl.c */
struct sysctl_oid *sysctl_register(struct ff_ctx *ctx, const char *name,
    int kind, const char *fmt, const char *descr);
struct sysctl_oid *sysctl_oid_new(struct sysctl_tree *t,
    struct sysctl_oid *parent, const char *name, size_t start, size_t end);
struct sysctl_oid *sysctl_oid_describe(
    struct sysctl_oid *oidp, const char *fmt, const char *descr);
struct sysctl_oid *
sysctl_next_up(struct sysctl_oid *top, struct sysctl_oid *oidp);
struct sysctl_oid *
sysctl_first_from(struct sysctl_oid *top, struct sysctl_oid *oidp, int leaves);
int
sysctl_oid_within(const struct sysctl_oid *top, const struct sysctl_oid *oidp);

/* kern_sysctl_kern.c: kern.* nodes that belong to no protocol. */
int kern_sysctl_register(struct ff_ctx *ctx);

#endif /* _KERN_SYSCTL_VAR_H_ */

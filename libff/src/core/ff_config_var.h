/*
 * ff_config_var.h - what the config reader's files share: the kinds of
 * section, the key table's entry (struct cfg_key), the state of one parse
 * (struct cfg_parse), and the functions one file of the reader calls in
 * another.  Private to libff/src/core/ff_config*.c and the test dump
 * (testport/ff_test_config.c); applications see ff_config.h only.
 *
 *   ff_config.c        the key table, sections, the libinih reader and
 *                      handler, the checks of [portN], loading
 *   ff_config_parse.c  the value parsers the key table names
 *   ff_config_vdev.c   [vdevN]: drivers, and F-Stack keys folded into the
 *                      EAL's --vdev devargs
 */
#ifndef _FF_CONFIG_VAR_H_
#define _FF_CONFIG_VAR_H_

#include <stddef.h>

#include "ff_config.h"

#ifndef nitems
#define nitems(x) (sizeof((x)) / sizeof((x)[0]))
#endif

/* DPDK's RTE_LOG_* numbers, here so that the reader needs no DPDK header. */
#define FF_LOG_WARNING 5

enum cfg_sect {
	CS_NONE = 0, /* before the first section header */
	CS_DPDK,
	CS_PORT,
	CS_VDEV,
	CS_BOOT,
	CS_SYSCTL,
	CS_NKINDS
};

/* How a field is shown in devargs and dumps. */
enum cfg_type {
	CT_NONE = 0, /* no field, or printed by hand */
	CT_INT,
	CT_STR,
	CT_IP,
};

#define CK_EMPTY 0x01 /* an empty value is allowed */

struct cfg_parse;
struct cfg_key;
typedef int
cfg_parse_fn(struct cfg_parse *, const struct cfg_key *, void *, const char *);

/* One key of one kind of section. */
struct cfg_key {
	enum cfg_sect ck_sect;
	const char *ck_name;
	const char *ck_alias; /* another accepted name, or NULL */
	cfg_parse_fn *ck_parse;
	enum cfg_type ck_type;
	int ck_flags;	/* CK_* */
	size_t ck_off;	/* field in the section's struct */
	size_t ck_size; /* its size; 0 = the key stores nothing */
	long ck_min;	/* range of an integer */
	long ck_max;
	const char *ck_why; /* the message for a refused value */
};

#define CFG_NKEYS  64 /* >= nitems(cfg_keys) */
#define CFG_NSECTS 24 /* >= sections that can be open at once */

/* The state of one parse.  It lives on the caller's stack. */
struct cfg_parse {
	struct ff_config *pp_cfg; /* scratch copy being filled */
	const char *pp_file;	  /* name used in messages */
	const char *pp_text;	  /* where the reader is */
	int pp_lineno;		  /* line the reader handed out last */
	const char *pp_key;	  /* key being parsed, as written */
	enum cfg_sect pp_sect;	  /* current section ... */
	int pp_index;		  /* ... its N for [portN] and [vdevN] */
	char pp_section[64];	  /* ... and its name as written */
	int pp_nhist;		  /* sections opened so far, for messages */
	struct {
		int h_line;
		char h_name[64];
	} pp_hist[CFG_NSECTS];
	int pp_sect_line[CS_NKINDS]; /* [dpdk] etc. seen on */
	/* The line each key was set on, 0 = not set, per section instance. */
	int pp_dpdk_lines[CFG_NKEYS];
	int pp_boot_lines[CFG_NKEYS];
	int pp_port_lines[FF_MAX_PORTS][CFG_NKEYS];
	int pp_vdev_lines[FF_MAX_VDEVS][CFG_NKEYS];
	char *pp_err;
	size_t pp_errlen;
	int pp_failed; /* only the first error is reported */
	int pp_err_line;
};

/* The key table (ff_config.c), cfg_nkeys entries. */
extern const struct cfg_key cfg_keys[];
extern const size_t cfg_nkeys;

/* Messages (ff_config.c): each reports the first error only, returns -1. */
int cfg_err(struct cfg_parse *pp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int
cfg_err_at(struct cfg_parse *pp, int line, const char *section, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Where things are (ff_config.c). */
size_t cfg_section_offset(enum cfg_sect sect, int idx);
int cfg_key_line(
    struct cfg_parse *pp, enum cfg_sect sect, int idx, const char *name);

/* Value parsers (ff_config_parse.c; cfg_driver in ff_config_vdev.c). */
cfg_parse_fn cfg_int, cfg_pow2, cfg_str, cfg_name, cfg_hex, cfg_lcore_mask,
    cfg_lcores, cfg_log_level, cfg_port_list, cfg_lcore_list, cfg_ipv4,
    cfg_netmask, cfg_gateway, cfg_vips, cfg_mac, cfg_driver, cfg_refuse,
    cfg_cmdline, cfg_profile;

/* [vdev0] .. [vdevN-1] checked and their devargs built (ff_config_vdev.c). */
int cfg_finish_vdevs(struct cfg_parse *pp);

/* [dpdk] profile: its defaults where the file set nothing (profile.c). */
int cfg_finish_profile(struct cfg_parse *pp);

#endif /* _FF_CONFIG_VAR_H_ */

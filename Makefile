# ff: libff.so, the example programs, and the checks around them.
#
#   make            build libff/libff.so, libff/libffipc.so,
#                   libff/libff_test.so and examples/
#   make check      the whole test suite (as the README's test command does)
#   make asan       libff/libff_test_asan.so: the test library again, built
#                   with AddressSanitizer and UndefinedBehaviorSanitizer
#   make fuzz       the libFuzzer harnesses of tests/fuzz (clang), in
#                   build-fuzz/bin/
#   make fuzz-run   each harness for FUZZ_SECONDS (default 60) from its
#                   seed corpus; fails on any finding
#   make fuzz-long  the same for FUZZ_LONG_SECONDS each (default 4 hours)
#   make clean

CC	?= cc
PKGCONF	?= pkg-config

DPDK_CFLAGS	:= $(shell $(PKGCONF) --cflags libdpdk 2>/dev/null)
DPDK_LIBS	:= $(shell $(PKGCONF) --libs libdpdk 2>/dev/null)
INIH_LIBS	:= $(shell $(PKGCONF) --libs inih 2>/dev/null || echo -linih)

WARNS	= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	  -Wpointer-arith -Wno-unused-parameter -Wno-address-of-packed-member
CFLAGS	?= -O2 -g
LIBFF_CFLAGS = $(CFLAGS) $(WARNS) -fPIC -std=gnu11 -D_GNU_SOURCE \
	  -Ilibff/include -iquote libff/src $(DPDK_CFLAGS)

# Built into libffipc.so only (see LIBFFIPC below).
LIBFFIPC_ONLY_SRCS = libff/src/dpdk/ff_eal_noservice.c

LIBFF_SRCDIRS	= libff/src/core libff/src/dpdk libff/src/kern libff/src/net \
		  libff/src/netinet libff/src/ipc
LIBFF_SRCS	:= $(filter-out $(LIBFFIPC_ONLY_SRCS),\
		   $(sort $(foreach d,$(LIBFF_SRCDIRS),$(wildcard $(d)/*.c))))
LIBFF_OBJS	:= $(LIBFF_SRCS:%.c=build/%.o)
LIBFF_HDRS	:= $(wildcard libff/include/*.h) \
		   $(foreach d,$(LIBFF_SRCDIRS) $(TEST_SRCDIR),$(wildcard $(d)/*.h))

LIBFF	= libff/libff.so

# The test harness (the in-memory test port, the virtual clock's driver and
# the ff_test_* hooks that tests/ call through ctypes) is no part of the
# product: it links with the stack's own objects into libff_test.so, which
# exports what libff.so exports (libff.map) plus ff_test_* (libff_test.map).
TEST_SRCDIR	= libff/src/testport
LIBFF_TEST_SRCS	:= $(sort $(wildcard $(TEST_SRCDIR)/*.c))
LIBFF_TEST_OBJS	:= $(LIBFF_TEST_SRCS:%.c=build/%.o)
LIBFF_TEST	= libff/libff_test.so

# The tools' client (fstools loads it through ctypes): the message-ring
# client of libff.so again, but with the EAL linked in statically.  A
# shared EAL dlopen()s every PMD of Debian's DPDK at start (~70 ms on
# every tool run); a static one loads none, and links no bus, so a tool
# probes no device either.
#
# A tool runs no DPDK service: the EAL's calls into the service library
# are wrapped (ld --wrap) into ff_eal_noservice.c, so that a tool's start
# allocates nothing from the primary's shared heap, which a SIGKILLed
# tool could never give back.  That file is in libffipc.so alone.
LIBFFIPC	= libff/libffipc.so
LIBFFIPC_SRCS	= libff/src/ipc/ff_msg_client.c libff/src/ipc/ff_msg_abi.c \
		  libff/src/dpdk/ff_runtime.c $(LIBFFIPC_ONLY_SRCS)
LIBFFIPC_WRAPS	= rte_service_init rte_service_start_with_defaults \
		  rte_service_finalize
LIBFFIPC_OBJS	:= $(LIBFFIPC_SRCS:%.c=build/ipc-static/%.o)
DPDK_LIBDIR	:= $(shell $(PKGCONF) --variable=libdir libdpdk 2>/dev/null)
LIBFFIPC_LIBS	= $(addprefix $(DPDK_LIBDIR)/,librte_ring.a librte_eal.a \
		  librte_telemetry.a librte_kvargs.a) -lnuma -lbsd -lpthread -ldl \
		  -lm

# The sanitized test library: the same sources as libff_test.so, objects
# in build-asan/.  Python is not instrumented, so whoever loads it must
# preload the ASan runtime (scripts/ff-setup test does: LD_PRELOAD of
# `$(CC) -print-file-name=libasan.so`).  No UBSan finding is recoverable:
# each one aborts the process as an ASan report does.  Alignment is
# checked too: behind DPDK's 128-byte headroom and a 14-byte Ethernet
# header the IP header is 2 bytes off a 4-byte boundary, and the stack
# reads headers there through ip_hdr_t and tcp_hdr_t (netinet/ip.h,
# netinet/tcp.h), types of 2-byte alignment.
ASAN_FLAGS	= -fsanitize=address,undefined \
		  -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_CFLAGS	= -O1 -g $(WARNS) -fPIC -std=gnu11 -D_GNU_SOURCE \
		  -Ilibff/include -iquote libff/src $(DPDK_CFLAGS) $(ASAN_FLAGS)
LIBFF_TEST_ASAN	= libff/libff_test_asan.so
ASAN_OBJS	:= $(LIBFF_OBJS:build/%=build-asan/%) \
		   $(LIBFF_TEST_OBJS:build/%=build-asan/%)

# The fuzz harnesses (tests/fuzz/fuzz_*.c, one program each): the stack
# and the test port built again by clang with libFuzzer's coverage, ASan
# and UBSan (the same checks as make asan), objects in build-fuzz/.
FUZZ_CC		?= clang
FUZZ_SAN	= -fsanitize=address,undefined -fno-sanitize=alignment \
		  -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_CFLAGS	= -O1 -g $(WARNS) -std=gnu11 -D_GNU_SOURCE -Ilibff/include \
		  -iquote libff/src $(DPDK_CFLAGS) $(FUZZ_SAN) \
		  -fsanitize=fuzzer-no-link
FUZZ_OBJS	:= $(LIBFF_OBJS:build/%=build-fuzz/%) \
		   $(LIBFF_TEST_OBJS:build/%=build-fuzz/%) \
		   build-fuzz/tests/fuzz/fuzz_common.o
FUZZ_SRCS	:= $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZERS		:= $(patsubst tests/fuzz/%.c,build-fuzz/bin/%,\
		   $(filter-out tests/fuzz/fuzz_common.c,$(FUZZ_SRCS)))
FUZZ_SECONDS	?= 60
FUZZ_LONG_SECONDS ?= 14400

EXAMPLES_SRCS	:= $(wildcard examples/*.c)
EXAMPLES	:= $(EXAMPLES_SRCS:%.c=%)

all: $(LIBFF) $(LIBFFIPC) $(LIBFF_TEST) $(EXAMPLES)

build/%.o: %.c $(LIBFF_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(LIBFF_CFLAGS) -c $< -o $@

$(LIBFF): $(LIBFF_OBJS) libff/libff.map
	$(CC) -shared -o $@ $(LIBFF_OBJS) -Wl,--version-script=libff/libff.map \
	    -Wl,--no-undefined -Wl,--as-needed $(DPDK_LIBS) $(INIH_LIBS) -lm

$(LIBFF_TEST): $(LIBFF_OBJS) $(LIBFF_TEST_OBJS) libff/libff.map libff/libff_test.map
	$(CC) -shared -o $@ $(LIBFF_OBJS) $(LIBFF_TEST_OBJS) \
	    -Wl,--version-script=libff/libff.map \
	    -Wl,--version-script=libff/libff_test.map \
	    -Wl,--no-undefined -Wl,--as-needed $(DPDK_LIBS) $(INIH_LIBS) -lm

build/ipc-static/%.o: %.c $(LIBFF_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(LIBFF_CFLAGS) -c $< -o $@

$(LIBFFIPC): $(LIBFFIPC_OBJS) libff/libffipc.map
	$(CC) -shared -o $@ $(LIBFFIPC_OBJS) \
	    -Wl,--version-script=libff/libffipc.map -Wl,--no-undefined \
	    -Wl,--exclude-libs,ALL \
	    $(foreach f,$(LIBFFIPC_WRAPS),-Wl,--wrap=$(f)) $(LIBFFIPC_LIBS)

examples/%: examples/%.c $(wildcard examples/*.h) $(LIBFF) libff/include/ff_api.h
	$(CC) $(CFLAGS) $(WARNS) -std=gnu11 -Ilibff/include $< -o $@ \
	    -Llibff -lff -Wl,-rpath,'$$ORIGIN/../libff'

build-asan/%.o: %.c $(LIBFF_HDRS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -c $< -o $@

$(LIBFF_TEST_ASAN): $(ASAN_OBJS) libff/libff.map libff/libff_test.map
	$(CC) -shared $(ASAN_FLAGS) -o $@ $(ASAN_OBJS) \
	    -Wl,--version-script=libff/libff.map \
	    -Wl,--version-script=libff/libff_test.map \
	    -Wl,--no-undefined -Wl,--as-needed $(DPDK_LIBS) $(INIH_LIBS) -lm

asan: $(LIBFF_TEST_ASAN)

build-fuzz/%.o: %.c $(LIBFF_HDRS) tests/fuzz/fuzz_common.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

build-fuzz/bin/%: build-fuzz/tests/fuzz/%.o $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) \
	    $(DPDK_LIBS) $(INIH_LIBS) -lm

.PRECIOUS: build-fuzz/tests/fuzz/%.o

fuzz: $(FUZZERS)

fuzz-run: fuzz
	tests/fuzz/run-fuzzers $(FUZZ_SECONDS) $(FUZZERS)

fuzz-long: fuzz
	tests/fuzz/run-fuzzers $(FUZZ_LONG_SECONDS) $(FUZZERS)

check: all
	scripts/ff-setup test

clean:
	rm -rf build build-asan build-fuzz $(LIBFF) $(LIBFFIPC) $(LIBFF_TEST) \
	    $(LIBFF_TEST_ASAN) $(EXAMPLES)

.PHONY: all asan check clean fuzz fuzz-run fuzz-long

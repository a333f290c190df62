# SPDX-License-Identifier: GPL-2.0
#
# hvguest: user-facing targets. The kernel build itself reads Kbuild.
#
#   make                 build every module against KDIR, with W=1
#   make install         install into /lib/modules/<kver>/updates, run depmod
#   make check           every test (what CI runs), within 30 minutes
#   make check-all       make check plus the debug-kernel guests at the other
#                        vCPU counts and backends (about 75 minutes)
#   make demo            boot a guest on the stock kernel and show the stack
#   make checkpatch      checkpatch.pl --strict over every source file
#   make dkms-check      DKMS add/build/install/uninstall/remove
#   make matrix          build against every supported kernel
#   make kunit           KUnit + integration tests in the test-kernel guest
#   make smoke           integration tests on Debian's stock kernel guest
#   make hvsoft          the hv_soft integration tests in the test kernel
#                        booted as its own Hyper-V (kernel/hv_soft)
#   make tools-check     user-space unit tests (make -C tools fuzz, bench)
#   make soak            the long integration runs (hvg.scale=soak) in the
#                        stock-kernel guest, with a 3 h limit
#   make bench-echo      the echo device benchmark in a stock-kernel guest
#   make bench-storvsc   hv_storvsc vs a brd RAM disk (fio) in that guest
#   make bench-net       hv_netvsc against veth (iperf3, ping), stock kernel
#   make clean
#   make help            this list
#
# Variables: KDIR (kernel build dir), QEMU_CPUS (1, 2, 4), QEMU_CPU (an
# emulated CPU model, e.g. Skylake-Client-v4 or EPYC-v3), V=1 for verbose.

SRC := $(CURDIR)
KDIR ?= $(shell $(SRC)/scripts/kdir)
KVER = $(shell sed -n 's/^#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h)

# Extra compiler checks: the modules must build warning-free with W=1.
KBUILD_FLAGS := W=1

.PHONY: all modules install clean check check-all demo checkpatch dkms-check matrix \
	kunit smoke hvsoft soak tools-check sparse deps test-kernel help

all: modules

modules:
	@test -d "$(KDIR)" || { echo "KDIR '$(KDIR)' not found: run scripts/deps or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(SRC) $(KBUILD_FLAGS) modules

# C=2 runs sparse over every file, whether rebuilt or not.
sparse:
	$(MAKE) -C $(KDIR) M=$(SRC) $(KBUILD_FLAGS) C=2 modules

install: modules
	$(MAKE) -C $(KDIR) M=$(SRC) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(SRC) clean; fi
	$(MAKE) -C tools clean
	rm -rf build

deps:
	@$(SRC)/scripts/deps

test-kernel: deps
	@$(SRC)/scripts/test-kernel build

check: deps
	@$(SRC)/scripts/check

check-all: deps
	@HVG_STAGES=all $(SRC)/scripts/check

demo: deps
	@$(SRC)/scripts/demo

checkpatch: deps
	@$(SRC)/scripts/checkpatch

dkms-check: deps
	@$(SRC)/scripts/dkms-check

matrix: deps
	@$(SRC)/scripts/matrix

kunit: deps
	@$(SRC)/scripts/guest-test test

smoke: deps
	@$(SRC)/scripts/guest-test smoke

hvsoft: deps
	@$(SRC)/scripts/guest-test hvsoft

soak: deps
	@HVG_ITEST_SCALE=soak QEMU_TIMEOUT=$${QEMU_TIMEOUT:-10800} $(SRC)/scripts/guest-test smoke

tools-check:
	$(MAKE) -C tools check

.PHONY: bench-echo bench-net
bench-echo: deps
	@$(SRC)/scripts/bench-echo
bench-net: deps
	@$(SRC)/scripts/bench-net

.PHONY: bench-storvsc
bench-storvsc: deps
	@$(SRC)/scripts/bench-storvsc

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' $(SRC)/Makefile

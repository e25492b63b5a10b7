# SPDX-License-Identifier: GPL-2.0
#
# make                  the module for KERNELRELEASE (default: the running
#                       kernel) and sgtool
# make install          module (+ depmod), sgtool, its man page and bash
#                       completion, the systemd unit sgfw.service and an
#                       empty /etc/sgfw/sgfw.json (unless there is one)
# make dkms-install     register the source with DKMS and install through it
# make deb              Debian packages sgfw-dkms and sgtool, and the source
#                       package, in build/deb/ (scripts/deb.sh)
# make check            every test: builds for both kernels with W=1 and
#                       sparse, sgtool's unit tests, KUnit on UML, the
#                       integration scenarios in QEMU on both kernels, DKMS
# make demo             load sgfw in a guest kernel and show it at work
# make bench            sgfw against nftables + conntrack in one boot of
#                       the benchmark's kernel (tests/bench/run.sh)
# make style            checkpatch.pl --strict over the module and tests
#
# The module is built in build/$(KERNELRELEASE)/, a copy of the sources, so
# that builds for several kernels can live side by side.

KERNELRELEASE ?= $(shell uname -r)
KERNELDIR ?= /lib/modules/$(KERNELRELEASE)/build
PREFIX ?= /usr/local
DESTDIR ?=
UNITDIR ?= $(PREFIX)/lib/systemd/system
DEPMOD ?= depmod
SGFW_CACHE ?= /var/cache/sgfw
export SGFW_CACHE

PKG_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
# 0.1.0 in a release tarball, 0.1.0+g1234abc(-dirty) in a git checkout.
GITREV := $(shell git describe --always --dirty --exclude '*' 2>/dev/null)
VERSION := $(PKG_VERSION)$(if $(GITREV),+g$(GITREV))
export VERSION

BUILDDIR ?= build/$(KERNELRELEASE)
MODULE_SOURCES := Kbuild $(wildcard module/*.c module/*.h uapi/linux/*.h)

all: module sgtool

$(BUILDDIR)/.sources: $(MODULE_SOURCES)
	@mkdir -p $(BUILDDIR)
	@cp -p --parents $(MODULE_SOURCES) $(BUILDDIR)/
	@touch $@

module: $(BUILDDIR)/.sources
	$(MAKE) -C $(KERNELDIR) M=$(CURDIR)/$(BUILDDIR) SGFW_VERSION=$(VERSION) \
		$(KBUILD_OPTS) modules

sgtool:
	$(MAKE) -C tools/sgtool SGTOOL_VERSION=$(VERSION)

module-install: module
	$(MAKE) -C $(KERNELDIR) M=$(CURDIR)/$(BUILDDIR) \
		INSTALL_MOD_DIR=kernel/net/sgfw \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	$(DEPMOD) $(if $(DESTDIR),-b $(DESTDIR)) -a $(KERNELRELEASE)

install: module-install sgtool-install

# The unit runs sgtool from $(PREFIX)/sbin; an existing configuration file
# stays as it is.
sgtool-install: sgtool
	$(MAKE) -C tools/sgtool install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	mkdir -p $(DESTDIR)$(UNITDIR)
	sed 's|/usr/sbin/sgtool|$(PREFIX)/sbin/sgtool|' tools/systemd/sgfw.service \
		>$(DESTDIR)$(UNITDIR)/sgfw.service
	[ -e $(DESTDIR)/etc/sgfw/sgfw.json ] || \
		install -D -m 0644 tools/systemd/sgfw.json $(DESTDIR)/etc/sgfw/sgfw.json

DKMS_SOURCES := dkms.conf Kbuild Kconfig $(wildcard module/*.c module/*.h uapi/linux/*.h)

DKMS_SRC ?= $(DESTDIR)/usr/src/sgfw-$(PKG_VERSION)

# The source tree DKMS builds from; tests/dkms.sh lays out a scratch one.
dkms-source:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -p --parents $(DKMS_SOURCES) $(DKMS_SRC)/

dkms-install: dkms-source
	dkms add sgfw/$(PKG_VERSION)
	dkms build sgfw/$(PKG_VERSION)
	dkms install sgfw/$(PKG_VERSION)

DEB_DIR ?= build/deb

deb:
	scripts/deb.sh $(DEB_DIR)

check:
	@tests/check.sh

demo:
	@tests/demo.sh

BENCH_JSON ?= bench.json

bench:
	@tests/bench/run.sh --json $(BENCH_JSON)

# Not the generated netlink-gen.[ch]: the generator's style is the kernel's
# own for such files (long policy lines), and tests/uapi-check.sh checks them.
STYLE_FILES := $(filter-out module/netlink-gen.%,\
	$(wildcard module/*.c module/*.h uapi/linux/*.h tests/kunit/*.c))
CHECKPATCH ?= $(SGFW_CACHE)/linux-source-6.12/scripts/checkpatch.pl

style:
	$(CHECKPATCH) --strict --no-tree --terse --show-types \
		--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES -f $(STYLE_FILES)

clean:
	rm -rf build
	$(MAKE) -C tools/sgtool clean

.PHONY: all module sgtool module-install install sgtool-install dkms-source \
	dkms-install deb check demo bench style clean

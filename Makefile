# SPDX-License-Identifier: MIT
VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# zsh: Debian's packages use vendor-completions; elsewhere site-functions.
# Ours is called _swanctl_rekey so that zsh's own _swanctl (strongSwan's
# commands, which ours hands over to) is not shadowed.
ZSHCOMPDIR ?= $(if $(filter /usr,$(PREFIX)),$(PREFIX)/share/zsh/vendor-completions,$(PREFIX)/share/zsh/site-functions)
DESTDIR ?=
# strongSwan's swanctl, which gets the commands this client lacks
STRONGSWAN_SWANCTL ?= /usr/sbin/swanctl
CC ?= cc
CFLAGS ?= -O2 -g
# strongSwan 6.0.6's source for the end-to-end suite (tests/build-strongswan6.sh):
# make check SW6_TARBALL=path/strongswan-6.0.6.tar.xz
export SW6_TARBALL SW6_PREFIX

WARNINGS = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wsign-compare
ALL_CFLAGS = $(CFLAGS) -std=c11 $(WARNINGS) -MMD -MP
ALL_CPPFLAGS = $(CPPFLAGS) -D_GNU_SOURCE -Iinclude \
	-DSWANCTL_VERSION='"$(VERSION)"'
ifeq ($(WERROR),1)
ALL_CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
# the strongswan.conf scans byte by byte, as where there is no SSE2
ifeq ($(SCALAR),1)
ALL_CPPFLAGS += -DCONF_SCALAR
endif

OBJDIR = build
# every source but main.c: a new command's file needs no row here
SRCS = $(filter-out src/main.c,$(sort $(wildcard src/*.c)))
OBJS = $(SRCS:src/%.c=$(OBJDIR)/%.o)
TESTS = test_args test_vici test_transport test_print test_status test_track
# the strongswan.conf reader's word-at-a-time scans (tests/cross.sh)
TESTS += test_conf
TEST_BINS = $(TESTS:%=$(OBJDIR)/%)
FAKE = $(OBJDIR)/fakevici
HARNESSES = message frame escape
REPLAYS = $(HARNESSES:%=$(OBJDIR)/replay_%)
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 70000
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all

all: swanctl

swanctl: $(OBJS) $(OBJDIR)/main.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^

# Objects are rebuilt when the compiler or its flags change (SANITIZE=1...).
STAMP = $(OBJDIR)/flags
FLAGS_LINE = $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) $(STRONGSWAN_SWANCTL)
$(STAMP): FORCE | $(OBJDIR)
	@echo '$(FLAGS_LINE)' | cmp -s - $@ || echo '$(FLAGS_LINE)' >$@

$(OBJDIR)/%.o: src/%.c $(STAMP)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(OBJDIR)/delegate.o: ALL_CPPFLAGS += \
	-DSTRONGSWAN_SWANCTL='"$(STRONGSWAN_SWANCTL)"'

# Variants for the black-box tests of the hand-over to strongSwan's swanctl:
# none installed, a stand-in that prints its argv, and this client itself.
DELEGATE_TO_none = /nonexistent/swanctl
DELEGATE_TO_fake = $(CURDIR)/tests/fakes/fake-strongswan-swanctl
DELEGATE_TO_self = $(CURDIR)/$(OBJDIR)/swanctl-self
DELEGATE_BINS = $(OBJDIR)/swanctl-none $(OBJDIR)/swanctl-fake \
	$(OBJDIR)/swanctl-self
DELEGATE_OBJS = $(DELEGATE_BINS:$(OBJDIR)/swanctl-%=$(OBJDIR)/delegate-%.o)
$(DELEGATE_OBJS): $(OBJDIR)/delegate-%.o: src/delegate.c $(STAMP)
	$(CC) $(ALL_CPPFLAGS) -DSTRONGSWAN_SWANCTL='"$(DELEGATE_TO_$*)"' \
		$(ALL_CFLAGS) -c -o $@ $<
$(DELEGATE_BINS): $(OBJDIR)/swanctl-%: \
		$(filter-out $(OBJDIR)/delegate.o,$(OBJS)) \
		$(OBJDIR)/main.o $(OBJDIR)/delegate-%.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^

$(OBJDIR)/test_%.o: tests/unit/test_%.c $(STAMP)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(OBJDIR)/test_%: $(OBJDIR)/test_%.o $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka

# the command tables as text, for tests/unit/tables.py
$(OBJDIR)/tables: tests/unit/tables.c $(OBJS)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^

$(FAKE): tests/fakes/fakevici.c $(STAMP)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<

# the harnesses' shared checker (the .d files name only the last source)
$(REPLAYS) $(HARNESSES:%=$(OBJDIR)/fuzz/fuzz_%): tests/fuzz/json_check.h

$(OBJDIR)/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(OBJS)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^)

$(OBJDIR)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(SRCS) | $(OBJDIR)
	@mkdir -p $(OBJDIR)/fuzz
	$(FUZZ_CC) $(ALL_CPPFLAGS) -std=c11 $(FUZZ_FLAGS) -o $@ $(filter %.c,$^)

# libFuzzer: new inputs go to build/fuzz/corpus-*, the committed corpus is
# read only; a crash leaves its input in build/fuzz/ (commit it under
# tests/corpus/ as a regression input).
fuzz: $(HARNESSES:%=$(OBJDIR)/fuzz/fuzz_%)
	@for h in $(HARNESSES); do \
		mkdir -p $(OBJDIR)/fuzz/corpus-$$h && \
		$(OBJDIR)/fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) \
			-max_len=$(FUZZ_MAX_LEN) -timeout=5 -print_final_stats=1 \
			-artifact_prefix=$(OBJDIR)/fuzz/ \
			$(OBJDIR)/fuzz/corpus-$$h tests/corpus/$$h || exit 1; \
	done

$(OBJDIR):
	@mkdir -p $@

VALGRIND_CMD = valgrind -q --error-exitcode=99 --leak-check=full \
	--suppressions=$(CURDIR)/tests/valgrind.supp \
	--show-leak-kinds=all --errors-for-leak-kinds=all

# Every suite runs (a failure does not stop the others); tests/check.sh
# ends with one verdict line: suites passed, failed and skipped, with why.
CHECK_ENV = SWANCTL=./swanctl FAKEVICI=$(FAKE) TEST_BINS="$(TEST_BINS)" \
	HARNESSES="$(HARNESSES)" OBJDIR=$(OBJDIR) \
	STRONGSWAN_SWANCTL=$(STRONGSWAN_SWANCTL) SWANCTL_REF=$(SWANCTL_REF) \
	CONFDIFF_CHECK=$(CONFDIFF_CHECK) ARGVDIFF_CHECK=$(ARGVDIFF_CHECK) \
	E2E_SCALE=$(E2E_SCALE)
UNIT_DEPS = swanctl $(TEST_BINS) $(FAKE) $(REPLAYS) $(DELEGATE_BINS) \
	$(OBJDIR)/tables

check: $(UNIT_DEPS)
	@$(CHECK_ENV) sh tests/check.sh unit e2e

check-unit: $(UNIT_DEPS)
	@$(CHECK_ENV) sh tests/check.sh unit

# strongswan.conf trees read by strongSwan's swanctl and by this client:
# make confdiff N=10000 [SEED=1] [SWANCTL_REF=/path/to/strongSwan/swanctl]
SWANCTL_REF ?= /usr/sbin/swanctl
CONFDIFF_CHECK ?= 300
ARGVDIFF_CHECK ?= 300
N ?= 10000
SEED ?= 1
confdiff: swanctl
	@SWANCTL=./swanctl SWANCTL_REF=$(SWANCTL_REF) python3 tests/diff/confdiff.py \
		-n $(N) -s $(SEED) -k

# command lines run by strongSwan's swanctl and by this client against the
# fake daemon: make argvdiff N=1000 [SEED=1]
argvdiff: swanctl $(FAKE)
	@SWANCTL=./swanctl SWANCTL_REF=$(SWANCTL_REF) FAKEVICI=$(FAKE) \
		python3 tests/diff/argvdiff.py -n $(N) -s $(SEED)

# E2E_SCALE=0 leaves out the hundreds-of-SAs suites (--batch, --wait at
# scale, Ansible): CI runs them once, not again under sanitizers.
check-e2e: swanctl $(FAKE)
	@$(CHECK_ENV) sh tests/check.sh e2e

check-static: static $(FAKE)
	@FAKEVICI=$(FAKE) SWANCTL=./swanctl.static sh tests/blackbox/blackbox.sh
	@FAKEVICI=$(FAKE) SWANCTL=./swanctl.static bash tests/e2e/e2e.sh

check-valgrind: swanctl $(FAKE)
	@FAKEVICI=$(FAKE) SWANCTL=./swanctl VALGRIND="$(VALGRIND_CMD)" \
		sh tests/blackbox/blackbox.sh

# A self-contained binary (glibc static): swanctl.static; check-static runs
# the black-box and end-to-end suites against it.
static: $(OBJS) $(OBJDIR)/main.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -static -o swanctl.static $^

# Cross builds, each static and under build/ARCH so nothing collides with
# the host build: make cross ARCH=s390x (big-endian, 64-bit), armhf (32-bit
# ARM), armhf-t64 (the same with a 64-bit time_t), i386 (32-bit, 32-bit
# time_t), arm64, musl (x86-64, musl-gcc) or musl-armhf (32-bit ARM, musl);
# make cross alone builds them all.  Beside the client: the cmocka unit tests (linked against the
# architecture's multiarch libcmocka, dynamic: Debian ships no static one;
# none for musl) and the corpus replay drivers.  check-cross runs them and
# the black-box, strongswan.conf, --list-sas and --batch suites and the
# differentials under qemu-user (tests/cross.sh; sh tests/setup-debian.sh
# cross installs what it needs).
CROSS_ARCHS ?= s390x armhf armhf-t64 i386 arm64 musl musl-armhf
CROSS_CC_s390x = s390x-linux-gnu-gcc
CROSS_CC_armhf = arm-linux-gnueabihf-gcc
# 32-bit ARM with a 64-bit time_t, as Debian 13 builds armhf
CROSS_CC_armhf-t64 = arm-linux-gnueabihf-gcc
CROSS_CPPFLAGS_armhf-t64 = -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64
CROSS_CC_i386 = i686-linux-gnu-gcc
CROSS_CC_arm64 = aarch64-linux-gnu-gcc
CROSS_CC_musl = musl-gcc
# 32-bit ARM with musl (its time_t is 64-bit), as OpenWrt builds it
CROSS_CC_musl-armhf = arm-linux-musleabihf-gcc
XDIR = $(OBJDIR)/$(ARCH)
XCC = $(CROSS_CC_$(ARCH))
XOBJS = $(SRCS:src/%.c=$(XDIR)/%.o)
XTEST_BINS = $(if $(filter musl%,$(ARCH)),,$(TESTS:%=$(XDIR)/%))
XREPLAYS = $(HARNESSES:%=$(XDIR)/replay_%)
XSTAMP = $(XDIR)/flags
XCPPFLAGS = $(ALL_CPPFLAGS) $(CROSS_CPPFLAGS_$(ARCH))
XFLAGS_LINE = $(XCC) $(XCPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) \
	$(STRONGSWAN_SWANCTL)

ifeq ($(ARCH),)
cross:
	@for a in $(CROSS_ARCHS); do \
		$(MAKE) --no-print-directory cross ARCH=$$a || exit 1; done
else
ifeq ($(XCC),)
cross:
	@echo "make cross: ARCH=$(ARCH): expected one of $(CROSS_ARCHS)" >&2
	@exit 1
else
cross: $(XDIR)/swanctl $(XTEST_BINS) $(XREPLAYS)
endif

$(XSTAMP): FORCE
	@mkdir -p $(XDIR)
	@echo '$(XFLAGS_LINE)' | cmp -s - $@ || echo '$(XFLAGS_LINE)' >$@

$(XDIR)/%.o: src/%.c $(XSTAMP)
	$(XCC) $(XCPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(XDIR)/delegate.o: XCPPFLAGS += \
	-DSTRONGSWAN_SWANCTL='"$(STRONGSWAN_SWANCTL)"'

$(XDIR)/swanctl: $(XOBJS) $(XDIR)/main.o
	$(XCC) $(ALL_CFLAGS) $(LDFLAGS) -static -o $@ $^

$(XDIR)/test_%.o: tests/unit/test_%.c $(XSTAMP)
	$(XCC) $(XCPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(XDIR)/test_%: $(XDIR)/test_%.o $(XOBJS)
	$(XCC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka

$(XREPLAYS): tests/fuzz/json_check.h
$(XDIR)/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(XOBJS)
	$(XCC) $(XCPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -static -o $@ \
		$(filter %.c %.o,$^)
endif

# make check-cross [ARCH=s390x]: every architecture in CROSS_ARCHS, or one
check-cross: $(FAKE)
	@sh tests/cross.sh $(or $(ARCH),$(CROSS_ARCHS))

# stripped sizes of the static builds, instructions of musl's next to glibc's
bench-cross: swanctl static $(FAKE)
	@$(MAKE) --no-print-directory cross
	@FAKEVICI=$(FAKE) bash bench/cross.sh $(or $(ARCH),$(CROSS_ARCHS))

bench: swanctl static $(FAKE)
	@FAKEVICI=$(FAKE) bash bench/bench.sh ./swanctl ./swanctl.static

demo: swanctl
	@bash tests/e2e/demo.sh

# The demo's two charon daemons, kept up to play with: make lab prints the
# socket and an export line; make lab-down ends them.
lab: swanctl
	@bash tests/e2e/lab-keep.sh up

lab-down:
	@bash tests/e2e/lab-keep.sh down

# Never over a swanctl a Debian package owns (strongSwan's: this client
# hands commands to it; or the swanctl-rekey package's).
install: swanctl
	@if [ -z "$(DESTDIR)" ] && [ -e "$(BINDIR)/swanctl" ] && \
		owner=$$(dpkg -S "$(BINDIR)/swanctl" 2>/dev/null); then \
		echo "make install: $(BINDIR)/swanctl belongs to the Debian" \
			"package $$(echo "$$owner" | tail -n 1 | cut -d: -f1);" \
			"installing over it would break it: use the default" \
			"PREFIX=/usr/local, or the package (make deb)" >&2; \
		exit 1; \
	fi
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 swanctl $(DESTDIR)$(BINDIR)/swanctl
	install -m 644 man/swanctl.8 $(DESTDIR)$(MANDIR)/man8/swanctl.8
	install -m 644 src/completion/swanctl.bash \
		$(DESTDIR)$(BASHCOMPDIR)/swanctl
	install -m 644 src/completion/_swanctl_rekey \
		$(DESTDIR)$(ZSHCOMPDIR)/_swanctl_rekey
	@# 0.1.0 installed ours as _swanctl, hiding zsh's own: take it away
	@if grep -qs 'libc-only rekey client' $(DESTDIR)$(ZSHCOMPDIR)/_swanctl; \
	then rm -f $(DESTDIR)$(ZSHCOMPDIR)/_swanctl; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/swanctl $(DESTDIR)$(MANDIR)/man8/swanctl.8 \
		$(DESTDIR)$(BASHCOMPDIR)/swanctl \
		$(DESTDIR)$(ZSHCOMPDIR)/_swanctl_rekey

# A versioned source tarball, reproducible: in a git checkout it is the
# committed tree of HEAD (git archive: sorted, owner root, every mtime the
# commit's), so uncommitted edits stay out and two runs from one commit give
# the same bytes; outside one (an unpacked tarball) the same files, sorted,
# owner 0, every mtime the Makefile's.  gzip -n stores no name or time.
DIST = swanctl-rekey-$(VERSION)
DIST_FILES = Makefile README.md CHANGELOG.md LICENSE BENCHMARKS.md \
	.clang-format .ci bench contrib debian include man src tests
dist:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
		git diff --quiet HEAD -- || echo "make dist: uncommitted" \
			"changes are not in the tarball" >&2; \
		git archive --format=tar --prefix=$(DIST)/ HEAD; \
	else \
		tar -cf - --sort=name --mtime=@$$(stat -c %Y Makefile) \
			--owner=0 --group=0 --numeric-owner \
			--transform 's|^|$(DIST)/|' $(wildcard $(DIST_FILES)); \
	fi | gzip -n -9 >$(DIST).tar.gz
	@echo $(DIST).tar.gz

# The Debian package, built by dpkg-buildpackage (debhelper, debian/) in a
# copy of the tree under build/deb, copied here as
# swanctl-rekey_VERSION_ARCH.deb.
DEB_DIR = $(OBJDIR)/deb
deb:
	@test "$$(dpkg-parsechangelog -S Version)" = "$(VERSION)" || { \
		echo "debian/changelog's version is not $(VERSION)" >&2; exit 1; }
	@rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/$(DIST)
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
		git ls-files -z | tar --null -T - -cf - | \
			tar -xf - -C $(DEB_DIR)/$(DIST); \
	else \
		tar -cf - $(wildcard $(DIST_FILES)) | tar -xf - -C $(DEB_DIR)/$(DIST); \
	fi
	cd $(DEB_DIR)/$(DIST) && env -u MAKEFLAGS -u MAKELEVEL \
		dpkg-buildpackage -us -uc -b -j2
	cp $(DEB_DIR)/swanctl-rekey_$(VERSION)_$$(dpkg --print-architecture).deb .
	@echo swanctl-rekey_$(VERSION)_$$(dpkg --print-architecture).deb

clean:
	rm -rf $(OBJDIR) swanctl swanctl.static swanctl-rekey-*.tar.gz \
		swanctl-rekey_*.deb

.PHONY: FORCE all static cross check-cross bench-cross bench argvdiff confdiff fuzz check check-unit check-e2e check-static check-valgrind demo lab lab-down install uninstall dist deb clean
.SECONDARY:

-include $(wildcard $(OBJDIR)/*.d)
-include $(if $(ARCH),$(wildcard $(XDIR)/*.d))

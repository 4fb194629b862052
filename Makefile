# SPDX-License-Identifier: MIT
VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O2 -g

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

OBJDIR = build
SRCS = src/args.c src/vici.c src/transport.c src/client.c src/print.c \
	src/filter.c src/usage.c \
	src/status.c src/rekey.c src/version.c src/conf.c \
	src/wait.c src/list.c
OBJS = $(SRCS:src/%.c=$(OBJDIR)/%.o)
TESTS = test_args test_vici test_transport test_print test_status test_wait
TEST_BINS = $(TESTS:%=$(OBJDIR)/%)
FAKE = $(OBJDIR)/fakevici
HARNESSES = message frame
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
FLAGS_LINE = $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS)
$(STAMP): FORCE | $(OBJDIR)
	@echo '$(FLAGS_LINE)' | cmp -s - $@ || echo '$(FLAGS_LINE)' >$@

$(OBJDIR)/%.o: src/%.c $(STAMP)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(OBJDIR)/test_%.o: tests/test_%.c $(STAMP)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(OBJDIR)/test_%: $(OBJDIR)/test_%.o $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka

$(FAKE): tests/fakevici.c $(STAMP)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<

$(OBJDIR)/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(OBJS)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^)

$(OBJDIR)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(SRCS) | $(OBJDIR)
	@mkdir -p $(OBJDIR)/fuzz
	$(FUZZ_CC) $(ALL_CPPFLAGS) -std=c11 $(FUZZ_FLAGS) -o $@ $^

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
	--show-leak-kinds=all --errors-for-leak-kinds=all

check: check-unit check-e2e

check-unit: swanctl $(TEST_BINS) $(FAKE) $(REPLAYS)
	@for t in $(TEST_BINS); do \
		FAKEVICI=$(FAKE) $$t || exit 1; done
	@for h in $(HARNESSES); do \
		$(OBJDIR)/replay_$$h tests/corpus/$$h || exit 1; done
	@FAKEVICI=$(FAKE) SWANCTL=./swanctl sh tests/blackbox.sh
	@SWANCTL=./swanctl sh tests/conf.sh
	@FAKEVICI=$(FAKE) SWANCTL=./swanctl sh tests/listsas.sh
	@sh tests/install.sh

check-e2e: swanctl $(FAKE)
	@FAKEVICI=$(FAKE) SWANCTL=./swanctl bash tests/e2e.sh
	@SWANCTL=./swanctl bash tests/e2e-scale.sh

check-static: static $(FAKE)
	@FAKEVICI=$(FAKE) SWANCTL=./swanctl.static sh tests/blackbox.sh
	@FAKEVICI=$(FAKE) SWANCTL=./swanctl.static bash tests/e2e.sh

check-valgrind: swanctl $(FAKE)
	@FAKEVICI=$(FAKE) SWANCTL=./swanctl VALGRIND="$(VALGRIND_CMD)" \
		sh tests/blackbox.sh

# A self-contained binary (glibc static): swanctl.static; check-static runs
# the black-box and end-to-end suites against it.
static: $(OBJS) $(OBJDIR)/main.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -static -o swanctl.static $^

bench: swanctl static $(FAKE)
	@FAKEVICI=$(FAKE) bash bench/bench.sh ./swanctl ./swanctl.static

demo: swanctl
	@bash tests/demo.sh

install: swanctl
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 swanctl $(DESTDIR)$(BINDIR)/swanctl
	install -m 644 man/swanctl.8 $(DESTDIR)$(MANDIR)/man8/swanctl.8
	install -m 644 src/completion/swanctl.bash \
		$(DESTDIR)$(BASHCOMPDIR)/swanctl
	install -m 644 src/completion/_swanctl $(DESTDIR)$(ZSHCOMPDIR)/_swanctl

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/swanctl $(DESTDIR)$(MANDIR)/man8/swanctl.8 \
		$(DESTDIR)$(BASHCOMPDIR)/swanctl $(DESTDIR)$(ZSHCOMPDIR)/_swanctl

# A versioned source tarball of the files git tracks (or, outside a git
# checkout, of the distributed directories).
DIST = swanctl-rekey-$(VERSION)
DIST_FILES = Makefile README.md LICENSE BENCHMARKS.md .clang-format .ci \
	bench include man src tests
dist:
	@rm -rf $(OBJDIR)/$(DIST) && mkdir -p $(OBJDIR)/$(DIST)
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
		git ls-files -z | tar --null -T - -cf - | \
			tar -xf - -C $(OBJDIR)/$(DIST); \
	else \
		tar -cf - $(wildcard $(DIST_FILES)) | tar -xf - -C $(OBJDIR)/$(DIST); \
	fi
	@tar -czf $(DIST).tar.gz -C $(OBJDIR) $(DIST)
	@echo $(DIST).tar.gz

clean:
	rm -rf $(OBJDIR) swanctl swanctl.static swanctl-rekey-*.tar.gz

.PHONY: FORCE all static bench fuzz check check-unit check-e2e check-static check-valgrind demo install uninstall dist clean
.SECONDARY:

-include $(wildcard $(OBJDIR)/*.d)

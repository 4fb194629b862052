# SPDX-License-Identifier: MIT
VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
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
	src/status.c src/rekey.c src/version.c
OBJS = $(SRCS:src/%.c=$(OBJDIR)/%.o)
TESTS = test_args test_vici test_transport test_print test_status
TEST_BINS = $(TESTS:%=$(OBJDIR)/%)
FAKE = $(OBJDIR)/fakevici

all: swanctl

swanctl: $(OBJS) $(OBJDIR)/main.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^

$(OBJDIR)/%.o: src/%.c | $(OBJDIR)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(OBJDIR)/test_%.o: tests/test_%.c | $(OBJDIR)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(OBJDIR)/test_%: $(OBJDIR)/test_%.o $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka

$(FAKE): tests/fakevici.c | $(OBJDIR)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<

$(OBJDIR):
	@mkdir -p $@

VALGRIND_CMD = valgrind -q --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=all --errors-for-leak-kinds=all

check: check-unit check-e2e

check-unit: swanctl $(TEST_BINS) $(FAKE)
	@for t in $(TEST_BINS); do \
		FAKEVICI=$(FAKE) $$t || exit 1; done
	@FAKEVICI=$(FAKE) SWANCTL=./swanctl sh tests/blackbox.sh

check-e2e: swanctl
	@SWANCTL=./swanctl bash tests/e2e.sh

check-valgrind: swanctl $(FAKE)
	@FAKEVICI=$(FAKE) SWANCTL=./swanctl VALGRIND="$(VALGRIND_CMD)" \
		sh tests/blackbox.sh

bench: swanctl $(FAKE)
	@FAKEVICI=$(FAKE) sh bench/budget.sh ./swanctl

demo: swanctl
	@bash tests/demo.sh

install: swanctl
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 755 swanctl $(DESTDIR)$(BINDIR)/swanctl
	install -m 644 man/swanctl.8 $(DESTDIR)$(MANDIR)/man8/swanctl.8

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/swanctl $(DESTDIR)$(MANDIR)/man8/swanctl.8

clean:
	rm -rf $(OBJDIR) swanctl

.PHONY: all bench check check-unit check-e2e check-valgrind demo install uninstall clean
.SECONDARY:

-include $(OBJS:.o=.d) $(OBJDIR)/main.d

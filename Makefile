# One-stop-shop counter kiosk. `make run` starts it on the simulated reader
# with a local portal; `make test` runs every test, including the ones that go
# through the real pcscd. Both install missing Debian packages first.

SHELL       := /bin/bash
GO          ?= go
BIN         := bin
# Per-user data directory for `make run` (store, key file, portal data).
DATA        ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/motcua-kiosk
PORTAL_ADDR ?= 127.0.0.1:8470
TOKEN       ?= dev-kiosk-token
CARD        ?= seeds/cards/nguyen-van-an.json
# Tests build the app with Fyne's software driver (-tags ci): no X, no GL, no
# 3-minute GLFW compile. `make run` builds the real GL app.
TESTTAGS    := ci
FUZZTIME    ?= 5s
# CI runs every test afresh; at a desk the test cache is welcome.
TESTFLAGS   ?= $(if $(CI),-count=1,)

# Version, commit and build date for `kiosk version` (-ldflags -X). The
# version is FyneApp.toml's, so the app metadata and the package agree.
VERSION     ?= $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' cmd/kiosk/FyneApp.toml)
COMMIT      ?= $(shell git rev-parse HEAD 2>/dev/null)
BUILD_DATE  ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS     := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.buildDate=$(BUILD_DATE)

.PHONY: all deps deps-build build run test vet bench fuzz screenshots clean help

all: build

help:
	@echo "make run          build and start the kiosk (simulated card, local portal)"
	@echo "make test         go vet, then every test (real pcscd + vpcd included)"
	@echo "make bench        the performance summary (docs/performance.md), one table"
	@echo "make bench-all    every benchmark"
	@echo "make fuzz         a short run of every fuzz target (FUZZTIME=$(FUZZTIME))"
	@echo "make soak         long fault runs: 3,000-round kill test, portal slow clients"
	@echo "make screenshots  render the main screens under Xvfb into docs/screenshots/"
	@echo "make deps         install missing Debian packages"
	@echo "make deb          build the Debian package into $(BIN)/ (make deb-test: install/remove it, as root)"

deps:
	@scripts/deps.sh all

deps-build:
	@scripts/deps.sh build

build: deps-build
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/ ./cmd/...

run: deps build
	@scripts/run.sh "$(BIN)" "$(DATA)" "$(PORTAL_ADDR)" "$(TOKEN)" "$(CARD)"

vet: deps
	$(GO) vet -tags $(TESTTAGS) ./...

test: deps
	@start=$$(date +%s); \
	$(GO) vet -tags $(TESTTAGS) ./... && \
	$(GO) test -tags $(TESTTAGS) $(TESTFLAGS) -timeout 18m ./...; \
	rc=$$?; echo "make test: $$(( $$(date +%s) - start )) s wall, exit $$rc"; exit $$rc

bench: deps
	@scripts/bench.sh

fuzz: deps
	@scripts/fuzz.sh "$(FUZZTIME)"

screenshots: deps build
	@scripts/screenshots.sh "$(BIN)"

clean:
	rm -rf $(BIN)

# --- addresses after the 2025 reorganisation (issue 14) ---
# Regenerates the embedded unit table from the shared data set.
ADMIN_DATA ?= ../shared/data/admin-units-2025/new_to_old.json
.PHONY: admin-table
admin-table:
	$(GO) run ./cmd/mkadmin -data $(ADMIN_DATA) -out kiosk/address/admin2025.tsv

# --- Debian package (issue 20) ---------------------------------------------
# `make deb` builds bin/motcua-kiosk_VERSION_ARCH.deb with dpkg-deb: the real
# GL kiosk, portal and cardsim in /usr/bin, desktop entry, autostart entry,
# /etc/motcua/config.json (conffile, 0600), the portal's systemd unit.
# `make deb-test` installs it on this machine and removes it again (root;
# `make test` runs the same test).
.PHONY: deb deb-test

deb: deps-build
	@scripts/deps.sh deb
	@scripts/deb.sh "$(BIN)" "$(VERSION)" "$(COMMIT)" "$(BUILD_DATE)"

deb-test: deps
	$(GO) test -tags $(TESTTAGS) -count=1 -v -run TestDeb ./packaging/

# --- Province fleet (issues 13.7, 19): the portal on PostgreSQL, kiosk
# heartbeats, the fleet dashboard. `make test` already runs their tests
# (PostgreSQL and headless Chromium start privately); these are extras.
.PHONY: fleet-bench fleet-screenshots
fleet-bench: deps
	$(GO) test -tags $(TESTTAGS) -run '^$$' -bench FleetLoad -benchtime 2000x ./offline/portalserver/pgstore

fleet-screenshots: deps
	$(GO) test -tags $(TESTTAGS) -count=1 -run FleetInChromium ./offline/portalserver -screenshots $(CURDIR)/docs/screenshots

# Long fault runs (issue 13.11): the 3,000-round SIGKILL test of the sync
# and the reference portal's slow and hostile client tests.
.PHONY: soak
soak: deps
	MOTCUA_SOAK=1 $(GO) test -tags $(TESTTAGS) -count=1 -timeout 90m -run 'Kill' ./offline/sync/
	MOTCUA_SOAK=1 $(GO) test -tags $(TESTTAGS) -count=1 -timeout 30m -run 'Timeouts|ConnectionCap|Unauthorized|UploadSlots|UploadMemory' ./offline/portalserver/

# Every benchmark of every package (make bench prints the summary only).
.PHONY: bench-all
bench-all: deps
	$(GO) test -tags $(TESTTAGS) -run '^$$' -bench . -benchmem ./...

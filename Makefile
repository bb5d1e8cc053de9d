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

.PHONY: all deps deps-build build run test vet bench fuzz screenshots clean help

all: build

help:
	@echo "make run          build and start the kiosk (simulated card, local portal)"
	@echo "make test         go vet, then every test (real pcscd + vpcd included)"
	@echo "make bench        the performance summary (docs/performance.md), one table"
	@echo "make bench-all    every benchmark"
	@echo "make fuzz         a short run of every fuzz target (FUZZTIME=$(FUZZTIME))"
	@echo "make screenshots  render the main screens under Xvfb into docs/screenshots/"
	@echo "make deps         install missing Debian packages"

deps:
	@scripts/deps.sh all

deps-build:
	@scripts/deps.sh build

build: deps-build
	$(GO) build -o $(BIN)/ ./cmd/...

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

# Every benchmark of every package (make bench prints the summary only).
.PHONY: bench-all
bench-all: deps
	$(GO) test -tags $(TESTTAGS) -run '^$$' -bench . -benchmem ./...

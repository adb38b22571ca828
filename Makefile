# minirun: build, test, conformance and benchmarks. Run as root for the
# integration, conformance and bench targets.
GO      ?= $(shell command -v go || echo /usr/local/go/bin/go)
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
export PATH := $(dir $(GO)):$(PATH)

.PHONY: all build deps check test unit integration vmtest conformance critest critest-runc bench lint demo clean

all: build

# Static (libc and libseccomp linked in, as runc's release builds): every
# container start executes the binary twice (the command, the bootstrap),
# and a static one skips the dynamic loader and maps no shared libc; exec
# 20.5 -> 16.6 ms, peak RSS -0.7 MB here (docs/performance.md). osusergo and
# netgo keep glibc's NSS, which a static binary cannot load, out.
STATIC  := -tags osusergo,netgo -ldflags '$(LDFLAGS) -linkmode external -extldflags -static'

build:
	$(GO) build -trimpath $(STATIC) -o bin/minirun ./cmd/minirun

deps:
	scripts/install-deps.sh

# Unit tests need no root; integration tests run real containers as root.
unit:
	$(GO) test ./pkg/...

integration: deps build
	MINIRUN=$(CURDIR)/bin/minirun $(GO) test -count=1 -timeout 20m ./integration/...

# What a contributor runs without root: formatting, vet (cgo and not),
# staticcheck (pinned by go.mod's tool directive) and the unit tests with
# the race detector. Needs Go and libseccomp-dev, nothing else.
check: lint
	$(GO) test -race ./pkg/...

test: deps check integration vmtest

# TestChurn with N containers (1000 by default; make test runs 100): then no
# leaked mounts, cgroups, state dirs, processes or fds, and no growth of
# the runtime's RSS or fds. See README "Soak".
.PHONY: soak
soak: deps build
	MINIRUN=$(CURDIR)/bin/minirun MINIRUN_CHURN_N=$(or $(N),1000) $(GO) test -count=1 -timeout 60m -run '^TestChurn$$' -v ./integration/

# The cgroup v2 tests on a real v2 kernel, in a qemu VM (this host is v1 hybrid).
vmtest: deps build
	scripts/vmtest.sh $(CURDIR)/bin/minirun

conformance: deps build
	scripts/conformance.sh $(CURDIR)/bin/minirun

# The CRI validation suite through a private containerd 2.x whose runc shim
# runs bin/minirun (tools built once into ~/.cache/minirun-cri); critest-runc
# is the same run with Debian's runc for comparison.
critest: deps build
	scripts/critest.sh $(CURDIR)/bin/minirun

critest-runc: deps
	HANDLER=runc scripts/critest.sh /usr/sbin/runc

bench: deps build
	scripts/bench.sh $(CURDIR)/bin/minirun

lint:
	@out=$$(gofmt -l cmd pkg integration); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) vet ./pkg/... ./integration/...
	$(GO) tool staticcheck ./...

demo: deps build
	scripts/demo.sh $(CURDIR)/bin/minirun

clean:
	rm -rf bin

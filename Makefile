# inboxdesk — `make demo` runs the product, `make test` runs the tests.
GO ?= go
export GOFLAGS ?= -buildvcs=false

.PHONY: build test test-faults bench bench-scale demo serve deps vet lint clean

build:
	$(GO) build -o bin/inboxdesk ./cmd/inboxdesk

deps:
	@scripts/install-dovecot.sh
	@scripts/install-chromium.sh
	@scripts/install-swaks.sh

vet:
	$(GO) vet ./...

lint: vet
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# Tests need PostgreSQL (found or started by scripts/pg.sh), Dovecot and Chromium (installed here).
test: deps vet
	@rm -f test-output/zammad-corpus.txt
	DATABASE_URL="$$(scripts/pg.sh)" $(GO) test -race -count=1 -timeout 20m ./...
	@cat test-output/zammad-corpus.txt 2>/dev/null || echo "Zammad corpus: not run (../shared/corpus/zammad or Dovecot missing)"

# Fault tests (faults/ and any Test...Fault... beside its package) need Dovecot: it may not be skipped.
test-faults: deps
	DATABASE_URL="$$(scripts/pg.sh)" INBOXDESK_FAULTS=1 INBOXDESK_REQUIRE_DOVECOT=1 $(GO) test -count=1 -timeout 30m -run Fault ./...

bench: deps build
	DATABASE_URL="$$(scripts/pg.sh)" scripts/bench.sh

# The million-ticket figures: builds the fixture database inboxdesk_scale once (minutes), then measures on it.
bench-scale: build
	DATABASE_URL="$$(scripts/pg.sh)" scripts/bench-scale.sh

demo: build
	DATABASE_URL="$$(scripts/pg.sh)" bin/inboxdesk demo $(DEMO_FLAGS)

# Production: every setting comes from INBOXDESK_* and DATABASE_URL (see README).
serve: build
	bin/inboxdesk serve

clean:
	rm -rf bin test-output

# certflow — the two commands a newcomer needs are `make run` and `make test`.
GO ?= go
export GOFLAGS := -buildvcs=false

.PHONY: run test bench tools build vet clean-data

## tools: build the pinned Temporal CLI and MinIO into bin/ (once) and install PostgreSQL if missing
tools:
	@deploy/tools.sh

## build: compile bin/certflow
build:
	$(GO) build -o bin/certflow ./cmd/certflow

## run: bring up PostgreSQL, MinIO and Temporal under .data/, migrate, seed, serve on :8080
run: tools build
	bin/certflow dev

## test: every test — unit, workflow, replay, integration against real servers started on free ports
test: tools
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

## bench: the benchmark suite against real servers, printing ratios
bench: tools
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 1x -timeout 30m ./bench/

## clean-data: delete the local dev data (.data/)
clean-data:
	rm -rf .data

# custom-scheduler: every command a user or CI needs. Each target installs what it
# needs when missing (Node 24, npm packages, the control-plane binaries).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
# Node >= 22.19 first on PATH (installs Node 24 under .local/node when the one on PATH is older).
NODE_BIN := $(shell $(ROOT)/scripts/ensure-node.sh)
export PATH := $(if $(NODE_BIN),$(NODE_BIN):,)$(ROOT)/.local/bin:$(PATH)
# The Kubernetes client is ESM-only; jest loads it through Node's VM modules.
JEST := NODE_OPTIONS=--experimental-vm-modules npx jest
KUBECONFIG_LOCAL := $(ROOT)/.local/cluster/kubeconfig

.PHONY: help deps build typecheck unit-test integration-test test bench plan-example

help:
	@echo "make test           type check, unit tests, then integration tests on a local control plane"
	@echo "make unit-test      type check and unit tests only (no cluster)"
	@echo "make bench          planner benchmark (see README)"
	@echo "make cluster-up     start the local control plane (etcd, kube-apiserver, controllers, kwok)"
	@echo "make cluster-down   stop it and remove its data"

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: node_modules/.installed

build: deps
	npm run build

typecheck: deps
	npm run typecheck

unit-test: typecheck
	$(JEST) --selectProjects unit

# Integration tests always run against a fresh local control plane, and always take it down.
integration-test: build
	@$(MAKE) --no-print-directory cluster-up
	@status=0; KUBECONFIG=$(KUBECONFIG_LOCAL) $(JEST) --selectProjects integration --runInBand || status=$$?; \
	  $(MAKE) --no-print-directory cluster-down; exit $$status

test: unit-test integration-test

bench: deps
	npm run bench:plan

# --- local control plane (scripts/cluster) ---
.PHONY: tools cluster-up cluster-down
tools:
	scripts/cluster/build.sh

cluster-up: tools
	scripts/cluster/up.sh

cluster-down:
	scripts/cluster/down.sh
# --- end local control plane ---

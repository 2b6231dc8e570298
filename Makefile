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

.PHONY: help deps build typecheck lint format unit-test integration-test test bench plan-example bench-race race-smoke race-report chaos

help:
	@echo "make test           type check, lint, unit tests, then integration tests, workflows and a smoke race on a local control plane"
	@echo "make unit-test      type check, lint, format check and unit tests (no cluster)"
	@echo "make lint           ESLint and the Prettier check (make format rewrites the files)"
	@echo "make bench          planner benchmark (see README)"
	@echo "make bench-race     race custom-scheduler against kube-scheduler on the local control plane (BENCHMARKS.md)"
	@echo "make chaos          kill kube-apiserver and etcd under a burst of binds, full size (RELIABILITY.md)"
	@echo "make cluster-up     start the local control plane (etcd, kube-apiserver, controllers, kwok)"
	@echo "make cluster-down   stop it and remove its data"
	@echo "make demo           watch the scheduler on the local control plane (KEEP=1 leaves it up)"
	@echo "make workflow-test  the workflow scripts on the local control plane, under k8s/'s service account"
	@echo "make start-minikube / deploy-scheduler / remove-scheduler / scheduler-logs   minikube workflow"
	@echo "make basic-integration-test / priority-integration-test / group-integration-test   against the current context"

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: node_modules/.installed

build: deps
	npm run build

typecheck: deps
	npm run typecheck

# ESLint (type-aware rules) and the Prettier check; `make format` rewrites the files.
lint: deps
	npm run --silent lint
	npm run --silent format:check

format: deps
	npm run --silent format

unit-test: typecheck lint
	$(JEST) --selectProjects unit

# Integration tests always run against a fresh local control plane, and always take it down.
# Then the workflow scripts run on the same cluster, the scheduler under k8s/'s service account.
integration-test: build
	@status=0; GENERIC_WORKLOAD=true $(MAKE) --no-print-directory cluster-up || status=$$?; \
	  if [ $$status -eq 0 ]; then \
	    KUBECONFIG=$(KUBECONFIG_LOCAL) $(JEST) --selectProjects integration --runInBand || status=$$?; \
	    $(ROOT)/scripts/workflows/run-all-local.sh || status=$$?; \
	    KUBECONFIG=$(KUBECONFIG_LOCAL) $(JEST) --selectProjects chaos --runInBand || status=$$?; \
	  fi; \
	  $(MAKE) --no-print-directory cluster-down; exit $$status

# The faults of RELIABILITY.md at full size on the local control plane (started if needed, taken down after; about 30 minutes);
# the figures go to bench/chaos/results.json. `make test` runs the same faults smaller.
chaos: build tools
	@status=0; GENERIC_WORKLOAD=true $(MAKE) --no-print-directory cluster-up || status=$$?; \
	  if [ $$status -eq 0 ]; then \
	    CHAOS_SIZE=full CHAOS_RESULTS=$(ROOT)/bench/chaos/results.json KUBECONFIG=$(KUBECONFIG_LOCAL) \
	      $(JEST) --selectProjects chaos --runInBand || status=$$?; \
	  fi; \
	  $(MAKE) --no-print-directory cluster-down; exit $$status

test: unit-test integration-test race-smoke

bench: deps
	npm run bench:plan

# The race against kube-scheduler (BENCHMARKS.md). It takes any local control plane down and starts
# fresh ones as it goes; the full race takes about an hour here. RACE_ARGS picks part of it, e.g.
# RACE_ARGS="--workloads basic,gangs" or RACE_ARGS="--scale 1000/30000".
bench-race: build tools
	node dist/bench/race/race-command.js $(RACE_ARGS)
	$(MAKE) --no-print-directory race-report

# BENCHMARKS.md and its charts again from the committed results (bench/race/results.json).
race-report: build
	node dist/bench/race/report-command.js
	npx prettier --log-level warn --write BENCHMARKS.md bench/race/results.json

# The race harness on a tiny cluster (every workload, every contender, about three minutes):
# fails when any run does not finish. Part of `make test`.
race-smoke: build tools
	node dist/bench/race/race-command.js --smoke

# --- local control plane (scripts/cluster) ---
.PHONY: tools cluster-up cluster-down
tools:
	scripts/cluster/build.sh

cluster-up: tools
	scripts/cluster/up.sh

cluster-down:
	scripts/cluster/down.sh
# --- end local control plane ---

# --- deployment, workflows and demo ---
.PHONY: start-minikube deploy-scheduler remove-scheduler scheduler-logs basic-integration-test \
  priority-integration-test group-integration-test workflow-test demo
MINIKUBE_NODES ?= 3
WORKFLOWS := $(ROOT)/scripts/workflows

start-minikube:
	@command -v minikube >/dev/null || { echo "minikube is not installed: https://minikube.sigs.k8s.io/docs/start/" >&2; exit 1; }
	minikube start --nodes $(MINIKUBE_NODES) --cpus 2 --memory 2g

deploy-scheduler:
	scripts/deploy/deploy.sh

remove-scheduler:
	kubectl delete -k k8s --ignore-not-found

scheduler-logs:
	kubectl -n custom-scheduler logs deployment/custom-scheduler --tail=200 $(if $(FOLLOW),-f,)

# The workflow scripts, against the current kubectl context (a scheduler must be running there).
basic-integration-test:
	$(WORKFLOWS)/basic.sh

priority-integration-test:
	$(WORKFLOWS)/priority.sh

group-integration-test:
	$(WORKFLOWS)/group.sh

# The three workflows on the local control plane, the scheduler under k8s/'s service account.
workflow-test: deps tools
	$(WORKFLOWS)/run-all-local.sh

# The story on the local control plane (KEEP=1 leaves it up).
demo: deps tools
	scripts/demo/demo.sh
# --- end deployment, workflows and demo ---

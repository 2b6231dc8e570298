#!/usr/bin/env bash
# `make workflow-test`: the three workflows (basic, priority, group) against the local
# control plane, with the scheduler installed as the image installs it (production
# dependencies only) and running under the service account of k8s/rbac, with a token the
# API server issued: a missing permission fails the run. Starts the local control plane when
# none is up (and stops it afterwards); on a running one it adds three fake nodes of its
# own and removes them again. Also checks `kubectl apply -k k8s --dry-run=server`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ADMIN_KUBECONFIG="$root/.local/cluster/kubeconfig"
source "$root/scripts/deploy/local-scheduler.sh"
command -v kubectl >/dev/null || die "kubectl is not on PATH (make tools builds one into .local/bin)"
command -v curl >/dev/null || die "curl is not on PATH"

id=$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')
pool="custom-scheduler.workflow/pool=wf-$id"
namespaces=("wf-$id-basic" "wf-$id-priority" "wf-$id-group")
work=$(mktemp -d "${TMPDIR:-/tmp}/custom-scheduler-workflows.XXXXXX")
started_cluster=0
made_rbac=0

finish() {
  local status=$?
  trap - EXIT INT TERM
  stop_scheduler
  if local_cluster_up; then
    admin delete nodes -l "$pool" --ignore-not-found >/dev/null 2>&1 || true
    if (( made_rbac )); then admin delete -k "$root/k8s/rbac" --ignore-not-found --wait=false >/dev/null 2>&1 || true; fi
  fi
  if (( started_cluster )); then cluster_down; fi
  if (( status == 0 )); then rm -rf "$work"; echo "workflow-test: PASSED (basic, priority, group)";
  else echo "workflow-test: FAILED (exit $status); scheduler log and kubeconfig kept in $work" >&2; fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

if local_cluster_up; then
  echo "using the local control plane that is already up ($ADMIN_KUBECONFIG)"
else
  echo "the local control plane is not up: starting it (scripts/cluster/up.sh, no default nodes)"
  started_cluster=1
  NODES=0 "$root/scripts/cluster/up.sh" || die "cluster-up failed"
fi

install_production "$work/app"
admin get namespace "$SA_NAMESPACE" >/dev/null 2>&1 || made_rbac=1
apply_rbac
# After the namespace exists: a server-side dry run cannot place objects in a namespace
# that the same dry run only pretends to create.
echo "--- kubectl apply -k k8s --dry-run=server"
admin apply -k "$root/k8s" --dry-run=server || die "kubectl apply -k k8s --dry-run=server failed"
service_account_kubeconfig "$work/scheduler.kubeconfig"
echo "--- what the scheduler's service account may do (kubectl auth can-i --list):"
kubectl --kubeconfig "$work/scheduler.kubeconfig" auth can-i --list

create_fake_nodes "wf-$id" 3 4 "$pool"
# With leader election, as the Deployment runs it: the Lease in custom-scheduler exercises the Role.
start_scheduler "$work/app" "$work/scheduler.kubeconfig" "$work/scheduler.log" \
  --interval 1s --namespaces "$(IFS=,; echo "${namespaces[*]}")" --leader-election --retry-period 500ms

export KUBECONFIG="$ADMIN_KUBECONFIG" WORKFLOW_NODE_SELECTOR="$pool"
WORKFLOW_NAMESPACE=${namespaces[0]} "$root/scripts/workflows/basic.sh"
WORKFLOW_NAMESPACE=${namespaces[1]} "$root/scripts/workflows/priority.sh"
WORKFLOW_NAMESPACE=${namespaces[2]} "$root/scripts/workflows/group.sh"

refused=$(forbidden_calls "$work/scheduler.log")
[[ -z "$refused" ]] || { echo "$refused" >&2; die "the API server refused calls of the scheduler's service account: the ClusterRole in k8s/rbac lacks a permission"; }
kill -0 "$SCHEDULER_PID" 2>/dev/null || die "the scheduler exited during the workflows (log: $work/scheduler.log)"

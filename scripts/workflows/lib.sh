# Shared by the workflow scripts (basic.sh, priority.sh, group.sh). They talk to the
# cluster of the current kubectl context; a scheduler named $SCHEDULER_NAME must already be
# running there (make deploy-scheduler, or scripts/workflows/run-all-local.sh).
#
# Settings (environment):
#   WORKFLOW_NODE_SELECTOR  label selector of the nodes to use (default: every schedulable node)
#   WORKFLOW_NAMESPACE      namespace to create and delete (default: one per script)
#   WORKFLOW_TIMEOUT        seconds to wait for each expected state (default 120)
#   WORKFLOW_IMAGE          container image of the test pods (default registry.k8s.io/pause:3.10)
#   SCHEDULER_NAME          spec.schedulerName of the test pods (default custom-scheduler)
#   KUBECTL                 the kubectl to run (default kubectl)
set -euo pipefail

WORKFLOW_NODE_SELECTOR=${WORKFLOW_NODE_SELECTOR:-}
WORKFLOW_TIMEOUT=${WORKFLOW_TIMEOUT:-120}
WORKFLOW_IMAGE=${WORKFLOW_IMAGE:-registry.k8s.io/pause:3.10}
SCHEDULER_NAME=${SCHEDULER_NAME:-custom-scheduler}
KUBECTL=${KUBECTL:-kubectl}
GROUP_ANNOTATION=custom-scheduling.k8s.io/group-name
MIN_AVAILABLE_ANNOTATION=custom-scheduling.k8s.io/min-available
OWNER_LABEL=custom-scheduler.workflow/test
workflows_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

k() { "$KUBECTL" "$@"; }
say() { printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "$TEST_NAME" "$*"; }
fail() { printf '%s [%s] FAILED: %s\n' "$(date +%H:%M:%S)" "$TEST_NAME" "$*" >&2; exit 1; }

# wait_until SECONDS WHAT COMMAND...: runs COMMAND once a second until it succeeds; fails
# naming WHAT when SECONDS pass.
wait_until() {
  local seconds=$1 what=$2 deadline; shift 2
  deadline=$(( $(date +%s) + seconds ))
  until "$@"; do
    (( $(date +%s) < deadline )) || fail "timed out after ${seconds}s waiting for $what"
    sleep 1
  done
}

# Prints the pods, their scheduling conditions and the namespace's events; on failure.
diagnose() {
  echo "----- pods in $NS -----" >&2
  k get pods -n "$NS" -o wide >&2 || true
  k get pods -n "$NS" -o custom-columns='POD:.metadata.name,NODE:.spec.nodeName,NOMINATED:.status.nominatedNodeName,PHASE:.status.phase,PODSCHEDULED:.status.conditions[?(@.type=="PodScheduled")].message' >&2 || true
  echo "----- events in $NS -----" >&2
  k get events -n "$NS" --sort-by=.metadata.creationTimestamp \
    -o custom-columns='OBJECT:.involvedObject.name,TYPE:.type,REASON:.reason,FROM:.reportingComponent,MESSAGE:.message' >&2 || true
  echo "----- nodes -----" >&2
  k get nodes ${WORKFLOW_NODE_SELECTOR:+-l "$WORKFLOW_NODE_SELECTOR"} -o wide >&2 || true
  echo "(is the scheduler running? make scheduler-logs shows its log)" >&2
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  (( status == 0 )) || diagnose
  say "cleaning up namespace $NS and PriorityClasses ${NS}-low, ${NS}-high"
  k delete namespace "$NS" --ignore-not-found --wait=true --timeout=120s >/dev/null ||
    echo "warning: namespace $NS was not deleted within 120s" >&2
  k delete priorityclass "${NS}-low" "${NS}-high" --ignore-not-found >/dev/null || true
  if (( status == 0 )); then say "PASSED"; else say "FAILED (exit $status)"; fi
  exit "$status"
}

# start_workflow NAME DEFAULT-NAMESPACE: checks the cluster, sizes the pods, creates the
# namespace and the two PriorityClasses, and arranges cleanup on exit.
start_workflow() {
  TEST_NAME=$1
  NS=${WORKFLOW_NAMESPACE:-$2}
  k version >/dev/null 2>&1 || { TEST_NAME=$1; fail "kubectl cannot reach the cluster of context '$(k config current-context 2>/dev/null)'"; }
  if k get namespace "$NS" >/dev/null 2>&1; then
    [[ "$(k get namespace "$NS" -o jsonpath="{.metadata.labels.${OWNER_LABEL//./\\.}}")" == "true" ]] ||
      fail "namespace $NS exists and was not made by these tests; set WORKFLOW_NAMESPACE"
    say "deleting namespace $NS left over by an earlier run"
    k delete namespace "$NS" --wait=true --timeout=120s >/dev/null
  fi
  size_pods
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  k create namespace "$NS" >/dev/null
  k label namespace "$NS" "$OWNER_LABEL=true" >/dev/null
  wait_until 60 "the default service account of $NS" default_service_account
  k create -f - >/dev/null <<PC
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: ${NS}-low, labels: {$OWNER_LABEL: "true"}}
value: 1000
description: low priority of workflow test $NS
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: ${NS}-high, labels: {$OWNER_LABEL: "true"}}
value: 100000
description: high priority of workflow test $NS
PC
  say "namespace $NS; ${#NODES[@]} node(s): ${NODES[*]}; each test pod requests ${POD_CPU}m cpu (one fills a node)"
}

default_service_account() { k get serviceaccount default -n "$NS" >/dev/null 2>&1; }

# Sets NODES (names) and POD_CPU (millicores): the request that fills one node.
size_pods() {
  local names out
  names=$(k get nodes ${WORKFLOW_NODE_SELECTOR:+-l "$WORKFLOW_NODE_SELECTOR"} -o jsonpath='{.items[*].metadata.name}')
  [[ -n "$names" ]] || fail "no nodes${WORKFLOW_NODE_SELECTOR:+ match $WORKFLOW_NODE_SELECTOR}"
  # shellcheck disable=SC2086
  out=$(k get nodes,pods -A -o json | node "$workflows_dir/node-room.mjs" $names) || fail "cannot size the test pods (see above)"
  NODES=(); POD_CPU=
  while read -r kind a _; do
    case $kind in node) NODES+=("$a") ;; cpu) POD_CPU=$a ;; esac
  done <<<"$out"
}

# pod NAME PRIORITY(low|high) [GROUP MIN-AVAILABLE]: creates a pod that fills one node.
pod() {
  local name=$1 priority=$2 group=${3:-} min=${4:-} annotations="" selector=""
  if [[ -n "$group" ]]; then
    annotations="annotations: {$GROUP_ANNOTATION: \"$group\"${min:+, $MIN_AVAILABLE_ANNOTATION: \"$min\"}}"
  fi
  if [[ -n "$WORKFLOW_NODE_SELECTOR" ]]; then
    selector="nodeSelector: {$(sed -E 's/([^,=]+)=([^,]*)/"\1": "\2"/g' <<<"$WORKFLOW_NODE_SELECTOR")}"
  fi
  k create -n "$NS" -f - >/dev/null <<POD
apiVersion: v1
kind: Pod
metadata:
  name: $name
  labels: {$OWNER_LABEL: "true", priority: $priority}
  $annotations
spec:
  schedulerName: $SCHEDULER_NAME
  priorityClassName: ${NS}-$priority
  terminationGracePeriodSeconds: 1
  $selector
  containers:
    - name: app
      image: $WORKFLOW_IMAGE
      resources:
        requests: {cpu: ${POD_CPU}m, memory: 16Mi}
POD
}

node_of() { k get pod "$1" -n "$NS" -o jsonpath='{.spec.nodeName}' 2>/dev/null; }
phase_of() { k get pod "$1" -n "$NS" -o jsonpath='{.status.phase}' 2>/dev/null; }
pod_exists() { k get pod "$1" -n "$NS" -o name >/dev/null 2>&1; }

# wait_running POD...: every pod bound and Running.
wait_running() {
  local p
  for p in "$@"; do
    wait_until "$WORKFLOW_TIMEOUT" "pod $p to be bound and Running" running "$p"
  done
}
running() { [[ -n "$(node_of "$1")" && "$(phase_of "$1")" == Running ]]; }

# scheduled_condition POD: prints "STATUS|REASON|MESSAGE" of its PodScheduled condition.
scheduled_condition() {
  k get pod "$1" -n "$NS" -o jsonpath='{range .status.conditions[?(@.type=="PodScheduled")]}{.status}|{.reason}|{.message}{end}' 2>/dev/null
}

# Pods bound to a node, among the given ones.
count_bound() {
  local p n=0
  for p in "$@"; do [[ -z "$(node_of "$p")" ]] || n=$((n + 1)); done
  echo "$n"
}

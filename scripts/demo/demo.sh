#!/usr/bin/env bash
# `make demo`: a short story on the local control plane with five fake nodes (4 cpu each).
#   1. a low-priority gang fills the cluster;
#   2. a high-priority pod arrives: one gang member is preempted, the pod runs;
#   3. a second gang does not fit: it waits whole (nothing bound), and is placed when room frees;
#   4. a pod with a bad annotation is held with a reason naming the annotation;
#   5. six more nodes in two racks: gangs that must share a rack go to the tightest rack
#      that holds them, and one no rack can hold waits with a reason naming the best rack.
# Then the scheduler's decisions as a timeline, its metrics, and a table of pods and nodes.
# Every step checks what it tells, with a deadline; the exit status is 0 only if all happened.
#
# The scheduler runs as in the image (production install) under the service account of
# k8s/rbac. When the local control plane is not up, the demo starts it with only its five
# nodes and stops it at the end; when it is up (someone else's), the demo adds its five nodes
# (demo-node-0..4) next to the others and removes them at the end.
# KEEP=1 leaves the cluster, the nodes and the pods in place and prints how to reach them.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ADMIN_KUBECONFIG="$root/.local/cluster/kubeconfig"
source "$root/scripts/deploy/local-scheduler.sh"
KEEP=${KEEP:-0}
STEP_TIMEOUT=${DEMO_TIMEOUT:-90}
NS=demo
POOL_KEY=custom-scheduler.demo/pool
GROUP=custom-scheduling.k8s.io/group-name
MIN=custom-scheduling.k8s.io/min-available
TOPOLOGY=custom-scheduling.k8s.io/topology-key
RACK_KEY=custom-scheduler.demo/rack
work=$(mktemp -d "${TMPDIR:-/tmp}/custom-scheduler-demo.XXXXXX")
started_cluster=0 made_rbac=0 made_priorities=0 made_nodes=0 t0=$(date +%s)

bold=$'\e[1m' dim=$'\e[2m' off=$'\e[0m'
[[ -t 1 ]] || { bold=; dim=; off=; }
act() { printf '\n%s== %s ==%s\n' "$bold" "$*" "$off"; }
tell() { printf '  [+%3ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }
k() { admin -n "$NS" "$@"; }

# expect SECONDS WHAT COMMAND...: polls COMMAND once a second until it succeeds.
expect() {
  local seconds=$1 what=$2 deadline; shift 2
  deadline=$(( $(date +%s) + seconds ))
  until "$@"; do
    if (( $(date +%s) >= deadline )); then
      echo "demo: the story did not happen as told: no $what within ${seconds}s" >&2
      k get pods -o wide >&2 || true
      k get pods -o custom-columns='POD:.metadata.name,NODE:.spec.nodeName,NOMINATED:.status.nominatedNodeName,CONDITION:.status.conditions[?(@.type=="PodScheduled")].message' >&2 || true
      echo "scheduler log: $work/scheduler.log" >&2
      exit 1
    fi
    sleep 1
  done
}

finish() {
  local status=$?
  trap - EXIT INT TERM
  stop_scheduler >/dev/null
  if (( KEEP )) && local_cluster_up; then
    cat <<KEPT

KEEP=1: the cluster, the demo nodes and the pods stay. To look around:
  export KUBECONFIG=$ADMIN_KUBECONFIG
  kubectl get pods -n $NS -o wide; kubectl get nodes -l $POOL_KEY=demo
Run the scheduler again (under its service account):
  (cd $work/app && KUBECONFIG=$work/scheduler.kubeconfig node dist/main.js run --namespaces $NS)
  (the token expires in 2 hours; the production install stays in $work)
Remove it all: make cluster-down$( (( started_cluster )) || printf ' (not yours: instead kubectl delete ns %s; kubectl delete nodes -l %s=demo)' "$NS" "$POOL_KEY")
KEPT
    exit "$status"
  fi
  if local_cluster_up; then
    admin delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1 || true
    (( made_nodes )) && { admin delete nodes -l "$POOL_KEY=demo" --ignore-not-found >/dev/null 2>&1 || true; }
    (( made_priorities )) && { admin delete -f "$root/k8s/priorityclasses.yaml" --ignore-not-found >/dev/null 2>&1 || true; }
    (( made_rbac )) && { admin delete -k "$root/k8s/rbac" --ignore-not-found --wait=false >/dev/null 2>&1 || true; }
  fi
  if (( started_cluster )); then cluster_down; fi
  if (( status == 0 )); then rm -rf "$work"; echo; echo "demo: the story happened as told (exit 0); everything it started is stopped";
  else echo "demo: FAILED (exit $status); scheduler log kept in $work/scheduler.log" >&2; fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

# --- setting the stage ---
act "Setting the stage"
if local_cluster_up; then
  tell "the local control plane is already up (not started by the demo): adding five demo nodes next to its nodes"
  if admin get namespace "$NS" >/dev/null 2>&1; then
    [[ "$(admin get namespace "$NS" -o jsonpath='{.metadata.labels.custom-scheduler\.demo/owner}')" == demo ]] ||
      die "namespace $NS exists and is not the demo's; delete it or run the demo on a fresh cluster"
    tell "removing what an earlier demo left behind"
    admin delete namespace "$NS" --wait=true --timeout=120s >/dev/null
  fi
  admin delete nodes -l "$POOL_KEY=demo" --ignore-not-found >/dev/null
else
  tell "starting the local control plane (etcd, kube-apiserver, kube-controller-manager, kwok)"
  started_cluster=1
  NODES=0 "$root/scripts/cluster/up.sh" >"$work/cluster-up.log" 2>&1 || { cat "$work/cluster-up.log" >&2; die "cluster-up failed"; }
fi
made_nodes=1
create_fake_nodes demo-node 5 4 "$POOL_KEY=demo"
tell "five fake nodes (kwok), 4 cpu each: $(admin get nodes -l "$POOL_KEY=demo" -o jsonpath='{.items[*].metadata.name}')"
admin get priorityclass batch-low batch-high >/dev/null 2>&1 || made_priorities=1
admin apply -f "$root/k8s/priorityclasses.yaml" >/dev/null
tell "PriorityClasses batch-low (1000) and batch-high (100000) from k8s/priorityclasses.yaml"
admin create namespace "$NS" >/dev/null
admin label namespace "$NS" custom-scheduler.demo/owner=demo >/dev/null
default_service_account() { k get serviceaccount default >/dev/null 2>&1; }
expect 60 "default service account in namespace $NS" default_service_account

install_production "$work/app" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; exit 1; }
tell "installed the scheduler as the image does (npm ci --omit=dev, node dist/main.js run)"
admin get namespace "$SA_NAMESPACE" >/dev/null 2>&1 || made_rbac=1
apply_rbac >/dev/null
service_account_kubeconfig "$work/scheduler.kubeconfig"
start_scheduler "$work/app" "$work/scheduler.kubeconfig" "$work/scheduler.log" --interval 1s --namespaces "$NS" >/dev/null
tell "scheduler running under service account $SA_NAMESPACE/$SA_NAME, every 1s, metrics on http://127.0.0.1:$SCHEDULER_PORT/metrics"

# pod NAME PRIORITY-CLASS CPU [ANNOTATION=VALUE...]
pod() {
  local name=$1 priority=$2 cpu=$3 annotations="" a; shift 3
  for a in "$@"; do annotations+="${annotations:+, }\"${a%%=*}\": \"${a#*=}\""; done
  k create -f - >/dev/null <<POD
apiVersion: v1
kind: Pod
metadata: {name: $name, annotations: {$annotations}}
spec:
  schedulerName: custom-scheduler
  priorityClassName: $priority
  terminationGracePeriodSeconds: 3
  nodeSelector: {$POOL_KEY: demo}
  containers: [{name: work, image: registry.k8s.io/pause:3.10, resources: {requests: {cpu: "$cpu", memory: 64Mi}}}]
POD
}
node_of() { k get pod "$1" -o jsonpath='{.spec.nodeName}' 2>/dev/null; }
running() { local p; for p in "$@"; do [[ -n "$(node_of "$p")" && "$(k get pod "$p" -o jsonpath='{.status.phase}')" == Running ]] || return 1; done; }
exists() { k get pod "$1" -o name >/dev/null 2>&1; }
condition() { k get pod "$1" -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].message}' 2>/dev/null; }
held_with() { # TEXT POD...: every pod unbound, PodScheduled=False mentioning TEXT
  local text=$1 p; shift
  for p in "$@"; do [[ -z "$(node_of "$p")" && "$(condition "$p")" == *"$text"* ]] || return 1; done
}

# --- act 1 ---
act "1. A low-priority gang fills the cluster"
etl=(etl-0 etl-1 etl-2 etl-3 etl-4)
for p in "${etl[@]}"; do pod "$p" batch-low 3 "$GROUP=etl" "$MIN=4"; done
tell "gang 'etl': 5 workers of 3 cpu, priority batch-low, min-available 4"
expect "$STEP_TIMEOUT" "gang etl running" running "${etl[@]}"
(( $(for p in "${etl[@]}"; do node_of "$p"; echo; done | sort -u | grep -c .) == 5 )) || die "etl workers share a node"
tell "all 5 run, one per node; every node has 1 cpu left"

# --- act 2 ---
act "2. A high-priority pod preempts"
pod urgent batch-high 3
tell "pod 'urgent': 3 cpu, priority batch-high; no node has room"
nominated() { [[ -n "$(k get pod urgent -o jsonpath='{.status.nominatedNodeName}')" || -n "$(node_of urgent)" ]]; }
expect "$STEP_TIMEOUT" "nomination of urgent" nominated
nominee=$(k get pod urgent -o jsonpath='{.status.nominatedNodeName}')
[[ -z "$nominee" ]] || tell "urgent is nominated to $nominee while its victim terminates"
expect "$STEP_TIMEOUT" "urgent running" running urgent
victims=(); for p in "${etl[@]}"; do exists "$p" || victims+=("$p"); done
(( ${#victims[@]} == 1 )) || die "expected exactly one etl worker preempted, got ${#victims[@]}: ${victims[*]:-none}"
tell "${victims[0]} was evicted (the gang keeps 4 workers, its quorum); urgent runs on $(node_of urgent)"

# --- act 3 ---
act "3. A gang that does not fit waits whole, then is placed"
train=(train-0 train-1 train-2)
for p in "${train[@]}"; do pod "$p" batch-low 2 "$GROUP=train" "$MIN=3"; done
tell "gang 'train': 3 workers of 2 cpu, batch-low (it may not preempt etl), min-available 3"
expect "$STEP_TIMEOUT" "train held with a gang reason" held_with "gang $NS/train" "${train[@]}"
tell "held, nothing bound: $(condition train-0)"
k delete pod "${etl[@]}" --ignore-not-found --wait=false >/dev/null
tell "the etl job finishes: its workers are deleted"
expect "$STEP_TIMEOUT" "gang train running" running "${train[@]}"
tell "train runs whole on $(for p in "${train[@]}"; do printf '%s ' "$(node_of "$p")"; done)"

# --- act 4 ---
act "4. A bad annotation gets a clear reason"
pod typo batch-low 1 "$GROUP=eval" "$MIN=three"
tell "pod 'typo' with $MIN: \"three\""
expect "$STEP_TIMEOUT" "typo held with a reason naming the annotation" held_with "$MIN" typo
tell "held: $(condition typo)"
pod after-typo batch-low 1
expect "$STEP_TIMEOUT" "after-typo running" running after-typo
tell "and the scheduler keeps going: pod 'after-typo' runs on $(node_of after-typo)"

# --- act 5 ---
act "5. Gangs that must share a rack"
create_fake_nodes rack-a 2 2 "$POOL_KEY=demo" "$RACK_KEY=a"
create_fake_nodes rack-b 4 2 "$POOL_KEY=demo" "$RACK_KEY=b"
tell "six more nodes of 2 cpu labelled $RACK_KEY: 2 in rack a, 4 in rack b (the first five carry no rack label)"
rack_of() { admin get node "$(node_of "$1")" -o jsonpath='{.metadata.labels.custom-scheduler\.demo/rack}'; }
racks_of() { local p; for p in "$@"; do rack_of "$p"; echo; done | sort -u | paste -sd, -; }
ring=(ring-0 ring-1 ring-2 ring-3)
for p in "${ring[@]}"; do pod "$p" batch-low 1 "$GROUP=ring" "$MIN=4" "$TOPOLOGY=$RACK_KEY"; done
tell "gang 'ring': 4 workers of 1 cpu, min-available 4, $TOPOLOGY: $RACK_KEY"
expect "$STEP_TIMEOUT" "gang ring running" running "${ring[@]}"
[[ "$(racks_of "${ring[@]}")" == a ]] || die "gang ring is not in rack a alone: racks $(racks_of "${ring[@]}")"
tell "all 4 in rack a, the tightest rack that holds them, so rack b stays whole"
wide=(wide-0 wide-1 wide-2 wide-3 wide-4 wide-5)
for p in "${wide[@]}"; do pod "$p" batch-low 1 "$GROUP=wide" "$MIN=6" "$TOPOLOGY=$RACK_KEY"; done
tell "gang 'wide': 6 workers of 1 cpu in one rack"
expect "$STEP_TIMEOUT" "gang wide running" running "${wide[@]}"
[[ "$(racks_of "${wide[@]}")" == b ]] || die "gang wide is not in rack b alone: racks $(racks_of "${wide[@]}")"
tell "all 6 in rack b"
late=(late-0 late-1 late-2)
for p in "${late[@]}"; do pod "$p" batch-low 1 "$GROUP=late" "$MIN=3" "$TOPOLOGY=$RACK_KEY"; done
tell "gang 'late': 3 workers of 1 cpu in one rack; rack b has 2 cpu left, the unlabelled nodes more"
expect "$STEP_TIMEOUT" "late held with a rack reason" held_with "no $RACK_KEY domain has room for 3 members" "${late[@]}"
tell "held, nothing bound: $(condition late-0)"

# --- what the scheduler decided ---
act "Timeline: the scheduler's decisions (its log)"
grep ' action=' "$work/scheduler.log" |
  sed -E "s/^([0-9:.]+) +[a-z]+ +/\1  /; s/ (action|pod|reason)=[^ ]+//g; s#$NS/##g" | cut -c1-180

act "Metrics (http://127.0.0.1:$SCHEDULER_PORT/metrics)"
if metrics=$(curl -fsS "http://127.0.0.1:$SCHEDULER_PORT/metrics" 2>/dev/null); then
  grep -E '^custom_scheduler_' <<<"$metrics" | grep -v '_bucket{' || true
  for m in pass_duration_seconds_count pending_pods binds_total evictions_total nominations_total api_errors_total gangs_placed_total gangs_waiting; do
    grep -q "^# TYPE custom_scheduler_$m\b\|^custom_scheduler_$m\b" <<<"$metrics" || die "/metrics lacks custom_scheduler_$m"
  done
  grep -q '^custom_scheduler_evictions_total{result="success"} [1-9]' <<<"$metrics" || die "/metrics counted no successful eviction"
else
  die "the scheduler does not serve /metrics on http://127.0.0.1:$SCHEDULER_PORT/metrics"
fi

act "Pods"
k get pods -o custom-columns='POD:.metadata.name,PRIORITY:.spec.priorityClassName,GANG:.metadata.annotations.custom-scheduling\.k8s\.io/group-name,NODE:.spec.nodeName,PHASE:.status.phase,WHY PENDING:.status.conditions[?(@.status=="False")].message'
act "Nodes"
admin get nodes,pods -A -o json | node -e '
  const items = JSON.parse(require("fs").readFileSync(0, "utf8")).items;
  const cpu = (q) => (q ? (q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000) : 0);
  const rows = [["NODE", "CPU REQUESTED", "PODS"]];
  for (const n of items.filter((i) => i.kind === "Node" && i.metadata.labels?.["'"$POOL_KEY"'"] === "demo")) {
    const pods = items.filter((p) => p.kind === "Pod" && p.spec.nodeName === n.metadata.name && !["Succeeded", "Failed"].includes(p.status?.phase));
    const used = pods.reduce((s, p) => s + p.spec.containers.reduce((t, c) => t + cpu(c.resources?.requests?.cpu), 0), 0);
    rows.push([n.metadata.name, `${used / 1000} of ${cpu(n.status.allocatable.cpu) / 1000}`, pods.map((p) => p.metadata.name).join(", ")]);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i])).join("   "));'

#!/usr/bin/env bash
# Workflow "group": a gang that fits is scheduled whole; then, with one node taken by
# another pod, a gang that needs every node cannot fit and none of its pods is bound; once
# the node is free again the gang is placed whole.
source "$(dirname "$0")/lib.sh"
start_workflow group custom-scheduler-group-test
n=${#NODES[@]}
(( n >= 2 )) || fail "needs at least 2 schedulable nodes, found $n"

# 1. A gang of one member per node, quorum = all of them.
fits=()
for i in $(seq 0 $((n - 1))); do fits+=("fits-$i"); pod "fits-$i" low fits "$n"; done
say "created gang 'fits' ($n members, min-available $n); waiting for all to run"
wait_running "${fits[@]}"
[[ $(for p in "${fits[@]}"; do node_of "$p"; echo; done | sort -u | grep -c .) -eq $n ]] || fail "gang members share a node"
say "gang 'fits' runs whole, one member per node"
k delete pod -n "$NS" "${fits[@]}" --wait=true --timeout="${WORKFLOW_TIMEOUT}s" >/dev/null

# 2. One node taken by a blocker of the same priority (so no preemption), then a gang that
#    needs every node.
pod blocker low
wait_running blocker
blocked=()
for i in $(seq 0 $((n - 1))); do blocked+=("blocked-$i"); pod "blocked-$i" low blocked "$n"; done
say "blocker runs on $(node_of blocker); created gang 'blocked' ($n members, min-available $n) that cannot fit"

reported_unschedulable() {
  local p c
  for p in "${blocked[@]}"; do
    c=$(scheduled_condition "$p")
    [[ "$c" == "False|Unschedulable|"*gang* ]] || return 1
  done
}
wait_until "$WORKFLOW_TIMEOUT" "every member of gang 'blocked' to be reported Unschedulable" reported_unschedulable
bound=$(count_bound "${blocked[@]}")
(( bound == 0 )) || fail "$bound member(s) of gang 'blocked' were bound although the gang cannot fit"
say "no member of gang 'blocked' is bound; the scheduler says: $(scheduled_condition blocked-0 | cut -d'|' -f3)"

# 3. Free the node: the gang is placed whole.
k delete pod -n "$NS" blocker --wait=true --timeout="${WORKFLOW_TIMEOUT}s" >/dev/null
say "deleted the blocker; waiting for gang 'blocked' to run whole"
wait_running "${blocked[@]}"
say "gang 'blocked' runs whole once there is room"

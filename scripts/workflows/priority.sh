#!/usr/bin/env bash
# Workflow "priority": low-priority pods fill every node (one each), a high-priority
# pod arrives; exactly one low-priority pod is evicted and the high-priority pod runs on
# the node it freed.
source "$(dirname "$0")/lib.sh"
start_workflow priority custom-scheduler-priority-test
(( ${#NODES[@]} >= 2 )) || fail "needs at least 2 schedulable nodes, found ${#NODES[@]}"

low=()
for i in "${!NODES[@]}"; do low+=("low-$i"); pod "low-$i" low; done
say "created ${#low[@]} low-priority pods; waiting for all of them to run"
wait_running "${low[@]}"
declare -A before
for p in "${low[@]}"; do before[$p]=$(node_of "$p"); done
[[ $(printf '%s\n' "${before[@]}" | sort -u | wc -l) -eq ${#low[@]} ]] || fail "two low-priority pods share a node"
say "every node holds one low-priority pod"

pod high-0 high
say "created high-priority pod high-0; waiting for it to run"
wait_running high-0
high_node=$(node_of high-0)

# Every evicted pod is gone (or terminating) by now: the high pod was bound only after its victim left.
gone=()
for p in "${low[@]}"; do
  if ! pod_exists "$p" || [[ -n "$(k get pod "$p" -n "$NS" -o jsonpath='{.metadata.deletionTimestamp}')" ]]; then gone+=("$p"); fi
done
(( ${#gone[@]} == 1 )) || fail "expected exactly one evicted low-priority pod, got ${#gone[@]}: ${gone[*]:-none}"
victim=${gone[0]}
[[ "${before[$victim]}" == "$high_node" ]] || fail "high-0 runs on $high_node but the victim $victim was on ${before[$victim]}"
for p in "${low[@]}"; do
  [[ "$p" == "$victim" ]] && continue
  [[ "$(node_of "$p")" == "${before[$p]}" && "$(phase_of "$p")" == Running ]] || fail "$p was disturbed"
done
preempted() { [[ -n "$(k get events -n "$NS" --field-selector "involvedObject.name=$victim,reason=Preempted" -o name)" ]]; }
wait_until 30 "a Preempted event for $victim" preempted
say "high-0 runs on $high_node; exactly one low-priority pod ($victim) was evicted; the others still run"

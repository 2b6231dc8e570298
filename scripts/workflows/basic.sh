#!/usr/bin/env bash
# Workflow "basic": schedule one pod, confirm it is bound, Running, and that the
# scheduler reported it with a Scheduled event.
source "$(dirname "$0")/lib.sh"
start_workflow basic custom-scheduler-basic-test

pod basic-0 low
say "created pod basic-0; waiting for it to be bound and Running"
wait_running basic-0
node=$(node_of basic-0)
say "basic-0 is Running on $node"

scheduled_event() {
  k get events -n "$NS" --field-selector involvedObject.name=basic-0,reason=Scheduled \
    -o jsonpath='{.items[*].reportingComponent}' | grep -qw "$SCHEDULER_NAME"
}
wait_until 30 "a Scheduled event from $SCHEDULER_NAME for basic-0" scheduled_event
say "Scheduled event: $(k get events -n "$NS" --field-selector involvedObject.name=basic-0,reason=Scheduled -o jsonpath='{.items[0].message}')"

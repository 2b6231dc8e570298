#!/usr/bin/env bash
# Stops every process that up.sh started (by its recorded PID) and deletes the cluster's data.
# Safe to run when nothing is up.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

stop() { # NAME
  local pid deadline
  pid="$(pid_of "$1")" || return 0
  echo "stopping $1 (pid $pid)"
  # The process may exit between the check and the signal: that is what we wanted anyway.
  kill "$pid" 2>/dev/null || true
  deadline=$(( $(date +%s) + 20 ))
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(date +%s) >= deadline )); then echo "$1 ignored SIGTERM; killing it"; kill -9 "$pid" 2>/dev/null || true; fi
    sleep 0.2
  done
}

if [[ -d "$cluster" ]]; then
  exec 9>"$cluster/lock"
  flock -w 60 9 || { echo "cluster-down: another cluster-up or cluster-down is running" >&2; exit 1; }
  for name in kwok kube-controller-manager kube-apiserver etcd; do stop "$name"; done
  rm -rf "$cluster"
fi
for port in "$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT" "$APISERVER_PORT" "$CONTROLLER_MANAGER_PORT" "$KWOK_PORT"; do
  owner="$(port_owner "$port")"
  [[ -z "$owner" ]] || { echo "cluster-down: port $port is still in use: $owner" >&2; exit 1; }
done
echo "local control plane is down; its data is deleted"

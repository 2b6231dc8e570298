# Sourced by scripts/workflows/run-all-local.sh and scripts/demo/demo.sh: runs the scheduler
# the way the image does (a clean directory, production dependencies only, node dist/main.js
# run), outside a container, under the service account of k8s/rbac with a token the API
# server issues. Every function fails with a message naming what is missing.
#
# Uses: $root (the repository), $work (a scratch directory), $ADMIN_KUBECONFIG, kubectl, node, npm.

SA_NAMESPACE=custom-scheduler
SA_NAME=custom-scheduler
SCHEDULER_PID=

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
admin() { kubectl --kubeconfig "$ADMIN_KUBECONFIG" "$@"; }

# local_cluster_up: the local control plane answers.
local_cluster_up() { [[ -f "$ADMIN_KUBECONFIG" ]] && admin get --raw /readyz >/dev/null 2>&1; }

# install_production DIR: what the Dockerfile does, in DIR: compile src/, then a production
# install from package.json and package-lock.json only.
install_production() {
  local dir=$1
  command -v node >/dev/null || die "node is not on PATH (run through make, which installs Node 24)"
  [[ -x "$root/node_modules/.bin/tsc" ]] || die "TypeScript is not installed: run 'npm ci' (make deps)"
  mkdir -p "$dir"
  echo "building the scheduler into $dir/dist"
  (cd "$root" && node_modules/.bin/tsc -p tsconfig.build.json --outDir "$dir/dist") || die "the build failed"
  cp "$root/package.json" "$root/package-lock.json" "$dir/"
  echo "installing production dependencies in $dir (npm ci --omit=dev)"
  (cd "$dir" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci --omit=dev failed in $dir"
  [[ ! -e "$dir/node_modules/typescript" && ! -e "$dir/node_modules/jest" ]] || die "development packages ended up in the production install"
}

# apply_rbac: namespace, service account, ClusterRole and binding from k8s/rbac.
apply_rbac() {
  echo "applying k8s/rbac (namespace $SA_NAMESPACE, service account, ClusterRole, binding)"
  admin apply -k "$root/k8s/rbac" >/dev/null || die "kubectl apply -k k8s/rbac failed"
}

# service_account_kubeconfig FILE: a kubeconfig with a token of the scheduler's service account.
service_account_kubeconfig() {
  local file=$1 token server ca
  token=$(admin create token "$SA_NAME" -n "$SA_NAMESPACE" --duration=2h) || die "the API server did not issue a token for $SA_NAMESPACE/$SA_NAME"
  server=$(admin config view --raw --minify -o jsonpath='{.clusters[0].cluster.server}')
  ca=$(admin config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
  [[ -n "$server" && -n "$ca" ]] || die "cannot read the server and CA from $ADMIN_KUBECONFIG"
  umask 077
  cat >"$file" <<KC
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "$server", certificate-authority-data: "$ca"}
users:
- name: $SA_NAME
  user: {token: "$token"}
contexts:
- name: $SA_NAME
  context: {cluster: local, user: $SA_NAME, namespace: $SA_NAMESPACE}
current-context: $SA_NAME
KC
}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# start_scheduler DIR KUBECONFIG LOG ARGS...: starts `node dist/main.js run` from DIR, sets
# SCHEDULER_PID and SCHEDULER_PORT, and waits (60 s at most) until /readyz answers 200.
start_scheduler() {
  local dir=$1 kc=$2 log=$3 deadline; shift 3
  SCHEDULER_PORT=$(free_port)
  (cd "$dir" && exec env KUBECONFIG="$kc" NODE_ENV=production node dist/main.js run \
    --http-port "$SCHEDULER_PORT" --log-format text "$@" >"$log" 2>&1 </dev/null) &
  SCHEDULER_PID=$!
  echo "scheduler started (pid $SCHEDULER_PID, http://127.0.0.1:$SCHEDULER_PORT, log $log)"
  deadline=$(( $(date +%s) + 60 ))
  until curl -fsS "http://127.0.0.1:$SCHEDULER_PORT/readyz" >/dev/null 2>&1; do
    if ! kill -0 "$SCHEDULER_PID" 2>/dev/null; then
      SCHEDULER_PID=; tail -n 30 "$log" >&2; die "the scheduler exited during start-up"
    fi
    (( $(date +%s) < deadline )) || { tail -n 30 "$log" >&2; die "the scheduler was not ready within 60s"; }
    sleep 0.5
  done
  echo "scheduler is ready (/readyz 200)"
}

# stop_scheduler: SIGTERM, then SIGKILL if it has not exited within 20 s.
stop_scheduler() {
  local pid=$SCHEDULER_PID deadline
  [[ -n "$pid" ]] || return 0
  SCHEDULER_PID=
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$(( $(date +%s) + 20 ))
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(date +%s) >= deadline )); then echo "the scheduler ignored SIGTERM; killing it" >&2; kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.2
  done
  wait "$pid" 2>/dev/null || true
  echo "scheduler stopped"
}

# create_fake_nodes PREFIX COUNT CPU LABEL=VALUE...: kwok nodes PREFIX-0.., waits until Ready.
create_fake_nodes() {
  local prefix=$1 count=$2 cpu=$3 i names=() labels="" label; shift 3
  for label in "$@"; do labels+=", ${label%%=*}: \"${label#*=}\""; done
  for i in $(seq 0 $((count - 1))); do
    names+=("node/$prefix-$i")
    admin create -f - >/dev/null <<NODE || die "cannot create node $prefix-$i"
apiVersion: v1
kind: Node
metadata:
  name: $prefix-$i
  annotations: {kwok.x-k8s.io/node: fake}
  labels: {kubernetes.io/hostname: $prefix-$i, kubernetes.io/os: linux$labels}
status:
  capacity: {cpu: "$cpu", memory: 16Gi, pods: "110"}
  allocatable: {cpu: "$cpu", memory: 16Gi, pods: "110"}
NODE
  done
  admin wait --for=condition=Ready --timeout=60s "${names[@]}" >/dev/null || die "kwok did not make nodes $prefix-* Ready within 60s"
}

# cluster_down: scripts/cluster/down.sh, once more if a process exited while it stopped it.
cluster_down() {
  "$root/scripts/cluster/down.sh" >/dev/null 2>&1 || "$root/scripts/cluster/down.sh" >/dev/null || echo "warning: cluster-down failed" >&2
}

# forbidden_calls LOG: prints the scheduler's log lines about refused permissions.
# A 403 in the text of a line, not the milliseconds of its timestamp (`15:49:16.403 info ...`).
forbidden_calls() { grep -Ei 'forbidden|status=403|(^|[^.0-9])403\b' "$1" || true; }

#!/usr/bin/env bash
# Starts the local control plane on 127.0.0.1: etcd, kube-apiserver, kube-controller-manager
# and kwok with $NODES fake nodes. Running it again while the cluster is up changes nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t0=$(date +%s)
pki="$cluster/pki"
kubeconfig="$cluster/kubeconfig"

die() { echo "cluster-up: $*" >&2; exit 1; }
fail() { # NAME REASON
  echo "cluster-up: $1 $2; its log is $logs/$1.log:" >&2
  tail -n 20 "$logs/$1.log" >&2 || true
  exit 1
}

"$here/build.sh"
mkdir -p "$run" "$logs" "$pki"
exec 9>"$cluster/lock"
flock -n 9 || die "another cluster-up or cluster-down is running"

# A component started again (it crashed, or a fault test killed it) gets the feature gates the
# cluster was started with, whatever this call's environment says.
for name in etcd kube-apiserver kube-controller-manager kwok; do
  if pid_of "$name" >/dev/null && [[ -f "$cluster/generic-workload" ]]; then
    GENERIC_WORKLOAD="$(cat "$cluster/generic-workload")"
    break
  fi
done
echo "$GENERIC_WORKLOAD" >"$cluster/generic-workload"

# --- certificates and keys (openssl, kept in the data dir) ---
cert() { # NAME SUBJECT EXTENSIONS
  [[ -f "$pki/$1.crt" ]] && return
  openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "$2" 2>/dev/null
  openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 365 -out "$pki/$1.crt" -extfile <(printf '%b' "$3") 2>/dev/null
}
if [[ ! -f "$pki/ca.crt" ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout "$pki/ca.key" -out "$pki/ca.crt" \
    -subj "/CN=custom-scheduler-local-ca" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
fi
client="keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth"
cert apiserver "/CN=kube-apiserver" "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
cert admin "/O=system:masters/CN=kubernetes-admin" "$client"
cert controller-manager "/CN=system:kube-controller-manager" "$client"
cert scheduler "/CN=system:kube-scheduler" "$client"
cert kwok "/O=system:masters/CN=kwok-controller" "$client"
[[ -f "$pki/sa.key" ]] || { openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null; openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null; }

write_kubeconfig() { # FILE CERT-NAME
  cat >"$1" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 "$pki/$2.crt")
    client-key-data: $(base64 -w0 "$pki/$2.key")
contexts:
- name: local
  context: {cluster: local, user: $2}
current-context: local
KUBECONFIG
}
write_kubeconfig "$kubeconfig" admin
for c in controller-manager scheduler kwok; do write_kubeconfig "$cluster/$c.kubeconfig" "$c"; done

# --- processes ---
apiserver_gates=() controller_gates=()
case "$GENERIC_WORKLOAD" in
  true)
    # TopologyAwareWorkloadScheduling: without it the API server drops a PodGroup's schedulingConstraints.
    apiserver_gates=(--feature-gates GenericWorkload=true,TopologyAwareWorkloadScheduling=true --runtime-config scheduling.k8s.io/v1beta1=true)
    controller_gates=(--feature-gates GenericWorkload=true,TopologyAwareWorkloadScheduling=true) ;;
  false) ;;
  *) die "GENERIC_WORKLOAD must be true or false, not '$GENERIC_WORKLOAD'" ;;
esac
start() { # NAME PORT ARGS...
  local name=$1 port=$2 pid owner; shift 2
  if pid="$(pid_of "$name")"; then echo "$name is already running (pid $pid)"; return; fi
  owner="$(port_owner "$port")"
  [[ -z "$owner" ]] || die "cannot start $name: port $port is taken ($owner); run 'make cluster-down' or free it"
  echo "starting $name on 127.0.0.1:$port (log: $logs/$name.log)"
  setsid "$bin/$name" "$@" >>"$logs/$name.log" 2>&1 </dev/null 9>&- &  # 9>&-: not holding our lock
  echo $! >"$run/$name.pid"
}
wait_ready() { # NAME TIMEOUT-SECONDS CHECK-COMMAND...
  local name=$1 timeout=$2 deadline=$(( $(date +%s) + $2 )); shift 2
  until "$@" >/dev/null 2>&1; do
    pid_of "$name" >/dev/null || fail "$name" "exited during start-up"
    (( $(date +%s) < deadline )) || fail "$name" "was not ready within ${timeout}s"
    sleep 0.5
  done
}
admin_curl() { curl -fsS --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$@"; }

start etcd "$ETCD_CLIENT_PORT" --name local --data-dir "$cluster/etcd" --unsafe-no-fsync \
  --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "local=http://127.0.0.1:$ETCD_PEER_PORT"
wait_ready etcd 30 curl -fsS "http://127.0.0.1:$ETCD_CLIENT_PORT/health"

start kube-apiserver "$APISERVER_PORT" --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
  --authorization-mode Node,RBAC --service-cluster-ip-range 10.96.0.0/16 --endpoint-reconciler-type none \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" --profiling=false \
  "${apiserver_gates[@]}"
wait_ready kube-apiserver 90 admin_curl "https://127.0.0.1:$APISERVER_PORT/readyz"

# --enable-hostpath-provisioner: a provisioner (kubernetes.io/host-path) that needs no cloud and no
# driver, so dynamic provisioning of first-consumer claims can be tried here (kwok mounts nothing:
# the volume only has to exist as an API object).
start kube-controller-manager "$CONTROLLER_MANAGER_PORT" --kubeconfig "$cluster/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$cluster/controller-manager.kubeconfig" --authorization-kubeconfig "$cluster/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$CONTROLLER_MANAGER_PORT" --cert-dir "$cluster/controller-manager-certs" \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" --use-service-account-credentials \
  --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
  --service-cluster-ip-range 10.96.0.0/16 --leader-elect=false --profiling=false \
  --enable-hostpath-provisioner "${controller_gates[@]}"
wait_ready kube-controller-manager 60 curl -fsSk "https://127.0.0.1:$CONTROLLER_MANAGER_PORT/healthz"

# kwok's own stages from its pinned module (nodes become Ready and keep their lease, pods become
# Running or complete), plus our pod deletion stage that honours the grace period.
kwok_src="$(cd "$here/tools/kwok" && GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" go mod download -json sigs.k8s.io/kwok | sed -n 's/.*"Dir": "\(.*\)",/\1/p')"
for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
    pod/fast/pod-ready pod/fast/pod-complete; do
  cat "$kwok_src/kustomize/stage/$stage.yaml"; echo "---"
done >"$cluster/kwok.yaml"
cat "$here/kwok-pod-delete.yaml" >>"$cluster/kwok.yaml"
cat >>"$cluster/kwok.yaml" <<EOF
---
# How many pods and nodes kwok moves through its stages at once (its default is 4): with 4 a large
# cluster's pods became Running at 60-100 a second here, and the race's largest scale point spent
# most of its setup waiting for kwok. A configuration file gets none of kwok's defaults, so the
# other options are its defaults written out.
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  podPlayStageParallelism: $KWOK_PARALLELISM
  nodePlayStageParallelism: $KWOK_PARALLELISM
  nodeLeaseParallelism: 4
  podsOnNodeSyncParallelism: 1
  enablePodsOnNodeSyncListPager: true
  enablePodsOnNodeSyncStreamWatch: false
  enableDebuggingHandlers: true
  enableProfilingHandler: true
  enableContentionProfiling: false
EOF
start kwok "$KWOK_PORT" --kubeconfig "$cluster/kwok.kubeconfig" --config "$cluster/kwok.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector "$KWOK_NODE_ANNOTATION_KEY=$KWOK_NODE_ANNOTATION_VALUE" \
  --server-address "127.0.0.1:$KWOK_PORT" --node-ip 127.0.0.1 --cidr 10.0.0.0/16 --node-lease-duration-seconds 40
wait_ready kwok 30 curl -fsS "http://127.0.0.1:$KWOK_PORT/healthz"

# --- fake nodes ---
export KUBECONFIG="$kubeconfig"
kubectl() { "$bin/kubectl" "$@"; }
yaml_map() { # "k=v,k2=v2" -> YAML lines with the given indent
  local IFS=,; for kv in $1; do printf '%s%s: "%s"\n' "$2" "${kv%%=*}" "${kv#*=}"; done
}
taints_yaml() { # "k=v:Effect,k2:Effect"
  local IFS=, t key value
  for t in $1; do
    key="${t%%:*}"; value=""; [[ "$key" == *=* ]] && { value="${key#*=}"; key="${key%%=*}"; }
    printf '  - {key: "%s", value: "%s", effect: "%s"}\n' "$key" "$value" "${t##*:}"
  done
}
nodes=()
for i in $(seq 0 $((NODES - 1))); do
  name="kwok-node-$i"; nodes+=("node/$name")
  kubectl get node "$name" >/dev/null 2>&1 && continue
  kubectl create -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    $KWOK_NODE_ANNOTATION_KEY: $KWOK_NODE_ANNOTATION_VALUE
  labels:
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
$(yaml_map "$NODE_LABELS" "    ")
spec:
  taints:
$(taints_yaml "$NODE_TAINTS")
status:
  capacity: {cpu: "$NODE_CPU", memory: "$NODE_MEMORY", pods: "$NODE_PODS"}
  allocatable: {cpu: "$NODE_CPU", memory: "$NODE_MEMORY", pods: "$NODE_PODS"}
NODE
  echo "created node $name (cpu $NODE_CPU, memory $NODE_MEMORY, pods $NODE_PODS)"
done
if (( NODES > 0 )); then
  kubectl wait --for=condition=Ready --timeout=60s "${nodes[@]}" >/dev/null || fail kwok "did not make the nodes Ready"
fi
deadline=$(( $(date +%s) + 60 ))
until kubectl get serviceaccount default -n default >/dev/null 2>&1; do
  (( $(date +%s) < deadline )) || fail kube-controller-manager "did not create the default service account"
  sleep 0.5
done

cat <<DONE
Local control plane is up in $(( $(date +%s) - t0 ))s: Kubernetes $KUBERNETES_VERSION, $NODES kwok node(s), API https://127.0.0.1:$APISERVER_PORT
  export KUBECONFIG=$kubeconfig
  $bin/kubectl get nodes
Logs: $logs/   Stop and delete it: make cluster-down
DONE

#!/usr/bin/env bash
# Regenerates the Go modules under scripts/cluster/tools/ from versions.env.
# Run it after changing a pin, then commit tools/*/go.mod and go.sum.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.env"
export GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"

new_module() { # dir name
  rm -rf "$1" && mkdir -p "$1" && cd "$1"
  go mod init "custom-scheduler/cluster-tools/$2" >/dev/null 2>&1
  go mod edit -go=1.26.0
}

# Kubernetes: k8s.io/kubernetes replaces its staging modules with local paths, so we
# replace each of them with the published k8s.io/<name> v0.<minor>.<patch>.
new_module "$here/tools/kubernetes" kubernetes
k8s_mod="$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')"
staging_version="v0.${KUBERNETES_VERSION#v1.}"
sed -n 's#^\s*\(k8s.io/[^ ]*\) => ./staging/.*#\1#p' "$k8s_mod" | while read -r m; do
  go mod edit -replace "$m=$m@$staging_version"
done
go mod edit -require "k8s.io/kubernetes@$KUBERNETES_VERSION"
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  go get -tool "k8s.io/kubernetes/cmd/$cmd@$KUBERNETES_VERSION"
done
go mod tidy

new_module "$here/tools/kwok" kwok
go get -tool "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
go mod tidy

new_module "$here/tools/etcd" etcd
go get -tool "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
go mod tidy
echo "pinned: kubernetes $KUBERNETES_VERSION, kwok $KWOK_VERSION, etcd $ETCD_VERSION"

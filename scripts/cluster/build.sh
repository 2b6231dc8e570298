#!/usr/bin/env bash
# Builds the control-plane binaries pinned in versions.env into .local/bin/.
# Does nothing when the pins (versions.env, tools/*/go.mod, go.sum, this script) are unchanged.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/versions.env"
bin="$root/.local/bin"
logs="$root/.local/build-logs"
stamp="$bin/.pins.sha256"
export GOFLAGS=-mod=readonly GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"

pins="$(cat "$here/versions.env" "$here"/tools/*/go.mod "$here"/tools/*/go.sum "$0" | sha256sum | cut -d' ' -f1)"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)
all_present() { for b in "${binaries[@]}"; do [[ -x "$bin/$b" ]] || return 1; done; }
if [[ -f "$stamp" && "$(cat "$stamp")" == "$pins" ]] && all_present; then
  echo "control-plane binaries are up to date in .local/bin"
  exit 0
fi

command -v go >/dev/null || { echo "build.sh: Go is required (https://go.dev/dl/), go 1.26+" >&2; exit 1; }
for tool in kubernetes kwok etcd; do
  grep -q "$(case $tool in kubernetes) echo "k8s.io/kubernetes $KUBERNETES_VERSION";;
    kwok) echo "sigs.k8s.io/kwok $KWOK_VERSION";; etcd) echo "go.etcd.io/etcd/server/v3 $ETCD_VERSION";; esac)" \
    "$here/tools/$tool/go.mod" || { echo "build.sh: tools/$tool/go.mod does not match versions.env; run scripts/cluster/pin.sh" >&2; exit 1; }
done

mkdir -p "$bin" "$logs"
rm -f "$stamp"
started=$(date +%s)
elapsed() { local s=$(( $(date +%s) - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# build NAME MODULE-DIR PACKAGE LDFLAGS
build() {
  local name=$1 dir=$2 pkg=$3 ldflags=$4 t0 ticker
  t0=$(date +%s)
  echo "building $name ($pkg) ..."
  ( while sleep 30; do echo "  ... still building $name: $(elapsed "$t0") (total $(elapsed "$started"))"; done ) &
  ticker=$!
  if ! (cd "$here/tools/$dir" && nice -n 10 go build -o "$bin/$name.new" -ldflags "$ldflags" "$pkg") >"$logs/$name.log" 2>&1; then
    kill "$ticker"
    echo "build.sh: building $name failed; see $logs/$name.log:" >&2
    tail -20 "$logs/$name.log" >&2
    exit 1
  fi
  kill "$ticker"
  mv "$bin/$name.new" "$bin/$name"
  echo "built $name in $(elapsed "$t0")"
}

echo "building the local control plane into .local/bin (a cold build takes many minutes on 2 cores)"
minor="${KUBERNETES_VERSION#v1.}"; minor="${minor%%.*}"
kube_ldflags=""
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  kube_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
build etcd etcd go.etcd.io/etcd/server/v3 "-X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION"
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  build "$cmd" kubernetes "k8s.io/kubernetes/cmd/$cmd" "$kube_ldflags"
done
build kwok kwok sigs.k8s.io/kwok/cmd/kwok "-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBERNETES_VERSION#v}"

echo "$pins" >"$stamp"
echo "control-plane binaries built in $(elapsed "$started"): ${binaries[*]}"

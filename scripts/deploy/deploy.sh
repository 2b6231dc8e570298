#!/usr/bin/env bash
# `make deploy-scheduler`: builds the image, loads it into minikube, installs k8s/ with
# `kubectl apply -k k8s` and waits for the rollout. With a Docker engine the image is built
# locally and loaded (`minikube image load`); without one, minikube builds it itself.
# IMAGE (default custom-scheduler:dev) must match the image in k8s/kustomization.yaml.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
IMAGE=${IMAGE:-custom-scheduler:dev}
die() { echo "deploy-scheduler: $*" >&2; exit 1; }

command -v minikube >/dev/null || die "minikube is not installed (https://minikube.sigs.k8s.io); for other clusters see README 'Install on any cluster'"
command -v kubectl >/dev/null || die "kubectl is not installed"
[[ "$(kubectl config current-context 2>/dev/null)" == minikube* ]] ||
  die "the current kubectl context is '$(kubectl config current-context 2>/dev/null)', not minikube (make start-minikube)"

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  echo "building $IMAGE with docker"
  docker build -t "$IMAGE" "$root"
  echo "loading $IMAGE into minikube"
  minikube image load --overwrite=true "$IMAGE"
else
  echo "no Docker engine: building $IMAGE inside minikube"
  minikube image build -t "$IMAGE" "$root"
fi

kubectl apply -k "$root/k8s"
# The tag stays the same between builds: restart so the new image is used.
kubectl -n custom-scheduler rollout restart deployment/custom-scheduler
kubectl -n custom-scheduler rollout status deployment/custom-scheduler --timeout=180s ||
  { kubectl -n custom-scheduler describe pods -l app.kubernetes.io/name=custom-scheduler >&2; die "the rollout did not finish within 180s"; }
echo "custom-scheduler is running: make scheduler-logs"

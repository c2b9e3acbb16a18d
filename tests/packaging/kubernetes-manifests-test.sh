#!/usr/bin/env bash
# The Kubernetes example: its agent config must be one the agent accepts (keys at the path the
# Secret is mounted on, here replaced by a generated key set), and the manifests must agree with
# it: every kustomize resource exists, container ports are the ones the config listens on, and
# the probes name the agent's health routes.
#
#   kubernetes-manifests-test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
DIR=$1/installers/kubernetes
BUILD=$2
WORK=$(mktemp -d -t rampart-k8s-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$WORK/keys"
"$BUILD/app/rampartctl" keys generate --alg ES256 --kid k8s-test --private-key "$WORK/signing.pem" \
    --jwks "$WORK/keys/jwks.json" >/dev/null
sed "s|/etc/rampart/keys/|$WORK/keys/|" "$DIR/agent.yaml" > "$WORK/agent.yaml"
"$BUILD/app/rampart-agent" --config "$WORK/agent.yaml" --check-config \
    || fail "installers/kubernetes/agent.yaml does not pass --check-config"

for resource in $(sed -n '/^resources:/,/^[a-zA-Z]/s/^  - //p' "$DIR/kustomization.yaml"); do
    [[ -f "$DIR/$resource" ]] || fail "kustomization lists $resource, which does not exist"
done
for port in $(grep -oE '0\.0\.0\.0:[0-9]+' "$DIR/agent.yaml" | cut -d: -f2); do
    grep -q "containerPort: $port}" "$DIR/deployment.yaml" || fail "the config listens on $port; the pod does not expose it"
    grep -q "port: $port," "$DIR/service.yaml" || fail "the Service does not carry port $port"
done
# Trusted proxies may set the client's address: a /8 (a whole pod network) lets every pod do it.
for cidr in $(sed -n 's/^ *trusted_proxies: *\[\(.*\)\].*/\1/p' "$DIR/agent.yaml" | tr ',' ' '); do
    [[ $cidr == */* ]] || continue  # one address
    bits=${cidr##*/}
    if [[ $cidr == *.* && $bits -lt 24 ]] || [[ $cidr == *:* && $bits -lt 64 ]]; then
        fail "trusted_proxies holds $cidr: any pod in it could choose its own client address"
    fi
done
grep -q "path: /readyz, port: http" "$DIR/deployment.yaml" || fail "no readiness probe on /readyz"
grep -q "path: /healthz, port: http" "$DIR/deployment.yaml" || fail "no liveness probe on /healthz"
grep -q "deployment: rampart-agent" "$DIR/agent.yaml" || fail "scaling names another deployment"
grep -q "resourceNames: \[rampart-agent\]" "$DIR/rbac.yaml" || fail "RBAC is not limited to the agent's deployment"
echo ok

#!/usr/bin/env bash
# Makes a throwaway certificate authority for the control plane's mutual TLS, a certificate for
# the node (valid for localhost and 127.0.0.1) and client certificates for an operator and a
# viewer, with the openssl command line. For demos and tests only: keys are written unencrypted
# and the CA's key sits next to them. Never commit them; use your own PKI in production.
#
#   scripts/make-dev-certs.sh DIR [DAYS]
# Writes DIR/ca.crt, DIR/ca.key, DIR/node.{crt,key}, DIR/operator.{crt,key}, DIR/viewer.{crt,key}
set -euo pipefail

DIR=${1:?usage: make-dev-certs.sh DIR [DAYS]}
DAYS=${2:-7}
mkdir -p "$DIR"
cd "$DIR"
umask 077

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$DAYS" \
    -subj "/CN=Rampart development CA" -keyout ca.key -out ca.crt \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null

issue() {  # name extensions
    local name=$1 ext=$2
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
        -keyout "$name.key" -out "$name.csr" 2>/dev/null
    openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$DAYS" \
        -extfile <(printf '%s\n' "$ext") -out "$name.crt" 2>/dev/null
    rm -f "$name.csr"
}

issue node "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
for client in operator viewer; do
    issue "$client" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectAltName=DNS:$client"
done
rm -f ca.srl
chmod 600 ./*.key
echo "certificates in $DIR: ca.crt node.crt operator.crt viewer.crt (and their keys)"

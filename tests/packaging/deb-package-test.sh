#!/usr/bin/env bash
# Builds the agent's .deb from this build directory and checks what an operator would get: the programs,
# the systemd unit (verified by systemd-analyze when the machine has it), the config as a
# conffile, the service user made by postinst, and library dependencies read from the binaries.
#
#   deb-package-test.sh BUILD_DIR
set -euo pipefail
BUILD=$1
WORK=$(mktemp -d -t rampart-deb-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$BUILD" && cpack -G DEB -B "$WORK/out" >"$WORK/cpack.log" 2>&1) || { cat "$WORK/cpack.log"; fail "cpack"; }
DEB=$(ls "$WORK"/out/rampart-agent_*.deb 2>/dev/null | head -1)
[[ -n "$DEB" ]] || { cat "$WORK/cpack.log"; fail "no rampart-agent_*.deb"; }
echo "built $(basename "$DEB")"

dpkg-deb -c "$DEB" > "$WORK/contents"
for path in ./usr/bin/rampart-agent ./usr/bin/rampartctl ./usr/bin/rampart-load \
    ./usr/lib/systemd/system/rampart-agent.service ./etc/rampart/agent.yaml \
    ./usr/share/doc/rampart-agent/examples/rampart-auth.conf; do
    grep -q " $path\$" "$WORK/contents" || fail "$path missing from the package"
done

dpkg-deb -e "$DEB" "$WORK/control"
grep -qx /etc/rampart/agent.yaml "$WORK/control/conffiles" || fail "agent.yaml is not a conffile"
grep -q "adduser --system" "$WORK/control/postinst" || fail "postinst does not make the service user"
depends=$(dpkg-deb -f "$DEB" Depends)
for lib in libgrpc libssl libhiredis adduser; do
    [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
[[ "$depends" != *libqt6* ]] || fail "the agent's package must not pull in Qt: $depends"
grep -q " ./usr/bin/rampart-console\$" "$WORK/contents" && fail "the console belongs in its own package"

# The shipped config must be one the agent accepts.
dpkg-deb -x "$DEB" "$WORK/root"
"$WORK/root/usr/bin/rampartctl" keys generate --alg ES256 --kid deb-test \
    --private-key "$WORK/signing.pem" --jwks "$WORK/root/etc/rampart/jwks.json" >/dev/null
"$WORK/root/usr/bin/rampart-agent" --config "$WORK/root/etc/rampart/agent.yaml" --check-config \
    || fail "the shipped agent.yaml does not pass --check-config"

if command -v systemd-analyze >/dev/null; then
    # Verified against this machine's systemd, with the program paths pointed at the package's
    # files (nothing is installed here).
    mkdir -p "$WORK/unit"
    sed "s|/usr/bin/rampart-agent|$WORK/root/usr/bin/rampart-agent|g" \
        "$WORK/root/usr/lib/systemd/system/rampart-agent.service" > "$WORK/unit/rampart-agent.service"
    systemd-analyze verify "$WORK/unit/rampart-agent.service" 2>"$WORK/verify.log" || true
    # Only the unit's own lines count (the host's units may have warnings of their own).
    if grep -q "rampart-agent.service" "$WORK/verify.log"; then
        cat "$WORK/verify.log"
        fail "systemd-analyze verify found problems in the unit"
    fi
    echo "systemd-analyze verify: the unit is clean"
else
    echo "no systemd-analyze on this machine: the unit's syntax was not verified"
fi
echo "ok"

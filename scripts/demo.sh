#!/usr/bin/env bash
# Builds the release variant and runs the agent demo against it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/scripts/install-deps.sh" --console </dev/null
"$root/scripts/build.sh" release
exec "$root/scripts/demo-fleet.sh" "$root/build/release"

#!/usr/bin/env bash
# Debian packages the test suite drives for real: Open MPI (the launcher tests) and
# ngspice (a real third-party simulator, examples/ngspice). Needs
# root and apt; installs only what is missing, after refreshing the package lists.
set -euo pipefail
wanted=(openmpi-bin libopenmpi-dev ngspice)
missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
for i in 1 2 3; do apt-get -o DPkg::Lock::Timeout=300 update -qq </dev/null && break; sleep 5; done
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "${missing[@]}" </dev/null

#!/usr/bin/env bash
# Runs a test command in a network namespace of its own with only loopback up, so nothing a test
# starts can reach a real network: Shoal's defaults turn on the DHT (public routers), LSD and port
# forwarding (multicast, the gateway), and a test that forgets to turn one off must fail closed, not
# send traffic out. Tests that need more (LSD, miniupnpd) make their own namespaces inside this one.
set -euo pipefail
if [ "${SHOAL_OFFLINE:-}" = "1" ]; then exec "$@"; fi
if unshare --net true 2>/dev/null; then
  exec unshare --net -- bash -c 'ip link set lo up && SHOAL_OFFLINE=1 exec "$@"' offline "$@"
fi
echo "offline.sh: cannot make a network namespace here (needs root); running on the host's network" >&2
exec "$@"

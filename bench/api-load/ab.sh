#!/usr/bin/env bash
# A/B of two console builds (or one build under two environments) against aws-ses-v2-local, in one window:
# both consoles run at once on their own ports and data directories, both are warmed up, then N rounds of
# DURATION-second load.mjs runs alternate A, B and the peer (order reversed every other round). Prints each round and
# the median of the per-round ratios; on this shared box one round's ratio swings far more than a median of eight does.
#   A_BIN / B_BIN   a build's bin/Release/net10.0 (default: this checkout's)
#   A_ENV / B_ENV   extra environment for that console, e.g. B_ENV="DOTNET_TieredPGO=0"
#   N (8) rounds, DURATION (5) seconds per run, PROTOCOL (v2 | v1), TO (success@simulator.amazonses.com), CONCURRENCY (16)
# Needs: npm ci here, a Release build, sqlite3 not needed. docs/send-performance.md#where-a-request-waits used it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
default_bin="$repo/src/Console.Web/bin/Release/net10.0"
work=${WORK_DIR:-/tmp/sesconsole-ab}
N=${N:-8}
export DURATION=${DURATION:-5} TO=${TO:-success@simulator.amazonses.com}
rm -rf "$work" && mkdir -p "$work"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

start_console() { # name port bin env...
  local name=$1 port=$2 bin=$3; shift 3
  mkdir -p "$work/$name"
  (cd "$bin" && exec env ASPNETCORE_ENVIRONMENT=Production "$@" dotnet "$bin/Console.Web.dll" --urls "http://127.0.0.1:$port" \
    --data-dir "$work/$name" --provision "$here/provision.jsonc" --Mail:PickupDirectory=pickup >"$work/$name.log" 2>&1) &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 180); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 1; done
  CONSOLE_URL="http://127.0.0.1:$port" PICKUP_DIR="$work/$name/pickup" node "$here/setup.mjs" >/dev/null
  echo "$pid" >"$work/$name.pid" # the dotnet process itself (exec), for its CPU and the cleanup
}

# shellcheck disable=SC2086
start_console a 5390 "${A_BIN:-$default_bin}" ${A_ENV:-}
# shellcheck disable=SC2086
start_console b 5392 "${B_BIN:-$default_bin}" ${B_ENV:-}
(cd "$work" && exec node "$here/node_modules/aws-ses-v2-local/dist/cli.js" --port 5391 >"$work/peer.log" 2>&1) &
pids+=($!)
echo "$!" >"$work/p.pid"
sleep 2

run() { # port pidfile warmup -> "accepted/s p50 p99 cpu-ms-per-message"
  TARGET_URL="http://127.0.0.1:$1" SERVER_PID=$(cat "$2") WARMUP=$3 node "$here/load.mjs" 2>/dev/null | tr -d '\n ' |
    grep -oE '"(acceptedPerSecond|p50ms|p99ms|serverCpuMsPerAccepted)":[0-9.]+' | cut -d: -f2 | tr '\n' ' '
}
DURATION=15 run 5390 "$work/a.pid" 0 >/dev/null
DURATION=15 run 5392 "$work/b.pid" 0 >/dev/null
for i in $(seq 1 "$N"); do
  if ((i % 2)); then order="a b p"; else order="p b a"; fi
  declare -A r
  for w in $order; do
    case $w in a) r[a]=$(run 5390 "$work/a.pid" 1) ;; b) r[b]=$(run 5392 "$work/b.pid" 1) ;; p) r[p]=$(run 5391 "$work/p.pid" 1) ;; esac
  done
  echo "$i A[${r[a]}] B[${r[b]}] P[${r[p]}]"
done | python3 -c '
import re, statistics as st, sys
rows = []
for line in sys.stdin:
    print(line.rstrip(), flush=True)
    rows.append([list(map(float, x.split())) for x in re.findall(r"\[([^\]]*)\]", line)])
med = lambda f: st.median(f(r) for r in rows)
print("accepted/s  median A/peer %.3f  B/peer %.3f  B/A %.3f" % (med(lambda r: r[0][0] / r[2][0]), med(lambda r: r[1][0] / r[2][0]), med(lambda r: r[1][0] / r[0][0])))
print("median CPU ms/message A %.3f B %.3f peer %.3f; median p99 ms A %.1f B %.1f peer %.1f" % tuple(med(lambda r, i=i, k=k: r[i][k]) for k in (3, 2) for i in (0, 1, 2)))
'

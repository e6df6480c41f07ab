#!/usr/bin/env bash
# What the loopback wire shows while load.mjs runs against one server: for every keep-alive connection, how long the
# server took (request's first byte out of the client → response's first byte out of the server) and how long the
# client took to send its next request on that connection; and how the responses bunch (a "burst" is responses less
# than 0.15 ms apart). A group-committing server answers a batch at once; a server that answers each request as it
# comes spreads them out. docs/send-performance.md#the-convoy has what it showed.
#   TARGET_URL (http://127.0.0.1:5390), SERVER_PID (optional, for load.mjs's CPU figure), DURATION (6) seconds of load,
#   CAPTURE (2) seconds of capture starting WARMUP + 2 s in; the rest as for load.mjs (PROTOCOL, TO, CONCURRENCY, …).
# Needs tcpdump (apt-get install -y tcpdump), root (to capture on lo), python3, and npm ci here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export TARGET_URL=${TARGET_URL:-http://127.0.0.1:5390} DURATION=${DURATION:-6} WARMUP=${WARMUP:-1}
port=${TARGET_URL##*:}
port=${port%%/*}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node "$here/load.mjs" >"$out/load.json" 2>/dev/null &
load=$!
sleep $((WARMUP + 2))
timeout "${CAPTURE:-2}" tcpdump -i lo -tt -n -s 96 "tcp port $port" -w "$out/wire.pcap" 2>/dev/null || true
wait "$load"
tcpdump -tt -n -r "$out/wire.pcap" 2>/dev/null >"$out/wire.txt"
python3 - "$out/wire.txt" "$port" "$out/load.json" <<'EOF'
import json, re, statistics as st, sys
path, port, load = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
events = []  # (time, 'req' | 'resp', client port), payload-carrying segments only
for line in open(path):
    m = re.match(r'(\d+\.\d+) IP [\d.]+\.(\d+) > [\d.]+\.(\d+): .* length (\d+)', line)
    if m and int(m[4]) > 0:
        events.append((float(m[1]), 'req' if m[3] == port else 'resp', m[2] if m[3] == port else m[3]))
state, server, client = {}, [], []
for t, kind, conn in events:
    last = state.get(conn)
    if kind == 'req' and (last is None or last[0] == 'resp'):
        if last: client.append(t - last[1])
        state[conn] = ('req', t)
    elif kind == 'resp' and last and last[0] == 'req':
        server.append(t - last[1])
        state[conn] = ('resp', t)
def show(xs):
    xs = sorted(x * 1e3 for x in xs)
    return f"n {len(xs)}, mean {st.mean(xs):.2f}, p50 {xs[len(xs) // 2]:.2f}, p90 {xs[int(len(xs) * .9)]:.2f} ms"
responses = [t for t, kind, _ in events if kind == 'resp']
bursts, size = [], 1
for a, b in zip(responses, responses[1:]):
    if b - a < 0.00015: size += 1
    else: bursts.append(size); size = 1
bursts.append(size)
print(f"{load['target']}: {load['acceptedPerSecond']}/s, p99 {load['p99ms']} ms, client CPU {load['clientCpuPercentOfOneCore']} % of a core"
      + (f", server CPU {load['serverCpuMsPerAccepted']} ms/message" if 'serverCpuMsPerAccepted' in load else ''))
print(f"  server turnaround (request out → response out): {show(server)}")
print(f"  client turnaround (response out → next request): {show(client)}")
print(f"  responses per burst: mean {st.mean(bursts):.2f}; " + ", ".join(f"{k}×{bursts.count(k)}" for k in sorted(set(bursts))))
EOF

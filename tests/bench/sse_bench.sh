#!/usr/bin/env bash
# `make bench`, HTTP engine part: a real `pitchreel serve` on loopback holding many idle
# event streams and slow clients.
#   1. N idle event streams (GET /api/v1/jobs/{id}/events on a job that stays running:
#      its Hallo3 server is a socket that never answers), opened from 40 loopback source
#      addresses so that the default per-address cap (256) holds;
#   2. /healthz latency (p50, p99 of one request every 10 ms for 20 s on one keep-alive
#      connection from another address) while the streams are held, then also while 1,000
#      clients trickle their headers;
#   3. the server's RSS before and after, per idle stream.
# Needs ../shared/testdata/portraits (a face for the Hallo3 job). STREAMS=10000 by default.
set -euo pipefail
build=${1:-build}
bin="$build/pitchreel"
streams=${STREAMS:-10000}
slow=${SLOW_CLIENTS:-1000}
here=$(cd "$(dirname "$0")" && pwd)
portrait="$here/../../../shared/testdata/portraits/rendered-3d.jpg"
if [ ! -f "$portrait" ]; then
  echo "sse_bench: $portrait is absent; skipping"
  exit 0
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" -lt $((streams + slow + 1000)) ]; then
  echo "sse_bench: the open-file limit ($(ulimit -n)) is below $((streams + slow + 1000)); set STREAMS lower"
  exit 1
fi
work=$(mktemp -d /tmp/pitchreel-sse-bench.XXXXXX)
server_pid=""; hole_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$hole_pid" ] && kill "$hole_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A "GPU server" that accepts nothing: the job waits on it and stays running.
hole_port=$(free_port)
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $hole_port)); s.listen(64)
time.sleep(100000)" &
hole_pid=$!

port=$(free_port)
PITCHREEL_LOG_LEVEL=warn PITCHREEL_ENGINE=hallo3 HALLO3_URL="http://127.0.0.1:$hole_port" HALLO3_TIMEOUT_S=3600 \
  HALLO3_IMAGE_PX=256 "$bin" serve --listen "127.0.0.1:$port" --data-dir "$work/data" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
key=$(grep -o 'prk_[A-Za-z0-9]*' "$work/serve.out" | head -1)
base="http://127.0.0.1:$port"
id=$(curl -s -X POST -H "Authorization: Bearer $key" -F image=@"$portrait" -F "script=Hello there." \
  -F height=720 "$base/api/v1/jobs" | jq -r .id)
for _ in $(seq 600); do
  [ "$(curl -s -H "Authorization: Bearer $key" "$base/api/v1/jobs/$id" | jq -r .status)" = running ] && break
  sleep 0.1
done

python3 - "$port" "$key" "$id" "$server_pid" "$streams" "$slow" <<'PY'
import os, selectors, socket, sys, time

port, key, job, pid, streams, slow = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
port = int(port)

def rss_kb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

def threads():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("Threads:"):
            return int(line.split()[1])

def cpu_seconds():
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

def listen_overflows():
    # Machine-wide (every process's listening sockets): handshakes dropped because an
    # accept queue was full. Our server's share should be none.
    lines = open("/proc/net/netstat").read().splitlines()
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            return int(dict(zip(names.split()[1:], values.split()[1:]))["ListenOverflows"])
    return 0

def connect(source):
    s = socket.socket()
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s

def healthz_latencies(seconds=20):
    # One request every 10 ms for `seconds`: long enough to include the streams' 15 s
    # keep-alive round, which a burst of back-to-back requests could miss.
    s = connect("127.0.0.250")
    s.settimeout(30)
    out = []
    end = time.time() + seconds
    while time.time() < end:
        time.sleep(0.01)
        t = time.perf_counter()
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data or not data.endswith(b"}"):
            chunk = s.recv(4096)
            if not chunk:
                raise SystemExit("healthz connection closed")
            data += chunk
        out.append((time.perf_counter() - t) * 1000)
    s.close()
    out.sort()
    return out[len(out) // 2], out[int(len(out) * 0.99) - 1]

base_p50, base_p99 = healthz_latencies(3)
rss_before, threads_before = rss_kb(), threads()

overflows_before = listen_overflows()
request = (f"GET /api/v1/jobs/{job}/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\r\n").encode()
held = []
t0 = time.perf_counter()
for i in range(streams):
    s = connect(f"127.0.0.{1 + i % 40}")
    s.sendall(request)
    held.append(s)
sel = selectors.DefaultSelector()
for s in held:
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, bytearray())
pending = len(held)
deadline = time.time() + 300
while pending and time.time() < deadline:
    for k, _ in sel.select(timeout=1):
        try:
            chunk = k.fileobj.recv(65536)
        except BlockingIOError:
            continue
        if not chunk:
            raise SystemExit("an event stream was closed by the server")
        k.data.extend(chunk)
        if b"event: job" in k.data:
            sel.unregister(k.fileobj)
            pending -= 1
if pending:
    raise SystemExit(f"{pending} streams never got their first event")
opened_s = time.perf_counter() - t0
time.sleep(2)  # let the allocator settle before reading RSS
rss_streams, threads_streams = rss_kb(), threads()
overflows_opening = listen_overflows() - overflows_before
cpu_before, wall_before = cpu_seconds(), time.time()
p50, p99 = healthz_latencies()
cpu_share = (cpu_seconds() - cpu_before) / (time.time() - wall_before) * 100

slow_socks = []
for i in range(slow):
    s = connect(f"127.0.0.{41 + i % 40}")
    s.sendall(b"GET /healthz HTTP/1.1\r\nX-Slow: ")
    slow_socks.append(s)
slow_p50, slow_p99 = healthz_latencies(5)
for s in slow_socks:
    try:
        s.send(b"a")  # they trickle on (the server may already have cut them)
    except OSError:
        pass
slow_p50b, slow_p99b = healthz_latencies(5)

per_conn = (rss_streams - rss_before) * 1024 / streams
print(f"HTTP engine benchmark: {streams} idle event streams + {slow} slow-header clients, loopback")
print()
print("| measure | value | target |")
print("| --- | --- | --- |")
print(f"| /healthz p50 / p99, idle server | {base_p50:.2f} / {base_p99:.2f} ms | |")
print(f"| /healthz p50 / p99, {streams} idle streams held | {p50:.2f} / {p99:.2f} ms | p99 < 50 ms |")
print(f"| /healthz p50 / p99, plus {slow} slow-header clients | {max(slow_p50, slow_p50b):.2f} / {max(slow_p99, slow_p99b):.2f} ms | not delayed |")
print(f"| server RSS idle -> with {streams} streams | {rss_before / 1024:.1f} -> {rss_streams / 1024:.1f} MB | |")
print(f"| server memory per idle stream | {per_conn / 1024:.1f} KB | < 20 KB |")
print(f"| server threads idle -> with {streams} streams | {threads_before} -> {threads_streams} | no thread per stream |")
print(f"| time to open {streams} streams (first event each) | {opened_s:.1f} s | |")
print(f"| server CPU while holding {streams} streams (/healthz phase) | {cpu_share:.0f} % of one core | |")
print(f"| accept-queue overflows while opening (machine-wide) | {overflows_opening} | 0 |")
print(f"| load average (1 min) at the end | {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores | |")
PY

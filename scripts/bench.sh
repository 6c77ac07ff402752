#!/usr/bin/env bash
# Benchmarks agentctl on this machine against curl (one call) and wrk (load), and prints
# side-by-side ratios from one run. Needs hyperfine, wrk and curl (Debian packages of those
# names) and GNU time (/usr/bin/time); it says what is missing and installs nothing.
#
#   scripts/bench.sh            # build release, start a dev server, run everything
#   BENCH_SECONDS=5 scripts/bench.sh   # shorter load phases
#   BENCH_ONLY=fleet scripts/bench.sh   # only the fleet-scale sections (6-8)
#   BENCH_ONLY=load scripts/bench.sh    # only simulate vs wrk and the low-load latency (4, 4b)
#   BENCH_MILLION=1 scripts/bench.sh    # also a million simulated agents and 4 shards (9-10)
#   BENCH_ONLY=top scripts/bench.sh     # only `top` at fleet scale vs watch --all (11; needs tmux)
#   BENCH_BIN=target/profiling/agentctl scripts/bench.sh   # measure that binary, build nothing
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${BENCH_SECONDS:-10}
missing=()
for tool in hyperfine wrk curl /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "bench.sh: missing ${missing[*]}; install them with: apt-get install hyperfine wrk curl time" >&2
  exit 2
fi

if [[ -n ${BENCH_BIN:-} ]]; then
  bin=$(realpath "$BENCH_BIN")
else
  cargo build --release --locked --quiet
  bin=$PWD/target/release/agentctl
fi
work=$(mktemp -d)
server_pid=
extra_pids=() # servers and runs started below, stopped on any exit
fleet_pid=
cleanup() {
  set +e # a process already gone is no failure of the run
  [[ -n ${pane:-} ]] && tmux kill-session -t "$pane" 2>/dev/null
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -n $fleet_pid ]] && kill "$fleet_pid" 2>/dev/null && wait "$fleet_pid" 2>/dev/null
  for pid in "${extra_pids[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
export AGENTCTL_CONFIG_DIR=$work/config

token=bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n') # the dev server wants >= 16 characters
"$bin" dev-server --listen 127.0.0.1:0 --token "$token" --no-save-profile \
  --delayed-after 1h --offline-after 2h >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 100); do
  [[ -s $work/server.out ]] && break
  sleep 0.05
done
host=$(head -n1 "$work/server.out" | sed 's/^listening on //')
[[ -n $host ]] || { echo "bench.sh: the dev server did not start:" >&2; cat "$work/server.err" >&2; exit 1; }
export AGENTCTL_HOST=$host AGENTCTL_TOKEN=$token
body='{"version":"1.2.3","uptime":86400,"cpuUsage":12.5,"memUsage":35.2}'
send=("$bin" heartbeat send bench-0001 --version 1.2.3 --uptime 86400 --cpu 12.5 --mem 35.2 -q)
curl_put=(curl -sS -o /dev/null -X PUT "$host/api/v1/agents/bench-0001/heartbeat"
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body")

median() { # hyperfine JSON → median seconds of command $2
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"])' "$1" "$2"
}
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.2f}')" "$1" "$2"; }
quoted() { printf '%q ' "$@"; } # one word per argument, for hyperfine's own splitting
ms() { python3 -c "import sys; print(f'{float(sys.argv[1])*1000:.2f} ms')" "$1"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "agentctl: $("$bin" --version), server: $host"
echo

only=${BENCH_ONLY:-all}
if [[ $only != fleet && $only != top ]]; then
if [[ $only == all ]]; then
# 1. start-up
hyperfine -N --warmup 20 --runs 200 --export-json "$work/version.json" \
  "$bin --version" "curl --version" >/dev/null 2>&1
a=$(median "$work/version.json" 0); c=$(median "$work/version.json" 1)
printf '1. --version median:     agentctl %s, curl %s  -> %sx (target <= 0.6x)\n' "$(ms "$a")" "$(ms "$c")" "$(ratio "$a" "$c")"

# 2. one heartbeat
hyperfine -N --warmup 20 --runs 200 --export-json "$work/send.json" \
  "$(quoted "${send[@]}")" "$(quoted "${curl_put[@]}")" >/dev/null 2>&1
a=$(median "$work/send.json" 0); c=$(median "$work/send.json" 1)
printf '2. one heartbeat median: agentctl %s, curl %s  -> %sx (target <= 1.0x)\n' "$(ms "$a")" "$(ms "$c")" "$(ratio "$a" "$c")"

# 3. memory and size
rss=$(/usr/bin/time -f %M "${send[@]}" 2>&1 >/dev/null | tail -n1)
size=$(stat -c %s "$bin")
printf '3. peak RSS of one heartbeat: %.1f MiB (target <= 16); binary: %.1f MiB (target <= 12)\n' \
  "$(python3 -c "print($rss/1024)")" "$(python3 -c "print($size/1048576)")"

fi # 1-3

# 4. load: simulate vs wrk, same PUT, 32 connections, one after the other, three alternating
#    rounds, the median of each. wrk sends a static request (its fastest mode: built once, no
#    per-request Lua) and, for comparison, one that varies the agent per request like simulate.
#    CPU µs per request from /usr/bin/time's user+sys of each process.
cat >"$work/static.lua" <<LUA
wrk.method = "PUT"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
cat >"$work/put.lua" <<LUA
wrk.method = "PUT"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, string.format("/api/v1/agents/wrk-%04d/heartbeat", counter % 32))
end
LUA
cpu_us() { # $1: /usr/bin/time "%U %S" file, $2: requests -> CPU µs per request
  python3 -c 'import sys; u,s=map(float,open(sys.argv[1]).read().split()[-2:]); print(f"{(u+s)*1e6/max(float(sys.argv[2]),1):.1f}")' "$1" "$2"
}
wrk_round() { # $1: script; prints "req/s cpu-µs/req"
  /usr/bin/time -f '%U %S' -o "$work/wrk.time" wrk -t1 -c32 -d"${seconds}s" -s "$1" \
    "$host/api/v1/agents/wrk-static/heartbeat" >"$work/wrk.out"
  local requests rps
  requests=$(awk '/requests in/ {print $1}' "$work/wrk.out")
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  echo "$rps $(cpu_us "$work/wrk.time" "$requests")"
}
sim_round() {
  /usr/bin/time -f '%U %S' -o "$work/sim.time" "$bin" heartbeat simulate --agents 32 --interval 0 \
    --duration "${seconds}s" -o json >"$work/sim.json"
  local sent rps
  sent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"])' "$work/sim.json")
  rps=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rate_per_sec"])' "$work/sim.json")
  echo "$rps $(cpu_us "$work/sim.time" "$sent")"
}
: >"$work/rounds"
for round in 1 2 3; do
  echo "static $(wrk_round "$work/static.lua")" >>"$work/rounds"
  echo "sim $(sim_round)" >>"$work/rounds"
  echo "lua $(wrk_round "$work/put.lua")" >>"$work/rounds"
done
med() { # $1: kind, $2: column (2 req/s, 3 CPU µs)
  awk -v k="$1" -v c="$2" '$1 == k {print $c}' "$work/rounds" | sort -g | sed -n 2p
}
printf '4. load, %ss at 32 connections, median of 3 alternating rounds:\n' "$seconds"
printf '   simulate %.0f req/s, %s CPU µs/req; wrk static %.0f req/s, %s CPU µs/req; wrk Lua %.0f req/s, %s CPU µs/req\n' \
  "$(med sim 2)" "$(med sim 3)" "$(med static 2)" "$(med static 3)" "$(med lua 2)" "$(med lua 3)"
printf '   simulate / wrk static: %sx req/s (target >= 0.9x), %sx CPU per request (target <= 1.2x)\n' \
  "$(ratio "$(med sim 2)" "$(med static 2)")" "$(ratio "$(med sim 3)" "$(med static 3)")"
printf '   rounds (kind req/s CPU-µs/req): %s\n' "$(tr '\n' ';' <"$work/rounds")"

# 4b. latency at low load: an open-model run of 50 agents at 1s against the idle server, its
#     p50 next to one curl PUT's median (hyperfine)
hyperfine -N --warmup 20 --runs 200 --export-json "$work/curl.json" "$(quoted "${curl_put[@]}")" >/dev/null 2>&1
"$bin" heartbeat simulate --agents 50 --interval 1s --duration 10s -o json >"$work/low.json"
low_p50=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["latency_ms"]["p50"])' "$work/low.json")
curl_ms=$(python3 -c "print($(median "$work/curl.json" 0)*1000)")
# curl's own timing of the request (time_total), without its process start-up
for _ in $(seq 200); do
  "${curl_put[@]}" -w '%{time_total}\n'
done >"$work/curl.times"
curl_request_ms=$(sort -g "$work/curl.times" | sed -n 100p | python3 -c 'import sys; print(float(sys.stdin.read())*1000)')
printf '4b. --agents 50 --interval 1s --duration 10s: p50 %.3f ms; one curl PUT: hyperfine median %.3f ms, curl time_total median %.3f ms  -> %+.3f ms from the latter (target within 0.2 ms)\n' \
  "$low_p50" "$curl_ms" "$curl_request_ms" "$(python3 -c "print($low_p50-$curl_request_ms)")"

if [[ $only == load ]]; then exit 0; fi
# 5. watch: CPU per 1000 polls over 1000 agents at --interval 1s. A second dev server logs
#    each request (-v), so the polls are counted where they arrive, not estimated.
"$bin" dev-server --listen 127.0.0.1:0 --token "$token" --no-save-profile -v \
  --delayed-after 1h --offline-after 2h >"$work/watch-server.out" 2>"$work/watch-server.log" &
watch_server_pid=$!
for _ in $(seq 100); do
  [[ -s $work/watch-server.out ]] && break
  sleep 0.05
done
watch_host=$(head -n1 "$work/watch-server.out" | sed 's/^listening on //')
AGENTCTL_HOST=$watch_host "$bin" heartbeat simulate --agents 1000 --prefix watch- --interval 1s \
  --beats 1 -q >/dev/null
ids=$(seq -f 'watch-%04g' 1 1000)
# shellcheck disable=SC2086 # one argument per id
AGENTCTL_HOST=$watch_host /usr/bin/time -f '%U %S' -o "$work/watch.time" \
  timeout -s INT "${seconds}s" "$bin" watch $ids --interval 1s -o ndjson >/dev/null 2>&1 || true
kill "$watch_server_pid" 2>/dev/null && wait "$watch_server_pid" 2>/dev/null || true
read -r user sys < <(tail -n1 "$work/watch.time")
polls=$(grep -c '^GET /api/v1/agents/watch-' "$work/watch-server.log" || true)
printf '5. watch, 1000 agents at 1s for %ss: %.2f CPU-s for %d polls  -> %.3f CPU-s per 1000 polls (target <= 0.15)\n' \
  "$seconds" "$(python3 -c "print($user+$sys)")" "$polls" "$(python3 -c "print(($user+$sys)/max($polls,1)*1000)")"
fi

# 6. fleet scale (issue 13): a dev server holding BENCH_FLEET agents (default 100,000; seeded
#    from a file, --max-agents raised), its -v log counting every request where it arrives.
#    BENCH_SERVER picks another agentctl binary for the server side (e.g. one built from a
#    branch whose dev server pages); the client measured is always this build.
fleet=${BENCH_FLEET:-100000}
page_size=${BENCH_PAGE_SIZE:-500}
fleet_seconds=${BENCH_FLEET_SECONDS:-30}
watch_interval=5
server_bin=${BENCH_SERVER:-$bin}
start_fleet_server() { # $1 agents, $2 name → sets fleet_host, fleet_pid; log in $work/$2.log
  python3 - "$1" >"$work/$2.json" <<'PY'
import json, sys, datetime
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
count = int(sys.argv[1])
json.dump([{"uuid": f"fleet-{n:07d}", "name": f"fleet-{n:07d}", "type": "log", "version": "1.2.3",
            "region": "us-east-1", "labels": "{\"team\":\"ops\"}", "lastHeartbeatAt": now}
           for n in range(count)], sys.stdout)
PY
  "$server_bin" dev-server --listen 127.0.0.1:0 --token "$token" --no-save-profile -v \
    --max-agents "$(($1 + 1000))" --seed "$work/$2.json" --delayed-after 1h --offline-after 2h \
    >"$work/$2.out" 2>"$work/$2.log" &
  fleet_pid=$!
  for _ in $(seq 600); do
    [[ -s $work/$2.out ]] && break
    sleep 0.1
  done
  fleet_host=$(head -n1 "$work/$2.out" | sed 's/^listening on //')
}
listings() { grep -c '^GET /api/v1/agents ' "$1" || true; }
single_gets() { grep -c '^GET /api/v1/agents/' "$1" || true; }
# watch --all for fleet_seconds; prints "<listings> <single GETs> <cpu-s> <peak KiB>"
watch_all() { # $1 host, $2 log
  local before
  before=$(listings "$2")
  AGENTCTL_HOST=$1 /usr/bin/time -f '%U %S %M' -o "$work/watch-all.time" \
    timeout -s INT "${fleet_seconds}s" "$bin" watch --all --interval "${watch_interval}s" \
    --page-size "$page_size" -o ndjson -v >/dev/null 2>"$work/watch-all.err" || true
  sleep 0.2
  read -r user sys peak < <(tail -n1 "$work/watch-all.time")
  # A walk (an interval) starts with page 1; -v logs each request the client sends.
  walks=$(grep -c '^> GET .*[?&]page=1&' "$work/watch-all.err" || true)
  echo "$(($(listings "$2") - before)) $(single_gets "$2") $(python3 -c "print($user+$sys)") $peak $walks"
}

# 11. top (issue 22) at fleet scale, in a tmux pane of 200x50: CPU per refresh, CPU per key
#     redraw, peak RSS against watch --all on the same fleet, and key -> redrawn frame over
#     BENCH_KEYS keys (j and k in turn; a frame counts as redrawn when capture-pane shows the
#     selection moved, so the times include tmux's own round trips).
if [[ $only == top ]]; then
  command -v tmux >/dev/null 2>&1 || { echo "bench.sh: top needs tmux (apt-get install tmux)" >&2; exit 2; }
  keys=${BENCH_KEYS:-200}
  start_fleet_server "$fleet" fleet
  read -r _ _ _ watch_peak walks < <(watch_all "$fleet_host" "$work/fleet.log")
  pane=agentctl-bench-$$
  top_in_tmux() { # $1 interval, $2 time file
    tmux kill-session -t "$pane" 2>/dev/null || true
    tmux new-session -d -s "$pane" -x 200 -y 50 \
      "env AGENTCTL_HOST=$fleet_host AGENTCTL_TOKEN=$token AGENTCTL_CONFIG_DIR=$AGENTCTL_CONFIG_DIR \
       /usr/bin/time -f '%U %S %M' -o $2 $bin top --interval $1 --page-size $page_size"
    for _ in $(seq 1200); do # until the first walk has ended (the header says when)
      tmux has-session -t "$pane" 2>/dev/null || { echo "bench.sh: top ended at once" >&2; exit 1; }
      tmux capture-pane -p -t "$pane" | grep -q "^refreshed [0-9:]* UTC" && break
      sleep 0.1
    done
  }
  top_pid() { pgrep -f "^$bin top --interval $1" | head -n1; }
  cpu_of() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; } # clock ticks of 10 ms
  keys_to_frames() { # $1 result file: "<median ms> <max ms>" over $keys keys sent to $pane
    python3 - "$pane" "$keys" >"$1" <<'PY'
import subprocess, sys, time
pane, count = sys.argv[1], int(sys.argv[2])
def selected():
    screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", pane], capture_output=True, text=True).stdout
    return next((line for line in screen.splitlines() if line.startswith("> ")), "")
times = []
for n in range(count):
    before = selected()
    start = time.monotonic()
    subprocess.run(["tmux", "send-keys", "-t", pane, "j" if n % 2 == 0 else "k"])
    while selected() == before:
        if time.monotonic() - start > 5:
            break
    times.append((time.monotonic() - start) * 1000)
times.sort()
print(f"{times[len(times) // 2]:.1f} {times[-1]:.1f}")
PY
  }
  # Refreshes: fleet_seconds of walks every watch_interval, CPU and walks counted.
  before=$(listings "$work/fleet.log")
  top_in_tmux "${watch_interval}s" "$work/top.time"
  sleep "$fleet_seconds"
  tmux send-keys -t "$pane" q
  for _ in $(seq 100); do tmux has-session -t "$pane" 2>/dev/null || break; sleep 0.1; done
  read -r user sys top_peak < <(tail -n1 "$work/top.time")
  walk=$(python3 -c "import math; print(math.ceil($fleet/min($page_size,1000)))")
  top_walks=$(python3 -c "print(max(1, ($(listings "$work/fleet.log") - $before) // $walk))")
  printf '11. top, %d agents, --interval %ss for %ss: %s walks, %.3f CPU-s per refresh (walk, sort, frame); peak RSS %.1f MiB vs watch --all %.1f MiB -> %.2fx (target <= 1.5x)\n' \
    "$fleet" "$watch_interval" "$fleet_seconds" "$top_walks" "$(python3 -c "print(($user+$sys)/$top_walks)")" \
    "$(python3 -c "print($top_peak/1024)")" "$(python3 -c "print($watch_peak/1024)")" \
    "$(python3 -c "print(f'{$top_peak/$watch_peak:.2f}')")"
  # Keys: one walk (a long interval), then the keys, each waited for on screen.
  top_in_tmux 1h "$work/top-keys.time"
  pid=$(top_pid 1h)
  cpu_before=$(cpu_of "$pid")
  keys_to_frames "$work/keys.txt"
  cpu_after=$(cpu_of "$pid")
  tmux send-keys -t "$pane" q
  read -r median max <"$work/keys.txt"
  printf '11b. top, %d agents, %d keys (j/k) sent by tmux: key -> redrawn frame median %s ms, max %s ms (target < 16 ms a redraw); %.4f CPU-s per key redraw\n' \
    "$fleet" "$keys" "$median" "$max" "$(python3 -c "print(($cpu_after - $cpu_before)/$keys)")"
  # The same keys and the same screen polling against a program that does nothing but
  # redraw its selected line per key: what tmux and capture-pane alone take on this machine
  # now, to read 11b against.
  tmux kill-session -t "$pane" 2>/dev/null || true
  tmux new-session -d -s "$pane" -x 200 -y 50 "python3 -c '
import os, sys, tty
tty.setraw(0)
n = 0
os.write(1, b\"\\x1b[2J\\x1b[H> 0\")
while os.read(0, 1) not in (b\"q\", b\"\"):
    n += 1
    os.write(1, b\"\\x1b[H> %d\" % n)
'"
  sleep 0.5
  keys_to_frames "$work/keys-stub.txt"
  tmux send-keys -t "$pane" q
  read -r stub_median stub_max <"$work/keys-stub.txt"
  printf '11c. the same %d keys against a stub that only redraws one line per key (tmux and capture-pane alone): median %s ms, max %s ms; top minus the stub: median %s ms\n' \
    "$keys" "$stub_median" "$stub_max" "$(python3 -c "print(f'{$median - $stub_median:+.1f}')")"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

start_fleet_server "$fleet" fleet
read -r reqs gets cpu peak walks < <(watch_all "$fleet_host" "$work/fleet.log")
walk=$(python3 -c "import math; print(math.ceil($fleet/min($page_size,1000)))")
printf '6. watch --all, %d agents, --interval %ss for %ss: %s listing requests in %s walks (a last one may be cut short), %s single GETs -> %.1f requests per full walk (target <= %d); %.2f CPU-s per %ss interval; peak RSS %.1f MiB\n' \
  "$fleet" "$watch_interval" "$fleet_seconds" "$reqs" "$walks" "$gets" \
  "$(python3 -c "print(min($walk, $reqs) if $walks < 2 else ($reqs - ($reqs % $walk if $reqs % $walk else 0)) / max(1, $reqs // $walk))")" \
  "$((walk + 1))" "$(python3 -c "print(($cpu)/max($walks,1))")" "$watch_interval" "$(python3 -c "print($peak/1024)")"
before=$(listings "$work/fleet.log")
AGENTCTL_HOST=$fleet_host /usr/bin/time -f '%e %M' -o "$work/list.time" \
  "$bin" agent list -o ndjson --page-size "$page_size" >"$work/list.ndjson"
sleep 0.2
read -r wall peak < <(tail -n1 "$work/list.time")
printf '7. agent list -o ndjson, %d agents: %d records, %d requests, %.2f s wall, peak RSS %.1f MiB (target <= 32)\n' \
  "$fleet" "$(wc -l <"$work/list.ndjson")" "$(($(listings "$work/fleet.log") - before))" "$wall" \
  "$(python3 -c "print($peak/1024)")"
kill "$fleet_pid" 2>/dev/null && wait "$fleet_pid" 2>/dev/null || true

start_fleet_server 300 small
read -r reqs gets cpu peak walks < <(watch_all "$fleet_host" "$work/small.log")
printf '8. watch --all, 300 agents, --interval %ss for %ss: %s listing requests in %s walks, %s single GETs -> %.1f per interval (target 1)\n' \
  "$watch_interval" "$fleet_seconds" "$reqs" "$walks" "$gets" "$(python3 -c "print($reqs/max($walks,1))")"
kill "$fleet_pid" 2>/dev/null && wait "$fleet_pid" 2>/dev/null || true

# 9 and 10 take minutes and about 1 GB at the dev server: BENCH_MILLION=1 runs them.
if [[ ${BENCH_MILLION:-0} != 1 ]]; then
  echo "9-10. million-agent runs skipped (BENCH_MILLION=1 runs them: a million agents, then 4 shards vs one run)"
  exit 0
fi

start_server() { # $1: name, then extra dev-server flags; prints the URL, sets ${1}_pid
  local name=$1
  shift
  "$bin" dev-server --listen 127.0.0.1:0 --token "$token" --no-save-profile \
    --delayed-after 1h --offline-after 2h "$@" >"$work/$name.out" 2>"$work/$name.err" &
  set -- "$name"
  printf -v "${1}_pid" %s $!
  extra_pids+=($!)
  for _ in $(seq 100); do
    [[ -s $work/$1.out ]] && break
    sleep 0.05
  done
  head -n1 "$work/$1.out" | sed 's/^listening on //'
}
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, d))' "$@"; }
agent_set() { # a digest of the sorted agent ids a server holds, and their count
  AGENTCTL_HOST=$1 "$bin" agent list -o ndjson \
    | python3 -c 'import json,sys,hashlib; ids=sorted(json.loads(l)["uuid"] for l in sys.stdin); print(len(ids), hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16])'
}

# 9. a million agents in one process over one full interval: peak RSS, and how late the beats
#    went out (send_lateness_ms: due time to send, apart from the server's latency; p99.9 <=
#    100 ms means at most 0.1% of beats went out more than 100 ms late). The server learns
#    the million agents in this interval; a second run of the same fleet shows the latency of
#    a server that already knows them.
start_server million --max-agents 1000000 >"$work/million.url"
million_host=$(cat "$work/million.url")
million() { # $1: output name
  /usr/bin/time -f %M -o "$work/$1.rss" env AGENTCTL_HOST="$million_host" "$bin" heartbeat simulate \
    --agents 1000000 --interval 60s --duration 60s -o json >"$work/$1.json"
  printf '   %s: peak RSS %.1f MiB (target <= 256); sent %s, ok %s; send lateness p99 %s ms, p99.9 %s ms, max %s ms (p99.9 <= 100 ms: target); latency p50 %s ms, p99 %s ms, p99.9 %s ms\n' \
    "$1" "$(python3 -c "print($(tail -n1 "$work/$1.rss")/1024)")" "$(field "$work/$1.json" sent)" \
    "$(field "$work/$1.json" ok)" "$(field "$work/$1.json" 'send_lateness_ms["p99"]')" \
    "$(field "$work/$1.json" 'send_lateness_ms["p999"]')" "$(field "$work/$1.json" 'send_lateness_ms["max"]')" \
    "$(field "$work/$1.json" 'latency_ms["p50"]')" "$(field "$work/$1.json" 'latency_ms["p99"]')" \
    "$(field "$work/$1.json" 'latency_ms["p999"]')"
}
echo "9. 1,000,000 agents, 60s interval, 60s, load average $(cut -d' ' -f1-3 /proc/loadavg):"
million first
million again
kill "$million_pid" && wait "$million_pid" 2>/dev/null || true

# 10. one fleet as 4 shards started together vs one unsharded run, each against a fresh server
agents=${BENCH_SHARD_AGENTS:-100000}
run_fleet=(heartbeat simulate --agents "$agents" --interval 10s --duration 30s -o json)
start_server sharded >"$work/sharded.url"
sharded_host=$(cat "$work/sharded.url")
start_at=$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%SZ)
shard_pids=()
for i in 0 1 2 3; do
  AGENTCTL_HOST=$sharded_host "$bin" "${run_fleet[@]}" --shard "$i/4" --start-at "$start_at" >"$work/shard-$i.json" &
  shard_pids+=($!)
done
wait "${shard_pids[@]}"
"$bin" heartbeat summary "$work"/shard-?.json -o json >"$work/merged.json"
sharded_set=$(agent_set "$sharded_host")
kill "$sharded_pid" && wait "$sharded_pid" 2>/dev/null || true
start_server whole >"$work/whole.url"
whole_host=$(cat "$work/whole.url")
AGENTCTL_HOST=$whole_host "$bin" "${run_fleet[@]}" >"$work/whole.json"
whole_set=$(agent_set "$whole_host")
kill "$whole_pid" && wait "$whole_pid" 2>/dev/null || true
printf '10. %s agents, 4 shards vs one run: agents at the server %s vs %s (%s); sent %s vs %s (difference %s, one interval is %s); p99 %s vs %s ms\n' \
  "$agents" "$sharded_set" "$whole_set" "$([[ $sharded_set == "$whole_set" ]] && echo same || echo DIFFERENT)" \
  "$(field "$work/merged.json" sent)" "$(field "$work/whole.json" sent)" \
  "$(python3 -c "print(abs($(field "$work/merged.json" sent)-$(field "$work/whole.json" sent)))")" "$agents" \
  "$(field "$work/merged.json" 'latency_ms["p99"]')" "$(field "$work/whole.json" 'latency_ms["p99"]')"

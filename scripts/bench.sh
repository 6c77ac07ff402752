#!/usr/bin/env bash
# Benchmarks agentctl on this machine against curl (one call) and wrk (load), and prints
# side-by-side ratios from one run. Needs hyperfine, wrk and curl (Debian packages of those
# names) and GNU time (/usr/bin/time); it says what is missing and installs nothing.
#
#   scripts/bench.sh            # build release, start a dev server, run everything
#   BENCH_SECONDS=5 scripts/bench.sh   # shorter load phases
#   BENCH_ONLY=fleet scripts/bench.sh   # only the fleet-scale sections (6-8)
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

cargo build --release --locked --quiet
bin=$PWD/target/release/agentctl
work=$(mktemp -d)
server_pid=
fleet_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -n $fleet_pid ]] && kill "$fleet_pid" 2>/dev/null && wait "$fleet_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export AGENTCTL_CONFIG_DIR=$work/config

token=bench-$RANDOM$RANDOM
"$bin" dev-server --listen 127.0.0.1:0 --token "$token" --no-save-profile \
  --delayed-after 1h --offline-after 2h >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 100); do
  [[ -s $work/server.out ]] && break
  sleep 0.05
done
host=$(head -n1 "$work/server.out" | sed 's/^listening on //')
export AGENTCTL_HOST=$host AGENTCTL_TOKEN=$token
body='{"version":"1.2.3","uptime":86400,"cpuUsage":12.5,"memUsage":35.2}'
send=("$bin" heartbeat send bench-0001 --version 1.2.3 --uptime 86400 --cpu 12.5 --mem 35.2 -q)
curl_put=(curl -sS -o /dev/null -X PUT "$host/api/v1/agents/bench-0001/heartbeat"
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body")

median() { # hyperfine JSON → median seconds of command $2
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"])' "$1" "$2"
}
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.2f}')" "$1" "$2"; }
ms() { python3 -c "import sys; print(f'{float(sys.argv[1])*1000:.2f} ms')" "$1"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "agentctl: $("$bin" --version), server: $host"
echo

if [[ ${BENCH_ONLY:-} != fleet ]]; then
# 1. start-up
hyperfine -N --warmup 20 --runs 200 --export-json "$work/version.json" \
  "$bin --version" "curl --version" >/dev/null 2>&1
a=$(median "$work/version.json" 0); c=$(median "$work/version.json" 1)
printf '1. --version median:     agentctl %s, curl %s  -> %sx (target <= 0.6x)\n' "$(ms "$a")" "$(ms "$c")" "$(ratio "$a" "$c")"

# 2. one heartbeat
quoted() { printf '%q ' "$@"; } # one word per argument, for hyperfine's own splitting
hyperfine -N --warmup 20 --runs 200 --export-json "$work/send.json" \
  "$(quoted "${send[@]}")" "$(quoted "${curl_put[@]}")" >/dev/null 2>&1
a=$(median "$work/send.json" 0); c=$(median "$work/send.json" 1)
printf '2. one heartbeat median: agentctl %s, curl %s  -> %sx (target <= 1.0x)\n' "$(ms "$a")" "$(ms "$c")" "$(ratio "$a" "$c")"

# 3. memory and size
rss=$(/usr/bin/time -f %M "${send[@]}" 2>&1 >/dev/null | tail -n1)
size=$(stat -c %s "$bin")
printf '3. peak RSS of one heartbeat: %.1f MiB (target <= 16); binary: %.1f MiB (target <= 12)\n' \
  "$(python3 -c "print($rss/1024)")" "$(python3 -c "print($size/1048576)")"

# 4. load: simulate vs wrk, same PUT, one after the other
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
wrk_rps=$(wrk -t1 -c32 -d"${seconds}s" -s "$work/put.lua" "$host" | awk '/Requests\/sec/ {print $2}')
sim_rps=$("$bin" heartbeat simulate --agents 32 --interval 0 --duration "${seconds}s" -o json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["rate_per_sec"])')
printf '4. load, %ss at 32 connections: simulate %.0f req/s, wrk %.0f req/s  -> %sx (target >= 0.7x)\n' \
  "$seconds" "$sim_rps" "$wrk_rps" "$(ratio "$sim_rps" "$wrk_rps")"

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

#!/usr/bin/env bash
# Checks that api/openapi.yaml says exactly what `agentctl dev-server` does: runs schemathesis
# (pinned below) with every check against a release dev server on a free loopback port, then
# stops the server. Exits with schemathesis' status (0: no failures).
#
#   scripts/schemathesis.sh                  # installs schemathesis in target/schemathesis-venv once
#   ST=/path/to/st scripts/schemathesis.sh   # an st binary of the pinned version
#   ST_MAX_EXAMPLES=200 scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.32.5
st=${ST:-}
if [[ -z $st ]]; then
  venv=target/schemathesis-venv
  if [[ ! -x $venv/bin/st ]] || ! "$venv/bin/st" --version 2>/dev/null | grep -q "$version"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==$version"
  fi
  st=$venv/bin/st
fi
if ! "$st" --version | grep -q "$version"; then
  echo "schemathesis.sh: $st is not schemathesis $version" >&2
  exit 2
fi

cargo build --release --locked --quiet
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

token=st-$RANDOM$RANDOM$RANDOM
printf '%s\n' "$token" >"$work/token"
AGENTCTL_CONFIG_DIR=$work/config target/release/agentctl dev-server --listen 127.0.0.1:0 \
  --token-file "$work/token" --no-save-profile >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 200); do
  [[ -s $work/server.out ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; exit 1; }
  sleep 0.05
done
host=$(head -n1 "$work/server.out" | sed 's/^listening on //')

set +e
"$st" --no-color run api/openapi.yaml --url "$host" --checks all \
  --header "Authorization: Bearer $token" \
  --max-examples "${ST_MAX_EXAMPLES:-100}" --seed "${ST_SEED:-1}"
status=$?
set -e
exit "$status"

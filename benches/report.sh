#!/usr/bin/env bash
# Runs every bench target and the Go program, then writes BENCHMARKS.md and benches/chart.svg.
#
#   bash benches/report.sh
#
# GOKIO_BENCH_ROUNDS and GOKIO_BENCH_SCALE pass through to the Rust harness and the Go program
# (e.g. GOKIO_BENCH_SCALE=0.01 for a quick smoke run). Raw results go to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."

outdir=target/bench
mkdir -p "$outdir"
results="$PWD/$outdir/results.tsv"
stdout="$PWD/$outdir/stdout.txt"
: > "$results"
: > "$stdout"
export GOKIO_BENCH_OUT="$results"

# Every benches/*.rs is a `harness = false` target of the in-repo harness (benches/common/).
bench_args=()
for f in benches/*.rs; do
  bench_args+=(--bench "$(basename "$f" .rs)")
done
command="cargo bench ${bench_args[*]}"
echo "+ $command"
cargo bench "${bench_args[@]}" | tee -a "$stdout"

# The same workloads in Go, if a Go toolchain is installed.
if command -v go >/dev/null 2>&1; then
  go_command="go run benches/go/main.go"
  echo "+ $go_command"
  # GOMAXPROCS is also set in the program; the variable makes the setting visible here.
  GOMAXPROCS=2 go run benches/go/main.go | tee -a "$results" "$stdout"
else
  go_command="(skipped: go is not installed)"
  echo "go is not installed: skipping benches/go (apt-get install golang-go to include it)"
fi

python3 benches/report.py \
  --results "$results" \
  --stdout "$stdout" \
  --command "$command" \
  --go-command "$go_command" \
  --markdown BENCHMARKS.md \
  --svg benches/chart.svg
echo "wrote BENCHMARKS.md and benches/chart.svg"

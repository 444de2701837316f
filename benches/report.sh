#!/usr/bin/env bash
# Runs every bench target (timing and memory) and the Go program, then writes BENCHMARKS.md
# and benches/chart.svg. About a minute on 2 cores once built (the memory bench ~25 s, Go ~20 s).
#
#   bash benches/report.sh
#
# GOKIO_BENCH_ROUNDS and GOKIO_BENCH_SCALE pass through to the Rust harness and the Go program
# (e.g. GOKIO_BENCH_SCALE=0.01 for a quick smoke run); GOKIO_GO_PASSES (default 3) is how
# many times the Go timing program runs. Raw results go to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."

outdir=target/bench
mkdir -p "$outdir"
results="$PWD/$outdir/results.tsv"
stdout="$PWD/$outdir/stdout.txt"
: > "$results"
: > "$stdout"
export GOKIO_BENCH_OUT="$results"

# Every benches/*.rs is a `harness = false` target of the benchmark crate (benches/Cargo.toml),
# built on the in-repo harness (benches/common/).
bench_args=()
for f in benches/*.rs; do
  bench_args+=(--bench "$(basename "$f" .rs)")
done
command="cargo bench -p gokio-benches ${bench_args[*]}"
echo "+ $command"
cargo bench -p gokio-benches "${bench_args[@]}" | tee -a "$stdout"

# The same workloads in Go, if a Go toolchain is installed: built once, then run for the
# timing workloads and (-mem) for the memory workloads.
if command -v go >/dev/null 2>&1; then
  gobin="$outdir/gobench"
  go build -o "$gobin" benches/go/main.go benches/go/mem.go
  go_command="go build -o $gobin benches/go/main.go benches/go/mem.go
GOMAXPROCS=2 $gobin
GOMAXPROCS=2 $gobin -mem"
  # GOMAXPROCS is also set in the program; the variable makes the setting visible here.
  # Go's timing program runs GOKIO_GO_PASSES times; each pass is labelled with the regime
  # the probe sees before and after it (report.py takes the median of the passes).
  probe() { cargo bench -q -p gokio-benches --bench probe 2>/dev/null | tail -n 1 | cut -f 2; }
  for pass in $(seq "${GOKIO_GO_PASSES:-3}"); do
    before=$(probe)
    echo "+ GOMAXPROCS=2 $gobin   # pass $pass"
    GOMAXPROCS=2 "$gobin" | tee "$outdir/go.tsv" | tee -a "$stdout"
    after=$(probe)
    cat "$outdir/go.tsv" >> "$results"
    echo "Go pass $pass ran in regime: before $before, after $after" | tee -a "$stdout"
    if [ "$before" = "$after" ]; then
      awk -v r="$before" -F '\t' 'NF == 3 { print $0 "\t" r "\t1" }' "$outdir/go.tsv" >> "$results"
    fi
  done
  echo "+ GOMAXPROCS=2 $gobin -mem"
  GOMAXPROCS=2 "$gobin" -mem | tee -a "$results" "$stdout"
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

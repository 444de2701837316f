#!/usr/bin/env bash
# Runs every bench target (timing and memory) and the Go program, then writes BENCHMARKS.md
# and benches/chart.svg. A few minutes on 2 cores once built (the memory bench ~25 s, Go ~20 s a
# pass); with GOKIO_BENCH_REGIMES=both about 9 minutes (measured on a busy machine), plus
# the free-core top-ups (GOKIO_BENCH_TOPUP, below) when the machine gave too few.
#
#   bash benches/report.sh
#   GOKIO_BENCH_REGIMES=both bash benches/report.sh
#
# GOKIO_BENCH_ROUNDS and GOKIO_BENCH_SCALE pass through to the Rust harness and the Go program
# (e.g. GOKIO_BENCH_SCALE=0.01 for a quick smoke run); GOKIO_GO_PASSES (default 3) is how
# many times the Go timing program runs. Raw results go to target/bench/.
#
# GOKIO_BENCH_REGIMES picks the regimes (benches/common/regime.rs):
# * `natural` (default): one run in whatever regime the machine gives; every round is labelled
#   by the probe, and a regime the machine did not give has no figures.
# * `both`: the natural run, then the timing benches and the Go passes once more under
#   `taskset -c 0`, so that both tokio workers (Go: both GOMAXPROCS threads) share one CPU:
#   the shared-core regime on demand. The probe still measures and labels every pinned round
#   (its two threads are pinned too); those rounds count only in the per-regime figures,
#   marked as pinned in the report, not in the all-rounds table.
set -euo pipefail
cd "$(dirname "$0")/.."

regimes="${GOKIO_BENCH_REGIMES:-natural}"
case "$regimes" in
  natural | both) ;;
  *) echo "GOKIO_BENCH_REGIMES=$regimes: expected natural or both" >&2; exit 2 ;;
esac
if [ "$regimes" = both ] && ! command -v taskset >/dev/null 2>&1; then
  echo "GOKIO_BENCH_REGIMES=both needs taskset (util-linux)" >&2
  exit 2
fi

outdir=target/bench
mkdir -p "$outdir"
results="$PWD/$outdir/results.tsv"
pinned_results="$PWD/$outdir/results-pinned.tsv"
stdout="$PWD/$outdir/stdout.txt"
: > "$results"
: > "$stdout"
export GOKIO_BENCH_OUT="$results"

# Every benches/*.rs is a `harness = false` target of the benchmark crate (benches/Cargo.toml),
# built on the in-repo harness (benches/common/). The pinned run leaves out the memory bench
# (memory does not depend on the regime) and the probe (not a workload).
bench_args=()
timing_args=()
for f in benches/*.rs; do
  name="$(basename "$f" .rs)"
  bench_args+=(--bench "$name")
  case "$name" in
    memory | probe) ;;
    *) timing_args+=(--bench "$name") ;;
  esac
done
command="cargo bench -p gokio-benches ${bench_args[*]}"
echo "+ $command"
cargo bench -p gokio-benches "${bench_args[@]}" | tee -a "$stdout"

# Top-up: free cores cannot be forced (the hypervisor decides), so a workload that got fewer
# than 3 free-core rounds runs again, alone, up to GOKIO_BENCH_TOPUP more times (default 2;
# 0 turns it off), until every workload has 3 or the attempts are spent. Only the
# per-regime lines of a top-up are kept (marked `topup`): the all-rounds table stays one run.
topup_command=""
topup_results="$PWD/$outdir/results-topup.tsv"
for attempt in $(seq "${GOKIO_BENCH_TOPUP:-2}"); do
  short=$(python3 -c 'import sys; sys.path.insert(0, "benches"); import report
print(report.short_workloads(sys.argv[1], "free-cores"))' "$results")
  [ -n "$short" ] || break
  line="GOKIO_BENCH_ONLY=$short cargo bench -p gokio-benches ${timing_args[*]}"
  echo "+ $line   # top-up $attempt" | tee -a "$stdout"
  topup_command="$topup_command${topup_command:+
}$line"
  : > "$topup_results"
  GOKIO_BENCH_ONLY="$short" GOKIO_BENCH_OUT="$topup_results" \
    cargo bench -p gokio-benches "${timing_args[@]}" | tee -a "$stdout"
  awk -F '\t' 'NF == 5 { print $0 "\ttopup" }' "$topup_results" >> "$results"
done

# Appends a regime-labelled copy of a finished Go pass (`$1`: the .tsv it wrote) to the file
# `$4` if the probes before (`$2`) and after (`$3`) it agree; `$5` is appended to each line
# (`pinned` for the pinned run).
label_go_pass() {
  if [ "$2" = "$3" ]; then
    awk -v r="$2" -v m="$5" -F '\t' \
      'NF == 3 { print $0 "\t" r "\t1" (m == "" ? "" : "\t" m) }' "$1" >> "$4"
  fi
}

# Runs the Go timing program GOKIO_GO_PASSES times with the command prefix `$@` (nothing, or
# `taskset -c 0`); each pass is labelled with the regime the probe, run with the same
# prefix, sees before and after it (report.py takes the median of the passes). The passes of
# a pinned run count only in the per-regime figures, marked `pinned`.
run_go_passes() {
  local marker="" before after pass
  [ $# -gt 0 ] && marker=pinned
  probe() { "$@" cargo bench -q -p gokio-benches --bench probe 2>/dev/null | tail -n 1 | cut -f 2; }
  for pass in $(seq "${GOKIO_GO_PASSES:-3}"); do
    before=$(probe "$@")
    echo "+ ${*:+$* }GOMAXPROCS=2 $gobin   # pass $pass" | tee -a "$stdout"
    "$@" env GOMAXPROCS=2 "$gobin" | tee "$outdir/go.tsv" | tee -a "$stdout"
    after=$(probe "$@")
    echo "Go pass $pass ${marker:+(pinned: $*) }ran in regime: before $before, after $after" \
      | tee -a "$stdout"
    if [ -z "$marker" ]; then
      cat "$outdir/go.tsv" >> "$results"
    fi
    label_go_pass "$outdir/go.tsv" "$before" "$after" "$results" "$marker"
  done
}

# The same workloads in Go, if a Go toolchain is installed: built once, then run for the
# timing workloads and (-mem) for the memory workloads.
have_go=""
if command -v go >/dev/null 2>&1; then
  have_go=1
  gobin="$outdir/gobench"
  go build -o "$gobin" benches/go/main.go benches/go/mem.go
  go_command="go build -o $gobin benches/go/main.go benches/go/mem.go
GOMAXPROCS=2 $gobin
GOMAXPROCS=2 $gobin -mem"
  # GOMAXPROCS is also set in the program; the variable makes the setting visible here.
  run_go_passes
  echo "+ GOMAXPROCS=2 $gobin -mem"
  GOMAXPROCS=2 "$gobin" -mem | tee -a "$results" "$stdout"
else
  go_command="(skipped: go is not installed)"
  echo "go is not installed: skipping benches/go (apt-get install golang-go to include it)"
fi

pinned_command=""
if [ "$regimes" = both ]; then
  # The shared-core regime by construction: one CPU for the whole process. Only the
  # per-regime lines (5 fields) of the pinned run are kept, marked `pinned`.
  pinned_command="taskset -c 0 cargo bench -p gokio-benches ${timing_args[*]}"
  echo "+ $pinned_command" | tee -a "$stdout"
  : > "$pinned_results"
  GOKIO_BENCH_OUT="$pinned_results" taskset -c 0 \
    cargo bench -p gokio-benches "${timing_args[@]}" | tee -a "$stdout"
  awk -F '\t' 'NF == 5 { print $0 "\tpinned" }' "$pinned_results" >> "$results"
  if [ -n "$have_go" ]; then
    pinned_command="$pinned_command
taskset -c 0 env GOMAXPROCS=2 $gobin"
    run_go_passes taskset -c 0
  fi
fi

python3 benches/report.py \
  --results "$results" \
  --stdout "$stdout" \
  --command "$command" \
  --go-command "$go_command" \
  --pinned-command "$pinned_command" \
  --topup-command "$topup_command" \
  --markdown BENCHMARKS.md \
  --svg benches/chart.svg
echo "wrote BENCHMARKS.md and benches/chart.svg"

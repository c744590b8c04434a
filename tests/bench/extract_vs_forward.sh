#!/usr/bin/env bash
# extract-and-evaluate's extraction speed against the network's own forward speed, same network,
# interleaved rounds: submit/bench model (forward images/s, 2 threads) then extract-and-evaluate
# of a run's untrained network without PCA (images/s from extract_seconds of its summary).
#   tests/bench/extract_vs_forward.sh RUN_FOLDER [ROUNDS]   (a run with mine-tuples and train-netvlad done)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
run=$1
rounds=${2:-3}
grep -m1 "model name" /proc/cpuinfo | sed 's/.*: /cpu: /'
echo "vector extensions: $(grep -m1 "^flags" /proc/cpuinfo | grep -o -w -E 'avx2|avx512f|amx_tile' | sort -u | tr '\n' ' ')"
for round in $(seq 1 "$rounds"); do
  forward=$(NETVLAD_BENCH_OPTS="-Dbench.threads=2 -Dbench.rounds=1 -Dbench.seconds=15" "$root/submit/bench" model 2>/dev/null |
    awk '$1 == "2" && $2 == "default" { print $3 }')
  out="$run/extract-bench-$round"
  "$root/submit/extract-and-evaluate" -- --run "$run" --set eval.pca=false --set eval.checkpoint=untrained \
    --set eval.report-examples=0 --set eval.output="$out" --overwrite >/dev/null 2>&1
  summary="$out/summary/extract-and-evaluate.json"
  top() { grep -m1 -oE "^  \"$1\" *: *[0-9.]+" "$summary" | grep -oE '[0-9.]+$'; } # a top-level field of the summary
  images=$(( $(top queries) + $(top database_images) ))
  seconds=$(top extract_seconds)
  awk -v r="$round" -v n="$images" -v s="$seconds" -v f="$forward" \
    'BEGIN { e = n / s; printf "round %d: extract-and-evaluate %d images in %.1f s = %.1f images/s; forward %.1f images/s; ratio %.2f\n", r, n, s, e, f, e / f }'
done

#!/usr/bin/env bash
# Whole-process speed and memory of the `msnp` binary, as ratios to the yardstick process
# (benches/src/bin/yardstick.rs: a memchr line + token split of the same file):
#   bash benches/process-ratios.sh [MEGABYTES] [RUNS]
# Times every mode RUNS times (default 3, best kept) over a generated MSNP12 notification-server
# stream of MEGABYTES (default 100), then measures peak RSS (/usr/bin/time -v) on that file and on
# one ten times larger: constant memory means the two agree within 10 %.
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-100}
runs=${2:-3}
cargo build --release -q -p msnp-bench --bin gen-corpus --bin yardstick
cargo build --release -q -p msnp-cli
bin=target/release
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin/gen-corpus" "$mb" > "$dir/small.bin"
bytes=$(stat -c %s "$dir/small.bin")
wire=(--input wire --direction server --dialect MSNP12)
best() { # best wall seconds of $runs runs of "$@" (output discarded)
  local b="" t
  for _ in $(seq "$runs"); do
    /usr/bin/time -f %e -o "$dir/t" "$@" >/dev/null 2>&1 || true
    t=$(tail -1 "$dir/t")
    b=$(awk -v a="$b" -v t="$t" 'BEGIN { print (a == "" || t < a) ? t : a }')
  done
  echo "$b"
}
y=$(best "$bin/yardstick" "$dir/small.bin")
printf '%-22s %8s s %8.0f MB/s\n' yardstick "$y" "$(awk -v b="$bytes" -v t="$y" 'BEGIN { print b / t / 1e6 }')"
report() { # name seconds
  awk -v n="$1" -v t="$2" -v y="$y" -v b="$bytes" \
    'BEGIN { printf "%-22s %8s s %8.0f MB/s %6.2fx yardstick\n", n, t, b / t / 1e6, y / t }'
}
report "decode --stats" "$(best "$bin/msnp" decode "${wire[@]}" --stats "$dir/small.bin")"
report "decode (NDJSON)" "$(best "$bin/msnp" decode "${wire[@]}" "$dir/small.bin")"
report "check" "$(best "$bin/msnp" check "${wire[@]}" "$dir/small.bin")"
# Peak RSS: the same modes on the file and on ten copies of it.
for _ in $(seq 10); do cat "$dir/small.bin"; done > "$dir/large.bin"
rss() { { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } | awk '/Maximum resident/ { print $6 }'; }
for mode in stats ndjson check; do
  case $mode in
    stats) cmd=(decode "${wire[@]}" --stats) ;;
    ndjson) cmd=(decode "${wire[@]}") ;;
    check) cmd=(check "${wire[@]}") ;;
  esac
  s=$(rss "$bin/msnp" "${cmd[@]}" "$dir/small.bin")
  l=$(rss "$bin/msnp" "${cmd[@]}" "$dir/large.bin")
  awk -v n="$mode" -v s="$s" -v l="$l" -v mb="$mb" \
    'BEGIN { printf "peak RSS %-7s %7d KiB on %d MB, %7d KiB on %d MB (%+.1f %%)\n", n, s, mb, l, mb * 10, (l - s) * 100 / s }'
done

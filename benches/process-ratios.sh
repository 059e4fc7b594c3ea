#!/usr/bin/env bash
# Whole-process speed and memory of the `msnp` binary, as ratios to the yardstick process
# (benches/src/bin/yardstick.rs: a memchr line + token split of the same file):
#   bash benches/process-ratios.sh [MEGABYTES] [RUNS]
# Times every mode RUNS times (default 3, best kept), each run alternating with a run of the
# yardstick, over a generated MSNP12 notification-server stream of MEGABYTES (default 100), and
# the same bytes as a pcap capture against wire input;
# then measures peak RSS (/usr/bin/time -v) on that file and on one ten times larger: constant
# memory means the two agree within 10 % (each the highest of 3 runs).
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
timed() { # wall seconds (to the millisecond) of one run of "$@" (output discarded)
  local s=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || true
  awk -v s="$s" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.3f", e - s }'
}
lower() { awk -v a="$1" -v t="$2" 'BEGIN { print (a == "" || t < a) ? t : a }'; }
# paired A B...: the best wall seconds of the command in the array named A and of the command
# B over $runs rounds that alternate them, so that a drift in the machine's speed during the
# measurement hits both alike. Prints "A B".
paired() {
  local -n a=$1
  shift
  local ba="" bb=""
  for _ in $(seq "$runs"); do
    ba=$(lower "$ba" "$(timed "${a[@]}")")
    bb=$(lower "$bb" "$(timed "$@")")
  done
  echo "$ba $bb"
}
report() { # name seconds yardstick-seconds
  awk -v n="$1" -v t="$2" -v y="$3" -v b="$bytes" \
    'BEGIN { printf "%-22s %8s s %8.0f MB/s %6.2fx yardstick (%s s)\n", n, t, b / t / 1e6, y / t, y }'
}
yardstick=("$bin/yardstick" "$dir/small.bin")
read -r y t <<<"$(paired yardstick "$bin/msnp" decode "${wire[@]}" --stats "$dir/small.bin")"
report "decode --stats" "$t" "$y"
read -r y t <<<"$(paired yardstick "$bin/msnp" decode "${wire[@]}" "$dir/small.bin")"
report "decode (NDJSON)" "$t" "$y"
read -r y t <<<"$(paired yardstick "$bin/msnp" decode "${wire[@]}" --no-fields "$dir/small.bin")"
report "NDJSON --no-fields" "$t" "$y"
read -r y t <<<"$(paired yardstick "$bin/msnp" check "${wire[@]}" "$dir/small.bin")"
report "check" "$t" "$y"
# The same bytes as one TCP connection in a pcap file (1460-byte segments), against wire input.
"$bin/gen-corpus" --pcap "$mb" > "$dir/small.pcap"
wire_stats=("$bin/msnp" decode "${wire[@]}" --stats "$dir/small.bin")
read -r w p <<<"$(paired wire_stats "$bin/msnp" decode --dialect MSNP12 --stats "$dir/small.pcap")"
awk -v w="$w" -v p="$p" -v b="$bytes" \
  'BEGIN { printf "%-22s %8s s %8.0f MB/s %6.2fx wire input (%s s)\n", "pcap --stats", p, b / p / 1e6, w / p, w }'

# Peak RSS: the same modes on the file and on ten copies of it.
for _ in $(seq 10); do cat "$dir/small.bin"; done > "$dir/large.bin"
# The highest of 3 runs: how many batches are in flight at the peak depends on how the threads
# were scheduled, so one run can stay below the bound that another reaches.
rss() {
  for _ in 1 2 3; do
    { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } | awk '/Maximum resident/ { print $6 }'
  done | sort -n | tail -1
}
# A capture of many connections, and one ten times larger.
"$bin/gen-corpus" --pcap=100 "$mb" > "$dir/small-flows.pcap"
"$bin/gen-corpus" --pcap=100 $((mb * 10)) > "$dir/large-flows.pcap"
for mode in stats ndjson check pcap; do
  small=$dir/small.bin large=$dir/large.bin
  case $mode in
    stats) cmd=(decode "${wire[@]}" --stats) ;;
    ndjson) cmd=(decode "${wire[@]}") ;;
    check) cmd=(check "${wire[@]}") ;;
    pcap) cmd=(decode --dialect MSNP12) small=$dir/small-flows.pcap large=$dir/large-flows.pcap ;;
  esac
  s=$(rss "$bin/msnp" "${cmd[@]}" "$small")
  l=$(rss "$bin/msnp" "${cmd[@]}" "$large")
  awk -v n="$mode" -v s="$s" -v l="$l" -v mb="$mb" \
    'BEGIN { printf "peak RSS %-7s %7d KiB on %d MB, %7d KiB on %d MB (%+.1f %%)\n", n, s, mb, l, mb * 10, (l - s) * 100 / s }'
done

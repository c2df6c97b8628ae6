#!/usr/bin/env bash
# Where a `pitchreel generate` run's peak resident memory is: its /proc/PID/status sampled
# every 20 ms, the sample with the most RSS split into anonymous memory (x264's frames, our
# heap) and file pages (the shared libraries' code and data), the libraries' RSS from
# /proc/PID/smaps at that moment, and what merely loading the binary's libraries costs (an
# empty C program linked against the same direct libraries, and `pitchreel --version`). A
# profiling aid, not part of `make bench` (docs/benchmarks.md, "eleventh session"); it needs
# a C compiler for the empty program.
#
# Usage: tests/bench/rss_split.sh BIN [generate options]
#   e.g. tests/bench/rss_split.sh build/pitchreel --avatar ../shared/testdata/portraits/painted-girl.jpg --layout presenter
# The cars photo of libdlib19.1's examples, 16:9 1080p and the 30-second script, as in
# frame_ms.sh; PHOTO=path, ASPECT=9:16 and HEIGHT=720 change them.
set -euo pipefail
bin=$(realpath "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/pitchreel-rss-split.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$bin" generate --image "${PHOTO:-/usr/share/doc/libdlib19.1/examples/mmod_cars_test_image.jpg}" \
  --script-file "$here/script-30s.txt" --aspect "${ASPECT:-16:9}" --height "${HEIGHT:-1080}" \
  -o "$work/out.mp4" "$@" >/dev/null 2>&1 &
pid=$!
peak=0 anon=0 file=0
while kill -0 "$pid" 2>/dev/null; do
  status=$(cat "/proc/$pid/status" 2>/dev/null) || break
  a=$(awk '/^RssAnon:/ {print $2}' <<<"$status")
  f=$(awk '/^RssFile:/ {print $2}' <<<"$status")
  if [ -n "$a" ] && [ -n "$f" ] && [ $((a + f)) -gt "$peak" ]; then
    peak=$((a + f)) anon=$a file=$f
    cp "/proc/$pid/smaps" "$work/smaps" 2>/dev/null || true
  fi
  sleep 0.02
done
wait "$pid" || { echo "rss_split.sh: generate failed" >&2; exit 1; }
echo "Peak RSS (sampled): $((peak / 1024)) MB: anonymous $((anon / 1024)) MB, file pages $((file / 1024)) MB"
awk '/^[0-9a-f]+-[0-9a-f]+ / {name = $6} /^Rss:/ && name ~ /\.so/ {rss[name] += $2}
  END {for (n in rss) printf "%d %s\n", rss[n], n}' "$work/smaps" | sort -rn >"$work/libs"
awk '{total += $1} END {printf "Shared libraries mapped: %d, their RSS %d MB; the largest (KB):\n",
  NR, total / 1024}' "$work/libs"
head -8 "$work/libs"

libs=()
while read -r lib; do libs+=("-l:$lib"); done < <(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo 'int main(void) { return 0; }' >"$work/empty.c"
cc "$work/empty.c" -o "$work/empty" -Wl,--no-as-needed "${libs[@]}"
/usr/bin/time -f "%M" -o "$work/empty.rss" "$work/empty"
/usr/bin/time -f "%M" -o "$work/version.rss" "$bin" --version >/dev/null
echo "Loading alone: an empty program linked against its ${#libs[@]} direct libraries" \
  "$(($(cat "$work/empty.rss") / 1024)) MB, \`pitchreel --version\` $(($(cat "$work/version.rss") / 1024)) MB"

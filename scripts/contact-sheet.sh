#!/usr/bin/env bash
# Renders one frame of every layout in every shape: one PNG per layout x shape, from the
# real `pitchreel generate` (a short video each, the frame taken mid-sentence so the
# karaoke captions show), plus small JPEG copies for the documentation with --thumbs.
#
#   scripts/contact-sheet.sh [-o OUT_DIR] [--thumbs DIR] [--image PRODUCT] [--avatar PORTRAIT]
#
# Defaults: OUT_DIR build/contact-sheet, a product photo drawn on the spot (a bottle on a
# card), the portrait ../shared/testdata/portraits/painted-girl.jpg. Needs build/pitchreel
# and ffmpeg.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/build/contact-sheet"
thumbs=""
image=""
avatar="$root/../shared/testdata/portraits/painted-girl.jpg"
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2"; shift 2 ;;
    --thumbs) thumbs="$2"; shift 2 ;;
    --image) image="$2"; shift 2 ;;
    --avatar) avatar="$2"; shift 2 ;;
    *) echo "contact-sheet: unknown option $1" >&2; exit 2 ;;
  esac
done
bin="$root/build/pitchreel"
[ -x "$bin" ] || { echo "contact-sheet: build pitchreel first (ninja -C build pitchreel)" >&2; exit 1; }
[ -f "$avatar" ] || { echo "contact-sheet: no portrait at $avatar (give --avatar)" >&2; exit 1; }
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -z "$image" ]; then
  # A teal bottle with a cap and a label on a warm card, 800x800.
  image="$work/product.png"
  ffmpeg -v error -y -f lavfi -i "color=c=0xE9DCC9:s=800x800:d=1" -vf \
"drawbox=x=300:y=150:w=200:h=560:color=0x1F7A7A:t=fill,\
drawbox=x=350:y=90:w=100:h=70:color=0x333333:t=fill,\
drawbox=x=300:y=360:w=200:h=160:color=0xF4F1EA:t=fill,\
drawbox=x=320:y=420:w=160:h=20:color=0x1F7A7A:t=fill" -frames:v 1 "$image"
fi
script="Meet the Aurora bottle. It keeps drinks cold for a whole day and fits every bag."
for layout in showcase presenter split pip; do
  for aspect in 16:9 1:1 9:16; do
    name="$layout-${aspect/:/x}"
    args=(generate --image "$image" --script "$script" --title --product-name "Aurora Bottle"
          --aspect "$aspect" --height 720 --preset ultrafast --layout "$layout" -o "$work/$name.mp4")
    [ "$layout" = showcase ] || args+=(--avatar "$avatar")
    "$bin" "${args[@]}" >/dev/null
    ffmpeg -v error -y -ss 2.2 -i "$work/$name.mp4" -frames:v 1 "$out/$name.png"
    if [ -n "$thumbs" ]; then
      mkdir -p "$thumbs"
      ffmpeg -v error -y -i "$out/$name.png" -vf "scale='if(gt(iw,ih),-2,320)':'if(gt(iw,ih),320,-2)'" \
        -q:v 4 "$thumbs/$name.jpg"
    fi
    echo "$out/$name.png"
  done
done

#!/usr/bin/env bash
# Renders the demo video: a product photo made on the spot (no binary fixtures), a
# suggested script, captions and a title. Prints where the files are.
set -euo pipefail
bin=${1:-build/pitchreel}
dir=${2:-out/demo}
mkdir -p "$dir"
photo="$dir/product.png"
if [ ! -f "$photo" ]; then
  # A studio shot of a "product": a glossy bottle drawn with ffmpeg's lavfi sources.
  ffmpeg -loglevel error -y -f lavfi -i "color=c=0xf4efe6:s=1200x1200" -frames:v 1 \
    -vf "drawbox=x=470:y=260:w=260:h=700:color=0x1f6f8b:t=fill,drawbox=x=540:y=150:w=120:h=120:color=0x333333:t=fill,drawbox=x=490:y=520:w=220:h=200:color=0xffffff:t=fill,drawbox=x=505:y=300:w=30:h=600:color=0x4fa3c0:t=fill" \
    "$photo"
fi
"$bin" generate --image "$photo" \
  --product-name "Aurora Water Bottle" \
  --description "The Aurora bottle keeps drinks cold for 24 hours and hot for 12. It is made of double-walled stainless steel. The leak-proof lid fits in any cup holder." \
  --title -o "$dir/demo.mp4"
echo "Demo video: $dir/demo.mp4 (poster $dir/demo.jpg, captions $dir/demo.vtt and $dir/demo.srt)"

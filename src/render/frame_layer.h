// FrameLayer: one layer of a composed video, drawn into each frame in turn: the product's
// Ken Burns scene, the presenter's panel, a video made elsewhere fitted to the frame.
//
// Contract:
// - draw() is called for frames 0, 1, 2, ... of the video's Timeline, in order, each once,
//   from one thread at a time (the render thread): a layer may read its source forward.
// - It writes only inside its own area and covers all of it (rounded corners excepted:
//   they keep what is under them), so layers drawn later cover earlier ones.
// - An error means the layer's source broke (a video that stopped decoding): the video
//   being made is abandoned.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "media/yuv420.h"

namespace pitchreel {

class FrameLayer {
 public:
  virtual ~FrameLayer() = default;
  virtual Status draw(std::int64_t frame, Yuv420& out) = 0;
};

}  // namespace pitchreel

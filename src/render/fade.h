// Fades a Yuv420 frame towards black: brightness 1 leaves it as is, 0 makes it black
// (Y 16, Cb/Cr 128 in limited range).
#pragma once

#include "media/yuv420.h"

namespace pitchreel {

void fade_to_black(Yuv420& frame, double brightness);

}  // namespace pitchreel

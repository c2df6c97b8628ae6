// The ASS subtitle script libass renders: one style derived from CaptionStyle and, per
// cue, one event per spoken word with that word in the highlight colour (karaoke).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "render/captions.h"

namespace pitchreel {

std::string build_caption_ass_script(cv::Size frame, const std::vector<WordTiming>& words,
                                     const std::vector<CaptionCue>& cues,
                                     const CaptionStyle& style);

// User text as ASS event text that libass shows literally: braces are escaped (\{ \}),
// and a WORD JOINER after every backslash keeps it from forming \N, \h or a tag.
std::string escape_ass_text(std::string_view text);

// &HAABBGGRR; alpha 0 is opaque.
std::string ass_colour(const cv::Scalar& bgr, int alpha = 0);

}  // namespace pitchreel

// Visemes: the few mouth shapes speech needs, in the spirit of Preston Blair's chart and
// Rhubarb Lip Sync, and the mapping from espeak-ng's phoneme mnemonics to them.
#pragma once

#include <string_view>

#include "presenter/mouth_pose.h"

namespace pitchreel {

enum class Viseme {
  kRest,    // silence, pauses: lips together, relaxed
  kClosed,  // M, B, P: lips pressed together
  kFV,      // F, V: lower lip to the upper teeth
  kTeeth,   // S, Z, T, D, N, K, G, TH, CH, J, SH, L, R, Y, H: teeth nearly together, lips apart
  kWide,    // EE, I, E, AE: mouth open and spread
  kOpen,    // A, AH, AW: jaw dropped
  kRound,   // O, OO, U, W: lips rounded and pushed forward
};

// espeak-ng's mnemonic (e.g. "m", "aI", "@L", "_:") to a viseme; unknown symbols are
// treated by their first letter, and pauses ("_", "_:") are kRest.
Viseme viseme_for_phoneme(std::string_view phoneme);

// The mouth pose a viseme aims for.
MouthPose pose_for(Viseme viseme);

}  // namespace pitchreel

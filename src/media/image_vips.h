// RAII owners for libvips handles, and the one-time start of the library.
// libvips keeps its error text in one process-wide buffer, so callers take it
// right after a failure (for the log only: it is never shown to users).
#pragma once

#include <memory>
#include <string>

#include <vips/vips.h>

namespace pitchreel::vips {

struct ObjectUnref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
struct GFree {
  void operator()(void* data) const { g_free(data); }
};

struct AreaUnref {
  void operator()(VipsArrayDouble* array) const { vips_area_unref(VIPS_AREA(array)); }
};

using ImagePtr = std::unique_ptr<VipsImage, ObjectUnref>;
using BufferPtr = std::unique_ptr<void, GFree>;
using ArrayDoublePtr = std::unique_ptr<VipsArrayDouble, AreaUnref>;

// Starts libvips once per process (thread-safe). Returns false when it could not start;
// the reason is logged.
bool started();

// The text libvips left in its error buffer, cleared afterwards.
std::string take_error();

}  // namespace pitchreel::vips

#include "presenter/mouth_interior.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "presenter/polygon_contains.h"

namespace pitchreel {
namespace {

// Where the lips have parted: 1 on the pixels whose centre lies inside the inner-lip
// polygon (landmarks 60-67 as posed), 0 elsewhere. That is the rule by which the warp
// samples a pixel from the opening's triangles (the closed mouth's crease, stretched) or
// from the lips', so the interior covers exactly the crease: a partial, anti-aliased edge
// would mix the dark crease in and draw a thin dark line along the lips.
cv::Mat opening_mask(const std::vector<cv::Point2f>& inner, cv::Point2f origin, cv::Size size) {
  cv::Mat mask(size, CV_32F, cv::Scalar(0));
  std::vector<cv::Point2f> local;
  for (const auto& q : inner) local.push_back(q - origin);
  for (int r = 0; r < size.height; ++r) {
    auto* row = mask.ptr<float>(r);
    for (int c = 0; c < size.width; ++c) {
      const cv::Point2f centre(static_cast<float>(c), static_cast<float>(r));
      if (polygon_contains(local, centre)) row[c] = 1.0f;
    }
  }
  return mask;
}

// The lips' inner rim: the warp stretches the closed mouth's dark crease over the pixel or
// two of lip along the opening's edge, which reads as a thin dark line around it once the
// interior is painted. Those pixels (outside the inner-lip polygon, within kRim of it) are
// lifted toward the lip's own brightness a little further out along the edge's normal;
// never darkened, so a lip that is dark there anyway stays as it is.
void lift_rim(const std::vector<cv::Point2f>& inner, float strength, cv::Mat& y, cv::Rect roi) {
  constexpr float kRim = 1.75f, kLook = 3.0f;  // pixels
  const cv::Rect around = cv::Rect(roi.x - 5, roi.y - 5, roi.width + 10, roi.height + 10) &
                          cv::Rect({}, y.size());
  const cv::Mat before = y(around).clone();
  const cv::Point2f offset(static_cast<float>(around.x), static_cast<float>(around.y));
  const auto sample = [&](cv::Point2f q) {
    cv::Mat patch;
    cv::getRectSubPix(before, {1, 1}, q - offset, patch, CV_32F);
    return patch.at<float>(0, 0);
  };
  const std::size_t n = inner.size();
  for (int r = roi.y; r < roi.y + roi.height; ++r) {
    auto* row = y.ptr<std::uint8_t>(r);
    for (int c = roi.x; c < roi.x + roi.width; ++c) {
      const cv::Point2f p(static_cast<float>(c), static_cast<float>(r));
      if (polygon_contains(inner, p)) continue;  // the opening: painted
      // The nearest point of the polygon's edge.
      float best = kRim;
      cv::Point2f nearest;
      for (std::size_t k = 0; k < n; ++k) {
        const cv::Point2f a = inner[k], ab = inner[(k + 1) % n] - a;
        const float t = std::clamp((p - a).dot(ab) / std::max(ab.dot(ab), 1e-6f), 0.0f, 1.0f);
        const cv::Point2f q = a + ab * t;
        const float d = static_cast<float>(cv::norm(p - q));
        if (d < best) {
          best = d;
          nearest = q;
        }
      }
      if (best >= kRim || best < 1e-3f) continue;
      const cv::Point2f out = (p - nearest) * (1.0f / best);
      const float lip = sample(nearest + out * kLook);
      const float weight = strength * (1.0f - best / kRim);
      if (lip > row[c]) row[c] = cv::saturate_cast<std::uint8_t>(row[c] + (lip - row[c]) * weight);
    }
  }
}

void blend(cv::Mat& plane, const cv::Mat& alpha, const cv::Mat& value) {
  for (int r = 0; r < plane.rows; ++r) {
    auto* d = plane.ptr<std::uint8_t>(r);
    const auto* a = alpha.ptr<float>(r);
    const auto* s = value.ptr<float>(r);
    for (int c = 0; c < plane.cols; ++c) {
      if (a[c] <= 0.002f) continue;
      d[c] = cv::saturate_cast<std::uint8_t>(d[c] + (s[c] - d[c]) * a[c]);
    }
  }
}

}  // namespace

MouthInterior::MouthInterior(const cv::Mat& y, const cv::Mat& u, const cv::Mat& v,
                             const std::vector<cv::Point2f>& rest, float mouth_width)
    : mouth_width_(mouth_width) {
  std::vector<cv::Point2f> lips(rest.begin() + 48, rest.begin() + 60);
  cv::Mat mask = cv::Mat::zeros(y.size(), CV_8UC1);
  std::vector<cv::Point> poly;
  for (const auto& q : lips) poly.emplace_back(cv::Point(q));
  cv::fillConvexPoly(mask, poly, cv::Scalar(255));
  cv::Mat half_mask;
  cv::resize(mask, half_mask, u.size(), 0, 0, cv::INTER_NEAREST);
  const double lip_y = cv::countNonZero(mask) ? cv::mean(y, mask)[0] : 110.0;
  const double cb = cv::countNonZero(half_mask) ? cv::mean(u, half_mask)[0] : 128.0;
  const double cr = cv::countNonZero(half_mask) ? cv::mean(v, half_mask)[0] : 128.0;
  // The cavity: much darker than the lips, their hue a little stronger; the teeth: light,
  // neutral, but never brighter than the picture allows (sketches, dark paintings).
  cavity_ = cv::Vec3f(static_cast<float>(16 + (lip_y - 16) * 0.22),
                      static_cast<float>(128 + (cb - 128) * 0.8),
                      static_cast<float>(128 + (cr - 128) * 1.2));
  double max_y = 0;
  cv::minMaxLoc(y, nullptr, &max_y);
  teeth_ = cv::Vec3f(static_cast<float>(std::min(max_y * 0.85, lip_y + 55.0)),
                     static_cast<float>(128 + (cb - 128) * 0.2),
                     static_cast<float>(128 + (cr - 128) * 0.2));
}

void MouthInterior::paint(const std::vector<cv::Point2f>& posed, cv::Mat& y, cv::Mat& u,
                          cv::Mat& v, cv::Mat* teeth_mask) const {
  std::vector<cv::Point2f> inner(posed.begin() + 60, posed.begin() + 68);
  const float gap = static_cast<float>(
      cv::norm(((posed[61] + posed[62] + posed[63]) - (posed[65] + posed[66] + posed[67])) / 3.0f));
  const float parted = gap;
  if (parted < 1.0f) return;
  // The working box: the opening, even-aligned. Nothing outside the inner-lip contour is
  // painted, so the lips (the lower one included) stay as the warp left them.
  cv::Rect2f box = cv::boundingRect(inner);
  const int x0 = std::max(0, (static_cast<int>(std::floor(box.x)) - 2) / 2 * 2);
  const int y0 = std::max(0, (static_cast<int>(std::floor(box.y)) - 2) / 2 * 2);
  const int x1 = std::min(y.cols, static_cast<int>(std::ceil(box.br().x)) + 3);
  const int y1 = std::min(y.rows, static_cast<int>(std::ceil(box.br().y)) + 3);
  cv::Rect roi(x0, y0, ((x1 - x0) / 2) * 2, ((y1 - y0) / 2) * 2);
  if (roi.width < 4 || roi.height < 4) return;
  const cv::Point2f origin(static_cast<float>(roi.x), static_cast<float>(roi.y));

  const cv::Mat clip = opening_mask(inner, origin, roi.size());
  const float soft = std::max(0.6f, std::min(0.02f * mouth_width_, 0.25f * gap));
  // Fainter when barely open, so the lips part softly; otherwise opaque right up to the lips
  // (opening_mask). The softness is in the cavity's shading instead.
  const float strength = std::min(1.0f, parted / (0.06f * mouth_width_));
  cv::Mat alpha = clip * strength;

  // Depth: darkest at the back of the mouth, lighter toward the lips.
  cv::Mat depth;
  cv::GaussianBlur(clip, depth, cv::Size(0, 0), std::max(1.0f, 0.35f * gap));
  const float edge_y = cavity_[0] * 1.35f, deep_y = 16 + (cavity_[0] - 16) * 0.45f;
  cv::Mat value_y = edge_y + depth * (deep_y - edge_y);

  // Teeth: the upper row under the upper lip, the lower row (shorter, in shadow) above the
  // lower lip once the jaw drops; both narrower than the opening and clipped to it.
  const cv::Point2f centre = (posed[60] + posed[64]) / 2;
  const float band = std::min(0.055f * mouth_width_, 0.3f * gap);
  const auto row = [&](const std::vector<cv::Point2f>& lip, float narrow_edge, float narrow_in,
                       float thickness) {
    std::vector<cv::Point> poly;
    // The edge under the lip starts past it: the clip to the lips, not a blur, makes the
    // teeth meet the lip, with no dark seam between them.
    const float past = thickness > 0 ? -2.0f : 2.0f;
    for (const auto& q : lip) {
      const cv::Point2f p(centre.x + (q.x - centre.x) * narrow_edge, q.y + past);
      poly.emplace_back(cv::Point((p - origin) * 16.0f));
    }
    for (auto it = lip.rbegin(); it != lip.rend(); ++it) {
      const cv::Point2f p(centre.x + (it->x - centre.x) * narrow_in, it->y + thickness);
      poly.emplace_back(cv::Point((p - origin) * 16.0f));
    }
    cv::Mat mask = cv::Mat::zeros(roi.size(), CV_8UC1);
    cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(255), cv::LINE_AA, 4);
    cv::Mat f;
    mask.convertTo(f, CV_32F, 1.0 / 255);
    cv::GaussianBlur(f, f, cv::Size(0, 0), std::max(0.6f, 0.4f * soft));
    return f;
  };
  cv::Mat upper = row({posed[60], posed[61], posed[62], posed[63], posed[64]}, 0.82f, 0.74f, band);
  cv::Mat teeth = upper;
  const float lower_show = std::clamp((parted / (0.12f * mouth_width_)) - 0.5f, 0.0f, 1.0f);
  if (lower_show > 0) {
    cv::Mat lower =
        row({posed[64], posed[65], posed[66], posed[67], posed[60]}, 0.92f, 0.8f, -0.6f * band);
    teeth = cv::max(upper, lower * (0.8f * lower_show));
  }
  // Never outside the lips: the teeth are clipped to the opening too, so they reach the
  // lips' edge (no band of cavity between them) and no further.
  teeth = teeth.mul(clip);
  // Shading: the teeth darken toward the corners of the mouth (they curve away).
  const float half_width = std::max(1.0f, 0.5f * static_cast<float>(cv::norm(posed[64] - posed[60])));
  cv::Mat teeth_y(roi.size(), CV_32F);
  for (int r = 0; r < roi.height; ++r) {
    float* row_y = teeth_y.ptr<float>(r);
    for (int c = 0; c < roi.width; ++c) {
      const float dx = (static_cast<float>(c) + origin.x - centre.x) / half_width;
      row_y[c] = teeth_[0] * (1.0f - 0.35f * std::min(1.0f, dx * dx));
    }
  }
  value_y += teeth.mul(teeth_y - value_y);
  lift_rim(inner, strength, y, roi);
  cv::Mat py = y(roi);
  blend(py, alpha, value_y);
  if (teeth_mask) {
    *teeth_mask = cv::Mat::zeros(y.size(), CV_8UC1);
    cv::Mat shown = teeth.mul(alpha);
    cv::Mat(shown > 0.25f).copyTo((*teeth_mask)(roi));
  }

  cv::Mat alpha_half, teeth_half;
  cv::resize(alpha, alpha_half, roi.size() / 2, 0, 0, cv::INTER_AREA);
  cv::resize(teeth, teeth_half, roi.size() / 2, 0, 0, cv::INTER_AREA);
  const cv::Rect half_roi(roi.x / 2, roi.y / 2, roi.width / 2, roi.height / 2);
  cv::Mat pu = u(half_roi), pv = v(half_roi);
  cv::Mat value_u = cv::Mat(half_roi.size(), CV_32F, cv::Scalar(cavity_[1])) +
                    teeth_half * (teeth_[1] - cavity_[1]);
  cv::Mat value_v = cv::Mat(half_roi.size(), CV_32F, cv::Scalar(cavity_[2])) +
                    teeth_half * (teeth_[2] - cavity_[2]);
  blend(pu, alpha_half, value_u);
  blend(pv, alpha_half, value_v);
}

}  // namespace pitchreel

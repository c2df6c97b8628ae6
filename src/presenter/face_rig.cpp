#include "presenter/face_rig.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <opencv2/imgproc.hpp>

namespace pitchreel {
namespace {

constexpr int kRingPoints = 16;
constexpr float kRingFollows = 0.35f;  // how much of the head's motion the ring takes
// The neck grid: rows from the jaw line down to the region's edge, columns across the jaw.
// Dense enough that the piecewise-affine warp follows the smooth falloff closely (each
// row and column is where the warp's stretch may change: small steps, no visible crease).
constexpr int kNeckRows = 16;
constexpr float kNeckReach = 0.8f;  // face heights below the chin the region reaches
constexpr int kNeckColumns = 13;

// How much of the chin's drop the jaw outline takes, by landmark (0..16). The neck below
// follows a raised cosine across the jaw that stays close to these.
constexpr float kJawWeight[17] = {0,     0,    0,     0.1f, 0.3f, 0.55f, 0.8f, 0.95f, 1,
                                  0.95f, 0.8f, 0.55f, 0.3f, 0.1f, 0,     0,    0};

// 1 at t = 0 down to 0 at t = 1 with zero slope at both ends: the neck leaves the chin and
// meets the still frame without a corner.
float falloff(float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  return 0.5f * (1 + std::cos(std::numbers::pi_v<float> * t));
}


cv::Point2f unit(cv::Point2f v) {
  const float n = std::hypot(v.x, v.y);
  return n > 0 ? v / n : cv::Point2f(0, 1);
}

cv::Point2f mean_of(const std::array<cv::Point2f, 68>& p, int first, int last) {
  cv::Point2f sum{0, 0};
  for (int i = first; i <= last; ++i) sum += p[static_cast<std::size_t>(i)];
  return sum / static_cast<float>(last - first + 1);
}

int even_down(float v) { return static_cast<int>(std::floor(v / 2)) * 2; }

// Delaunay triangles as indices into `points` (all inside `size`).
std::vector<cv::Vec3i> triangulate(const std::vector<cv::Point2f>& points, cv::Size size) {
  cv::Subdiv2D subdiv(cv::Rect(-1, -1, size.width + 2, size.height + 2));
  std::vector<int> vertex_of(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) vertex_of[i] = subdiv.insert(points[i]);
  std::vector<int> index_of_vertex(
      static_cast<std::size_t>(*std::max_element(vertex_of.begin(), vertex_of.end()) + 1), -1);
  for (std::size_t i = 0; i < points.size(); ++i)
    index_of_vertex[static_cast<std::size_t>(vertex_of[i])] = static_cast<int>(i);
  std::vector<cv::Vec6f> list;
  subdiv.getTriangleList(list);
  std::vector<cv::Vec3i> triangles;
  for (const auto& t : list) {
    cv::Vec3i tri;
    bool ok = true;
    for (int k = 0; k < 3 && ok; ++k) {
      const cv::Point2f q(t[2 * k], t[2 * k + 1]);
      const int v = subdiv.findNearest(q);
      ok = v >= 0 && static_cast<std::size_t>(v) < index_of_vertex.size() &&
           index_of_vertex[static_cast<std::size_t>(v)] >= 0;
      if (ok) tri[k] = index_of_vertex[static_cast<std::size_t>(v)];
    }
    if (ok) triangles.push_back(tri);
  }
  return triangles;
}

}  // namespace

FaceRig FaceRig::create(const FaceLandmarks& face, cv::Rect bounds) {
  FaceRig rig;
  const auto& p = face.points;
  const cv::Point2f left_eye = mean_of(p, 36, 41), right_eye = mean_of(p, 42, 47);
  const cv::Point2f eyes = (left_eye + right_eye) / 2;
  rig.right_ = unit(right_eye - left_eye);
  rig.down_ = cv::Point2f(-rig.right_.y, rig.right_.x);
  rig.mouth_width_ = static_cast<float>(cv::norm(p[54] - p[48]));
  rig.face_width_ = static_cast<float>(cv::norm(p[16] - p[0]));
  const float face_height = static_cast<float>((p[8] - eyes).dot(rig.down_)) * 1.6f;
  rig.pivot_ = p[8] + rig.down_ * (0.25f * face_height);

  std::vector<cv::Point2f> points(p.begin(), p.end());
  // Forehead: above the brows, so the upper head moves with the face.
  for (int i : {17, 19, 21, 22, 24, 26}) {
    points.push_back(p[static_cast<std::size_t>(i)] - rig.down_ * (0.28f * face_height));
  }
  // The ring: an ellipse around the head and the top of the neck.
  const cv::Point2f center = eyes + rig.down_ * (0.12f * face_height);
  // Tight enough to keep the per-frame warp small, loose enough for the chin's drop and
  // the head's motion.
  const float rx = 0.72f * rig.face_width_, ry = 0.78f * face_height;
  rig.ring_first_ = static_cast<int>(points.size());
  for (int k = 0; k < kRingPoints; ++k) {
    const double a = 2 * std::numbers::pi * k / kRingPoints;
    points.push_back(center + rig.right_ * (rx * static_cast<float>(std::cos(a))) +
                     rig.down_ * (ry * static_cast<float>(std::sin(a))));
  }
  // The fixed frame: the ring's box grown by a margin, inside the bounds, even-aligned.
  const float margin = 0.12f * rig.face_width_;
  float x0 = center.x - rx - margin, x1 = center.x + rx + margin;
  float y0 = center.y - ry - margin, y1 = center.y + ry + margin;
  // Below the chin the region reaches further: the chin's drop is taken up over a long
  // stretch of neck, so the neck is squeezed little and evenly (a short one creases).
  y1 = std::max(y1, p[8].y + kNeckReach * face_height);
  x0 = std::max(x0, static_cast<float>(bounds.x));
  y0 = std::max(y0, static_cast<float>(bounds.y));
  x1 = std::min(x1, static_cast<float>(bounds.br().x));
  y1 = std::min(y1, static_cast<float>(bounds.br().y));
  const int ix0 = even_down(x0) + (even_down(x0) < bounds.x ? 2 : 0);
  const int iy0 = even_down(y0) + (even_down(y0) < bounds.y ? 2 : 0);
  rig.region_ = cv::Rect(ix0, iy0, even_down(x1 - static_cast<float>(ix0)),
                         even_down(y1 - static_cast<float>(iy0)));
  const cv::Point2f origin(static_cast<float>(rig.region_.x), static_cast<float>(rig.region_.y));
  const float w = static_cast<float>(rig.region_.width - 1);
  const float h = static_cast<float>(rig.region_.height - 1);
  for (auto& q : points) {
    q -= origin;
    // Ring points beyond the picture's edge are pulled inside, a little away from the frame.
    q.x = std::clamp(q.x, 3.0f, w - 3.0f);
    q.y = std::clamp(q.y, 3.0f, h - 3.0f);
  }
  rig.pivot_ -= origin;

  // The neck: below the jaw line (landmarks 3-13) down to the region's bottom edge. Ring
  // points there would pin the neck still a short way under the chin (the stretch changing
  // at once along their edges: a crease); the grid takes their place.
  const auto along = [&](cv::Point2f v) { return v.dot(rig.right_); };
  const auto depth = [&](cv::Point2f v) { return v.dot(rig.down_); };
  std::vector<cv::Point2f> jaw;  // landmarks 3..13 in region coordinates
  for (int i = 3; i <= 13; ++i) jaw.push_back(p[static_cast<std::size_t>(i)] - origin);
  // The jaw's depth at lateral position a (its ends' beyond them).
  const auto jaw_depth = [&](float a) {
    for (std::size_t k = 0; k + 1 < jaw.size(); ++k) {
      const float a0 = along(jaw[k]), a1 = along(jaw[k + 1]);
      if (a1 != a0 && (a - a0) * (a - a1) <= 0) {
        return depth(jaw[k]) + (a - a0) / (a1 - a0) * (depth(jaw[k + 1]) - depth(jaw[k]));
      }
    }
    const bool first = std::abs(a - along(jaw.front())) < std::abs(a - along(jaw.back()));
    return depth(first ? jaw.front() : jaw.back());
  };
  const float a_first = along(jaw.front()), a_last = along(jaw.back());
  const float a_chin = along(p[8] - origin), chin_depth = depth(p[8] - origin);
  const float a_left = along(p[2] - origin), a_right = along(p[14] - origin);
  // How much of the chin's drop the neck takes across the jaw: a raised cosine, 1 under the
  // chin and 0 at landmarks 2 and 14 with zero slope there (close to the jaw's own weights,
  // kJawWeight, on a regular jaw), so the squeeze has no corner sideways either.
  const auto bell = [&](float a) {
    const float half = a < a_chin ? a_chin - a_left : a_right - a_chin;
    return half > 0 ? falloff(std::abs(a - a_chin) / half) : 0.0f;
  };
  // Ring points below the jaw, between its ends, give way to the grid.
  std::vector<cv::Point2f> kept(points.begin(), points.begin() + rig.ring_first_);
  for (std::size_t i = static_cast<std::size_t>(rig.ring_first_); i < points.size(); ++i) {
    const float a = along(points[i]);
    const bool below = depth(points[i]) > jaw_depth(a);
    const float slack = 0.08f * rig.face_width_;
    if (!(below && a > std::min(a_first, a_last) - slack && a < std::max(a_first, a_last) + slack))
      kept.push_back(points[i]);
  }
  points = std::move(kept);
  rig.neck_first_ = static_cast<int>(points.size());
  for (int c = 0; c < kNeckColumns; ++c) {
    const float a = a_first + (a_last - a_first) * static_cast<float>(c) / (kNeckColumns - 1);
    const float top = jaw_depth(a);
    const float drop_weight = bell(a);
    // The column runs down the chin direction to where it leaves the region (3 px inside,
    // as the ring's points): its drop fades to nothing there, where the frame holds still.
    const cv::Point2f start = jaw.front() + rig.right_ * (a - a_first) +
                              rig.down_ * (top - depth(jaw.front()));
    float length = std::numeric_limits<float>::max();
    const auto exit_at = [&](float from, float step, float lo, float hi) {
      if (step > 1e-6f) length = std::min(length, (hi - from) / step);
      if (step < -1e-6f) length = std::min(length, (lo - from) / step);
    };
    exit_at(start.x, rig.down_.x, 3, w - 3);
    exit_at(start.y, rig.down_.y, 3, h - 3);
    if (!(length > 0) || length == std::numeric_limits<float>::max()) continue;
    // The falloff runs from the chin's depth (not the column's top: the jaw rises steeply
    // at the sides, and a falloff that started there would bend sharply along it) to the
    // column's exit; points beside the jaw above the chin's depth take the full drop that
    // the bell gives them.
    const float exit_depth = top + length;
    const float reach = std::max(exit_depth - chin_depth, 1.0f);
    for (int r = 1; r <= kNeckRows; ++r) {
      // Rows closer together near the jaw, where the chin's edge meets the neck.
      const float f = std::pow(static_cast<float>(r) / (kNeckRows + 1), 1.6f);
      const cv::Point2f q = start + rig.down_ * (length * f);
      const float t = (depth(q) - chin_depth) / reach;
      points.push_back(q);
      rig.neck_drop_.push_back(drop_weight * falloff(t));
      rig.neck_follow_.push_back(falloff(t));
    }
  }
  rig.frame_first_ = static_cast<int>(points.size());
  for (int k = 0; k < 4; ++k) {
    const float f = static_cast<float>(k) / 4;
    points.push_back({f * w, 0});
    points.push_back({w, f * h});
    points.push_back({(1 - f) * w, h});
    points.push_back({0, (1 - f) * h});
  }
  rig.rest_ = points;

  // Triangulate the mesh with the mouth and eyes open, so the lips and lids get triangles
  // of their own that can open without folding.
  FacePose open;
  open.mouth = {1.0f, 1.0f, 0.0f, 0.0f};
  rig.triangles_ = triangulate(rig.posed(open), rig.region_.size());
  return rig;
}

std::vector<cv::Point2f> FaceRig::posed(const FacePose& pose) const {
  std::vector<cv::Point2f> q = rest_;
  if (q.empty()) return q;
  const MouthPose& m = pose.mouth;
  const float w = mouth_width_;
  const auto move = [&](int i, cv::Point2f d) { q[static_cast<std::size_t>(i)] += d; };

  // Jaw: the chin and the lower lip drop, the mouth corners half as much.
  const float drop = std::clamp(m.jaw, 0.0f, 1.2f) * 0.30f * w;
  for (int i = 0; i < 17; ++i) move(i, down_ * (drop * kJawWeight[i]));
  for (int i = neck_first_; i < frame_first_; ++i) {
    move(i, down_ * (drop * neck_drop_[static_cast<std::size_t>(i - neck_first_)]));
  }
  for (int i : {55, 56, 57, 58, 59, 65, 66, 67}) move(i, down_ * drop);
  for (int i : {48, 54, 60, 64}) move(i, down_ * (0.5f * drop));

  // Lips part beyond the jaw.
  const float part = std::clamp(m.lips, 0.0f, 1.0f);
  for (int i : {61, 62, 63}) move(i, -down_ * (part * 0.06f * w));
  for (int i : {50, 51, 52}) move(i, -down_ * (part * 0.03f * w));
  for (int i : {65, 66, 67}) move(i, down_ * (part * 0.08f * w));
  for (int i : {56, 57, 58}) move(i, down_ * (part * 0.04f * w));

  // Spread (wide) or round (narrow, pouted).
  const float s = std::clamp(m.spread, -1.0f, 1.0f);
  const float sideways = s > 0 ? s * 0.07f * w : s * 0.13f * w;
  for (int i : {48, 60}) move(i, -right_ * sideways);
  for (int i : {54, 64}) move(i, right_ * sideways);
  for (int i : {49, 59, 61, 67}) move(i, -right_ * (0.5f * sideways));
  for (int i : {53, 55, 63, 65}) move(i, right_ * (0.5f * sideways));
  if (s < 0) {  // a pout: the lips' middles bulge out
    for (int i : {50, 51, 52}) move(i, down_ * (s * 0.03f * w));
    for (int i : {56, 57, 58}) move(i, -down_ * (s * 0.03f * w));
  }
  // The lower lip tucked up under the upper teeth.
  const float tuck = std::clamp(m.tuck, 0.0f, 1.0f) * 0.05f * w;
  for (int i : {65, 66, 67, 56, 57, 58}) move(i, -down_ * tuck);

  // Blinks: the upper lids come down to the lower ones.
  const float b = std::clamp(pose.blink, 0.0f, 1.0f) * 0.92f;
  const std::pair<int, int> lids[] = {{37, 41}, {38, 40}, {43, 47}, {44, 46}};
  for (const auto& [upper, lower] : lids) {
    const cv::Point2f gap =
        rest_[static_cast<std::size_t>(lower)] - rest_[static_cast<std::size_t>(upper)];
    move(upper, gap * b);
  }

  // The head as a whole: a similarity about the neck; the ring follows partly, the frame
  // not at all.
  const HeadPose& h = pose.head;
  if (h.roll != 0 || h.scale != 0 || h.shift != cv::Point2f()) {
    const float c = std::cos(h.roll) * (1 + h.scale), sn = std::sin(h.roll) * (1 + h.scale);
    const cv::Point2f shift = h.shift * face_width_;
    const auto transform = [&](cv::Point2f v) {
      const cv::Point2f d = v - pivot_;
      return pivot_ + cv::Point2f(c * d.x - sn * d.y, sn * d.x + c * d.y) + shift;
    };
    for (int i = 0; i < ring_first_; ++i)
      q[static_cast<std::size_t>(i)] = transform(q[static_cast<std::size_t>(i)]);
    for (int i = ring_first_; i < neck_first_; ++i) {
      auto& v = q[static_cast<std::size_t>(i)];
      v += (transform(v) - v) * kRingFollows;
    }
    for (int i = neck_first_; i < frame_first_; ++i) {
      auto& v = q[static_cast<std::size_t>(i)];
      v += (transform(v) - v) * neck_follow_[static_cast<std::size_t>(i - neck_first_)];
    }
  }
  return q;
}

cv::Rect2f FaceRig::mouth_reach() const {
  return pitchreel::mouth_reach(std::span<const cv::Point2f>(rest_).first<68>());
}

cv::Rect2f mouth_reach(std::span<const cv::Point2f, 68> landmarks) {
  const std::vector<cv::Point2f> mouth(landmarks.begin() + 48, landmarks.end());
  const cv::Rect2f box = cv::boundingRect(mouth);
  const float mouth_width = static_cast<float>(cv::norm(landmarks[54] - landmarks[48]));
  const float grow = 0.35f * mouth_width;
  return {box.x - grow, box.y - grow, box.width + 2 * grow, box.height + 2 * grow + grow};
}

}  // namespace pitchreel

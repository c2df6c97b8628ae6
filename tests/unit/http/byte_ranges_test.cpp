#include "http/byte_ranges.h"

#include <gtest/gtest.h>

#include <string>

namespace pitchreel::http {
namespace {

using Kind = RangeRequest::Kind;

TEST(ByteRanges, SingleRangesAreClampedToTheBody) {
  auto r = parse_byte_ranges("bytes=0-99", 1000);
  ASSERT_EQ(r.kind, Kind::kPartial);
  ASSERT_EQ(r.ranges.size(), 1u);
  EXPECT_EQ(r.ranges[0].first, 0u);
  EXPECT_EQ(r.ranges[0].last, 99u);

  // Past the end: the end is clamped, never promised beyond the file (44 KB file, 1 MiB asked).
  r = parse_byte_ranges("bytes=0-1048575", 45056);
  ASSERT_EQ(r.kind, Kind::kPartial);
  EXPECT_EQ(r.ranges[0].last, 45055u);
  EXPECT_EQ(r.ranges[0].length(), 45056u);

  r = parse_byte_ranges("bytes=500-", 1000);
  ASSERT_EQ(r.kind, Kind::kPartial);
  EXPECT_EQ(r.ranges[0].first, 500u);
  EXPECT_EQ(r.ranges[0].last, 999u);

  r = parse_byte_ranges("bytes=-100", 1000);
  ASSERT_EQ(r.kind, Kind::kPartial);
  EXPECT_EQ(r.ranges[0].first, 900u);
  EXPECT_EQ(r.ranges[0].last, 999u);

  r = parse_byte_ranges("bytes=-5000", 1000);  // a suffix longer than the file: all of it
  ASSERT_EQ(r.kind, Kind::kPartial);
  EXPECT_EQ(r.ranges[0].first, 0u);
  EXPECT_EQ(r.ranges[0].last, 999u);
}

TEST(ByteRanges, RangesStartingPastTheEndAreUnsatisfiable) {
  EXPECT_EQ(parse_byte_ranges("bytes=99999999-", 45056).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(parse_byte_ranges("bytes=1000-2000", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(parse_byte_ranges("bytes=-0", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(parse_byte_ranges("bytes=0-", 0).kind, Kind::kUnsatisfiable);
  // One satisfiable range among unsatisfiable ones is served.
  auto r = parse_byte_ranges("bytes=5000-6000, 10-19", 1000);
  ASSERT_EQ(r.kind, Kind::kPartial);
  ASSERT_EQ(r.ranges.size(), 1u);
  EXPECT_EQ(r.ranges[0].first, 10u);
}

TEST(ByteRanges, OverlappingAndRepeatedRangesAreMerged) {
  // "0-,5-" once gave a nonsense Content-Range: it is the whole file, one range.
  auto r = parse_byte_ranges("bytes=0-,5-", 1000);
  ASSERT_EQ(r.kind, Kind::kPartial);
  ASSERT_EQ(r.ranges.size(), 1u);
  EXPECT_EQ(r.ranges[0].first, 0u);
  EXPECT_EQ(r.ranges[0].last, 999u);

  // 900 copies of one range are one range, not 900 copies of the bytes.
  std::string header = "bytes=0-9999";
  for (int i = 0; i < 899; ++i) header += ",0-9999";
  r = parse_byte_ranges(header, 45056);
  ASSERT_EQ(r.kind, Kind::kPartial);
  ASSERT_EQ(r.ranges.size(), 1u);
  EXPECT_EQ(r.ranges[0].length(), 10000u);

  // Adjacent ranges join; disjoint ones stay apart, sorted.
  r = parse_byte_ranges("bytes=20-29, 0-9, 10-14", 100);
  ASSERT_EQ(r.kind, Kind::kPartial);
  ASSERT_EQ(r.ranges.size(), 2u);
  EXPECT_EQ(r.ranges[0].first, 0u);
  EXPECT_EQ(r.ranges[0].last, 14u);
  EXPECT_EQ(r.ranges[1].first, 20u);
  EXPECT_EQ(r.ranges[1].last, 29u);
}

TEST(ByteRanges, TooManyDisjointRangesMeanTheWholeBody) {
  std::string header = "bytes=0-0";
  for (int i = 1; i < 9; ++i) header += "," + std::to_string(i * 10) + "-" + std::to_string(i * 10);
  EXPECT_EQ(parse_byte_ranges(header, 1000).kind, Kind::kWhole);
  EXPECT_EQ(parse_byte_ranges(header, 1000, 9).kind, Kind::kPartial);
}

TEST(ByteRanges, MalformedHeadersAreIgnored) {
  for (const char* header : {"", "bytes=", "bytes=abc", "bytes=5-1", "items=0-1", "bytes=0-1,x",
                             "bytes=1-2-3", "bytes=--5", "bytes=+1-2", "bytes=18446744073709551616-"}) {
    EXPECT_EQ(parse_byte_ranges(header, 1000).kind, Kind::kWhole) << header;
  }
}

}  // namespace
}  // namespace pitchreel::http

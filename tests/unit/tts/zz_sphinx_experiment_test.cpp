// TEMPORARY experiment: PocketSphinx forced alignment vs the energy aligner.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

extern "C" {
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
}

#include "media/av_handles.h"
#include "support/tts_servers.h"
#include "tts/audio_alignment.h"
#include "tts/espeak_engine.h"
#include "tts/openai_tts_engine.h"
#include "tts/word_alignment.h"

namespace pitchreel {
namespace {

const char* const kScripts[] = {
    "Meet the Aurora bottle. It keeps your coffee hot for twelve hours, and your water cold "
    "for a whole day.",
    "Tired of tangled cables? The Orbit charging pad powers your phone, your watch and your "
    "earbuds at once.",
    "This handmade leather wallet holds eight cards and still slips into a front pocket. Order "
    "yours today.",
    "Our trail shoes grip wet rock, dry fast, and weigh less than a can of soda. Run further "
    "this weekend.",
    "The Lumen desk lamp adjusts its warmth to the time of day, so late nights feel easier on "
    "your eyes.",
    "Fresh beans, roasted every Monday in small batches and shipped the same week, straight to "
    "your door.",
};

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * double(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
}

std::vector<std::int16_t> to_16k(const std::vector<float>& in, int rate) {
  SwrContext* raw = nullptr;
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_S16, 16000, &mono, AV_SAMPLE_FMT_FLT, rate, 0,
                      nullptr);
  av::SwrPtr swr(raw);
  swr_init(raw);
  std::vector<std::int16_t> out(
      static_cast<std::size_t>(swr_get_out_samples(raw, static_cast<int>(in.size())) + 64));
  auto* dst = reinterpret_cast<std::uint8_t*>(out.data());
  const auto* src = reinterpret_cast<const std::uint8_t*>(in.data());
  int n = swr_convert(raw, &dst, static_cast<int>(out.size()), &src, static_cast<int>(in.size()));
  int total = n;
  dst = reinterpret_cast<std::uint8_t*>(out.data() + total);
  n = swr_convert(raw, &dst, static_cast<int>(out.size()) - total, nullptr, 0);
  total += std::max(0, n);
  out.resize(static_cast<std::size_t>(total));
  return out;
}

struct Sphinx {
  cmd_ln_t* config = nullptr;
  ps_decoder_t* ps = nullptr;
  Sphinx() {
    err_set_logfp(nullptr);
    const char* beam = std::getenv("SPX_BEAM") ? std::getenv("SPX_BEAM") : "1e-48";
    const char* wbeam = std::getenv("SPX_WBEAM") ? std::getenv("SPX_WBEAM") : "7e-29";
    config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm",
                         "/usr/share/pocketsphinx/model/en-us/en-us", "-dict",
                         "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict", "-logfn",
                         "/dev/null", "-beam", beam, "-wbeam", wbeam, "-pbeam", beam, nullptr);
    ps = ps_init(config);
  }
  ~Sphinx() {
    ps_free(ps);
    cmd_ln_free_r(config);
  }
};

std::string clean(std::string_view w) {
  std::string out;
  for (char c : w) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '\'')
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool known(ps_decoder_t* ps, const std::string& w) {
  char* p = ps_lookup_word(ps, w.c_str());
  if (!p) return false;
  std::free(p);
  return true;
}

// Pronunciation for an OOV word from two dictionary words.
bool add_compound(ps_decoder_t* ps, const std::string& w) {
  for (std::size_t k = 2; k + 2 <= w.size(); ++k) {
    char* a = ps_lookup_word(ps, w.substr(0, k).c_str());
    char* b = ps_lookup_word(ps, w.substr(k).c_str());
    if (a && b) {
      std::string phones = std::string(a) + " " + b;
      std::free(a);
      std::free(b);
      return ps_add_word(ps, w.c_str(), phones.c_str(), FALSE) >= 0;
    }
    std::free(a);
    std::free(b);
  }
  return false;
}

std::vector<double> sphinx_onsets(Sphinx& sx, std::string_view script,
                                  const std::vector<float>& samples, int rate, bool& ok) {
  ok = false;
  const auto words = split_words(script);
  std::string grammar = "#JSGF V1.0;\ngrammar script;\npublic <script> =";
  std::vector<std::string> cleaned;
  for (auto w : words) {
    std::string c = clean(w);
    if (!known(sx.ps, c) && !add_compound(sx.ps, c)) {
      std::fprintf(stderr, "OOV %s\n", c.c_str());
    }
    cleaned.push_back(c);
    grammar += " " + c;
  }
  grammar += ";\n";
  if (ps_set_jsgf_string(sx.ps, "script", grammar.c_str()) < 0) return {};
  ps_set_search(sx.ps, "script");
  const auto pcm = to_16k(samples, rate);
  ps_start_utt(sx.ps);
  ps_process_raw(sx.ps, pcm.data(), pcm.size(), FALSE, TRUE);
  ps_end_utt(sx.ps);
  std::vector<double> onsets;
  for (ps_seg_t* seg = ps_seg_iter(sx.ps); seg; seg = ps_seg_next(seg)) {
    const char* w = ps_seg_word(seg);
    if (w[0] == '<' || w[0] == '[') continue;
    int sf = 0, ef = 0;
    ps_seg_frames(seg, &sf, &ef);
    onsets.push_back(sf / 100.0);
  }
  ok = onsets.size() == words.size();
  if (!ok) std::fprintf(stderr, "sphinx got %zu of %zu words: %.*s hyp=%s\n", onsets.size(), words.size(), int(script.size()), script.data(), ps_get_hyp(sx.ps, nullptr) ? ps_get_hyp(sx.ps, nullptr) : "(null)");
  return onsets;
}

void run(int rate_wpm, int prior_rate) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  RemoteTtsSettings settings;
  settings.url = server.base_url();
  OpenAiTtsEngine engine(settings);
  Sphinx sx;
  std::vector<double> energy, syl, spx, spx_signed;
  double sphinx_s = 0;
  int failures = 0;
  for (const char* script : kScripts) {
    SpeechOptions options;
    options.voice = "alloy";
    options.rate_wpm = rate_wpm;
    auto speech = engine.synthesize(script, options);
    ASSERT_TRUE(speech.has_value());
    const Speech truth = server.last_speech();
    EspeakEngine ref;
    SpeechOptions ropt;
    ropt.rate_wpm = prior_rate;
    auto reference = ref.synthesize(script, ropt);
    const auto e = align_script_to_audio(script, speech->samples, speech->sample_rate,
                                         reference_prior(script, reference->words));
    const auto s = align_script_to_audio(script, speech->samples, speech->sample_rate,
                                         syllable_prior(script));
    bool ok = false;
    const auto t0 = std::chrono::steady_clock::now();
    const auto x = sphinx_onsets(sx, script, speech->samples, speech->sample_rate, ok);
    sphinx_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!ok) ++failures;
    for (std::size_t i = 0; i < truth.words.size(); ++i) {
      energy.push_back(std::abs(e[i].start - truth.words[i].start));
      syl.push_back(std::abs(s[i].start - truth.words[i].start));
      if (ok) {
        spx.push_back(std::abs(x[i] - truth.words[i].start));
        spx_signed.push_back(x[i] - truth.words[i].start);
      }
      if (std::getenv("SPX_DETAIL") && ok)
        std::printf("%-10s true %.3f energy %+4.0f sphinx %+4.0f\n", truth.words[i].text.c_str(),
                    truth.words[i].start, (e[i].start - truth.words[i].start) * 1000,
                    (x[i] - truth.words[i].start) * 1000);
    }
  }
  auto line = [](const char* name, const std::vector<double>& v) {
    if (v.empty()) return std::printf("  %-22s no words\n", name), void();
    std::printf("  %-22s n=%3zu median %5.1f p95 %5.1f max %5.1f ms\n", name, v.size(),
                quantile(v, 0.5) * 1000, quantile(v, 0.95) * 1000,
                *std::max_element(v.begin(), v.end()) * 1000);
  };
  std::printf("served %d wpm, espeak prior %d wpm (sphinx failures %d, %.2f s decoding):\n",
              rate_wpm, prior_rate, failures, sphinx_s);
  line("energy, espeak prior", energy);
  line("energy, syllables", syl);
  line("sphinx", spx);
  double mean = 0;
  for (double d : spx_signed) mean += d;
  std::printf("  sphinx mean signed %.1f ms, median signed %.1f\n",
              spx_signed.empty() ? 0 : mean / double(spx_signed.size()) * 1000,
              spx_signed.empty() ? 0 : quantile(spx_signed, 0.5) * 1000);
}

TEST(SphinxExperiment, Rates) {
  run(165, 165);
  run(210, 165);
  run(120, 165);
  run(300, 165);
  run(165, 80);   // prior deliberately wrong: espeak at half speed
  run(165, 400);  // and at 2.4x
}

}  // namespace
}  // namespace pitchreel

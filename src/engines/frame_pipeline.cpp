#include "engines/frame_pipeline.h"

#include "core/cpu_account.h"
#include "core/thread_priority.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace pitchreel {
namespace {

// A blocking hand-over of buffer pointers between the two threads.
class Channel {
 public:
  void push(Yuv420* frame) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(frame);
    }
    ready_.notify_one();
  }
  // Returns null once closed and empty.
  Yuv420* pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return nullptr;
    Yuv420* frame = items_.front();
    items_.pop_front();
    return frame;
  }
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Yuv420*> items_;
  bool closed_ = false;
};

}  // namespace

Status run_frame_pipeline(std::int64_t count, cv::Size size, int depth, const RenderFrame& render,
                          const ConsumeFrame& consume) {
  std::vector<Yuv420> buffers;
  for (int i = 0; i < depth; ++i) buffers.push_back(Yuv420::allocate(size));
  Channel free_frames, rendered;
  for (auto& b : buffers) free_frames.push(&b);

  Status render_status;
  std::jthread renderer([&, account = CpuAccount::current()] {
    ThreadCharge charge(account);
    lower_thread_priority(kRendererNiceness);  // below x264, whose frames it buffers ahead
    for (std::int64_t i = 0; i < count; ++i) {
      Yuv420* frame = free_frames.pop();
      if (!frame) break;  // the consumer stopped early
      render_status = render(i, *frame);
      if (!render_status) break;
      rendered.push(frame);
    }
    rendered.close();
  });

  Status status;
  for (std::int64_t i = 0; i < count; ++i) {
    Yuv420* frame = rendered.pop();
    if (!frame) break;  // the renderer stopped: render_status says why
    status = consume(i, *frame);
    if (!status) break;
    free_frames.push(frame);
  }
  free_frames.close();  // releases the renderer if the consumer stopped early
  renderer.join();      // render_status is final once it has ended
  if (!status) return status;
  return render_status;
}

}  // namespace pitchreel

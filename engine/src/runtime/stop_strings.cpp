#include "runtime/stop_strings.h"

#include <algorithm>

namespace chord {

StopStringFilter::StopStringFilter(std::vector<std::string> stops) : stops_(std::move(stops)) {
    std::erase_if(stops_, [](const std::string& s) { return s.empty(); });
}

std::string StopStringFilter::push(const std::string& text) {
    if (stopped_) return {};
    pending_ += text;
    size_t first_stop = std::string::npos;
    for (const std::string& s : stops_) first_stop = std::min(first_stop, pending_.find(s));
    if (first_stop != std::string::npos) {
        stopped_ = true;
        std::string out = pending_.substr(0, first_stop);
        pending_.clear();
        return out;
    }
    // Keep the longest tail of pending that is a prefix of some stop string.
    size_t hold = 0;
    for (const std::string& s : stops_) {
        for (size_t k = std::min(s.size() - 1, pending_.size()); k > hold; --k) {
            if (pending_.compare(pending_.size() - k, k, s, 0, k) == 0) {
                hold = k;
                break;
            }
        }
    }
    std::string out = pending_.substr(0, pending_.size() - hold);
    pending_.erase(0, pending_.size() - hold);
    return out;
}

std::string StopStringFilter::flush() {
    std::string out;
    if (!stopped_) out.swap(pending_);
    pending_.clear();
    return out;
}

}  // namespace chord

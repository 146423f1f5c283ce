#pragma once
// Holds back streamed text that could still turn into a stop string, so a stop string is never shown,
// even when the model produces it across several tokens.
#include <string>
#include <vector>

namespace chord {

class StopStringFilter {
public:
    explicit StopStringFilter(std::vector<std::string> stops);
    // Adds text; returns what may be shown now. Sets stopped() once a stop string is complete
    // (the stop string and anything after it are dropped).
    std::string push(const std::string& text);
    std::string flush();  // end of generation: the held-back text is final
    bool stopped() const { return stopped_; }

private:
    std::vector<std::string> stops_;
    std::string pending_;
    bool stopped_ = false;
};

}  // namespace chord

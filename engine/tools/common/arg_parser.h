#pragma once
// A small command-line parser for the tools: "-m FILE", "--temp 0.5", flags; errors are one clear line.
#include <stdexcept>
#include <string>
#include <vector>

namespace chord::tools {

class ArgParser {
public:
    ArgParser(int argc, char** argv) : args_(argv + 1, argv + argc) {}
    bool done() const { return i_ >= args_.size(); }
    const std::string& next() { return args_[i_++]; }
    std::string value(const std::string& opt) {
        if (done()) throw std::invalid_argument(opt + " needs a value");
        return next();
    }
    int int_value(const std::string& opt) { return static_cast<int>(parse<long long>(opt, value(opt))); }
    float float_value(const std::string& opt) { return static_cast<float>(parse<double>(opt, value(opt))); }
    unsigned long long u64_value(const std::string& opt) { return parse<unsigned long long>(opt, value(opt)); }

private:
    template <typename T> static T parse(const std::string& opt, const std::string& v) {
        try {
            size_t used = 0;
            T r;
            if constexpr (std::is_same_v<T, double>) r = std::stod(v, &used);
            else if constexpr (std::is_same_v<T, long long>) r = std::stoll(v, &used);
            else r = std::stoull(v, &used);
            if (used != v.size()) throw std::invalid_argument(v);
            return r;
        } catch (const std::exception&) {
            throw std::invalid_argument(opt + ": '" + v + "' is not a number");
        }
    }
    std::vector<std::string> args_;
    size_t i_ = 0;
};

}  // namespace chord::tools

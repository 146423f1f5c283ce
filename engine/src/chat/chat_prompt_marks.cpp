// Where message content sits in a rendered prompt, so that control tokens are parsed only in the
// template's own text. The messages are rendered a second time with each content wrapped in a pair of
// private-use marker characters; the marked render gives the template's literal text between the
// contents, and the contents are then placed in the real render (which is what the model gets, exactly
// as Hugging Face renders it). A template that trims content moves the markers' edges, so each content
// is tried as rendered and stripped of whitespace. A template that transforms content beyond that
// (or drops the markers) cannot be placed: then the marked render's own text is used, or, with no
// markers at all, the whole prompt counts as content — never a user's text parsed for control tokens.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "chat/chat_formats.h"
#include "chat/template_builtins.h"
#include "chat/template_value.h"
#include "chord/chat.h"

namespace chord {

namespace {

std::string utf8(char32_t cp) {  // cp in the Basic Multilingual Plane's private-use area (3 bytes)
    std::string s(3, '\0');
    s[0] = static_cast<char>(0xE0 | (cp >> 12));
    s[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return s;
}

struct Markers {
    std::string open, close;
};

// The first pair of private-use characters that no message contains.
Markers pick_markers(std::span<const ChatMessage> messages) {
    for (char32_t cp = 0xE000; cp + 1 <= 0xF8FF; cp += 2) {
        Markers m{utf8(cp), utf8(cp + 1)};
        const bool used = std::any_of(messages.begin(), messages.end(), [&](const ChatMessage& msg) {
            return msg.content.find(m.open) != std::string::npos || msg.content.find(m.close) != std::string::npos;
        });
        if (!used) return m;
    }
    return {};  // every pair is used: unreachable for text a person writes
}

// A marked render split into the template's literal pieces and the contents between them:
// literals[0] contents[0] literals[1] … contents[n-1] literals[n].
struct MarkedRender {
    std::vector<std::string> literals;
    std::vector<std::string> contents;
};

std::optional<MarkedRender> split_marks(const std::string& text, const Markers& m) {
    MarkedRender r;
    size_t pos = 0;
    while (true) {
        const size_t open = text.find(m.open, pos);
        const size_t stray_close = text.find(m.close, pos);
        if (open == std::string::npos) {
            if (stray_close != std::string::npos) return std::nullopt;
            r.literals.push_back(text.substr(pos));
            return r;
        }
        if (stray_close < open) return std::nullopt;
        const size_t inner = open + m.open.size();
        const size_t close = text.find(m.close, inner);
        if (close == std::string::npos || text.find(m.open, inner) < close) return std::nullopt;
        r.literals.push_back(text.substr(pos, open - pos));
        r.contents.push_back(text.substr(inner, close - inner));
        pos = close + m.close.size();
    }
}

// Places the contents in the real render: the literals must appear exactly, in order, and each content
// as rendered or with its whitespace stripped (templates `trim` messages).
std::optional<std::vector<TextRange>> place_contents(const std::string& text, const MarkedRender& r) {
    std::vector<TextRange> ranges;
    if (text.compare(0, r.literals[0].size(), r.literals[0]) != 0) return std::nullopt;
    size_t pos = r.literals[0].size();
    for (size_t i = 0; i < r.contents.size(); ++i) {
        const std::string& c = r.contents[i];
        const std::string& after = r.literals[i + 1];
        const jinja::Value no_chars;
        const std::string candidates[] = {c, jinja::python_strip(c, no_chars, true, true),
                                          jinja::python_strip(c, no_chars, true, false),
                                          jinja::python_strip(c, no_chars, false, true)};
        bool placed = false;
        for (const std::string& candidate : candidates) {
            if (text.compare(pos, candidate.size(), candidate) != 0 ||
                text.compare(pos + candidate.size(), after.size(), after) != 0)
                continue;
            if (!candidate.empty()) ranges.push_back({pos, pos + candidate.size()});
            pos += candidate.size() + after.size();
            placed = true;
            break;
        }
        if (!placed) return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    return ranges;
}

RenderedPrompt from_marked(const MarkedRender& r) {
    RenderedPrompt p;
    for (size_t i = 0; i < r.contents.size(); ++i) {
        p.text += r.literals[i];
        if (!r.contents[i].empty()) p.content.push_back({p.text.size(), p.text.size() + r.contents[i].size()});
        p.text += r.contents[i];
    }
    p.text += r.literals.back();
    return p;
}

}  // namespace

std::vector<TextRange> RenderedPrompt::template_ranges(size_t begin, size_t end) const {
    std::vector<TextRange> out;
    size_t pos = begin;
    for (const TextRange& c : content) {
        if (c.end <= pos) continue;
        if (c.begin >= end) break;
        if (c.begin > pos) out.push_back({pos - begin, c.begin - begin});
        pos = std::max(pos, c.end);
    }
    if (pos < end) out.push_back({pos - begin, end - begin});
    return out;
}

std::vector<TextRange> RenderedPrompt::template_ranges() const { return template_ranges(0, text.size()); }

RenderedPrompt ChatTemplate::render_prompt(std::span<const ChatMessage> messages, bool add_generation_prompt) const {
    RenderedPrompt prompt;
    const std::optional<std::string> own = try_render(messages, add_generation_prompt);
    prompt.text = own ? *own : render(messages, add_generation_prompt);

    const Markers markers = pick_markers(messages);
    std::vector<ChatMessage> marked(messages.begin(), messages.end());
    for (ChatMessage& m : marked) m.content = markers.open + m.content + markers.close;
    // The marked messages go the same way as the real ones: the model's template, or the fallback.
    const std::optional<std::string> marked_text =
        own ? try_render(marked, add_generation_prompt)
            : std::optional<std::string>(chat::render_builtin(format_, marked, add_generation_prompt, bos_, eos_));
    const std::optional<MarkedRender> split =
        marked_text && !markers.open.empty() ? split_marks(*marked_text, markers) : std::nullopt;
    if (split) {
        if (std::optional<std::vector<TextRange>> ranges = place_contents(prompt.text, *split)) {
            prompt.content = std::move(*ranges);
            return prompt;
        }
        spdlog::debug("chat template: message text cannot be placed in the rendered prompt; using the marked render");
        return from_marked(*split);
    }
    spdlog::warn("the chat template does not render message text as written; no control tokens are parsed in "
                 "this prompt");
    if (!prompt.text.empty()) prompt.content.push_back({0, prompt.text.size()});
    return prompt;
}

}  // namespace chord

// Fuzzes the JSON parser of the template engine (tool lists and extra variables given to templates)
// and its tojson writer: whatever parses must write, and what it writes must parse back to the same
// text. TemplateError is the expected outcome for bad input.
//
// Chord's chat store has no import path (chats are exported as Markdown or JSON, never read back), so
// this JSON parser is the only parser of structured text a user can hand the engine besides templates.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "chat/template_error.h"
#include "chat/template_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    chord::jinja::Value v;
    try {
        v = chord::jinja::parse_json(text);
    } catch (const chord::jinja::TemplateError&) {
        return 0;
    }
    const std::string once = chord::jinja::to_json(v, (size & 1) ? 2 : -1);
    try {
        const std::string twice = chord::jinja::to_json(chord::jinja::parse_json(once), (size & 1) ? 2 : -1);
        if (twice != once) {
            std::fprintf(stderr, "tojson(parse(tojson(x))) differs:\n%s\n%s\n", once.c_str(), twice.c_str());
            std::abort();
        }
    } catch (const chord::jinja::TemplateError& e) {
        std::fprintf(stderr, "tojson output does not parse back: %s\n%s\n", e.what(), once.c_str());
        std::abort();
    }
    return 0;
}

// Chat-template interpreter: every template in tests/data/templates/ rendered with every case in cases/
// must equal, byte for byte, what python3-jinja2 renders with Hugging Face's settings
// (scripts/render_templates.py wrote expected/); where Jinja2 raised, the interpreter must raise too.
// Also: the Phi-3 vocabulary's own tokenizer.chat_template, and the sandbox limits.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "chat/jinja_template.h"
#include "chat/template_error.h"
#include "chat/template_json.h"
#include "chord/gguf.h"
#include "chord_test.h"

namespace {

namespace fs = std::filesystem;
using chord::jinja::Dict;
using chord::jinja::JinjaTemplate;
using chord::jinja::TemplateError;

const fs::path kTemplates = fs::path(CHORD_SOURCE_DIR) / "tests" / "data" / "templates";

std::string read_text(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

std::vector<fs::path> files_with(const fs::path& dir, const std::string& ext) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ext) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string first_difference(const std::string& got, const std::string& want) {
    size_t i = 0;
    while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
    const size_t from = i > 40 ? i - 40 : 0;
    return "at byte " + std::to_string(i) + ": got «" + got.substr(from, 80) + "» want «" + want.substr(from, 80) + "»";
}

bool throws_template_error(const std::string& source) {
    try {
        JinjaTemplate(source).render(Dict{});
    } catch (const TemplateError&) {
        return true;
    }
    return false;
}

}  // namespace

class TestTemplateRender : public QObject {
    Q_OBJECT
private slots:
    void rendersLikeJinja2();
    void phi3VocabTemplateIsTheTestedOne();
    void limitsStopHostileTemplates();
    void syntaxErrorsNameTheLine();
};

void TestTemplateRender::rendersLikeJinja2() {
    const auto templates = files_with(kTemplates, ".jinja");
    const auto cases = files_with(kTemplates / "cases", ".json");
    QVERIFY(templates.size() >= 15);
    QVERIFY(cases.size() >= 8);
    int compared = 0, errors_expected = 0;
    std::vector<std::string> failures;
    for (const fs::path& t : templates) {
        const JinjaTemplate tmpl(read_text(t));
        for (const fs::path& c : cases) {
            const std::string stem = t.stem().string() + "." + c.stem().string();
            const fs::path expected_text = kTemplates / "expected" / (stem + ".txt");
            const fs::path expected_error = kTemplates / "expected" / (stem + ".error");
            const chord::jinja::Value vars = chord::jinja::parse_json(read_text(c));
            std::string got;
            std::string error;
            try {
                got = tmpl.render(vars.as_dict());
            } catch (const TemplateError& e) {
                error = e.what();
            }
            if (fs::exists(expected_error)) {
                ++errors_expected;
                if (error.empty()) failures.push_back(stem + ": Jinja2 raised (" + read_text(expected_error) + ") but we rendered");
            } else if (!fs::exists(expected_text)) {
                failures.push_back(stem + ": no expected file (run scripts/render_templates.py)");
            } else if (!error.empty()) {
                failures.push_back(stem + ": raised " + error);
            } else {
                const std::string want = read_text(expected_text);
                if (got != want) failures.push_back(stem + ": " + first_difference(got, want));
            }
            ++compared;
        }
    }
    std::string report;
    for (size_t i = 0; i < failures.size() && i < 8; ++i) report += failures[i] + "\n";
    QVERIFY2(failures.empty(), (std::to_string(failures.size()) + " of " + std::to_string(compared) + " differ:\n" + report).c_str());
    QVERIFY(errors_expected > 0);
    QVERIFY(compared - errors_expected > 80);
}

void TestTemplateRender::phi3VocabTemplateIsTheTestedOne() {
    const auto file = chord::GgufFile::open(std::string(CHORD_SHARED_DIR) + "/tokenizer/ggml-vocab-phi-3.gguf");
    const auto tmpl = file->get_string("tokenizer.chat_template");
    QVERIFY(tmpl.has_value());
    QCOMPARE(*tmpl, read_text(kTemplates / "phi3.jinja"));
}

void TestTemplateRender::limitsStopHostileTemplates() {
    // Work: a billion iterations stops at the step limit long before.
    QVERIFY(throws_template_error("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"));
    // Output: doubling a string 40 times.
    QVERIFY(throws_template_error("{% set ns = namespace(s='xx') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}"));
    QVERIFY(throws_template_error("{{ 'x' * 100000000 }}"));
    // Recursion: a macro calling itself.
    QVERIFY(throws_template_error("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"));
    // Nesting: parser depth.
    QVERIFY(throws_template_error("{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}"));
    QVERIFY(throws_template_error(std::string("{{ ") + std::string(5000, '[') + std::string(5000, ']') + " }}"));
    // Long left-associative chains nest as deeply as they are long.
    std::string sum = "{{ 1", filters = "{{ 'x'", attrs = "{{ messages";
    for (int i = 0; i < 100000; ++i) {
        sum += " + 1";
        filters += " | trim";
        attrs += ".a";
    }
    QVERIFY(throws_template_error(sum + " }}"));
    QVERIFY(throws_template_error(filters + " }}"));
    QVERIFY(throws_template_error(attrs + " }}"));
    // Values: nesting without end, and a namespace holding itself.
    QVERIFY(throws_template_error("{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}"));
    QVERIFY(throws_template_error("{% set ns = namespace() %}{% set ns.x = ns %}{{ ns }}"));
    QVERIFY(throws_template_error("{% set ns = namespace() %}{% set ns.x = [ns] %}{{ ns }}"));
    // The template's own error.
    QVERIFY(throws_template_error("{{ raise_exception('no') }}"));
}

void TestTemplateRender::syntaxErrorsNameTheLine() {
    for (const char* bad : {"line one\n{% if x %}never closed", "\n\n{{ 1 + }}", "{% endfor %}", "{% for x %}{% endfor %}",
                            "{{ 'unterminated }}", "{% unknown_tag %}"}) {
        bool thrown = false;
        try {
            JinjaTemplate t(bad);
            t.render(Dict{});
        } catch (const TemplateError& e) {
            thrown = std::string(e.what()).find("chat template") != std::string::npos;
        }
        QVERIFY2(thrown, bad);
    }
}

CHORD_TEST_MAIN(TestTemplateRender, rendersLikeJinja2, phi3VocabTemplateIsTheTestedOne, limitsStopHostileTemplates,
                syntaxErrorsNameTheLine)
#ifndef CHORD_TEST_NO_QT
#include "test_template_render.moc"
#endif

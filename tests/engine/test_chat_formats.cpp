// Recognised chat formats and the fallback: each built-in format renders what its family's reference
// template renders under python3-jinja2 (the expected files of tests/data/templates/), a template that
// does not parse or raises is replaced by the format its text suggests with a warning in the log, and a
// model without a template gets plain completion.
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "chat/chat_formats.h"
#include "chat/template_json.h"
#include "chord/chat.h"
#include "chord/model.h"
#include "chord_test.h"

namespace {

namespace fs = std::filesystem;
using namespace chord;

const fs::path kTemplates = fs::path(CHORD_SOURCE_DIR) / "tests" / "data" / "templates";

std::string read_text(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

struct Case {
    std::vector<ChatMessage> messages;
    bool add_generation_prompt = false;
    std::string bos, eos;
    bool plain_strings = true;  // every content a string, no tool calls (what ChatMessage can carry)
};

Case load_case(const fs::path& p) {
    const jinja::Value v = jinja::parse_json(read_text(p));
    Case c;
    c.add_generation_prompt = v.as_dict().find("add_generation_prompt")->truthy();
    c.bos = v.as_dict().find("bos_token")->as_string();
    c.eos = v.as_dict().find("eos_token")->as_string();
    for (const jinja::Value& m : v.as_dict().find("messages")->as_list()) {
        const jinja::Value* content = m.as_dict().find("content");
        if (!content->is_string() || m.as_dict().find("tool_calls")) c.plain_strings = false;
        c.messages.push_back({m.as_dict().find("role")->as_string(), content->str()});
    }
    return c;
}

const struct {
    ChatFormat format;
    const char* reference;
} kReferences[] = {{ChatFormat::ChatML, "chatml"}, {ChatFormat::Llama2, "llama2"},   {ChatFormat::Llama3, "llama3"},
                   {ChatFormat::Mistral, "mistral-v0.3"}, {ChatFormat::Phi3, "phi3.5"}, {ChatFormat::Gemma, "gemma3"},
                   {ChatFormat::Zephyr, "zephyr"}};

// Captures warnings while alive.
struct LogCapture {
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
    std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
    LogCapture() { spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink)); }
    ~LogCapture() { spdlog::set_default_logger(previous); }
    std::string text() const {
        std::string all;
        for (const std::string& line : sink->last_formatted()) all += line;
        return all;
    }
};

}  // namespace

class TestChatFormats : public QObject {
    Q_OBJECT
private slots:
    void builtinFormatsMatchReferenceTemplates();
    void formatsAreDetectedFromTemplateText();
    void brokenTemplateFallsBackWithALogLine();
    void modelWithoutTemplateIsPlain();
};

void TestChatFormats::builtinFormatsMatchReferenceTemplates() {
    int compared = 0;
    for (const auto& ref : kReferences) {
        for (const auto& entry : fs::directory_iterator(kTemplates / "cases")) {
            const Case c = load_case(entry.path());
            const fs::path expected = kTemplates / "expected" / (std::string(ref.reference) + "." + entry.path().stem().string() + ".txt");
            if (!c.plain_strings || !fs::exists(expected)) continue;  // Jinja2 raised, or content ChatMessage cannot hold
            const std::string got = ChatTemplate::builtin(ref.format, c.bos, c.eos).render(c.messages, c.add_generation_prompt);
            QVERIFY2(got == read_text(expected), (std::string(ref.reference) + " / " + entry.path().stem().string()).c_str());
            ++compared;
        }
    }
    QVERIFY(compared >= 25);
}

void TestChatFormats::formatsAreDetectedFromTemplateText() {
    for (const auto& ref : kReferences)
        QVERIFY2(chat::detect_format(read_text(kTemplates / (std::string(ref.reference) + ".jinja"))) == ref.format, ref.reference);
    QVERIFY(chat::detect_format(read_text(kTemplates / "phi3.jinja")) == ChatFormat::Phi3);
    QVERIFY(chat::detect_format(read_text(kTemplates / "qwen2.5.jinja")) == ChatFormat::ChatML);
    for (const auto& ref : kReferences) QVERIFY(chat_format_from_name(chat_format_name(ref.format)) == ref.format);
    QVERIFY(!chat_format_from_name("nonsense"));
}

void TestChatFormats::brokenTemplateFallsBackWithALogLine() {
    const Case c = load_case(kTemplates / "cases" / "system_multi_turn.json");
    const std::string chatml = read_text(kTemplates / "expected" / "chatml.system_multi_turn.txt");
    {
        LogCapture log;
        // Does not parse: the unclosed for loop.
        const ChatTemplate t = ChatTemplate::from_jinja("{% for m in messages %}<|im_start|>{{ m.role }}", c.bos, c.eos);
        QVERIFY(t.format() == ChatFormat::ChatML);
        QCOMPARE(t.render(c.messages, true), chatml);
        QVERIFY(log.text().find("chatml") != std::string::npos);
    }
    {
        LogCapture log;
        // Parses, but raises for this conversation (the system role).
        const ChatTemplate t = ChatTemplate::from_jinja(read_text(kTemplates / "gemma.jinja"), c.bos, c.eos);
        QVERIFY(t.format() == ChatFormat::Jinja);
        QVERIFY(!t.try_render(c.messages, true));
        QCOMPARE(t.render(c.messages, true), read_text(kTemplates / "expected" / "gemma3.system_multi_turn.txt"));
        QVERIFY(log.text().find("cannot render") != std::string::npos);
    }
}

void TestChatFormats::modelWithoutTemplateIsPlain() {
    const auto model = Model::load(std::string(CHORD_SHARED_DIR) + "/models/stories260K.gguf");
    const ChatTemplate t = ChatTemplate::for_model(*model);
    QVERIFY(t.is_plain());
    const std::vector<ChatMessage> messages{{"system", "A story."}, {"user", " Once upon a time"}, {"assistant", " there was"}};
    QCOMPARE(t.render(messages, true), std::string("A story. Once upon a time there was"));
}

CHORD_TEST_MAIN(TestChatFormats, builtinFormatsMatchReferenceTemplates, formatsAreDetectedFromTemplateText,
                brokenTemplateFallsBackWithALogLine, modelWithoutTemplateIsPlain)
#ifndef CHORD_TEST_NO_QT
#include "test_chat_formats.moc"
#endif

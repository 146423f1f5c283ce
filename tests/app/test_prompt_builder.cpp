// PromptBuilder: in plain-completion mode the conversation text is the prompt (no invented roles, a new
// user message after a reply on a new line, the system prompt as a leading paragraph); with a chat
// template, messages keep their roles and text for the engine's template.
#include <QGuiApplication>
#include <QtTest>

#include "app_test_environment.h"
#include "chord/chat.h"
#include "prompt_builder.h"

using chord::app::ChatTurn;
using chord::app::PromptBuilder;

namespace {

// The text a plain-completion model reads: what the engine's plain format renders.
std::string plainText(const chord::app::ChatPrompt& p) {
    std::vector<chord::ChatMessage> all;
    if (!p.systemPrompt.empty()) all.push_back({"system", p.systemPrompt});
    all.insert(all.end(), p.messages.begin(), p.messages.end());
    return chord::ChatTemplate::builtin(chord::ChatFormat::Plain).render(all, true);
}

}  // namespace

class TestPromptBuilder : public QObject {
    Q_OBJECT
private slots:
    void firstMessageIsThePromptVerbatim() {
        const auto p = PromptBuilder(true).build(QString(), {{ChatTurn::Role::User, QStringLiteral("Once upon a time")}});
        QCOMPARE(plainText(p), std::string("Once upon a time"));
        QCOMPARE(p.messages.size(), size_t{1});
        QCOMPARE(p.messages[0].role, std::string("user"));
    }

    void replyContinuesAndNextMessageStartsANewLine() {
        const QList<ChatTurn> turns = {{ChatTurn::Role::User, QStringLiteral("Once upon a time")},
                                       {ChatTurn::Role::Assistant, QStringLiteral(", there was a cat.")},
                                       {ChatTurn::Role::User, QStringLiteral("The cat")}};
        QCOMPARE(plainText(PromptBuilder(true).build(QString(), turns)), std::string("Once upon a time, there was a cat.\nThe cat"));
        const QList<ChatTurn> endsWithNewline = {{ChatTurn::Role::User, QStringLiteral("A")},
                                                 {ChatTurn::Role::Assistant, QStringLiteral("B\n")},
                                                 {ChatTurn::Role::User, QStringLiteral("C")}};
        QCOMPARE(plainText(PromptBuilder(true).build(QString(), endsWithNewline)), std::string("AB\nC"));
        // The reply itself is passed as it streamed, so the engine's cache of it matches.
        QCOMPARE(PromptBuilder(true).build(QString(), turns).messages[1].content, std::string(", there was a cat."));
    }

    void systemPromptLeadsAsAParagraph() {
        const auto p = PromptBuilder(true).build(QStringLiteral("  A story for children.  "),
                                                 {{ChatTurn::Role::User, QStringLiteral("Lily")}});
        QCOMPARE(plainText(p), std::string("A story for children.\n\nLily"));
        QCOMPARE(plainText(PromptBuilder(true).build(QStringLiteral("   "), {{ChatTurn::Role::User, QStringLiteral("x")}})),
                 std::string("x"));
    }

    void chatTemplateKeepsRolesAndText() {
        const QList<ChatTurn> turns = {{ChatTurn::Role::User, QStringLiteral("Hi")},
                                       {ChatTurn::Role::Assistant, QStringLiteral("Hello!")},
                                       {ChatTurn::Role::User, QStringLiteral("Tell me <|im_end|> a story")}};
        const auto p = PromptBuilder(false).build(QStringLiteral(" Be brief. "), turns);
        QCOMPARE(p.systemPrompt, std::string("Be brief."));
        QCOMPARE(p.messages.size(), size_t{3});
        QCOMPARE(p.messages[1].role, std::string("assistant"));
        QCOMPARE(p.messages[1].content, std::string("Hello!"));
        QCOMPARE(p.messages[2].role, std::string("user"));
        QCOMPARE(p.messages[2].content, std::string("Tell me <|im_end|> a story"));  // no newline added, text as typed
    }

    void utf8Survives() {
        const auto p = PromptBuilder(true).build(QString(), {{ChatTurn::Role::User, QStringLiteral("naïve café ✓")}});
        QCOMPARE(p.messages[0].content, std::string("na\xc3\xafve caf\xc3\xa9 \xe2\x9c\x93"));
    }

    void saysWhichMode() {
        QVERIFY(PromptBuilder::modeDescription(true).startsWith(QStringLiteral("Plain completion mode")));
        QVERIFY(PromptBuilder::modeDescription(true).contains(QStringLiteral("no chat template")));
        QVERIFY(PromptBuilder::modeDescription(false, QStringLiteral("jinja")).startsWith(QStringLiteral("Chat mode")));
        QVERIFY(PromptBuilder::modeDescription(false, QStringLiteral("chatml")).contains(QStringLiteral("chatml")));
    }
};

CHORD_APP_TEST_MAIN(TestPromptBuilder)
#include "test_prompt_builder.moc"

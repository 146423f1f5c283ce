// PromptBuilder in plain-completion mode: the conversation text is the prompt, no invented roles.
#include <QGuiApplication>
#include <QtTest>

#include "app_test_environment.h"
#include "prompt_builder.h"

using chord::app::ChatTurn;
using chord::app::PromptBuilder;

class TestPromptBuilder : public QObject {
    Q_OBJECT
private slots:
    void firstMessageIsThePromptVerbatim() {
        const auto p = PromptBuilder().build(QString(), {{ChatTurn::Role::User, QStringLiteral("Once upon a time")}});
        QCOMPARE(QString::fromStdString(p.text), QStringLiteral("Once upon a time"));
        QVERIFY(p.addSpecial);
        QVERIFY(!p.parseSpecial);  // typed text never becomes control tokens
    }

    void replyContinuesAndNextMessageStartsANewLine() {
        const QList<ChatTurn> turns = {{ChatTurn::Role::User, QStringLiteral("Once upon a time")},
                                       {ChatTurn::Role::Assistant, QStringLiteral(", there was a cat.")},
                                       {ChatTurn::Role::User, QStringLiteral("The cat")}};
        QCOMPARE(QString::fromStdString(PromptBuilder().build(QString(), turns).text),
                 QStringLiteral("Once upon a time, there was a cat.\nThe cat"));
        const QList<ChatTurn> endsWithNewline = {{ChatTurn::Role::User, QStringLiteral("A")},
                                                 {ChatTurn::Role::Assistant, QStringLiteral("B\n")},
                                                 {ChatTurn::Role::User, QStringLiteral("C")}};
        QCOMPARE(QString::fromStdString(PromptBuilder().build(QString(), endsWithNewline).text), QStringLiteral("AB\nC"));
    }

    void systemPromptLeadsAsAParagraph() {
        const auto p = PromptBuilder().build(QStringLiteral("  A story for children.  "),
                                             {{ChatTurn::Role::User, QStringLiteral("Lily")}});
        QCOMPARE(QString::fromStdString(p.text), QStringLiteral("A story for children.\n\nLily"));
        QCOMPARE(QString::fromStdString(PromptBuilder().build(QStringLiteral("   "), {{ChatTurn::Role::User, QStringLiteral("x")}}).text),
                 QStringLiteral("x"));
    }

    void utf8Survives() {
        const auto p = PromptBuilder().build(QString(), {{ChatTurn::Role::User, QStringLiteral("naïve café ✓")}});
        QCOMPARE(p.text, std::string("na\xc3\xafve caf\xc3\xa9 \xe2\x9c\x93"));
    }

    void saysPlainCompletion() {
        QVERIFY(PromptBuilder(false).modeDescription().startsWith(QStringLiteral("Plain completion mode")));
        QVERIFY(PromptBuilder(false).modeDescription().contains(QStringLiteral("no chat template")));
        QVERIFY(PromptBuilder(true).modeDescription().startsWith(QStringLiteral("Plain completion mode")));
    }
};

CHORD_APP_TEST_MAIN(TestPromptBuilder)
#include "test_prompt_builder.moc"

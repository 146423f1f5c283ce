#include "prompt_builder.h"

namespace chord::app {

BuiltPrompt PromptBuilder::build(const QString& systemPrompt, const QList<ChatTurn>& turns) const {
    QString text;
    if (!systemPrompt.trimmed().isEmpty()) text += systemPrompt.trimmed() + QStringLiteral("\n\n");
    for (qsizetype i = 0; i < turns.size(); ++i) {
        const ChatTurn& turn = turns[i];
        const bool startsNewLine = i > 0 && turn.role == ChatTurn::Role::User &&
                                   turns[i - 1].role == ChatTurn::Role::Assistant &&
                                   !text.endsWith(QLatin1Char('\n'));
        if (startsNewLine) text += QLatin1Char('\n');
        text += turn.text;
    }
    return BuiltPrompt{text.toStdString(), true, false};
}

QString PromptBuilder::modeDescription() const {
    if (hasChatTemplate_)
        return QStringLiteral("Plain completion mode: the model continues your text (its chat template is "
                              "not used yet)");
    return QStringLiteral("Plain completion mode: this model has no chat template, so it continues your text");
}

}  // namespace chord::app

#include "prompt_builder.h"

namespace chord::app {

ChatPrompt PromptBuilder::build(const QString& systemPrompt, const QList<ChatTurn>& turns) const {
    ChatPrompt prompt;
    const QString system = systemPrompt.trimmed();
    if (!system.isEmpty()) prompt.systemPrompt = (plain_ ? system + QStringLiteral("\n\n") : system).toStdString();
    for (qsizetype i = 0; i < turns.size(); ++i) {
        const ChatTurn& turn = turns[i];
        const bool user = turn.role == ChatTurn::Role::User;
        QString text = turn.text;
        const bool startsNewLine = plain_ && i > 0 && user && turns[i - 1].role == ChatTurn::Role::Assistant &&
                                   !turns[i - 1].text.endsWith(QLatin1Char('\n'));
        if (startsNewLine) text.prepend(QLatin1Char('\n'));
        prompt.messages.push_back({user ? "user" : "assistant", text.toStdString()});
    }
    return prompt;
}

QString PromptBuilder::modeDescription(bool plainCompletion, const QString& formatName) {
    if (plainCompletion)
        return QStringLiteral("Plain completion mode: this model has no chat template, so it continues your text");
    if (formatName == QLatin1String("jinja"))
        return QStringLiteral("Chat mode: messages are written in the model's own chat template");
    return QStringLiteral("Chat mode: messages are written in the %1 format (the model's template could not be used)")
        .arg(formatName);
}

}  // namespace chord::app

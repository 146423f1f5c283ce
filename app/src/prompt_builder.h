#pragma once
// Turns a conversation into the text the model continues. The one place that knows how a
// conversation becomes a prompt, so the engine's ChatSession (chat templates, KV reuse) can replace it.
//
// Plain-completion mode (every model for now; the bundled stories260K has no chat template): the
// conversation text is the prompt, exactly as written, with no roles invented. A reply continues the
// text before it; a new user message after a reply starts on a new line.
#include <QList>
#include <QString>
#include <string>

#include "engine_messages.h"

namespace chord::app {

struct BuiltPrompt {
    std::string text;            // UTF-8
    bool addSpecial = true;      // BOS as the vocabulary asks
    bool parseSpecial = false;   // user text never becomes control tokens
};

class PromptBuilder {
public:
    explicit PromptBuilder(bool modelHasChatTemplate = false) : hasChatTemplate_(modelHasChatTemplate) {}

    BuiltPrompt build(const QString& systemPrompt, const QList<ChatTurn>& turns) const;

    // What the UI tells the user about how replies are produced.
    QString modeDescription() const;
    static bool isPlainCompletion() { return true; }

private:
    bool hasChatTemplate_;
};

}  // namespace chord::app

#pragma once
// Turns the app's conversation into the engine's chat messages: the one place that knows how a
// conversation becomes what the model reads. The engine's ChatSession then renders them (the model's
// chat template, or plain completion), keeps the KV cache across turns and cuts it where an edited or
// regenerated message changes the text.
//
// With a chat template, messages keep their roles and text as written. In plain-completion mode (a model
// without a template, such as the bundled stories260K) the conversation text is the prompt, no roles
// invented: a reply continues the text before it, a new user message after a reply starts on a new line,
// and a system prompt leads as a paragraph.
#include <QList>
#include <QString>
#include <string>
#include <vector>

#include "chord/chat.h"
#include "engine_messages.h"

namespace chord::app {

struct ChatPrompt {
    std::string systemPrompt;                // UTF-8; empty for none
    std::vector<chord::ChatMessage> messages;
};

class PromptBuilder {
public:
    explicit PromptBuilder(bool plainCompletion) : plain_(plainCompletion) {}

    ChatPrompt build(const QString& systemPrompt, const QList<ChatTurn>& turns) const;

    // What the UI tells the user about how replies are produced. formatName: the engine's name of the
    // chat format in use ("jinja" for the model's own template, "chatml", …); empty in plain mode.
    static QString modeDescription(bool plainCompletion, const QString& formatName = {});

private:
    bool plain_;
};

}  // namespace chord::app

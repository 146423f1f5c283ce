#pragma once
// A conversation as a Markdown document (for reading) or JSON (for tools), with its system prompt.
#include <QByteArray>
#include <QList>
#include <QString>

#include "chat_store.h"

namespace chord::app {

class ChatExporter {
public:
    static QString toMarkdown(const ConversationRecord& conversation, const QList<MessageRecord>& messages);
    static QByteArray toJson(const ConversationRecord& conversation, const QList<MessageRecord>& messages,
                             const QString& modelName = {});
};

}  // namespace chord::app

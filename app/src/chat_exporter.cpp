#include "chat_exporter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace chord::app {

namespace {
QString roleName(MessageRecord::Role role) {
    return role == MessageRecord::Role::User ? QStringLiteral("user") : QStringLiteral("assistant");
}
}  // namespace

QString ChatExporter::toMarkdown(const ConversationRecord& conversation, const QList<MessageRecord>& messages) {
    QString out = QStringLiteral("# %1\n\n").arg(conversation.title);
    if (!conversation.systemPrompt.isEmpty())
        out += QStringLiteral("> **System prompt:** %1\n\n").arg(QString(conversation.systemPrompt).replace(QLatin1Char('\n'), QLatin1String("\n> ")));
    for (const MessageRecord& m : messages) {
        out += m.role == MessageRecord::Role::User ? QStringLiteral("## You\n\n") : QStringLiteral("## Chord\n\n");
        out += m.content.trimmed();
        out += QStringLiteral("\n\n");
    }
    return out;
}

QByteArray ChatExporter::toJson(const ConversationRecord& conversation, const QList<MessageRecord>& messages,
                                const QString& modelName) {
    QJsonArray list;
    for (const MessageRecord& m : messages) {
        QJsonObject o{{QStringLiteral("role"), roleName(m.role)},
                      {QStringLiteral("content"), m.content},
                      {QStringLiteral("created"), m.createdAt.toUTC().toString(Qt::ISODate)}};
        if (!m.stats.isEmpty()) o.insert(QStringLiteral("stats"), m.stats);
        list.append(o);
    }
    QJsonObject root{{QStringLiteral("format"), QStringLiteral("chord-chat-1")},
                     {QStringLiteral("title"), conversation.title},
                     {QStringLiteral("system_prompt"), conversation.systemPrompt},
                     {QStringLiteral("created"), conversation.createdAt.toUTC().toString(Qt::ISODate)},
                     {QStringLiteral("messages"), list}};
    if (!modelName.isEmpty()) root.insert(QStringLiteral("model"), modelName);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

}  // namespace chord::app

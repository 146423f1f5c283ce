#include "default_model.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace chord::app {

QString defaultModelPath() {
    const QString file = QString::fromLatin1(kDefaultModelFile);
    const QString binDir = QCoreApplication::applicationDirPath();
    const QStringList candidates = {
        QDir(binDir).filePath(QStringLiteral("../share/chord/models/") + file),
        QDir(QStringLiteral(CHORD_SOURCE_MODELS_DIR)).filePath(file),
    };
    for (const QString& candidate : candidates)
        if (QFileInfo(candidate).isFile()) return QFileInfo(candidate).canonicalFilePath();
    return QString();
}

}  // namespace chord::app

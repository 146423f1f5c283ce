#include "single_instance.h"

#include <QCryptographicHash>
#include <QLocalSocket>
#include <QStandardPaths>
#include <spdlog/spdlog.h>

namespace chord::app {

namespace {
// The message is the file path in UTF-8 followed by '\n'; the primary answers "ok\n".
constexpr char kTerminator = '\n';
}  // namespace

SingleInstance::SingleInstance(QString serverName, QObject* parent)
    : QObject(parent), serverName_(std::move(serverName)) {
    connect(&server_, &QLocalServer::newConnection, this, &SingleInstance::onConnection);
}

SingleInstance::~SingleInstance() { server_.close(); }

QString SingleInstance::defaultServerName() {
    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    const QByteArray hash = QCryptographicHash::hash(dataDir.toUtf8(), QCryptographicHash::Sha1).toHex().left(12);
    return QStringLiteral("chord-%1-%2").arg(qEnvironmentVariable("USER", QStringLiteral("user")),
                                             QString::fromLatin1(hash));
}

bool SingleInstance::listen() {
    // Nobody answered sendToPrimary(): a socket file left by a crashed instance must not block us.
    QLocalServer::removeServer(serverName_);
    server_.setSocketOptions(QLocalServer::UserAccessOption);
    if (!server_.listen(serverName_)) {
        spdlog::warn("single instance: cannot listen on {}: {}", serverName_.toStdString(),
                     server_.errorString().toStdString());
        return false;
    }
    return true;
}

bool SingleInstance::sendToPrimary(const QString& file, int timeoutMs) const {
    QLocalSocket socket;
    socket.connectToServer(serverName_);
    if (!socket.waitForConnected(timeoutMs)) return false;
    socket.write(file.toUtf8() + kTerminator);
    if (!socket.waitForBytesWritten(timeoutMs)) return false;
    while (!socket.canReadLine())
        if (!socket.waitForReadyRead(timeoutMs)) return false;
    return socket.readLine().trimmed() == "ok";
}

void SingleInstance::onConnection() {
    while (QLocalSocket* socket = server_.nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) return;
            const QString file = QString::fromUtf8(socket->readLine()).chopped(1);
            socket->write("ok\n");
            socket->flush();
            emit activationRequested(file);
        });
    }
}

}  // namespace chord::app

#pragma once
// One running Chord per user and data directory. The first instance listens on a local socket; a later
// launch (double-clicking a .gguf, say) sends its file to the first and exits, so two processes never
// open the same chat database.
#include <QLocalServer>
#include <QObject>
#include <QString>

namespace chord::app {

class SingleInstance : public QObject {
    Q_OBJECT
public:
    explicit SingleInstance(QString serverName, QObject* parent = nullptr);
    ~SingleInstance() override;

    static QString defaultServerName();  // per user and data directory

    // Call after sendToPrimary() found nobody: this process becomes the primary instance. False when
    // the socket cannot be created (the app still runs, it just cannot receive files from later launches).
    bool listen();
    // Sends a file (may be empty: "come to the front") to the primary instance; true when delivered.
    bool sendToPrimary(const QString& file, int timeoutMs = 2000) const;

signals:
    void activationRequested(const QString& file);

private:
    void onConnection();

    QString serverName_;
    QLocalServer server_;
};

}  // namespace chord::app

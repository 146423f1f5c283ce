// Qt Quick Test runner for the QML components (tests/app/qml/tst_*.qml), offscreen, with the Chord
// module linked in statically as the app has it.
#include <QQmlEngine>
#include <QQuickStyle>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

#include "app_test_environment.h"

Q_IMPORT_QML_PLUGIN(ChordPlugin)

class QmlSetup : public QObject {
    Q_OBJECT
public slots:
    void qmlEngineAvailable(QQmlEngine* engine) { engine->addImportPath(QStringLiteral("qrc:/qt/qml")); }
};

int main(int argc, char** argv) {
    chord_app_test::isolateUserDirectories();
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    QmlSetup setup;
    return quick_test_main_with_setup(argc, argv, "chord_qml_components", CHORD_QML_TEST_DIR, &setup);
}

#include "test_qml_components.moc"

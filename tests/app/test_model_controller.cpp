// ModelController: inspect before loading, load with progress, plain-words errors that leave the
// loaded model in place, cancel, recent models, the bundled default.
#include <QFile>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app_core.h"
#include "app_test_environment.h"

using namespace chord::app;

class TestModelController : public QObject {
    Q_OBJECT
private slots:
    void init() {
        core_ = std::make_unique<AppCore>(AppCore::Paths{dir_.filePath(QStringLiteral("c%1.sqlite").arg(++n_)),
                                                         dir_.filePath(QStringLiteral("s%1.ini").arg(n_)), {}});
    }
    void cleanup() { core_.reset(); }

    void inspectsBeforeLoading() {
        const QVariantMap info = core_->models()->inspect(QUrl::fromLocalFile(chord_app_test::stories260K()).toString());
        QVERIFY(!info.contains(QStringLiteral("error")));
        QCOMPARE(info.value(QStringLiteral("architecture")).toString(), QStringLiteral("llama"));
        QCOMPARE(info.value(QStringLiteral("contextSize")).toInt(), 2048);  // the model's, this machine has room
        QCOMPARE(info.value(QStringLiteral("memoryNeeded")).toDouble(), 1185376.0 + 5 * 2048 * 4 * 16 * 2);
        core_->settings()->setContextSize(512);
        QCOMPARE(core_->models()->inspect(chord_app_test::stories260K()).value(QStringLiteral("contextSize")).toInt(), 512);
        const QVariantMap missing = core_->models()->inspect(QStringLiteral("/nope/x.gguf"));
        QVERIFY(missing.value(QStringLiteral("error")).toString().contains(QStringLiteral("not found")));
    }

    void loadsWithProgressAndRemembers() {
        ModelController& models = *core_->models();
        QSignalSpy status(&models, &ModelController::statusChanged);
        QSignalSpy ready(&models, &ModelController::modelReady);
        QCOMPARE(models.status(), ModelController::Status::Empty);
        QVERIFY(models.load(chord_app_test::stories260K()));
        QCOMPARE(models.status(), ModelController::Status::Loading);
        QCOMPARE(models.pending().value(QStringLiteral("fileName")).toString(), QStringLiteral("stories260K.gguf"));
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 60000);
        QCOMPARE(models.status(), ModelController::Status::Ready);
        QCOMPARE(models.progress(), 1.0);
        QCOMPARE(models.info().value(QStringLiteral("name")).toString(), QStringLiteral("llama"));
        QVERIFY(models.promptMode().contains(QStringLiteral("no chat template")));
        const QString canonical = QFileInfo(chord_app_test::stories260K()).absoluteFilePath();
        QCOMPARE(core_->settings()->recentModels().value(0), canonical);
        QCOMPARE(core_->settings()->lastModelPath(), canonical);
        QTRY_VERIFY(!core_->monitor()->attentionBackend().isEmpty());
        QCOMPARE(core_->monitor()->attentionBackend(), QStringLiteral("Flash"));
    }

    void badFileKeepsTheLoadedModel() {
        ModelController& models = *core_->models();
        QVERIFY(models.load(chord_app_test::stories260K()));
        QTRY_VERIFY_WITH_TIMEOUT(models.loaded(), 60000);
        const QString bad = dir_.filePath(QStringLiteral("holiday-photo.gguf"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, '\x42'));
        f.close();
        QSignalSpy error(&models, &ModelController::errorChanged);
        QVERIFY(!models.load(bad));  // refused at inspection: nothing is unloaded
        QCOMPARE(error.count(), 1);
        QVERIFY2(models.errorMessage().startsWith(QStringLiteral("This file is not a usable GGUF model")),
                 qPrintable(models.errorMessage()));
        QVERIFY(models.loaded());
        QCOMPARE(models.status(), ModelController::Status::Ready);
        models.dismissError();
        QVERIFY(models.errorMessage().isEmpty());
    }

    void cancelLeavesNothingHalfLoaded() {
        ModelController& models = *core_->models();
        QSignalSpy status(&models, &ModelController::statusChanged);
        QVERIFY(models.load(chord_app_test::stories260K()));
        models.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!models.loading(), 60000);
        // Either the cancel arrived in time or the tiny model was already loaded; never a broken state.
        QVERIFY(models.status() == ModelController::Status::Empty || models.status() == ModelController::Status::Ready);
        QVERIFY(models.errorMessage().isEmpty());
        QCOMPARE(models.loaded(), models.status() == ModelController::Status::Ready);
    }

    void defaultModelIsTheBundledOne() {
        ModelController& models = *core_->models();
        QVERIFY(models.loadDefault());
        QTRY_VERIFY_WITH_TIMEOUT(!models.loading(), 60000);
        QVERIFY2(models.loaded(), qPrintable(models.errorMessage()));
        QVERIFY(models.info().value(QStringLiteral("path")).toString().endsWith(QStringLiteral("stories260K.gguf")));
    }

private:
    QTemporaryDir dir_;
    std::unique_ptr<AppCore> core_;
    int n_ = 0;
};

CHORD_APP_TEST_MAIN(TestModelController)
#include "test_model_controller.moc"

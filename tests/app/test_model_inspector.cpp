// ModelInspector: what a GGUF is and what it will cost, before loading. Expected values come from
// shared/models/SOURCES.md (read there with an independent GGUF reader) and the llama2.c shapes.
#include <QFile>
#include <QGuiApplication>
#include <QTemporaryDir>
#include <QtTest>

#include "app_test_environment.h"
#include "chord/error.h"
#include "model_inspector.h"

using chord::app::ModelFacts;
using chord::app::ModelInspector;

class TestModelInspector : public QObject {
    Q_OBJECT
private slots:
    void stories260K() {
        const ModelFacts f = ModelInspector::inspect(chord_app_test::stories260K());
        QCOMPARE(f.architecture, QStringLiteral("llama"));
        QCOMPARE(f.name, QStringLiteral("llama"));
        QCOMPARE(f.fileBytes, quint64{1185376});
        QCOMPARE(f.fileType, QStringLiteral("F32"));
        QCOMPARE(f.trainedContext, 2048);
        QCOMPARE(f.layers, 5);
        QCOMPARE(f.kvHeads, 4);
        QCOMPARE(f.keyLength, 8);  // 64 / 8 heads
        QCOMPARE(f.valueLength, 8);
        QVERIFY(!f.hasChatTemplate);
        // tok_embeddings and output 512×64 each, final norm 64, per layer: wq 64×64, wk and wv 64×32,
        // wo 64×64, w1 w2 w3 64×172, two norms of 64.
        const quint64 perLayer = 4096 + 2048 + 2048 + 4096 + 3 * 11008 + 2 * 64;
        QCOMPARE(f.parameters, quint64{2 * 32768 + 64 + 5 * perLayer});
        // f16 K and V: 5 layers × 512 positions × 4 heads × (8 + 8) × 2 bytes.
        QCOMPARE(f.kvCacheBytes(512), quint64{5 * 512 * 4 * 16 * 2});
        QCOMPARE(f.memoryNeeded(512), quint64{1185376 + 327680});
    }

    void recommendedContextFollowsModelAndMemory() {
        ModelFacts f;
        f.trainedContext = 32768;
        f.layers = 32;
        f.kvHeads = 8;
        f.keyLength = 128;
        f.valueLength = 128;
        f.fileBytes = quint64{4} << 30;
        QCOMPARE(ModelInspector::recommendedContext(f, quint64{64} << 30), 4096);  // capped
        // 4096 MiB of weights + 128 KiB per position. 5120 MiB free (budget 3840 MiB): nothing fits, the
        // floor is kept. 6000 MiB free (budget 4500 MiB): 4096 positions need 4608 MiB, 2048 need 4352.
        QCOMPARE(ModelInspector::recommendedContext(f, quint64{5120} << 20), 256);
        QCOMPARE(ModelInspector::recommendedContext(f, quint64{6000} << 20), 2048);
        f.trainedContext = 1024;
        QCOMPARE(ModelInspector::recommendedContext(f, 0), 1024);  // memory unknown: the model decides
        QVERIFY(ModelInspector::availableMemoryBytes() > 0);
    }

    void badFilesThrowTypedErrors() {
        QTemporaryDir dir;
        const QString junk = dir.filePath(QStringLiteral("junk.gguf"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("These are my notes, not a model.");
        f.close();
        try {
            ModelInspector::inspect(junk);
            QFAIL("a junk file was accepted");
        } catch (const chord::Error& e) {
            QCOMPARE(e.kind(), chord::ErrorKind::BadFile);
        }
        try {
            ModelInspector::inspect(dir.filePath(QStringLiteral("missing.gguf")));
            QFAIL("a missing file was accepted");
        } catch (const chord::Error& e) {
            QCOMPARE(e.kind(), chord::ErrorKind::NotFound);
        }
    }

    void variantForQml() {
        const QVariantMap v = ModelInspector::toVariant(ModelInspector::inspect(chord_app_test::stories260K()), 512);
        QCOMPARE(v.value(QStringLiteral("fileName")).toString(), QStringLiteral("stories260K.gguf"));
        QCOMPARE(v.value(QStringLiteral("kvCacheBytes")).toDouble(), 327680.0);
        QCOMPARE(v.value(QStringLiteral("contextSize")).toInt(), 512);
    }
};

CHORD_APP_TEST_MAIN(TestModelInspector)
#include "test_model_inspector.moc"

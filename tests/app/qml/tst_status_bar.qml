import QtQuick
import QtTest
import Chord

TestCase {
    id: test
    name: "StatusBar"
    when: windowShown
    visible: true
    width: 1400
    height: 100

    QtObject {
        id: fakeMonitor
        property double rssBytes: 50 * 1024 * 1024
        property double modelMappedBytes: 1185376
        property double kvCacheBytes: 327680
        property double attentionScratchBytes: 0
        property string attentionBackend: "Flash"
        property string simdBackend: "AVX2+FMA"
        property string cpuName: "Test CPU"
        property double promptTokensPerSecond: 0
        property double generationTokensPerSecond: 0
        property double timeToFirstToken: 0
        property bool hasSpeed: false
        function formatBytes(n) { return Math.round(n) + " B" }
    }
    Component {
        id: barComponent
        StatusBar { width: 1300; monitor: fakeMonitor }
    }

    function test_showsEverything() {
        const bar = createTemporaryObject(barComponent, test)
        compare(findChild(bar, "generationRate").text, "Generation –")
        compare(findChild(bar, "simdBackend").text, "AVX2+FMA")
        compare(findChild(bar, "attentionBackend").text, "Flash attention")
        compare(findChild(bar, "kvCache").text, "KV cache 327680 B")
        compare(findChild(bar, "modelMapped").text, "Model 1185376 B")
        fakeMonitor.generationTokensPerSecond = 1234.5
        fakeMonitor.promptTokensPerSecond = 12.25
        fakeMonitor.timeToFirstToken = 0.0123
        fakeMonitor.hasSpeed = true
        compare(findChild(bar, "generationRate").text, "Generation 1235 tok/s")
        compare(findChild(bar, "promptRate").text, "Prompt 12.3 tok/s")
        compare(findChild(bar, "timeToFirstToken").text, "First token 12 ms")
        fakeMonitor.attentionBackend = ""
        compare(findChild(bar, "attentionBackend").text, "no model")
    }
}

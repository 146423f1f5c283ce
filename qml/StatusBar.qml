import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Always visible: speed of the last reply, memory (live), and which backends do the work.
Rectangle {
    id: bar

    /// The SystemMonitor.
    required property var monitor
    /// The loaded model's display name, empty when none.
    property string modelName: ""

    function bytes(n) { return monitor ? monitor.formatBytes(n) : "" }
    function rate(n) { return n > 0 ? n.toFixed(n >= 100 ? 0 : 1) + " tok/s" : "–" }

    implicitHeight: row.implicitHeight + Theme.spacing
    color: Theme.sidebar
    border.color: Theme.border
    Accessible.role: Accessible.StatusBar
    Accessible.name: qsTr("Status")

    component Field: Label {
        color: Theme.mutedText
        font.pointSize: Theme.smallFontSize
        Accessible.role: Accessible.StaticText
        Accessible.name: text
    }

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing
        anchors.rightMargin: Theme.spacing
        spacing: Theme.spacing * 2

        Field {
            objectName: "promptRate"
            text: qsTr("Prompt %1").arg(bar.rate(bar.monitor.promptTokensPerSecond))
            ToolTip.visible: promptArea.containsMouse
            ToolTip.text: qsTr("Prompt processing speed of the last reply")
            MouseArea { id: promptArea; anchors.fill: parent; hoverEnabled: true }
        }
        Field {
            objectName: "generationRate"
            text: qsTr("Generation %1").arg(bar.rate(bar.monitor.generationTokensPerSecond))
            color: bar.monitor.hasSpeed ? Theme.text : Theme.mutedText
        }
        Field {
            objectName: "timeToFirstToken"
            text: qsTr("First token %1").arg(bar.monitor.hasSpeed ? (bar.monitor.timeToFirstToken * 1000).toFixed(0) + " ms" : "–")
        }
        Item { Layout.fillWidth: true }
        Field {
            objectName: "rss"
            text: qsTr("RAM %1").arg(bar.bytes(bar.monitor.rssBytes))
        }
        Field {
            objectName: "modelMapped"
            text: qsTr("Model %1").arg(bar.bytes(bar.monitor.modelMappedBytes))
        }
        Field {
            objectName: "kvCache"
            text: qsTr("KV cache %1").arg(bar.bytes(bar.monitor.kvCacheBytes))
        }
        Field {
            objectName: "attentionScratch"
            text: qsTr("Attention scratch %1").arg(bar.bytes(bar.monitor.attentionScratchBytes))
        }
        Field {
            objectName: "simdBackend"
            text: bar.monitor.simdBackend
            color: Theme.text
            font.bold: true
            ToolTip.visible: simdArea.containsMouse
            ToolTip.text: qsTr("SIMD instructions the engine uses on %1").arg(bar.monitor.cpuName)
            MouseArea { id: simdArea; anchors.fill: parent; hoverEnabled: true }
        }
        Field {
            objectName: "attentionBackend"
            text: bar.monitor.attentionBackend.length > 0 ? qsTr("%1 attention").arg(bar.monitor.attentionBackend)
                                                          : qsTr("no model")
            color: Theme.text
        }
    }
}

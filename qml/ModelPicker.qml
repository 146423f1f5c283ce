import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

// Choosing a model: open a .gguf (file dialog; dropping a file on the window does the same), pick a
// recent one, see what it is and the memory it needs before loading, follow the load and cancel it.
Dialog {
    id: picker

    /// The ModelController and AppSettings.
    required property var models
    required property var settings
    /// A file being considered: ModelController.inspect() of it.
    property var candidate: ({})

    function formatBytes(n) {
        const units = ["B", "KiB", "MiB", "GiB", "TiB"]
        let u = 0
        while (n >= 1024 && u < units.length - 1) { n /= 1024; ++u }
        return (u === 0 || n >= 100 ? n.toFixed(0) : n.toFixed(1)) + " " + units[u]
    }
    function formatCount(n) {
        if (n >= 1e9) return (n / 1e9).toFixed(1) + " B"
        if (n >= 1e6) return (n / 1e6).toFixed(1) + " M"
        if (n >= 1e3) return (n / 1e3).toFixed(1) + " K"
        return String(n)
    }
    function consider(path) { candidate = models.inspect(path) }
    function openFileDialog() { fileDialog.open() }

    title: qsTr("Models")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(parent ? parent.width - 40 : 720, 720)
    height: Math.min(parent ? parent.height - 40 : 560, 560)
    standardButtons: Dialog.Close
    onOpened: if (!candidate.path && models.loaded) candidate = models.info

    FileDialog {
        id: fileDialog
        title: qsTr("Open a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: picker.consider(selectedFile.toString())
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            Button {
                objectName: "openModelFileButton"
                text: qsTr("Open a model file…")
                highlighted: true
                Accessible.name: qsTr("Open a model file")
                onClicked: fileDialog.open()
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("or drop a .gguf file on the window")
                color: Theme.mutedText
                font.pointSize: Theme.smallFontSize
            }
        }

        ColumnLayout {
            visible: picker.models.loading
            Layout.fillWidth: true
            Label {
                text: qsTr("Loading %1…").arg(picker.models.pending.fileName || "")
                color: Theme.text
            }
            RowLayout {
                ProgressBar {
                    objectName: "loadProgress"
                    Layout.fillWidth: true
                    from: 0; to: 1
                    value: picker.models.progress
                    Accessible.name: qsTr("Loading progress")
                }
                Button {
                    text: qsTr("Cancel")
                    Accessible.name: qsTr("Cancel loading")
                    onClicked: picker.models.cancel()
                }
            }
        }

        Label {
            visible: picker.models.errorMessage.length > 0
            Layout.fillWidth: true
            text: picker.models.errorMessage
            color: Theme.errorText
            wrapMode: Text.Wrap
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.spacing * 2

            ColumnLayout {
                Layout.preferredWidth: parent.width * 0.45
                Layout.fillHeight: true
                Label { text: qsTr("Recent models"); font.bold: true; color: Theme.text }
                ListView {
                    id: recent
                    objectName: "recentModels"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: picker.settings.recentModels
                    activeFocusOnTab: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Recent models")
                    delegate: ItemDelegate {
                        required property string modelData
                        width: ListView.view.width
                        text: modelData.substring(modelData.lastIndexOf("/") + 1)
                        highlighted: picker.candidate.path === modelData
                        Accessible.name: qsTr("Recent model %1").arg(text)
                        ToolTip.visible: hovered
                        ToolTip.text: modelData
                        onClicked: picker.consider(modelData)
                    }
                    Label {
                        visible: recent.count === 0
                        text: qsTr("None yet")
                        color: Theme.mutedText
                    }
                }
            }

            GridLayout {
                Layout.fillWidth: true
                Layout.alignment: Qt.AlignTop
                columns: 2
                visible: picker.candidate.path !== undefined
                columnSpacing: Theme.spacing
                Label {
                    Layout.columnSpan: 2
                    text: picker.candidate.name || ""
                    font.bold: true
                    font.pointSize: Theme.titleFontSize
                    color: Theme.text
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Label {
                    Layout.columnSpan: 2
                    Layout.fillWidth: true
                    visible: picker.candidate.error !== undefined
                    text: picker.candidate.error || ""
                    color: Theme.errorText
                    wrapMode: Text.Wrap
                }
                Label { text: qsTr("Architecture"); color: Theme.mutedText; visible: !picker.candidate.error }
                Label { text: picker.candidate.architecture || ""; color: Theme.text; visible: !picker.candidate.error }
                Label { text: qsTr("Parameters"); color: Theme.mutedText; visible: !picker.candidate.error }
                Label { text: picker.formatCount(picker.candidate.parameters || 0); color: Theme.text; visible: !picker.candidate.error }
                Label { text: qsTr("Weights"); color: Theme.mutedText; visible: !picker.candidate.error }
                Label { text: picker.candidate.fileType || ""; color: Theme.text; visible: !picker.candidate.error }
                Label { text: qsTr("Trained context"); color: Theme.mutedText; visible: !picker.candidate.error }
                Label { text: qsTr("%1 tokens").arg(picker.candidate.trainedContext || 0); color: Theme.text; visible: !picker.candidate.error }
                Label { text: qsTr("File size"); color: Theme.mutedText; visible: !picker.candidate.error }
                Label { text: picker.formatBytes(picker.candidate.fileBytes || 0); color: Theme.text; visible: !picker.candidate.error }
                Label { text: qsTr("Memory needed"); color: Theme.mutedText; visible: !picker.candidate.error }
                Label {
                    objectName: "memoryNeeded"
                    visible: !picker.candidate.error
                    text: qsTr("%1 (weights + %2 KV cache at %3 tokens)")
                          .arg(picker.formatBytes(picker.candidate.memoryNeeded || 0))
                          .arg(picker.formatBytes(picker.candidate.kvCacheBytes || 0))
                          .arg(picker.candidate.contextSize || 0)
                    color: Theme.text
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Label {
                    Layout.columnSpan: 2
                    Layout.fillWidth: true
                    visible: !picker.candidate.error && picker.candidate.path !== undefined
                    text: picker.candidate.hasChatTemplate ? qsTr("Has a chat template: runs in chat mode (messages with roles).")
                                                           : qsTr("No chat template: runs in plain completion mode (it continues your text).")
                    color: Theme.mutedText
                    wrapMode: Text.Wrap
                }
                Button {
                    objectName: "loadModelButton"
                    Layout.columnSpan: 2
                    visible: !picker.candidate.error && picker.candidate.path !== undefined
                    enabled: !picker.models.loading
                    text: picker.models.loaded && picker.models.info.path === picker.candidate.path
                          ? qsTr("Reload") : qsTr("Load this model")
                    highlighted: true
                    Accessible.name: text
                    onClicked: picker.models.load(picker.candidate.path)
                }
            }
        }
    }
}

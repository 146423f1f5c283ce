import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Where the user writes. Enter sends, Shift+Enter starts a new line; while a reply streams the
// button stops it (Esc does too, see Main.qml).
Rectangle {
    id: composer

    /// True while a reply is being generated: the send button becomes a stop button.
    property bool generating: false
    /// False when nothing could answer (no model loaded).
    property bool canSend: true
    property alias text: input.text
    property string placeholder: qsTr("Write a message… (Enter sends, Shift+Enter for a new line)")

    signal sendRequested(string text)
    signal stopRequested()

    function send() {
        if (generating || !canSend || input.text.trim().length === 0)
            return
        const message = input.text
        input.text = ""
        composer.sendRequested(message)
    }
    function focusInput() { input.forceActiveFocus() }

    implicitHeight: Math.min(200, Math.max(56, input.implicitHeight + 2 * Theme.spacing))
    color: Theme.surface
    border.color: input.activeFocus ? Theme.accent : Theme.border
    radius: Theme.radius

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing / 2
        spacing: Theme.spacing

        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            TextArea {
                id: input
                objectName: "composerInput"
                placeholderText: composer.placeholder
                wrapMode: TextEdit.Wrap
                color: Theme.text
                placeholderTextColor: Theme.mutedText
                selectionColor: Theme.selection
                font.pointSize: Theme.fontSize
                background: null
                Accessible.name: qsTr("Message")
                Accessible.description: composer.placeholder
                Keys.onPressed: (event) => {
                    if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                            && !(event.modifiers & Qt.ShiftModifier)) {
                        event.accepted = true
                        composer.send()
                    }
                }
            }
        }
        Button {
            id: action
            objectName: "sendButton"
            Layout.alignment: Qt.AlignBottom
            text: composer.generating ? qsTr("Stop") : qsTr("Send")
            enabled: composer.generating || (composer.canSend && input.text.trim().length > 0)
            highlighted: !composer.generating
            Accessible.name: composer.generating ? qsTr("Stop the reply") : qsTr("Send the message")
            onClicked: composer.generating ? composer.stopRequested() : composer.send()
        }
    }
}

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The open conversation: its system prompt, the messages (following the newest while a reply
// streams) and the composer.
Item {
    id: view

    /// The ChatController (or a stand-in with the same properties in tests).
    required property var chat
    /// Plain words on how replies are produced ("Plain completion mode: …"); empty hides it.
    property string promptMode: ""
    property bool canSend: true

    function focusComposer() { composer.focusInput() }
    readonly property alias composer: composer

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            Label {
                text: qsTr("System prompt")
                color: Theme.mutedText
                font.pointSize: Theme.smallFontSize
            }
            TextField {
                id: systemPrompt
                objectName: "systemPromptField"
                Layout.fillWidth: true
                text: view.chat ? view.chat.systemPrompt : ""
                placeholderText: qsTr("Optional: instructions or text that starts every reply of this chat")
                font.pointSize: Theme.smallFontSize
                color: Theme.text
                placeholderTextColor: Theme.mutedText
                Accessible.name: qsTr("System prompt for this chat")
                onEditingFinished: if (view.chat && text !== view.chat.systemPrompt) view.chat.systemPrompt = text
            }
        }

        Label {
            visible: view.promptMode.length > 0
            Layout.fillWidth: true
            text: view.promptMode
            color: Theme.mutedText
            font.pointSize: Theme.smallFontSize
            wrapMode: Text.Wrap
            objectName: "promptModeLabel"
        }

        ListView {
            id: list
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: Theme.spacing / 2
            model: view.chat ? view.chat.messages : null
            boundsBehavior: Flickable.StopAtBounds
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Messages")
            ScrollBar.vertical: ScrollBar {}

            delegate: MessageDelegate {
                isLast: index === list.count - 1
                busy: view.chat ? view.chat.generating : false
                onCopyRequested: (text) => view.chat.copyText(text)
                onRegenerateRequested: view.chat.regenerate()
                onEditRequested: (row, text) => view.chat.editAndResend(row, text)
            }
            // Follow the reply as it grows, unless the user scrolled up to read.
            property bool following: true
            onMovementEnded: following = atYEnd
            onContentHeightChanged: if (following) positionViewAtEnd()
            onCountChanged: { following = true; positionViewAtEnd() }

            Label {
                anchors.centerIn: parent
                width: parent.width * 0.7
                visible: list.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("Start a conversation: write below and press Enter.\nEverything stays on this computer.")
                color: Theme.mutedText
                font.pointSize: Theme.fontSize + 1
            }
        }

        Composer {
            id: composer
            Layout.fillWidth: true
            generating: view.chat ? view.chat.generating : false
            canSend: view.canSend
            onSendRequested: (text) => view.chat.send(text)
            onStopRequested: view.chat.stop()
        }
    }
}

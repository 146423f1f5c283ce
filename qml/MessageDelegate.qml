import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One message. Replies render as Markdown; each fenced code block gets its own copy button. A user's
// message can be edited and sent again; the last reply can be regenerated.
Item {
    id: delegate

    /// Model roles.
    required property int index
    required property var messageId
    required property string author
    required property string content
    required property string status
    required property string stats
    /// True for the conversation's last message (regenerate is offered there).
    property bool isLast: false
    property bool busy: false

    signal copyRequested(string text)
    signal regenerateRequested()
    signal editRequested(int row, string text)

    readonly property bool fromUser: author === "user"
    property bool editing: false

    // The bodies of the ``` fenced blocks, in order.
    readonly property var codeBlocks: {
        const blocks = []
        const fence = /```[^\n]*\n([\s\S]*?)```/g
        let match
        while ((match = fence.exec(content)) !== null)
            blocks.push(match[1].replace(/\n$/, ""))
        return blocks
    }

    width: ListView.view ? ListView.view.width : implicitWidth
    implicitHeight: bubble.height + Theme.spacing

    Rectangle {
        id: bubble
        x: delegate.fromUser ? delegate.width - width - Theme.spacing : Theme.spacing
        width: Math.min(delegate.width * 0.85, Math.max(column.implicitWidth, 220) + 2 * Theme.spacing)
        height: column.implicitHeight + 2 * Theme.spacing
        radius: Theme.radius
        color: delegate.fromUser ? Theme.userBubble : Theme.assistantBubble
        border.color: delegate.status === "failed" ? Theme.errorText : Theme.border

        ColumnLayout {
            id: column
            x: Theme.spacing
            y: Theme.spacing
            width: bubble.width - 2 * Theme.spacing
            spacing: Theme.spacing / 2

            Label {
                text: delegate.fromUser ? qsTr("You") : qsTr("Chord")
                font.bold: true
                font.pointSize: Theme.smallFontSize
                color: Theme.mutedText
            }
            TextEdit {
                id: body
                objectName: "messageText"
                visible: !delegate.editing
                Layout.fillWidth: true
                text: delegate.content.length > 0 ? delegate.content
                                                  : (delegate.status === "streaming" ? "…" : "")
                textFormat: delegate.fromUser ? TextEdit.PlainText : TextEdit.MarkdownText
                wrapMode: TextEdit.Wrap
                readOnly: true
                selectByMouse: true
                selectByKeyboard: true
                color: Theme.text
                selectionColor: Theme.selection
                font.pointSize: Theme.fontSize
                Accessible.role: Accessible.StaticText
                Accessible.name: (delegate.fromUser ? qsTr("Your message: ") : qsTr("Reply: ")) + delegate.content
            }
            TextArea {
                id: editor
                visible: delegate.editing
                Layout.fillWidth: true
                wrapMode: TextEdit.Wrap
                font.pointSize: Theme.fontSize
                color: Theme.text
                Accessible.name: qsTr("Edit your message")
            }
            Repeater {
                model: delegate.codeBlocks
                delegate: Button {
                    required property int index
                    required property string modelData
                    text: delegate.codeBlocks.length > 1 ? qsTr("Copy code block %1").arg(index + 1) : qsTr("Copy code")
                    flat: true
                    font.pointSize: Theme.smallFontSize
                    Accessible.name: text
                    onClicked: delegate.copyRequested(modelData)
                }
            }
            Label {
                visible: text.length > 0
                text: delegate.status === "failed" ? qsTr("No reply: see the message above")
                      : delegate.stats
                font.pointSize: Theme.smallFontSize
                color: Theme.mutedText
            }
            RowLayout {
                spacing: Theme.spacing / 2
                visible: delegate.status !== "streaming"
                Button {
                    visible: !delegate.editing
                    text: qsTr("Copy")
                    flat: true
                    font.pointSize: Theme.smallFontSize
                    Accessible.name: qsTr("Copy this message")
                    onClicked: delegate.copyRequested(delegate.content)
                }
                Button {
                    visible: delegate.fromUser && !delegate.editing && !delegate.busy
                    text: qsTr("Edit")
                    flat: true
                    font.pointSize: Theme.smallFontSize
                    Accessible.name: qsTr("Edit and send again")
                    onClicked: {
                        editor.text = delegate.content
                        delegate.editing = true
                        editor.forceActiveFocus()
                    }
                }
                Button {
                    visible: delegate.editing
                    text: qsTr("Send again")
                    highlighted: true
                    font.pointSize: Theme.smallFontSize
                    Accessible.name: qsTr("Send the edited message")
                    onClicked: {
                        delegate.editing = false
                        delegate.editRequested(delegate.index, editor.text)
                    }
                }
                Button {
                    visible: delegate.editing
                    text: qsTr("Cancel")
                    flat: true
                    font.pointSize: Theme.smallFontSize
                    Accessible.name: qsTr("Cancel editing")
                    onClicked: delegate.editing = false
                }
                Button {
                    visible: !delegate.fromUser && delegate.isLast && !delegate.busy
                    text: qsTr("Regenerate")
                    flat: true
                    font.pointSize: Theme.smallFontSize
                    Accessible.name: qsTr("Write this reply again")
                    onClicked: delegate.regenerateRequested()
                }
            }
        }
    }
}

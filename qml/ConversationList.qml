import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The chats: new, search (titles and message text), open, rename, delete. The model needs the roles
// conversationId and title, and may have a `filter` property (ConversationListModel does).
Rectangle {
    id: sidebar

    required property var model
    /// The open conversation's id (0: none).
    property var currentId: 0

    signal newRequested()
    signal openRequested(var id)
    signal renameRequested(var id, string title)
    signal deleteRequested(var id)

    color: Theme.sidebar
    implicitWidth: Theme.sidebarWidth

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        Button {
            objectName: "newChatButton"
            Layout.fillWidth: true
            text: qsTr("New chat")
            highlighted: true
            Accessible.name: qsTr("New chat (Ctrl+N)")
            onClicked: sidebar.newRequested()
        }
        TextField {
            id: search
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search chats")
            color: Theme.text
            placeholderTextColor: Theme.mutedText
            Accessible.name: qsTr("Search chats")
            onTextChanged: if (sidebar.model && sidebar.model.filter !== undefined) sidebar.model.filter = text
        }
        ListView {
            id: list
            objectName: "conversationListView"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: sidebar.model
            keyNavigationEnabled: true
            activeFocusOnTab: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Chats")
            ScrollBar.vertical: ScrollBar {}

            delegate: ItemDelegate {
                id: row
                required property int index
                required property var conversationId
                required property string title
                property bool renaming: false

                width: ListView.view.width
                highlighted: conversationId === sidebar.currentId
                text: title
                Accessible.name: qsTr("Chat: %1").arg(title)
                onClicked: sidebar.openRequested(conversationId)
                Keys.onReturnPressed: sidebar.openRequested(conversationId)
                Keys.onDeletePressed: confirmDelete.open()
                Keys.onPressed: (event) => { if (event.key === Qt.Key_F2) { row.renaming = true; event.accepted = true } }

                contentItem: RowLayout {
                    spacing: 2
                    Label {
                        visible: !row.renaming
                        Layout.fillWidth: true
                        text: row.title
                        elide: Text.ElideRight
                        color: Theme.text
                    }
                    TextField {
                        id: renameField
                        visible: row.renaming
                        Layout.fillWidth: true
                        text: row.title
                        Accessible.name: qsTr("New name for the chat")
                        onVisibleChanged: if (visible) { forceActiveFocus(); selectAll() }
                        onAccepted: { sidebar.renameRequested(row.conversationId, text); row.renaming = false }
                        Keys.onEscapePressed: row.renaming = false
                    }
                    ToolButton {
                        visible: !row.renaming && (row.hovered || row.highlighted)
                        text: "✎"
                        Accessible.name: qsTr("Rename chat %1").arg(row.title)
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Rename (F2)")
                        onClicked: row.renaming = true
                    }
                    ToolButton {
                        visible: !row.renaming && (row.hovered || row.highlighted)
                        text: "✕"
                        Accessible.name: qsTr("Delete chat %1").arg(row.title)
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Delete (Del)")
                        onClicked: confirmDelete.open()
                    }
                }
                Dialog {
                    id: confirmDelete
                    parent: Overlay.overlay
                    anchors.centerIn: parent
                    modal: true
                    width: 380
                    title: qsTr("Delete this chat?")
                    standardButtons: Dialog.Yes | Dialog.No
                    Label {
                        width: parent.width
                        wrapMode: Text.Wrap
                        text: qsTr("“%1” and all its messages will be deleted.").arg(row.title)
                    }
                    onAccepted: sidebar.deleteRequested(row.conversationId)
                }
            }
            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                text: search.text.length > 0 ? qsTr("No chat matches") : qsTr("No chats yet")
                color: Theme.mutedText
            }
        }
    }
}

import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Chord

// The main window: chats on the left, the open chat (or Settings) on the right, status at the bottom.
ApplicationWindow {
    id: window

    /// Everything the app is made of (AppCore), given by main.cpp.
    required property AppCore app

    function openSettings() { settingsPage.visible = true }
    function closeSettings() { settingsPage.visible = false; chatView.focusComposer() }
    function openModelPicker() { modelPicker.open() }

    width: 1100
    height: 720
    minimumWidth: 800
    minimumHeight: 600
    visible: true
    title: app.chat.title.length > 0 ? qsTr("%1 — Chord").arg(app.chat.title) : qsTr("Chord")
    color: Theme.window
    font.pointSize: Theme.fontSize

    Binding { target: Theme; property: "mode"; value: window.app.settings.theme }
    Binding { target: Theme; property: "baseFontSize"; value: window.app.settings.fontSize }

    palette.window: Theme.window
    palette.windowText: Theme.text
    palette.base: Theme.surface
    palette.text: Theme.text
    palette.button: Theme.surface
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.accentText
    palette.placeholderText: Theme.mutedText
    palette.light: Theme.surface
    palette.mid: Theme.border
    palette.dark: Theme.accent   // the Basic style fills highlighted buttons with it

    Shortcut { sequence: "Ctrl+N"; onActivated: { window.closeSettings(); window.app.chat.newConversation(); chatView.focusComposer() } }
    Shortcut { sequence: "Esc"; onActivated: settingsPage.visible ? window.closeSettings() : window.app.chat.stop() }
    Shortcut { sequence: "Ctrl+,"; onActivated: window.openSettings() }
    Shortcut { sequence: StandardKey.Open; onActivated: modelPicker.open() }

    header: ToolBar {
        background: Rectangle { color: Theme.sidebar; border.color: Theme.border }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: Theme.spacing
            anchors.rightMargin: Theme.spacing
            spacing: Theme.spacing

            ToolButton {
                text: "☰"
                checkable: true
                checked: sidebar.visible
                Accessible.name: qsTr("Show or hide the chat list")
                onToggled: sidebar.visible = checked
            }
            Label {
                Layout.fillWidth: true
                text: window.app.chat.title.length > 0 ? window.app.chat.title : qsTr("New chat")
                font.pointSize: Theme.titleFontSize
                font.bold: true
                elide: Text.ElideRight
                color: Theme.text
            }
            Button {
                objectName: "modelButton"
                text: window.app.models.loading ? qsTr("Loading… %1%").arg(Math.round(window.app.models.progress * 100))
                      : window.app.models.loaded ? (window.app.models.info.fileName || window.app.models.info.name)
                      : qsTr("Open a model")
                Accessible.name: qsTr("Model: %1. Choose a model").arg(text)
                onClicked: modelPicker.open()
            }
            ToolButton {
                text: qsTr("Export")
                enabled: window.app.chat.conversationId > 0
                Accessible.name: qsTr("Export this chat")
                onClicked: exportMenu.open()
                Menu {
                    id: exportMenu
                    y: parent.height
                    MenuItem {
                        text: qsTr("As Markdown…")
                        Accessible.name: qsTr("Export as Markdown")
                        onTriggered: { exportDialog.extension = "md"; exportDialog.open() }
                    }
                    MenuItem {
                        text: qsTr("As JSON…")
                        Accessible.name: qsTr("Export as JSON")
                        onTriggered: { exportDialog.extension = "json"; exportDialog.open() }
                    }
                }
            }
            ToolButton {
                objectName: "settingsButton"
                text: qsTr("Settings")
                Accessible.name: qsTr("Settings (Ctrl+,)")
                onClicked: window.openSettings()
            }
        }
    }

    footer: StatusBar {
        objectName: "statusBar"
        monitor: window.app.monitor
        modelName: window.app.models.loaded ? window.app.models.info.name : ""
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        ConversationList {
            id: sidebar
            objectName: "conversationList"
            Layout.fillHeight: true
            Layout.preferredWidth: Theme.sidebarWidth
            visible: window.width >= 900
            model: window.app.chat.conversations
            currentId: window.app.chat.conversationId
            onNewRequested: { window.app.chat.newConversation(); chatView.focusComposer() }
            onOpenRequested: (id) => window.app.chat.openConversation(id)
            onRenameRequested: (id, title) => window.app.chat.renameConversation(id, title)
            onDeleteRequested: (id) => window.app.chat.deleteConversation(id)
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            ErrorBanner {
                objectName: "modelError"
                Layout.fillWidth: true
                Layout.margins: visible ? Theme.spacing : 0
                text: window.app.models.errorMessage
                onDismissed: window.app.models.dismissError()
            }
            ErrorBanner {
                objectName: "chatError"
                Layout.fillWidth: true
                Layout.margins: visible ? Theme.spacing : 0
                text: window.app.chat.errorMessage
                onDismissed: window.app.chat.dismissError()
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.margins: Theme.spacing
                visible: window.app.models.loading
                implicitHeight: loadRow.implicitHeight + Theme.spacing
                color: Theme.surface
                radius: Theme.radius
                RowLayout {
                    id: loadRow
                    anchors.fill: parent
                    anchors.margins: Theme.spacing / 2
                    Label {
                        text: qsTr("Loading %1").arg(window.app.models.pending.fileName || "")
                        color: Theme.text
                    }
                    ProgressBar {
                        Layout.fillWidth: true
                        value: window.app.models.progress
                        Accessible.name: qsTr("Model loading progress")
                    }
                    Button {
                        text: qsTr("Cancel")
                        Accessible.name: qsTr("Cancel loading the model")
                        onClicked: window.app.models.cancel()
                    }
                }
            }
            ChatView {
                id: chatView
                objectName: "chatView"
                Layout.fillWidth: true
                Layout.fillHeight: true
                chat: window.app.chat
                promptMode: window.app.models.loaded ? window.app.models.promptMode : ""
                canSend: window.app.models.loaded
            }
        }
    }

    SettingsPage {
        id: settingsPage
        objectName: "settingsPage"
        anchors.fill: parent
        visible: false
        z: 10
        settings: window.app.settings
        monitor: window.app.monitor
        logFile: window.app.logFile
        onCloseRequested: window.closeSettings()
        onReloadRequested: if (window.app.models.loaded) window.app.models.load(window.app.models.info.path)
    }

    ModelPicker {
        id: modelPicker
        objectName: "modelPicker"
        models: window.app.models
        settings: window.app.settings
    }

    FileDialog {
        id: exportDialog
        property string extension: "md"
        title: qsTr("Export the chat")
        fileMode: FileDialog.SaveFile
        defaultSuffix: extension
        nameFilters: extension === "json" ? [qsTr("JSON (*.json)")] : [qsTr("Markdown (*.md)")]
        selectedFile: window.app.chat.suggestedExportName(extension)
        onAccepted: window.app.chat.exportConversation(selectedFile.toString())
    }

    DropArea {
        anchors.fill: parent
        keys: ["text/uri-list"]
        onEntered: (drag) => drag.accept(Qt.LinkAction)
        onDropped: (drop) => {
            if (drop.hasUrls && drop.urls.length > 0) {
                window.app.models.load(drop.urls[0].toString())
                drop.accept(Qt.LinkAction)
            }
        }
    }

    Component.onCompleted: chatView.focusComposer()
}

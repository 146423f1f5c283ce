import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A plain-words error above the chat, with a way to dismiss it. Hidden when text is empty.
Rectangle {
    id: banner

    /// What went wrong, in words a user can act on.
    property string text: ""
    signal dismissed()

    visible: text.length > 0
    implicitHeight: visible ? row.implicitHeight + 2 * Theme.spacing : 0
    color: Theme.errorBackground
    radius: Theme.radius
    Accessible.role: Accessible.AlertMessage
    Accessible.name: text

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        Label {
            objectName: "errorText"
            Layout.fillWidth: true
            text: banner.text
            color: Theme.errorText
            wrapMode: Text.Wrap
            font.pointSize: Theme.fontSize
        }
        Button {
            text: qsTr("Dismiss")
            Accessible.name: qsTr("Dismiss the error message")
            onClicked: banner.dismissed()
        }
    }
}

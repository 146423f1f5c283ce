import QtQuick
import QtTest
import Chord

TestCase {
    id: test
    name: "ChatView"
    when: windowShown
    visible: true
    width: 800
    height: 600

    MessageModel { id: messages }
    QtObject {
        id: fakeChat
        property var messages: messages
        property bool generating: false
        property string systemPrompt: ""
        property var sent: []
        property int stops: 0
        function send(text) { sent.push(text); messages.appendMessage("user", text); return true }
        function stop() { stops++ }
        function copyText(t) {}
        function regenerate() {}
        function editAndResend(row, text) {}
    }
    Component {
        id: viewComponent
        ChatView { width: 780; height: 580; chat: fakeChat; promptMode: "Plain completion mode: test" }
    }

    function test_typeAndSend() {
        messages.clear()
        const view = createTemporaryObject(viewComponent, test)
        compare(findChild(view, "promptModeLabel").text, "Plain completion mode: test")
        view.focusComposer()
        keyClick(Qt.Key_O); keyClick(Qt.Key_K)
        keyClick(Qt.Key_Return)
        compare(fakeChat.sent.length, 1)
        compare(fakeChat.sent[0], "ok")
        const list = findChild(view, "messageList")
        compare(list.count, 1)
        messages.appendMessage("assistant", "Hello **there**", "streaming")
        compare(list.count, 2)
    }

    function test_systemPromptIsWritten() {
        const view = createTemporaryObject(viewComponent, test)
        const field = findChild(view, "systemPromptField")
        field.forceActiveFocus()
        keyClick(Qt.Key_B)
        keyClick(Qt.Key_Return)   // Enter (or leaving the field) commits it
        compare(fakeChat.systemPrompt, "b")
    }
}

import QtQuick
import QtQuick.Controls
import QtTest
import Chord

TestCase {
    id: test
    name: "MessageDelegate"
    when: windowShown
    visible: true
    width: 700
    height: 500

    Component {
        id: delegateComponent
        MessageDelegate {
            width: 600
            index: 0
            messageId: 1
            author: "assistant"
            content: ""
            status: "complete"
            stats: ""
        }
    }
    SignalSpy { id: copySpy; signalName: "copyRequested" }
    SignalSpy { id: editSpy; signalName: "editRequested" }
    SignalSpy { id: regenerateSpy; signalName: "regenerateRequested" }

    function make(props) {
        const d = createTemporaryObject(delegateComponent, test, props)
        copySpy.clear(); editSpy.clear(); regenerateSpy.clear()
        copySpy.target = d; editSpy.target = d; regenerateSpy.target = d
        waitForItemPolished(d)
        return d
    }
    function buttonWithText(parent, text) {
        for (let i = 0; i < parent.children.length; ++i) {
            const child = parent.children[i]
            if (child instanceof Button && child.text === text && child.visible) return child
            const found = buttonWithText(child, text)
            if (found) return found
        }
        return null
    }

    function test_markdownAndCodeBlocks() {
        const d = make({ content: "Some **bold** text.\n\n```python\nprint('a')\n```\n\nand\n\n```\nx = 1\n```\n" })
        compare(d.codeBlocks.length, 2)
        compare(d.codeBlocks[0], "print('a')")
        compare(d.codeBlocks[1], "x = 1")
        const body = findChild(d, "messageText")
        compare(body.textFormat, TextEdit.MarkdownText)
        verify(body.getText(0, body.length).indexOf("**") < 0)   // rendered, not shown as markup
        const copy = buttonWithText(d, "Copy code block 2")
        verify(copy !== null)
        mouseClick(copy)
        compare(copySpy.count, 1)
        compare(copySpy.signalArguments[0][0], "x = 1")
    }

    function test_userTextIsPlain() {
        const d = make({ author: "user", content: "**not bold**" })
        const body = findChild(d, "messageText")
        compare(body.textFormat, TextEdit.PlainText)
        compare(d.codeBlocks.length, 0)
    }

    function test_editAndResend() {
        const d = make({ author: "user", content: "old text", index: 4 })
        mouseClick(buttonWithText(d, "Edit"))
        verify(d.editing)
        waitForItemPolished(d)
        keySequence("Ctrl+A")
        keyClick(Qt.Key_N); keyClick(Qt.Key_E); keyClick(Qt.Key_W)
        mouseClick(buttonWithText(d, "Send again"))
        compare(editSpy.count, 1)
        compare(editSpy.signalArguments[0][0], 4)
        compare(editSpy.signalArguments[0][1], "new")
        verify(!d.editing)
    }

    function test_regenerateOnlyOnTheLastReply() {
        const last = make({ content: "reply", isLast: true })
        const button = buttonWithText(last, "Regenerate")
        verify(button !== null)
        mouseClick(button)
        compare(regenerateSpy.count, 1)
        const earlier = make({ content: "reply", isLast: false })
        compare(buttonWithText(earlier, "Regenerate"), null)
        const busy = make({ content: "reply", isLast: true, busy: true })
        compare(buttonWithText(busy, "Regenerate"), null)
    }

    function test_streamingShowsProgressAndNoActions() {
        const d = make({ content: "", status: "streaming" })
        const body = findChild(d, "messageText")
        compare(body.getText(0, body.length).trim(), "\u2026")
        compare(buttonWithText(d, "Copy"), null)
    }
}

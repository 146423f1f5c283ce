import QtQuick
import QtTest
import Chord

TestCase {
    id: test
    name: "Composer"
    when: windowShown
    visible: true
    width: 600
    height: 200

    Component {
        id: composerComponent
        Composer { width: 500 }
    }
    SignalSpy { id: sendSpy; signalName: "sendRequested" }
    SignalSpy { id: stopSpy; signalName: "stopRequested" }

    function make(props) {
        const c = createTemporaryObject(composerComponent, test, props || {})
        sendSpy.clear(); stopSpy.clear()
        sendSpy.target = c
        stopSpy.target = c
        waitForItemPolished(c)
        const input = findChild(c, "composerInput")
        input.forceActiveFocus()
        return c
    }

    function test_enterSends() {
        const c = make()
        keyClick(Qt.Key_H); keyClick(Qt.Key_I)
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 1)
        compare(sendSpy.signalArguments[0][0], "hi")
        compare(c.text, "")
    }

    function test_shiftEnterIsANewLine() {
        const c = make()
        keyClick(Qt.Key_A)
        keyClick(Qt.Key_Return, Qt.ShiftModifier)
        keyClick(Qt.Key_B)
        compare(sendSpy.count, 0)
        compare(c.text, "a\nb")
        keyClick(Qt.Key_Enter)
        compare(sendSpy.count, 1)
        compare(sendSpy.signalArguments[0][0], "a\nb")
    }

    function test_blankIsNotSent() {
        make()
        keyClick(Qt.Key_Space)
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 0)
    }

    function test_nothingSentWithoutModel() {
        const c = make({ canSend: false })
        keyClick(Qt.Key_A)
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 0)
        compare(findChild(c, "sendButton").enabled, false)
    }

    function test_buttonStopsWhileGenerating() {
        const c = make({ generating: true })
        const button = findChild(c, "sendButton")
        compare(button.text, "Stop")
        verify(button.enabled)
        mouseClick(button)
        compare(stopSpy.count, 1)
        keyClick(Qt.Key_A)
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 0)   // Enter does not send while a reply streams
    }
}

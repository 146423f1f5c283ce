import QtQuick
import QtTest
import Chord

TestCase {
    id: test
    name: "ErrorBanner"
    when: windowShown
    visible: true
    width: 600
    height: 200

    Component { id: bannerComponent; ErrorBanner { width: 500 } }

    function test_showsAndDismisses() {
        const b = createTemporaryObject(bannerComponent, test)
        waitForItemPolished(b)
        verify(!b.visible)
        b.text = "This file is not a usable GGUF model"
        verify(b.visible)
        compare(findChild(b, "errorText").text, "This file is not a usable GGUF model")
        let dismissed = 0
        b.dismissed.connect(() => dismissed++)
        waitForItemPolished(b)
        const buttons = b.children[0].children
        mouseClick(buttons[1])
        compare(dismissed, 1)
    }
}

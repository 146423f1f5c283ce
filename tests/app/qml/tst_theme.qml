import QtQuick
import QtTest
import Chord

TestCase {
    name: "Theme"

    function test_lightAndDark() {
        Theme.mode = "light"
        verify(!Theme.dark)
        const lightWindow = String(Theme.window)
        Theme.mode = "dark"
        verify(Theme.dark)
        verify(String(Theme.window) !== lightWindow)
        verify(String(Theme.text) !== String(Theme.window))
        Theme.mode = "system"   // follows the palette: either is fine, but it must be decided
        verify(Theme.dark === true || Theme.dark === false)
    }

    function test_fontSizeFollows() {
        Theme.baseFontSize = 15
        compare(Theme.fontSize, 15)
        compare(Theme.smallFontSize, 13)
        Theme.baseFontSize = 11
    }
}

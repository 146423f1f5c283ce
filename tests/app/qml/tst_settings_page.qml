import QtQuick
import QtQuick.Controls
import QtTest
import Chord

TestCase {
    id: test
    name: "SettingsPage"
    when: windowShown
    width: 900
    height: 1400

    AppSettings { id: settings }   // QSettings in the test's temporary XDG_CONFIG_HOME
    Component {
        id: pageComponent
        SettingsPage { width: 880; height: 1380; settings: settings }
    }

    function test_controlsWriteSettings() {
        settings.resetToDefaults()
        const page = createTemporaryObject(pageComponent, test)
        const attention = findChild(page, "attentionCombo")
        compare(attention.currentValue, "flash")
        attention.currentIndex = 1
        attention.activated(1)
        compare(settings.attentionBackend, "standard")

        const theme = findChild(page, "themeCombo")
        theme.currentIndex = 2
        theme.activated(2)
        compare(settings.theme, "dark")

        const maxTokens = findChild(page, "maxTokensSpin")
        maxTokens.value = 500
        maxTokens.valueModified()
        compare(settings.maxTokens, 500)

        const log = findChild(page, "logLevelCombo")
        log.currentIndex = 3
        log.activated(3)
        compare(settings.logLevel, "debug")
    }

    function test_followsSettings() {
        settings.resetToDefaults()
        const page = createTemporaryObject(pageComponent, test)
        settings.fontSize = 17
        compare(findChild(page, "fontSizeSpin").value, 17)
        settings.contextSize = 0
        compare(findChild(page, "contextSpin").displayText, "Automatic")
    }

    function test_closeButton() {
        const page = createTemporaryObject(pageComponent, test)
        let closed = 0
        page.closeRequested.connect(() => closed++)
        mouseClick(findChild(page, "closeSettingsButton"))
        compare(closed, 1)
    }
}

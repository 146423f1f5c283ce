import QtQuick
import QtQuick.Controls
import QtTest
import Chord

TestCase {
    id: test
    name: "SettingsPage"
    when: windowShown
    visible: true
    width: 900
    height: 1400

    AppSettings { id: appSettings }   // QSettings in the test's temporary XDG_CONFIG_HOME
    Component {
        id: pageComponent
        SettingsPage { width: 880; height: 1380; settings: appSettings }
    }

    function test_controlsWriteSettings() {
        appSettings.resetToDefaults()
        const page = createTemporaryObject(pageComponent, test)
        const attention = findChild(page, "attentionCombo")
        compare(attention.currentText, "Flash (less memory)")
        attention.currentIndex = 1
        attention.activated(1)
        compare(appSettings.attentionBackend, "standard")

        const theme = findChild(page, "themeCombo")
        theme.currentIndex = 2
        theme.activated(2)
        compare(appSettings.theme, "dark")

        const maxTokens = findChild(page, "maxTokensSpin")
        maxTokens.value = 500
        maxTokens.valueModified()
        compare(appSettings.maxTokens, 500)

        const log = findChild(page, "logLevelCombo")
        log.currentIndex = 3
        log.activated(3)
        compare(appSettings.logLevel, "debug")
    }

    function test_followsSettings() {
        appSettings.resetToDefaults()
        const page = createTemporaryObject(pageComponent, test)
        appSettings.fontSize = 17
        compare(findChild(page, "fontSizeSpin").value, 17)
        appSettings.contextSize = 0
        compare(findChild(page, "contextSpin").displayText, "Automatic")
    }

    function test_closeButton() {
        const page = createTemporaryObject(pageComponent, test)
        waitForItemPolished(page)
        let closed = 0
        page.closeRequested.connect(() => closed++)
        mouseClick(findChild(page, "closeSettingsButton"))
        compare(closed, 1)
    }
}

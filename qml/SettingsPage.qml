import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Every setting, grouped. Changes are saved at once. The attention backend applies to the next token;
// threads, context size and SIMD level apply at the next model load.
Page {
    id: page

    /// The AppSettings.
    required property var settings
    /// The SystemMonitor (for the detected SIMD backend).
    property var monitor: null
    property string logFile: ""

    // ComboBox options; the selection is found here because indexOfValue() is not ready while the
    // ComboBox is being created.
    readonly property var attentionOptions: [ { value: "flash", text: qsTr("Flash (less memory)") },
                                              { value: "standard", text: qsTr("Standard") } ]
    readonly property var simdOptions: [ { value: "auto", text: qsTr("Automatic (%1)").arg(monitor ? monitor.simdBackend : "") },
                                         { value: "avx512", text: "AVX-512" }, { value: "avx2", text: "AVX2+FMA" },
                                         { value: "neon", text: "NEON" }, { value: "scalar", text: qsTr("Scalar (slowest)") } ]
    readonly property var themeOptions: [ { value: "system", text: qsTr("Follow the system") },
                                          { value: "light", text: qsTr("Light") }, { value: "dark", text: qsTr("Dark") } ]
    function indexIn(options, value) {
        for (let i = 0; i < options.length; ++i)
            if (options[i].value === value) return i
        return 0
    }

    signal closeRequested()
    signal reloadRequested()

    background: Rectangle { color: Theme.window }
    Accessible.name: qsTr("Settings")

    component SectionTitle: Label {
        font.pointSize: Theme.titleFontSize
        font.bold: true
        color: Theme.text
        Layout.columnSpan: 2
        Layout.topMargin: Theme.spacing
    }
    component Name: Label {
        color: Theme.text
        font.pointSize: Theme.fontSize
    }
    component Note: Label {
        color: Theme.mutedText
        font.pointSize: Theme.smallFontSize
        wrapMode: Text.Wrap
        Layout.columnSpan: 2
        Layout.fillWidth: true
    }

    header: ToolBar {
        background: Rectangle { color: Theme.sidebar }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: Theme.spacing
            Label {
                text: qsTr("Settings")
                font.pointSize: Theme.titleFontSize
                font.bold: true
                color: Theme.text
                Layout.fillWidth: true
            }
            Button {
                text: qsTr("Restore defaults")
                Accessible.name: qsTr("Restore default settings")
                onClicked: page.settings.resetToDefaults()
            }
            Button {
                objectName: "closeSettingsButton"
                text: qsTr("Done")
                highlighted: true
                Accessible.name: qsTr("Close settings")
                onClicked: page.closeRequested()
            }
        }
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth

        GridLayout {
            width: Math.min(parent.width - 4 * Theme.spacing, 760)
            x: 2 * Theme.spacing
            columns: 2
            columnSpacing: Theme.spacing * 2
            rowSpacing: Theme.spacing

            SectionTitle { text: qsTr("Engine") }
            Name { text: qsTr("Attention") }
            ComboBox {
                objectName: "attentionCombo"
                Layout.fillWidth: true
                model: page.attentionOptions
                textRole: "text"
                valueRole: "value"
                currentIndex: page.indexIn(page.attentionOptions, page.settings.attentionBackend)
                Accessible.name: qsTr("Attention backend")
                onActivated: (i) => page.settings.attentionBackend = page.attentionOptions[i].value
            }
            Note { text: qsTr("Switches from the next token on, without reloading the model.") }

            Name { text: qsTr("SIMD level") }
            ComboBox {
                objectName: "simdCombo"
                Layout.fillWidth: true
                model: page.simdOptions
                textRole: "text"
                valueRole: "value"
                currentIndex: page.indexIn(page.simdOptions, page.settings.simdLevel)
                Accessible.name: qsTr("SIMD level")
                onActivated: (i) => page.settings.simdLevel = page.simdOptions[i].value
            }
            Note { text: qsTr("Force a lower instruction set to compare speed or work around a problem. Applies at the next model load.") }

            Name { text: qsTr("Threads") }
            SpinBox {
                objectName: "threadsSpin"
                from: 0; to: 256
                value: page.settings.threads
                editable: true
                textFromValue: (v) => v === 0 ? qsTr("All cores") : String(v)
                valueFromText: (t) => t === qsTr("All cores") ? 0 : parseInt(t)
                Accessible.name: qsTr("Threads (0 uses all cores)")
                onValueModified: page.settings.threads = value
            }
            Name { text: qsTr("Context size") }
            SpinBox {
                objectName: "contextSpin"
                from: 0; to: 131072; stepSize: 256
                value: page.settings.contextSize
                editable: true
                textFromValue: (v) => v === 0 ? qsTr("Automatic") : String(v)
                valueFromText: (t) => t === qsTr("Automatic") ? 0 : parseInt(t)
                Accessible.name: qsTr("Context size in tokens (0 follows the model and free memory)")
                onValueModified: page.settings.contextSize = value
            }
            Note { text: qsTr("Threads, context size and SIMD level apply when a model is next loaded.") }
            Button {
                Layout.columnSpan: 2
                text: qsTr("Reload the model now")
                Accessible.name: text
                onClicked: page.reloadRequested()
            }

            SectionTitle { text: qsTr("Replies") }
            Name { text: qsTr("Temperature") }
            RowLayout {
                Layout.fillWidth: true
                Slider {
                    id: temperature
                    objectName: "temperatureSlider"
                    Layout.fillWidth: true
                    from: 0; to: 2; stepSize: 0.05
                    value: page.settings.temperature
                    Accessible.name: qsTr("Temperature")
                    onMoved: page.settings.temperature = value
                }
                Name { text: temperature.value.toFixed(2) }
            }
            Name { text: qsTr("Top-k") }
            SpinBox {
                from: 0; to: 1000; editable: true
                value: page.settings.topK
                Accessible.name: qsTr("Top-k (0 turns it off)")
                onValueModified: page.settings.topK = value
            }
            Name { text: qsTr("Top-p") }
            RowLayout {
                Layout.fillWidth: true
                Slider {
                    id: topP
                    Layout.fillWidth: true
                    from: 0; to: 1; stepSize: 0.01
                    value: page.settings.topP
                    Accessible.name: qsTr("Top-p")
                    onMoved: page.settings.topP = value
                }
                Name { text: topP.value.toFixed(2) }
            }
            Name { text: qsTr("Min-p") }
            RowLayout {
                Layout.fillWidth: true
                Slider {
                    id: minP
                    Layout.fillWidth: true
                    from: 0; to: 1; stepSize: 0.01
                    value: page.settings.minP
                    Accessible.name: qsTr("Min-p")
                    onMoved: page.settings.minP = value
                }
                Name { text: minP.value.toFixed(2) }
            }
            Name { text: qsTr("Repeat penalty") }
            RowLayout {
                Layout.fillWidth: true
                Slider {
                    id: repeatPenalty
                    Layout.fillWidth: true
                    from: 1; to: 2; stepSize: 0.01
                    value: page.settings.repeatPenalty
                    Accessible.name: qsTr("Repeat penalty")
                    onMoved: page.settings.repeatPenalty = value
                }
                Name { text: repeatPenalty.value.toFixed(2) }
            }
            Name { text: qsTr("Seed") }
            SpinBox {
                from: -1; to: 2147483647; editable: true
                value: page.settings.seed
                textFromValue: (v) => v < 0 ? qsTr("Random") : String(v)
                valueFromText: (t) => t === qsTr("Random") ? -1 : parseInt(t)
                Accessible.name: qsTr("Seed (-1 picks a new one for every reply)")
                onValueModified: page.settings.seed = value
            }
            Name { text: qsTr("Maximum reply length") }
            SpinBox {
                objectName: "maxTokensSpin"
                from: 1; to: 32768; stepSize: 64; editable: true
                value: page.settings.maxTokens
                Accessible.name: qsTr("Maximum tokens per reply")
                onValueModified: page.settings.maxTokens = value
            }

            SectionTitle { text: qsTr("Appearance") }
            Name { text: qsTr("Theme") }
            ComboBox {
                objectName: "themeCombo"
                Layout.fillWidth: true
                model: page.themeOptions
                textRole: "text"
                valueRole: "value"
                currentIndex: page.indexIn(page.themeOptions, page.settings.theme)
                Accessible.name: qsTr("Theme")
                onActivated: (i) => page.settings.theme = page.themeOptions[i].value
            }
            Name { text: qsTr("Font size") }
            SpinBox {
                objectName: "fontSizeSpin"
                from: 8; to: 32
                value: page.settings.fontSize
                Accessible.name: qsTr("Font size in points")
                onValueModified: page.settings.fontSize = value
            }

            SectionTitle { text: qsTr("Diagnostics") }
            Name { text: qsTr("Log level") }
            ComboBox {
                objectName: "logLevelCombo"
                Layout.fillWidth: true
                model: ["error", "warn", "info", "debug", "trace"]
                currentIndex: Math.max(0, model.indexOf(page.settings.logLevel))
                Accessible.name: qsTr("Log level")
                onActivated: page.settings.logLevel = currentText
            }
            Note {
                visible: page.logFile.length > 0
                text: qsTr("Log file: %1").arg(page.logFile)
            }
            Item { Layout.columnSpan: 2; implicitHeight: Theme.spacing * 2 }
        }
    }
}

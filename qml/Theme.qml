pragma Singleton
import QtQuick

// Colours, sizes and fonts for the whole app, light and dark. `mode` follows the setting; "system"
// follows the platform palette (Qt 6.4 has no colour-scheme hint, so the window colour decides).
QtObject {
    id: theme

    property string mode: "system"
    property int baseFontSize: 11

    readonly property SystemPalette systemPalette: SystemPalette { colorGroup: SystemPalette.Active }
    readonly property bool dark: mode === "dark" || (mode === "system" && systemPalette.window.hslLightness < 0.5)

    readonly property color window: dark ? "#1e1f22" : "#f6f6f8"
    readonly property color surface: dark ? "#2a2b2f" : "#ffffff"
    readonly property color sidebar: dark ? "#25262a" : "#eceef2"
    readonly property color border: dark ? "#3c3d42" : "#d5d8de"
    readonly property color text: dark ? "#e8e8ea" : "#1d1f23"
    readonly property color mutedText: dark ? "#a2a4ab" : "#5d6069"
    readonly property color accent: dark ? "#7aa2f7" : "#2f5bd3"
    readonly property color accentText: "#ffffff"
    readonly property color userBubble: dark ? "#2f3b57" : "#e3ebff"
    readonly property color assistantBubble: dark ? "#2a2b2f" : "#ffffff"
    readonly property color codeBackground: dark ? "#16171a" : "#f0f1f4"
    readonly property color selection: dark ? "#3a4a70" : "#c9d7ff"
    readonly property color errorBackground: dark ? "#4a2326" : "#fde7e9"
    readonly property color errorText: dark ? "#ffb4b9" : "#8c1d24"
    readonly property color good: dark ? "#8bd49c" : "#1f7a3a"

    readonly property int fontSize: baseFontSize
    readonly property int smallFontSize: Math.max(8, baseFontSize - 2)
    readonly property int titleFontSize: baseFontSize + 3
    readonly property string monoFont: "DejaVu Sans Mono"
    readonly property int spacing: 8
    readonly property int radius: 8
    readonly property int sidebarWidth: 260
}

import QtQuick
import QtQuick.Controls
import QtTest
import Chord

TestCase {
    id: test
    name: "ConversationList"
    when: windowShown
    visible: true
    width: 400
    height: 500

    ListModel {
        id: chats
        property string filter: ""
        ListElement { conversationId: 11; title: "Dragons" }
        ListElement { conversationId: 12; title: "Recipes" }
    }
    Component {
        id: listComponent
        ConversationList { width: 300; height: 400; model: chats; currentId: 12 }
    }
    SignalSpy { id: openSpy; signalName: "openRequested" }
    SignalSpy { id: newSpy; signalName: "newRequested" }
    SignalSpy { id: renameSpy; signalName: "renameRequested" }

    function make() {
        const l = createTemporaryObject(listComponent, test)
        openSpy.clear(); newSpy.clear(); renameSpy.clear()
        openSpy.target = l; newSpy.target = l; renameSpy.target = l
        waitForItemPolished(l)
        return l
    }

    function test_openAndNew() {
        const l = make()
        const view = findChild(l, "conversationListView")
        compare(view.count, 2)
        waitForRendering(view)
        const first = view.itemAtIndex(0)
        verify(!first.highlighted)
        verify(view.itemAtIndex(1).highlighted)   // the open chat
        mouseClick(first)
        compare(openSpy.count, 1)
        compare(openSpy.signalArguments[0][0], 11)
        mouseClick(findChild(l, "newChatButton"))
        compare(newSpy.count, 1)
    }

    function test_searchSetsTheModelFilter() {
        const l = make()
        const search = findChild(l, "searchField")
        search.forceActiveFocus()
        keyClick(Qt.Key_D); keyClick(Qt.Key_R)
        compare(chats.filter, "dr")
        search.text = ""
        compare(chats.filter, "")
    }

    function test_renameWithF2() {
        const l = make()
        const view = findChild(l, "conversationListView")
        waitForRendering(view)
        const row = view.itemAtIndex(0)
        row.forceActiveFocus()
        keyClick(Qt.Key_F2)
        verify(row.renaming)
        keySequence("Ctrl+A")
        keyClick(Qt.Key_W); keyClick(Qt.Key_Y)
        keyClick(Qt.Key_Return)
        compare(renameSpy.count, 1)
        compare(renameSpy.signalArguments[0][0], 11)
        compare(renameSpy.signalArguments[0][1], "wy")
    }
}

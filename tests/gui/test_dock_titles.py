"""The right-hand column's tabs read whole: full names where the column has room, shorter ones where it has not."""

from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QTabBar, QToolTip

from nnviz.gui.dock_titles import NAMES

from .test_layout import _resized


def right_hand_bar(w) -> QTabBar:
    """The tab bar of the docks tabbed with Training."""
    return next(bar for bar in w.findChildren(QTabBar) if bar.parent() is w and bar.isVisible()
                and "Training" in [bar.tabText(i) for i in range(bar.count())])


def tabs(w) -> dict[str, tuple[str, str]]:
    """Each right-hand dock's tab: (its text, its tooltip), by the dock's object name."""
    bar = right_hand_bar(w)
    docks = {d.windowTitle(): d.objectName() for d in w.findChildren(type(w.controls_dock))}
    return {docks[bar.tabText(i)]: (bar.tabText(i), bar.tabToolTip(i)) for i in range(bar.count())}


def whole(bar: QTabBar) -> bool:
    """Qt cuts no title of ``bar``: its tabs at their natural length fit its length (it runs down the edge)."""
    return bar.sizeHint().height() <= bar.height()


def test_at_1280_by_760_every_tab_reads_whole_and_the_full_names_stay_in_reach(make_window, qtbot):
    """Six tabs in a 480-pixel column used to read "T…", "N…": now none is cut; a shortened one keeps its full name
    as its tooltip and in the View menu."""
    w = make_window(None, autoload=False)
    _resized(qtbot, w, 1280, 760)
    qtbot.waitUntil(lambda: whole(right_hand_bar(w)), timeout=3_000)
    shown = tabs(w)
    assert len(shown) == 6
    assert any(text != NAMES[name][0] for name, (text, _tip) in shown.items() if name in NAMES), "some gave way"
    view = next(a.menu() for a in w.menuBar().actions() if a.text() == "&View")
    entries = {a.text() for a in view.actions()}
    for name, (text, tip) in shown.items():
        full = NAMES.get(name, (text,))[0]
        assert text in NAMES.get(name, (text,)) and tip == full and full in entries, name
    assert "Neuron" in entries, "the inspector can be reopened from the View menu"
    bar = right_hand_bar(w)  # hovering a shortened tab says its full name
    i = next(i for i in range(bar.count()) if bar.tabText(i) == shown["dock-insight"][0])
    centre = bar.tabRect(i).center()
    QApplication.sendEvent(bar, QHelpEvent(QEvent.Type.ToolTip, centre, bar.mapToGlobal(centre)))
    assert QToolTip.text() == NAMES["dock-insight"][0]
    QToolTip.hideText()


def test_maximised_every_full_name_shows_and_a_closed_tab_gives_its_room_back(make_window, qtbot):
    """At 1920×1080 the full names fit and show; at 1280×760 closing two tabs brings the others' full names
    back."""
    w = make_window(None, autoload=False)
    _resized(qtbot, w, 1920, 1080)
    qtbot.waitUntil(lambda: all(text == NAMES.get(name, (text,))[0] for name, (text, _) in tabs(w).items()),
                    timeout=3_000)
    assert whole(right_hand_bar(w))
    _resized(qtbot, w, 1280, 760)
    qtbot.waitUntil(lambda: tabs(w)["dock-insight"][0] != NAMES["dock-insight"][0], timeout=3_000)
    w.insight.dock.close()
    w.analysis.dreams_dock.close()
    qtbot.waitUntil(lambda: all(text == NAMES.get(name, (text,))[0] for name, (text, _) in tabs(w).items()),
                    timeout=3_000)
    assert whole(right_hand_bar(w))

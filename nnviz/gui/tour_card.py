"""The guided tour's widgets over the main window: the veil that frames one view and dims the rest, the card that
tells a step, and the offer of the tour at first launch.

All three are children of the main window laid over its docks (not in any layout, so nothing moves when they come
and go). The veil lets every click through: the learner uses the window as always while a step points at a part
of it; only the card takes the mouse.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QRegion
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from . import theme
from .widgets import button

CARD_WIDTH = 420  # px: room for a few sentences in lines short enough to read
MARGIN = 8  # px between the card and the window's edge
OVERLAP = 16  # px of a framed view's edge the card may cover (less of a small view: see place_card)


class Veil(QWidget):
    """Dims the window except the framed views (``set_holes``), and lets every mouse event through."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.holes: list[QRect] = []
        self.hide()

    def set_holes(self, holes: list[QRect]) -> None:
        """Frame these rectangles (window coordinates) and dim the rest; repaint only if they changed."""
        if holes != self.holes:
            self.holes = list(holes)
            self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        outside = QRegion(self.rect())
        for hole in self.holes:
            outside = outside.subtracted(QRegion(hole))
        p.setClipRegion(outside)
        p.fillRect(self.rect(), QColor(*theme.TOUR_VEIL))
        p.setClipping(False)
        p.setPen(QPen(QColor(theme.TOUR_FRAME), 3))
        p.setBrush(Qt.BrushStyle.NoBrush)
        inside = self.rect().adjusted(1, 1, -2, -2)  # a view at the window's edge keeps all four sides of its frame
        for hole in self.holes:
            p.drawRoundedRect(hole.adjusted(-2, -2, 1, 1).intersected(inside), 4, 4)
        p.end()


def _label(rich: bool = True, colour: str | None = None, background: str | None = None) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    palette = label.palette()
    if colour is not None:
        palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    if background is not None:
        palette.setColor(QPalette.ColorRole.Window, QColor(background))
        label.setAutoFillBackground(True)
    label.setPalette(palette)
    return label


class _Panel(QFrame):
    """A framed, opaque panel laid over the window.

    Painted by hand, not by a style sheet: it sits over views that repaint every frame while training, so it is
    painted again with each of them, and a style sheet made that (and every label in it) several times slower.
    """

    def __init__(self, window: QWidget, name: str):
        super().__init__(window)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # nothing under it needs painting first
        self.setContentsMargins(2, 2, 2, 2)  # the frame's width
        self.setFixedWidth(CARD_WIDTH)
        self.hide()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().window())
        p.setPen(QPen(QColor(theme.TOUR_FRAME), 2))
        p.drawRect(self.rect().adjusted(1, 1, -1, -1))
        p.end()

    def fit(self) -> None:
        """Take the height its text needs at the card's width."""
        self.setFixedHeight(self.heightForWidth(CARD_WIDTH))  # with its frame: the layout's own figure is short


class TourCard(_Panel):
    """One step of the tour: where it is, its title and sentences, what to try (ticked when done), the buttons."""

    def __init__(self, window: QWidget):
        super().__init__(window, "tour-card")
        self.setToolTip("The guided tour. The part of the window framed in yellow is what this step is about; the "
                        "rest is dimmed but works as always.")
        self.counter = _label(rich=False, colour=theme.TOUR_MUTED)
        self.title = _label()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.body = _label()
        self.note = _label(colour=theme.WARNING_TEXT, background=theme.WARNING_BACKGROUND)
        self.note.setMargin(4)
        self.task = _label()
        self._task = self._done = ""
        self.done = False  #: the task is ticked
        self.back_button = button("‹ Back", "The step before (Alt+B)")
        self.leave_button = button("Leave", "End the tour: your network, drawing and settings come back as you left "
                                   "them (Esc). Help → Guided tour starts again where you stopped.")
        self.next_button = button("Next ›", "The next step, whether or not you tried this one (Alt+N)")
        self.keys = _label(rich=False, colour=theme.TOUR_MUTED)
        self.keys.setText("Alt+N next · Alt+B back · Esc leaves")
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addWidget(self.leave_button)
        row.addStretch(1)
        row.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        for widget in (self.counter, self.title, self.body, self.note, self.task):
            layout.addWidget(widget)
        layout.addStretch(1)  # the room kept for the tick stays under the task, not between the sentences
        layout.addLayout(row)
        layout.addWidget(self.keys)

    def show_step(self, number: int, count: int, title: str, body: str, task: str, note: str = "",
                  done: str = "") -> None:
        """Tell step ``number`` (from 1) of ``count``; ``note`` says what the missing data changes, if anything;
        the card keeps room for ``done``, what it will say once the task is done."""
        self.counter.setText(f"Guided tour · step {number} of {count}")
        self.title.setText(title)
        self.body.setText(body)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self._task = task
        self._done = done
        self.set_done(None)
        self.back_button.setEnabled(number > 1)
        last = number == count
        self.next_button.setText("Finish" if last else "Next ›")
        self.next_button.setToolTip("End the tour and put your network back (Alt+N)" if last else
                                    "The next step, whether or not you tried this one (Alt+N)")

    def set_done(self, done: str | None) -> None:
        """Tick the task with ``done`` (what the step saw), or show it untried (None)."""
        self.done = done is not None
        if done is not None:
            self._done = done
        ticked = (f"<span style='color:{theme.TOUR_DONE}'><b>✓ Done:</b> {self._done}</span>"
                  f"<br><span style='color:{theme.TOUR_MUTED}'>{self._task}</span>")
        # the card is as tall as it will be once ticked: it does not grow, and so does not move, as the learner
        # does the task (a taller card no longer fitted beside the framed views and jumped across the window)
        self.task.setText(ticked)
        self.fit()
        if not self.done:
            self.task.setText(f"<b>Try:</b> {self._task}")


class TourOffer(_Panel):
    """The offer of the tour at first launch: take it, or not now (it is not offered again; Help → Guided tour is
    there)."""

    def __init__(self, window: QWidget, steps: int):
        super().__init__(window, "tour-offer")
        text = _label()
        text.setText(f"<b>New to neural networks?</b> A guided tour walks through the explanation on this window, "
                     f"one idea at a time ({steps} short steps). Leave it whenever you like: your network comes "
                     "back as it was. It stays in the Help menu.")
        self.take_button = button("Take the tour", "Start the guided tour (Help → Guided tour)")
        self.later_button = button("Not now", "Close this; Help → Guided tour starts it later")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.later_button)
        row.addWidget(self.take_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(text)
        layout.addLayout(row)
        self.take_button.clicked.connect(self.hide)
        self.later_button.clicked.connect(self.hide)
        window.installEventFilter(self)

    def place(self) -> None:
        """Over the cost plot at the bottom left, which has nothing to show yet: the canvas, the graph and the data
        panel's buttons stay clear."""
        window = self.parentWidget()
        bottom = window.height() - window.statusBar().height()
        self.move(MARGIN, bottom - self.height() - MARGIN)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self.place()  # maximised before answering, it stayed where it was, over the Draw panel's bars
        return False


def place_card(size: tuple[int, int], holes: list[QRect], area: QRect) -> tuple[int, int]:
    """Where a card of ``size`` goes in ``area`` (window coordinates): the first place — the bottom left corner (the
    cost plot), bottom right, the middle of the bottom, top right, top left (the canvas, wanted most often) — where
    it covers none of the framed ``holes``, else the place where it covers least of them."""
    w, h = size
    left, right = area.left() + MARGIN, area.right() - w - MARGIN
    top, bottom = area.top() + MARGIN, area.bottom() - h - MARGIN
    corners = [(left, bottom), (right, bottom), (area.center().x() - w // 2, bottom), (right, top), (left, top)]
    # a small view's edge is thinner: the 14 px under the ten bars are their digits
    edges = [min(OVERLAP, hole.width() // 20, hole.height() // 20) for hole in holes]

    def covered(corner: tuple[int, int]) -> int:
        card = QRect(corner[0], corner[1], w, h)
        inner = [hole.adjusted(m, m, -m, -m) for hole, m in zip(holes, edges)]  # an edge is not a view
        return sum(max(0, r.width()) * max(0, r.height()) for r in (card.intersected(hole) for hole in inner))

    return min(corners, key=covered)  # min keeps the first of equals: the order above

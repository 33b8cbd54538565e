"""Your own handwriting in the Draw panel: "My digits" and "Why was it misread?" as pages beside the output bars.

Under the canvas, a compact switch chooses what the space below the answer shows: the ten output bars, your digits
(:class:`~nnviz.gui.my_digits_panel.MyDigitsPanel`), or MNIST's training images nearest to the drawing
(:class:`~nnviz.gui.misread_view.MisreadView`). The window builds this with one call; it wires the rest:

- the canvas's drawing goes to both pages; a digit key on the canvas keeps the drawing as that digit (My digits)
  or says which digit you meant (Why misread?); a digit double-clicked in the gallery goes back on the canvas;
- every frame the shown network (live or a moment of the timeline) reads your digits, while the page is open;
- "Train with my digits" and every change to them while it is on become a ``SetExtra`` for the training loop,
  kept by the training control so that a restarted training process gets it again;
- the nearest images are asked of the training loop (it holds the 60,000 training images; the window does not),
  only while the page is open and once the drawing has stopped changing for a moment.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Slot
from PySide6.QtWidgets import QStackedWidget, QTabBar, QVBoxLayout, QWidget

from ..core import protocol as p
from .frames import INPUT, SNAPSHOT
from .misread_view import NEIGHBOURS, MisreadView
from .my_digits_panel import MyDigitsPanel
from .widgets import Scrolling

OUTPUTS, MY_DIGITS, MISREAD = range(3)
PAGES = (("Outputs", "The network's ten output activations for the drawing"),
         ("My digits", "Keep your drawings with the digit you meant, see how many the network reads right, and "
                       "train with them"),
         ("Why misread?", "The MNIST training images nearest to your drawing, of the digit it was read as and of "
                          "the digit you meant"))
QUIET_MS = 150  # the drawing must rest this long before its nearest images are asked for (not at every mouse move)
# the switch costs 18 px of height: with the bars' page it keeps the window's minimum within a 768-pixel screen
SWITCH_STYLE = ("QTabBar::tab { padding: 1px 10px; margin-right: 2px; border: 1px solid palette(mid); border-bottom: "
                "none; border-top-left-radius: 3px; border-top-right-radius: 3px; background: palette(button); }"
                "QTabBar::tab:selected { background: palette(base); border-color: palette(highlight); }"
                "QTabBar::tab:hover:!selected { background: palette(light); }")
_DIGIT_KEYS = {int(Qt.Key.Key_0.value) + d: d for d in range(10)}


class Page(Scrolling):
    """A page of the switch: scrolled when the space is short, never taller at the minimum than the bars."""

    def __init__(self, widget: QWidget, least_height: int):
        super().__init__(widget)
        self.least_height = least_height

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(super().minimumSizeHint().width(), self.least_height)


class HandwritingPages(QObject):
    """Builds the switch and the two pages into ``window.draw_panel`` and wires them (see the module's docstring)."""

    def __init__(self, window, my_digits: MyDigitsPanel | None = None):
        super().__init__(window)
        self.window = window
        panel = window.draw_panel
        self.my_digits = my_digits if my_digits is not None else MyDigitsPanel()  # its store: the user data folder
        self.misread = MisreadView()
        self.switch = QTabBar()
        self.switch.setStyleSheet(SWITCH_STYLE)
        self.switch.setDrawBase(False)
        self.switch.setExpanding(False)
        self.switch.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space stays Train / Pause
        self.pages = QStackedWidget()
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.switch)
        layout.addWidget(self.pages, 1)
        panel.layout().replaceWidget(panel.bars, box)  # the bars become the first page, in their place and stretch
        least = panel.bars.minimumHeight()
        for i, (widget, (title, tip)) in enumerate(zip(
                (panel.bars, Page(self.my_digits, least), Page(self.misread, least)), PAGES)):
            self.pages.addWidget(widget)
            self.switch.addTab(title)
            self.switch.setTabToolTip(i, tip)
        self._read_with = None  # the network that last read my digits
        self._request = 0
        self._asked: dict[int, np.ndarray] = {}  # request → the drawing it asked about (the last few)
        self._wanted: tuple[np.ndarray, tuple[int, ...]] | None = None
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(QUIET_MS)
        self._wire()

    def _wire(self) -> None:
        w, panel, mine = self.window, self.window.draw_panel, self.my_digits
        self.switch.currentChanged.connect(self.show_page)
        panel.canvas.changed.connect(lambda: mine.set_drawing(panel.canvas.network_input()))
        panel.canvas.installEventFilter(self)  # digit keys
        mine.digit_opened.connect(lambda image, label: panel.show_labelled(image, label, "You meant"))
        panel.noise_batch_requested.connect(lambda _images: self.show_page(OUTPUTS))  # its answer is on the bars
        mine.digits_changed.connect(self._digits_changed)
        mine.train_with_changed.connect(lambda _on, _weight: self.send_extra(announce=True))
        self.misread.nearest_wanted.connect(self._want)
        self._quiet.timeout.connect(self._ask)
        w.training.nearest_ready.connect(self._answered)  # already on the GUI thread: no further turn
        w.frames.add("my digits", self.read_my_digits, on=[SNAPSHOT])
        w.frames.add("misread", self.compare_drawing, on=[SNAPSHOT, INPUT])

    # --- the switch ------------------------------------------------------------------------------------------
    @Slot(int)
    def show_page(self, index: int) -> None:
        """Show page ``index`` (OUTPUTS, MY_DIGITS or MISREAD) under the answer; an opened page catches up at once."""
        if self.switch.currentIndex() != index:
            self.switch.setCurrentIndex(index)  # comes back here through currentChanged
            return
        self.pages.setCurrentIndex(index)
        QTimer.singleShot(0, self, self.read_my_digits if index == MY_DIGITS else self.compare_drawing)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and int(event.key()) in _DIGIT_KEYS and event.modifiers() in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            self.digit_key(_DIGIT_KEYS[int(event.key())])
            return True
        return False

    def digit_key(self, digit: int) -> None:
        """A digit pressed on the canvas: keep the drawing as that digit, or say it is the digit you meant."""
        page = self.pages.currentIndex()
        if page == MY_DIGITS:
            self.my_digits.add_current(digit)
        if page in (MY_DIGITS, MISREAD):
            self.misread.set_meant(digit)
        else:
            self.window.statusBar().showMessage(f"Open “My digits” under the answer to keep this drawing as one "
                                                f"of your {digit}s, or “Why misread?” to compare it with MNIST's.",
                                                6000)

    # --- my digits -------------------------------------------------------------------------------------------
    def read_my_digits(self) -> None:
        """A frame task: the shown network reads my digits ("7 of 10 of your 9s"), while the page is open."""
        net = self.window.run.graph_network()
        if self.my_digits.isVisible() and net is not self._read_with:
            self._read_with = net
            self.my_digits.set_network(net)

    @Slot()
    def _digits_changed(self) -> None:
        if self.my_digits.train_with()[0]:
            self.send_extra()

    def send_extra(self, announce: bool = False) -> None:
        """Tell the training loop to train with my digits at their share (or without them, switched off)."""
        on, weight = self.my_digits.train_with()
        examples = self.my_digits.examples()
        if on and len(examples):
            # copies: in thread mode the loop holds what it is given while the collection changes
            command = p.SetExtra(examples.images.copy(), examples.labels.copy(), weight)
        else:
            command = p.SetExtra(None, None, weight)
        self.window.training.post_standing(command)
        if announce:
            self.my_digits.message.setText(
                f"Your {len(examples)} digits join training at the start of the next epoch." if on and len(examples)
                else "Training goes on with MNIST alone from the next epoch." if not on
                else "Keep some digits first: training takes them from the next epoch on.")
            self.my_digits.message.setVisible(True)

    # --- why was it misread? --------------------------------------------------------------------------------
    def compare_drawing(self) -> None:
        """A frame task: the drawing, what the shown network reads it as and the digit meant, while the page is
        open (the view asks for the nearest images it does not have)."""
        if not self.misread.isVisible():
            return
        panel, net = self.window.draw_panel, self.window.run.graph_network()
        if panel.canvas.is_blank() or net is None or panel.noise_batch is not None:
            self.misread.show_misread(None, None)
            return
        drawing = panel.canvas.network_input()
        read_as = int(net.classify(drawing[None, :])[0])
        self.misread.show_misread(drawing, read_as, panel.true_label)

    @Slot(object, object)
    def _want(self, drawing: np.ndarray, digits) -> None:
        if self._wanted is not None and np.array_equal(self._wanted[0], drawing):
            digits = tuple(dict.fromkeys((*self._wanted[1], *digits)))  # the same drawing: ask for all of them
        self._wanted = (drawing, tuple(digits))
        self._quiet.start()  # again: while the drawing changes, nothing is asked

    @Slot()
    def _ask(self) -> None:
        if self._wanted is None:
            return
        (drawing, digits), self._wanted = self._wanted, None
        self._request += 1
        self._asked = {r: d for r, d in self._asked.items() if r > self._request - 8}
        self._asked[self._request] = drawing
        self.window.training.post(p.FindNearest(self._request, drawing, digits, NEIGHBOURS))

    @Slot(object)
    def _answered(self, answer: p.Nearest) -> None:
        drawing = self._asked.pop(answer.request, None)
        if drawing is not None:
            self.misread.show_nearest(drawing, answer.digits, answer.images, answer.distances)

"""Qt view of a weighted sum written out: one row per term ``w × a = w·a`` (largest first), the rest in one line,
``+ b``, ``= z``, the numbers right-aligned in columns.

Painted with QPainter rather than a rich-text table: a QLabel holding an HTML table took 8-9 ms to lay out again on
every frame (measured by ``benchmarks/bench_inspector.py``), painting the same rows takes well under one.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..core.inspection import NeuronReading, input_name

GAP = 4  # px between the columns of a term's row
SYMBOLS = {"sigmoid": "σ", "softmax": "softmax", "relu": "ReLU", "tanh": "tanh"}  # how the formulas name them


@dataclass(frozen=True)
class Row:
    """One line of the sum: a term ``(input, w, ×, a, =, w·a)``, the ``header`` over them, or a ``line`` / ``total``
    ``(text, value)``."""

    kind: str
    cells: tuple[str, ...]


def sum_rows(reading: NeuronReading) -> list[Row]:
    """The weighted sum of ``reading`` as rows: the largest terms, the rest in one line, + b, = z."""
    rows = [Row("header", ("input", "w", "", "a", "", "w·a"))]
    for t in reading.terms:
        rows.append(Row("term", (input_name(reading, t.index), number(t.weight), "×",
                                 number(t.activation, sign=False), "=", number(t.product))))
    if reading.rest_count:
        blank = "blank pixels" if reading.layer == 1 else "neurons off"
        zeros = (f" (all 0: {blank})" if reading.rest_zeros == reading.rest_count else
                 f" ({reading.rest_zeros} are 0)" if reading.rest_zeros else "")
        more = "smaller " if reading.terms else ""
        rows.append(Row("line", (f"+ {reading.rest_count} {more}terms{zeros}", number(reading.rest_sum))))
    rows.append(Row("line", ("+ b (the bias)", number(reading.bias))))
    rows.append(Row("total", ("= z (the weighted sum)", number(reading.weighted_sum))))
    rows.append(Row("total", (activation_formula(reading), number(reading.activation, sign=False))))
    return rows


def activation_formula(reading: NeuronReading) -> str:
    """How a follows from z, with this z: "a = σ(z) = σ(−1.496)"; softmax's with the neuron's index."""
    f, z = reading.function, number(reading.weighted_sum)
    if f == "softmax":
        return f"a = exp(z{subscript(reading.index)}) / Σₖ exp(zₖ)"
    if f == "relu":
        return f"a = ReLU(z) = max(0, {z})"
    return f"a = {SYMBOLS.get(f, f)}(z) = {SYMBOLS.get(f, f)}({z})"


def subscript(n: int) -> str:
    """``n`` in subscript digits (z₃)."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def number(value: float, sign: bool = True) -> str:
    """A number as the inspector writes it: three decimals (signed unless ``sign`` is False), a true minus sign;
    very large or very small values in scientific notation."""
    value = float(value)
    text = f"{value:+.3f}" if sign else f"{value:.3f}"
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 5e-4):
        text = f"{value:+.2e}" if sign else f"{value:.2e}"
    return text.replace("-", "−")


def beside(metrics: QFontMetrics, text: str, value: str, width: int) -> str:
    """``text`` as it fits on a line of ``width`` pixels that ends with ``value``: cut short (…) where it would
    run into the number (in a narrow dock "+ 10 smaller terms (all 0: …)" was written over its +0.000)."""
    room = width - metrics.horizontalAdvance(value) - 2 * GAP
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(room, 0))


class SumTable(QWidget):
    """The rows of a weighted sum, painted in columns."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Row] = []
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def show_rows(self, rows: list[Row]) -> None:
        """Show ``rows`` (a new count of rows changes the widget's height; new numbers only repaint it)."""
        if rows == self.rows:
            return
        resized = len(rows) != len(self.rows)
        self.rows = rows
        if resized:
            self.updateGeometry()
        self.update()

    def text(self) -> str:
        """The rows as plain text, one line each (what is painted)."""
        return "\n".join(" ".join(c for c in row.cells if c) for row in self.rows)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(260, QFontMetrics(self.font()).lineSpacing() * max(len(self.rows), 1))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setPen(self.palette().windowText().color())
        plain, bold, italic = self.font(), self.font(), self.font()
        bold.setBold(True)
        italic.setItalic(True)
        fm = QFontMetrics(plain)
        line, width = fm.lineSpacing(), self.width()
        terms = [r.cells for r in self.rows if r.kind in ("term", "header")]
        # the columns' right edges, from the right: w·a, =, a, ×, w (each as wide as its widest entry)
        widths = [max((fm.horizontalAdvance(c[i]) for c in terms), default=0) for i in range(1, 6)]
        rights, x = [0] * 6, width
        for i in range(5, 0, -1):
            rights[i] = x
            x -= widths[i - 1] + GAP
        left, right = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight
        for n, row in enumerate(self.rows):
            y = n * line
            painter.setFont(bold if row.kind == "total" else italic if row.kind == "header" else plain)
            if row.kind in ("term", "header"):
                painter.drawText(QRect(0, y, x, line), left | Qt.AlignmentFlag.AlignVCenter, row.cells[0])
                for i in range(1, 6):
                    box = QRect(rights[i] - widths[i - 1], y, widths[i - 1], line)
                    painter.drawText(box, right | Qt.AlignmentFlag.AlignVCenter, row.cells[i])
            else:
                text = beside(QFontMetrics(painter.font()), row.cells[0], row.cells[1], width)
                painter.drawText(QRect(0, y, width, line), left | Qt.AlignmentFlag.AlignVCenter, text)
                painter.drawText(QRect(0, y, width, line), right | Qt.AlignmentFlag.AlignVCenter, row.cells[1])
        painter.end()

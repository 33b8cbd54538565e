"""Short labels drawn many times a second (a matrix's counts, a gallery's captions), laid out once each."""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QPainter, QStaticText, QTransform


class StaticTexts:
    """A bounded cache of ``QStaticText``: drawing a prepared one is a blit, ``drawText`` lays the string out again."""

    def __init__(self, limit: int = 4000):
        self.limit = limit
        self._texts: dict[tuple[str, str], tuple[QStaticText, float, float]] = {}

    def draw_centred(self, p: QPainter, font: QFont, labels) -> None:
        """Draw each ``(x, y, text)`` of ``labels`` centred on (x, y), in ``font`` and ``p``'s current pen."""
        p.setFont(font)
        key, texts, draw = font.key(), self._texts, p.drawStaticText
        for x, y, text in labels:
            entry = texts.get((text, key))
            if entry is None:
                if len(texts) >= self.limit:  # e.g. a long run's many different counts: start afresh
                    texts.clear()
                st = QStaticText(text)
                st.prepare(QTransform(), font)
                size = st.size()
                entry = texts[(text, key)] = (st, size.width() / 2, size.height() / 2)
            st, half_w, half_h = entry
            draw(QPointF(x - half_w, y - half_h), st)

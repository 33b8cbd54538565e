"""The help window (F1): "How it works", from ``resources/help.html``, in a window of its own that scrolls."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from ..core.run import RESOURCES

HELP_FILE = RESOURCES / "help.html"


class HelpWindow(QDialog):
    """Scrolls, so it fits small screens; not modal, so it stays open beside the main window while you try what
    it says."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("How it works — nnviz")
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        try:
            self.text.setHtml(HELP_FILE.read_text(encoding="utf-8"))
        except OSError as e:
            self.text.setPlainText(f"The help text should be at {HELP_FILE} but could not be read ({e.strerror or e}); "
                                   "reinstall nnviz to get it back.")
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def present(self) -> None:
        """Show it (again) in front."""
        self.show()
        self.raise_()
        self.activateWindow()

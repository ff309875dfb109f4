"""The startup baseline, run as a child process: start Python, import PySide6, show an empty QMainWindow."""

import sys

from PySide6.QtWidgets import QApplication, QMainWindow

from app.gui.first_paint import quit_after_first_paint

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1400, 900)  # app.gui.main_window.DEFAULT_SIZE, not imported: only PySide6 counts here
quit_after_first_paint(window)
window.show()
sys.exit(app.exec())

"""Models in the app: the picker for suggestions, Train…, and the table of how each model scored."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class ModelPicker(QComboBox):
    """The pipeline that suggests: the installed default and the models trained in this project."""

    modelChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("modelPicker")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.activated.connect(lambda _i: self.modelChosen.emit(self.currentData()))

    def set_models(self, default: str, trained: list[dict[str, Any]], current: str) -> None:
        self.blockSignals(True)
        self.clear()
        self.addItem(f"{default} (installed)", default)
        for model in trained:
            self.addItem(f"{model['name']} (trained {model['created_at'][:10]})", model["name"])
        if self.findData(current) < 0:
            self.addItem(current, current)  # a package or folder chosen in the preferences
        self.setCurrentIndex(self.findData(current))
        self.blockSignals(False)


class TrainDialog(QDialog):
    def __init__(self, labels: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Train a model")
        self.labels = QListWidget()
        self.labels.setObjectName("trainLabels")
        for label in labels:
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.labels.addItem(item)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 200)
        self.epochs.setValue(10)
        form = QFormLayout(self)
        note = QLabel("Learns from the accepted annotations of every article, on the CPU; "
                      "a fifth of the articles is kept aside to score the result.")
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow("Labels", self.labels)
        form.addRow("Epochs", self.epochs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> tuple[list[str], int]:
        chosen = [self.labels.item(i).text() for i in range(self.labels.count())
                  if self.labels.item(i).checkState() == Qt.CheckState.Checked]
        return chosen, self.epochs.value()


class ModelsDialog(QDialog):
    """Per label: F1, precision and recall of each trained model on its dev set, beside its base model's."""

    def __init__(self, models: list[dict[str, Any]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Trained models")
        rows = [(m, label, scores) for m in models for label, scores in m["metrics"].get("trained", {}).items()]
        table = QTableWidget(len(rows), 7, self)
        table.setObjectName("modelsTable")
        table.setHorizontalHeaderLabels(["Model", "Label", "F1", "F1 of base", "Precision", "Recall", "Support"])
        for row, (model, label, scores) in enumerate(rows):
            base = model["metrics"]["base"].get(label, {})
            values = [model["name"], label, f"{scores['f1']:.2f}", f"{base.get('f1', 0):.2f}",
                      f"{scores['precision']:.2f}", f"{scores['recall']:.2f}", str(scores["support"])]
            for column, value in enumerate(values):
                table.setItem(row, column, QTableWidgetItem(value))
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(640, 360)

"""The annotation table: every span of the article, sortable and filterable; a click jumps to it."""

from __future__ import annotations

import bisect
import html

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from app.core.annotations import SpanRecord
from app.core.services.records import ArticleSpans
from app.core.span_details import SpanDetails
from app.core.vocabulary import Status
from app.gui.span_details_dialog import details_lines
from app.gui.record_model import RecordTableModel

ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
START_COLUMN = 2
ROLES_SHOWN = frozenset((Qt.ItemDataRole.DisplayRole, SORT_ROLE, Qt.ItemDataRole.ToolTipRole, ID_ROLE,
                         Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ForegroundRole))


class AnnotationModel(RecordTableModel):
    COLUMNS = ("Label", "Text", "Start", "End", "Origin", "Status", "Annotator", "Details")

    """Rows are span ids in text order (as ArticleSpans reads them: nothing is sorted at open);
    a span's record is made (by ArticleSpans) when its row is shown. The spans are the
    window's own: it changes them before telling the model."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._text = ""
        self._spans = ArticleSpans()
        self._colours: dict[str, str] = {}

    def set_spans(self, text: str, spans: ArticleSpans, colours: dict[str, str]) -> None:
        self.beginResetModel()
        self._text = text
        self._spans = spans
        self._rows = spans.in_text_order()
        self._colours = colours
        self.endResetModel()

    def row_of(self, record_id: int) -> int:
        try:
            return self._rows.index(record_id)
        except ValueError:
            return -1

    def add_span(self, span: SpanRecord) -> None:
        # rows stay in text order (see AnnotationFilter)
        row = bisect.bisect(self._rows, (span.start, span.end, span.id), key=lambda span_id: self._spans.mark(span_id)[:3])
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, span.id)
        self.endInsertRows()

    def change_span(self, span: SpanRecord) -> None:
        row = self.row_of(span.id)
        if row >= 0:
            self._row_changed(row)

    def remove_span(self, span_id: int) -> None:
        row = self.row_of(span_id)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in ROLES_SHOWN:  # a view asks for a dozen roles of each cell
            return None
        span = self._spans.get(self._rows[index.row()])
        if span is None:  # deleted by someone else since the article was read
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return self._value(span, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == 7 and span.details:
            return details_tooltip(span.details)
        if role == ID_ROLE:
            return span.id
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return QColor(self._colours.get(span.label, "#888888"))
        if role == Qt.ItemDataRole.ForegroundRole and span.status == Status.SUGGESTED:
            return QBrush(QColor("#808080"))
        return None

    def _value(self, span: SpanRecord, column: int):
        if column == 1:
            return self._text[span.start:span.end].replace("\n", " ")
        if column == 6:
            return span.annotator or span.reviewed_by or ""  # a suggestion: who decided
        if column == 7:
            return details_summary(span.details)
        return (span.label, None, span.start, span.end, span.origin, span.status)[column]


def details_summary(details: SpanDetails) -> str:
    """"2 attributes, 1 normalization, 1 note, 2 fragments", or nothing."""
    counts = (("attribute", len(details.attributes)), ("normalization", len(details.normalizations)),
              ("note", len(details.notes)), ("fragment", len(details.fragments)))
    return ", ".join(f"{n} {name}{'s' if n > 1 else ''}" for name, n in counts if n)


def details_tooltip(details: SpanDetails) -> str:
    """Every detail, escaped: what other tools wrote is shown as text, never parsed as HTML."""
    parts = [("Attributes", 0), ("Normalizations", 1), ("Notes", 2)]
    lines = details_lines(details)
    text = "\n".join(f"{title}:\n{lines[i]}" for title, i in parts if lines[i])
    if details.fragments:
        text += "\nFragments: " + "; ".join(f"{start}-{end}" for start, end in details.fragments)
    return "<qt>" + html.escape(text.strip()).replace("\n", "<br>") + "</qt>"


class AnnotationFilter(QSortFilterProxyModel):
    """Sorting by Start, ascending (the default), is the model's own order: no comparisons at all,
    where sorting ten thousand rows through data() would take the better part of a second."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setSortRole(SORT_ROLE)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        in_text_order = column == START_COLUMN and order == Qt.SortOrder.AscendingOrder
        super().sort(-1 if in_text_order else column, order)


class AnnotationPanel(QWidget):
    spanActivated = Signal(int)
    detailsRequested = Signal(int)  # span id whose attributes, normalizations and notes to edit

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = AnnotationModel(self)
        self.proxy = AnnotationFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit(placeholderText="Filter by label, text, origin, status…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setObjectName("annotationFilter")
        self.view = QTableView()
        self.view.setObjectName("annotationTable")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(START_COLUMN, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(0)  # size columns by the rows in view, not by thousands of rows
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.view)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view.clicked.connect(lambda index: self.spanActivated.emit(index.data(ID_ROLE)))
        self.view.activated.connect(lambda index: self.spanActivated.emit(index.data(ID_ROLE)))
        self.edit_details = QAction("Edit details…", self.view)
        self.edit_details.setObjectName("editSpanDetails")
        self.edit_details.triggered.connect(self._request_details)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.addAction(self.edit_details)

    def _request_details(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.detailsRequested.emit(index.data(ID_ROLE))

    def show_span(self, span_id: int) -> None:
        row = self.model.row_of(span_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.view.selectionModel().blockSignals(True)
            self.view.selectRow(index.row())
            self.view.selectionModel().blockSignals(False)
            self.view.scrollTo(index)

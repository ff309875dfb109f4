"""The article list: a table model over ArticleSummary rows, a filter, and the panel around them."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from app.core.articles import ArticleSummary
from app.gui.record_model import RecordTableModel

STATUS_TEXT = {"todo": "To do", "in_progress": "In progress", "done": "Done"}
ID_ROLE = Qt.ItemDataRole.UserRole


class ArticleListModel(RecordTableModel):
    COLUMNS = ("Article", "Status", "Spans", "Frames")

    def set_articles(self, rows: list[ArticleSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update_article(self, article_id: int, **changes) -> None:
        for i, row in enumerate(self._rows):
            if row.id == article_id:
                self._rows[i] = replace(row, **changes)
                self._row_changed(i)
                return

    def article(self, row: int) -> ArticleSummary:
        return self._rows[row]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            article = f"{row.title}\n{row.source}" if row.source else row.title
            return (article, STATUS_TEXT[row.progress], row.spans, row.frames)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"#{row.id} · {row.chars:,} characters"  # no article text: nothing to parse as HTML
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ArticleFilter(QSortFilterProxyModel):
    """Search in title and source; keep one status or all."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._needle = ""
        self._status: str | None = None
        self.setSortRole(Qt.ItemDataRole.DisplayRole)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_status(self, status: str | None) -> None:
        self.beginFilterChange()
        self._status = status
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row, source_parent):
        article = self.sourceModel().article(source_row)
        if self._status and article.progress != self._status:
            return False
        haystack = f"{article.title}\n{article.source or ''}".casefold()
        return self._needle in haystack


class ArticlePanel(QWidget):
    """Search box, status filter and the list; emits the article chosen."""

    articleChosen = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = ArticleListModel(self)
        self.proxy = ArticleFilter(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(placeholderText="Search titles and sources (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("articleSearch")
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.status.addItem("All", None)
        for key, text in STATUS_TEXT.items():
            self.status.addItem(text, key)

        self.view = QTableView()
        self.view.setObjectName("articleList")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.view.horizontalHeader()
        header.setMinimumSectionSize(36)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in zip(range(1, 4), (80, 46, 52)):
            header.resizeSection(column, width)
        # Rows hold title and source on two lines. A fixed height, not ResizeToContents, which asks
        # every row for its data: 3.7 s against 1.3 s to the first window with 2,000 articles.
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(2 * self.view.fontMetrics().lineSpacing() + 8)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view)

        self.search.textChanged.connect(self.proxy.set_search)
        self.status.currentIndexChanged.connect(lambda _: self.proxy.set_status(self.status.currentData()))
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.articleChosen.emit(current.data(ID_ROLE))

    def select_article(self, article_id: int) -> None:
        """Make `article_id` current in the list (showing it even if a filter hid it)."""
        row = self.model.row_of(article_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.search.clear()
            self.status.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def selected_ids(self) -> list[int]:
        return [index.data(ID_ROLE) for index in self.view.selectionModel().selectedRows()]

    def step(self, delta: int) -> int | None:
        """The article `delta` rows below (or above) the current one, as shown; None at the ends."""
        row = self.view.currentIndex().row() + delta
        if 0 <= row < self.proxy.rowCount():
            return self.proxy.index(row, 0).data(ID_ROLE)
        return None

"""The article list: a table model over ArticleSummary rows, a filter, and the panel around them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from app.core.articles import ArticleQuery, ArticleSummary
from app.core.vocabulary import Progress
from app.gui.record_model import RecordTableModel

STATUS_TEXT = {Progress.TODO: "To do", Progress.IN_PROGRESS: "In progress", Progress.DONE: "Done"}
ID_ROLE = Qt.ItemDataRole.UserRole
SEARCH_PAUSE_MS = 150


class ArticleListModel(RecordTableModel):
    """The articles a query lists, fetched from the project a page at a time as the view scrolls
    (canFetchMore / fetchMore); sorting asks the project again, in the new order."""

    COLUMNS = ("Article", "Status", "Spans", "Frames")
    SORTS = ("title", "progress", "spans", "frames")  # by column
    PAGE = 200

    def __init__(self, parent=None):
        super().__init__(parent)
        self.query = ArticleQuery()
        self._page: Callable[[ArticleQuery, int, int], list[ArticleSummary]] = lambda query, offset, limit: []
        self._count: Callable[[ArticleQuery], int] = lambda query: 0
        self._position: Callable[[ArticleQuery, int], int | None] = lambda query, article_id: None
        self._total = 0

    def set_source(self, project) -> None:
        """Where rows come from: the project's article_page, count_articles and article_position."""
        self._page, self._count, self._position = project.article_page, project.count_articles, \
            project.article_position
        self.set_query(self.query)

    def set_query(self, query: ArticleQuery) -> None:
        self.beginResetModel()
        self.query = query
        self._total = self._count(query)
        self._rows = self._page(query, 0, self.PAGE)
        self.endResetModel()

    def reload(self) -> None:
        self.set_query(self.query)

    def total(self) -> int:
        """How many articles the query lists, loaded or not."""
        return self._total

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent=QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        rows = self._page(self.query, len(self._rows), self.PAGE)
        if not rows:  # fewer than counted: others deleted some meanwhile
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def load_row_of(self, article_id: int) -> int:
        """The row of `article_id`, fetching pages until it is loaded; -1 if the query does not list it."""
        row = self.row_of(article_id)
        if row >= 0 or not self.canFetchMore():
            return row
        wanted = self._position(self.query, article_id)
        if wanted is None:
            return -1
        rows = self._page(self.query, len(self._rows), wanted + 1 - len(self._rows) + self.PAGE)
        if rows:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        return self.row_of(article_id)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORTS[column] if 0 <= column < len(self.SORTS) else "id"
        self.set_query(replace(self.query, sort=key, descending=order == Qt.SortOrder.DescendingOrder))

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


class ArticlePanel(QWidget):
    """Search box, status filter and the list; emits the article chosen."""

    articleChosen = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = ArticleListModel(self)

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
        self.view.setModel(self.model)
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

        # The project is asked again once typing pauses, not at every key.
        self._searching = QTimer(self, singleShot=True, interval=SEARCH_PAUSE_MS)
        self._searching.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._searching.start)
        self.status.currentIndexChanged.connect(self.apply_filters)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

    def apply_filters(self) -> None:
        """List the articles that match the search box and the status filter now."""
        self._searching.stop()
        query = replace(self.model.query, search=self.search.text(), progress=self.status.currentData())
        if query != self.model.query:
            current = self.view.currentIndex().data(ID_ROLE)
            self.model.set_query(query)
            row = self.model.row_of(current) if current is not None else -1
            if row >= 0:
                self.view.selectionModel().blockSignals(True)
                self.view.setCurrentIndex(self.model.index(row, 0))
                self.view.selectionModel().blockSignals(False)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.articleChosen.emit(current.data(ID_ROLE))

    def select_article(self, article_id: int) -> bool:
        """Make `article_id` current in the list (clearing a search or filter that hid it); False if
        the project has no such article."""
        row = self.model.load_row_of(article_id)
        if row < 0 and (self.search.text() or self.status.currentIndex()):
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.status.blockSignals(True)
            self.status.setCurrentIndex(0)
            self.status.blockSignals(False)
            self.apply_filters()
            row = self.model.load_row_of(article_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def selected_ids(self) -> list[int]:
        return [index.data(ID_ROLE) for index in self.view.selectionModel().selectedRows()]

    def step(self, delta: int) -> int | None:
        """The article `delta` rows below (or above) the current one, as shown; None at the ends."""
        row = self.view.currentIndex().row() + delta
        if row >= self.model.rowCount():
            self.model.fetchMore()
        if 0 <= row < self.model.rowCount():
            return self.model.index(row, 0).data(ID_ROLE)
        return None

"""View > Agreement…: how far the annotators agree, as tables (core.agreement defines every figure).

The report is computed by a TaskWorker, since it reads every article; pressing Refresh
while one runs drops that result and computes again, so what is shown is never stale.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.agreement import OVERALL, AgreementReport, PairAgreement, figure, project_agreement, shown
from app.core.project import Project
from app.gui.task_worker import TaskWorker

TEAM = "Team (mean over pairs)"
COLUMN_WIDTH = 80  # px, the least a column gets: figures read as a tidy grid


def tint(value: float | None) -> QColor | None:
    """A translucent red (0) to green (1) cell background that reads on light and dark themes."""
    if value is None:
        return None
    return QColor.fromHsvF(max(0.0, min(value, 1.0)) / 3, 0.6, 0.85, 0.35)


def _table(name: str) -> QTableWidget:
    table = QTableWidget(0, 0)
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setMinimumSectionSize(COLUMN_WIDTH)
    return table


def _fill(table: QTableWidget, headers: list[str], rows: list[list[str | int | float | None]],
          tinted: set[int] = frozenset()) -> None:
    """Rows of text (str), counts (int) or figures (float or None, shown to 3 places; tinted in the
    columns named by `tinted`). Columns fit their contents, so figures stay next to their names."""
    table.clear()
    table.setColumnCount(len(headers))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(headers)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = value if isinstance(value, str) else str(value) if isinstance(value, int) else shown(value)
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if c in tinted and not isinstance(value, str) and tint(value) is not None:
                item.setBackground(tint(value))
            table.setItem(r, c, item)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


def _with_note(table: QTableWidget, text: str) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    note = QLabel(text)
    note.setTextFormat(Qt.TextFormat.PlainText)
    note.setWordWrap(True)
    layout.addWidget(note)
    layout.addWidget(table, 1)
    return page


def _fill_matrix(grid: QTableWidget, names: list[str], matrix: list[list[float | None]]) -> None:
    """Annotator x annotator, a tinted figure in each cell ("—" on the diagonal and for pairs with
    no shared article)."""
    grid.clear()
    grid.setRowCount(len(names))
    grid.setColumnCount(len(names))
    grid.setHorizontalHeaderLabels(names)
    grid.setVerticalHeaderLabels(names)
    for r, row in enumerate(matrix):
        for c, value in enumerate(row):
            item = QTableWidgetItem(shown(value))
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if tint(value) is not None:
                item.setBackground(tint(value))
            grid.setItem(r, c, item)
    grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)


class AgreementPanel(QWidget):
    """Pairwise matrices, a row per pair, and F1 per label and per frame role for the team or one pair."""

    def __init__(self, project: Project, parent=None):
        super().__init__(parent)
        self.project = project
        self.report: AgreementReport | None = None
        self._worker: TaskWorker | None = None
        self._again = False
        self.setObjectName("agreementPanel")
        self.setWindowTitle("NewsGloss — Agreement")

        self.summary = QLabel("Computing…")
        self.summary.setObjectName("agreementSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setMaximumWidth(200)
        self.busy.hide()
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Compute again from the project as it is now")
        self.refresh_button.clicked.connect(self.refresh)
        self.pair_choice = QComboBox()
        self.pair_choice.setObjectName("agreementPairChoice")
        self.pair_choice.setMinimumContentsLength(24)
        self.pair_choice.currentIndexChanged.connect(self._show_details)

        self.exact_grid = _table("agreementExactMatrix")
        self.kappa_grid = _table("agreementKappaMatrix")
        self.pairs_table = _table("agreementPairs")
        self.labels_table = _table("agreementLabels")
        self.roles_table = _table("agreementRoles")
        self.tabs = self._build_tabs()
        self.tabs.currentChanged.connect(lambda index: self.pair_choice.setEnabled(index != 0))
        self.pair_choice.setEnabled(False)

        top = QGridLayout()
        top.addWidget(self.summary, 0, 0, 1, 4)
        top.addWidget(QLabel("Labels and frame roles for:"), 1, 0)
        top.addWidget(self.pair_choice, 1, 1)
        top.setColumnStretch(2, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy)
        buttons.addWidget(self.refresh_button)
        top.addLayout(buttons, 1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def _build_tabs(self) -> QTabWidget:
        """Pairs (the two matrices over the table of pairs), Labels and Frame roles."""
        for grid in (self.exact_grid, self.kappa_grid):
            grid.verticalHeader().show()
        grids = QHBoxLayout()
        for title, grid in (("Span F1, exact match", self.exact_grid),
                            ("Cohen's kappa on token labels", self.kappa_grid)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(grid)
            grids.addWidget(box)
        overview = QWidget()
        overview_layout = QVBoxLayout(overview)
        overview_layout.addLayout(grids, 1)
        pairs_box = QGroupBox("Pairs, on the articles both covered")
        QVBoxLayout(pairs_box).addWidget(self.pairs_table)
        overview_layout.addWidget(pairs_box, 1)
        tabs = QTabWidget()
        tabs.addTab(overview, "Pairs")
        tabs.addTab(_with_note(self.labels_table, "Exact: same start, end and label. Overlap: same label, "
                               "overlapping text, paired one to one. Then how many spans each person "
                               "marked, and how many of them were the same."), "Labels")
        tabs.addTab(_with_note(self.roles_table, "A role agrees when both people's frames of that type have "
                               "the same text (start and end) in it. Then how many fillers each person "
                               "gave, and how many were the same."), "Frame roles")
        return tabs

    # ---------------------------------------------------------------- computing

    def refresh(self) -> None:
        """Compute the report again in the background; a run already going is dropped."""
        if self._worker is not None:
            self._again = True
            return
        project = self.project
        self._worker = TaskWorker(lambda progress: project_agreement(project, progress=progress), self)
        self._worker.progressed.connect(self._progressed)
        self._worker.succeeded.connect(self._finished)
        self._worker.failed.connect(self._failed)
        self.busy.setRange(0, 0)
        self.busy.show()
        self._worker.start()

    def stop(self) -> None:
        """Wait for a running computation (before the project closes)."""
        if self._worker is not None:
            self._worker.wait()

    def _progressed(self, done: int, total: int) -> None:
        self.busy.setRange(0, max(total, 1))
        self.busy.setValue(done)

    def _done(self) -> bool:
        """Tidy up after a run; False when its result is stale and another run has started."""
        self._worker.wait()
        self._worker = None
        self.busy.hide()
        if self._again:
            self._again = False
            self.refresh()
            return False
        return True

    def _failed(self, message: str) -> None:
        if self._done():
            self.summary.setText(f"Agreement could not be computed: {message}")

    def _finished(self, report: AgreementReport) -> None:
        if self._done():
            self.set_report(report)

    # ----------------------------------------------------------------- showing

    def set_report(self, report: AgreementReport) -> None:
        self.report = report
        names = report.annotators
        team = report.team
        if len(names) < 2:
            self.summary.setText(f"{len(names)} annotator(s) so far: agreement needs the accepted work of two "
                                 "people (the model and gold layers do not count).")
        else:
            self.summary.setText(
                f"{len(names)} annotators on {report.articles} article(s): "
                + ", ".join(f"{n} covered {report.covered[n]}" for n in names) + ".\n"
                + f"Krippendorff's alpha (token labels): {shown(report.alpha)} over {report.alpha_tokens} tokens.\n"
                + f"Team means over {team['pairs']} pair(s): span F1 exact {shown(team['exact'].get(OVERALL))},"
                  f" overlap {shown(team['overlap'].get(OVERALL))}; kappa {shown(team['kappa'])};"
                  f" frame roles F1 {shown(team['roles'].get(OVERALL))}.")
        for grid, measure in ((self.exact_grid, "exact"), (self.kappa_grid, "kappa")):
            _fill_matrix(grid, names, report.matrix(measure))
        _fill(self.pairs_table, ["Pair", "Shared articles", "Tokens", "F1 exact", "F1 overlap", "Kappa", "Roles F1"],
              [[f"{p.first} / {p.second}", p.articles, p.tokens,
                *(figure(p, m) for m in ("exact", "overlap", "kappa", "roles"))] for p in report.pairs],
              tinted={3, 4, 5, 6})
        chosen = self.pair_choice.currentText()
        self.pair_choice.blockSignals(True)
        self.pair_choice.clear()
        self.pair_choice.addItem(TEAM)
        for p in report.pairs:
            if p.articles:
                self.pair_choice.addItem(f"{p.first} / {p.second}", (p.first, p.second))
        self.pair_choice.setCurrentIndex(max(self.pair_choice.findText(chosen), 0))
        self.pair_choice.blockSignals(False)
        self._show_details()

    def _show_details(self) -> None:
        if self.report is None:
            return
        names = self.pair_choice.currentData()
        if names is None:
            team = self.report.team
            _fill(self.labels_table, ["Label", "F1 exact (mean)", "F1 overlap (mean)"],
                  [[label, f1, team["overlap"].get(label)] for label, f1 in team["exact"].items()], tinted={1, 2})
            _fill(self.roles_table, ["Frame role", "F1 (mean)"],
                  [[role, f1] for role, f1 in team["roles"].items()], tinted={1})
            return
        pair: PairAgreement = self.report.pair(*names)
        counts = [pair.first, pair.second, "Same"]
        _fill(self.labels_table, ["Label", "F1 exact", "F1 overlap", *counts],
              [[label, r["f1"], pair.overlap[label]["f1"], *_counts(r)] for label, r in pair.exact.items()],
              tinted={1, 2})
        _fill(self.roles_table, ["Frame role", "F1", *counts],
              [[role, r["f1"], *_counts(r)] for role, r in pair.roles.items()], tinted={1})


def _counts(row: dict[str, float]) -> list[int]:
    """How many the first person marked, the second, and both the same."""
    return [int(row["tp"] + row["fp"]), int(row["tp"] + row["fn"]), int(row["tp"])]

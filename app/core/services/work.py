"""The unit of work every service shares: the engine, one committed transaction per change, the
change log, and who is acting with what they may write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.core.errors import NotAllowedError, ProjectError, StaleEditError
from app.core.schema import Schema, parse_schema
from app.core.vocabulary import GOLD_LAYER, MODEL_LAYER, Progress, Role, Status
from app.store.engine import make_engine, shown_location, writer
from app.store.models import Annotator, ArticleProgress, ChangeLog, Frame, SchemaCopy, Span, utcnow

NEWCOMER_LOCK = 0x4E47_0001  # the PostgreSQL advisory lock newcomers take in turn ("NG", 1)


class Work:
    """One open project's database, its label schema and the person acting on it."""

    def __init__(self, url: str, annotator: str):
        self.url = url
        self.annotator = annotator
        self.engine = make_engine(url)
        self.writer = writer(self.engine)
        self.schema: Schema = self._load_schema()

    def _load_schema(self) -> Schema:
        with Session(self.engine) as session:
            row = session.scalars(select(SchemaCopy).order_by(SchemaCopy.id.desc()).limit(1)).first()
            if row is None:
                raise ProjectError(f"{shown_location(self.url)}: the project carries no label schema")
            return parse_schema(row.source_text, f"{shown_location(self.url)} (label_schema {row.id})")

    def read(self) -> Session:
        """A session for reading (SQLite readers never wait for the write lock)."""
        return Session(self.engine)

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One committed unit of work: everything inside commits together or not at all."""
        try:
            with Session(self.writer, expire_on_commit=False) as session, session.begin():
                yield session
        except StaleDataError:  # another person's edit to the same row committed between our read and write
            raise StaleEditError("someone else changed the same annotation at the same moment; nothing of "
                                 "yours was saved: reload and try again") from None

    def log(self, session: Session, action: str, article_id: int | None, subject: str | None,
            subject_id: int | None, data: dict[str, Any]) -> None:
        session.add(ChangeLog(annotator=self.annotator, action=action, article_id=article_id,
                              subject=subject, subject_id=subject_id, data=data))

    def annotator_id(self, session: Session) -> int:
        """The acting person's id, made on their first action: a reviewer if the project has none yet
        (whoever starts a project can adjudicate it), else an annotator."""
        cached = session.info.get("acting")
        if cached is not None and cached[0] == self.annotator:
            return cached[1]
        found = session.scalar(select(Annotator.id).where(Annotator.name == self.annotator))
        if found is None and newcomers_queue(session):
            found = session.scalar(select(Annotator.id).where(Annotator.name == self.annotator))
        if found is None:
            annotator = Annotator(name=self.annotator, role=role_of_newcomer(session))
            session.add(annotator)
            session.flush()
            found = annotator.id
        session.info["acting"] = (self.annotator, found)
        return found

    def is_reviewer(self, session: Session) -> bool:
        acting = session.get(Annotator, self.annotator_id(session))
        return acting is not None and acting.role == Role.REVIEWER

    def require_reviewer(self, session: Session, doing: str) -> None:
        if not self.is_reviewer(session):
            raise NotAllowedError(f"only a reviewer can {doing} ({self.annotator} is an annotator)")

    def check_may_write(self, session: Session, layer: str, what: str) -> None:
        """Annotators write their own layer and decide on the model's suggestions; reviewers write any layer."""
        if layer in (self.annotator, MODEL_LAYER) or self.is_reviewer(session):
            return
        owner = "the gold layer" if layer == GOLD_LAYER else f"{layer}'s layer"
        who = "a reviewer" if layer == GOLD_LAYER else f"{layer} or a reviewer"
        raise NotAllowedError(f"{what} is in {owner}; only {who} can change it "
                              f"({self.annotator} is an annotator)")

    def decide(self, session: Session, row: Span | Frame, status: Status) -> None:
        """A person's decision on a span or frame of a layer they may write, recorded with who and when."""
        if row.status == status:
            return
        row.status = status
        row.reviewed_by = self.annotator_id(session)
        row.reviewed_at = utcnow()

    def set_progress(self, session: Session, article_id: int, status: Progress) -> None:
        annotator_id = self.annotator_id(session)
        row = session.get(ArticleProgress, (article_id, annotator_id))
        before = row.status.value if row else Progress.TODO.value
        if row is None:
            session.add(ArticleProgress(article_id=article_id, annotator_id=annotator_id, status=status))
        else:
            row.status, row.updated_at = status, utcnow()
        self.log(session, "progress.set", article_id, "article", article_id, {"from": before, "to": status.value})

    def started(self, session: Session, article_id: int) -> None:
        """A person's first annotation in an article moves it from to-do to in progress, in the same unit."""
        row = session.get(ArticleProgress, (article_id, self.annotator_id(session)))
        if row is None or row.status == Progress.TODO:
            self.set_progress(session, article_id, Progress.IN_PROGRESS)


def newcomers_queue(session: Session) -> bool:
    """On PostgreSQL, make people acting for the first time wait for each other until the end of the
    transaction, so two of them on a new project cannot both find no reviewer and both become one.
    (SQLite writers queue anyway: they take the database's write lock as they begin.) Whether it waited."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    session.execute(select(func.pg_advisory_xact_lock(NEWCOMER_LOCK)))
    return True


def role_of_newcomer(session: Session) -> Role:
    """Whoever starts a project can adjudicate it: the first person is its reviewer, later ones annotate."""
    has_reviewer = session.scalar(select(Annotator.id).where(Annotator.role == Role.REVIEWER).limit(1))
    return Role.ANNOTATOR if has_reviewer is not None else Role.REVIEWER

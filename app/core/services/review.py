"""The model's suggestions: storing them, people accepting, fixing and rejecting them, and their decisions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from app.core.annotations import (
    DecisionRecord,
    Review,
    ReviewState,
)
from app.core.errors import ValidationError
from app.core.services.annotations import check_span_fits_roles
from app.core.services.rows import (
    check_fits,
    check_offsets,
    choice,
    get,
    ids_by_name,
    insert_rows,
    inserted,
    names_by_id,
    shared,
)
from app.core.services.work import Work
from app.core.suggestion_store import Existing, anchor_role, plan_article, with_dates
from app.core.vocabulary import MODEL_LAYER, Origin, Status
from app.store.models import (
    Annotator,
    Article,
    ChangeLog,
    Decision,
    Frame,
    FrameSlot,
    Span,
    utcnow,
)


class ReviewService:
    """Suggestions and their review; a decision on a shared suggestion is the deciding person's alone."""

    def __init__(self, work: Work):
        self.work = work

    def add_suggestions(self, batch: Sequence[tuple[int, Any]], model: str) -> tuple[int, int]:
        """Store machine suggestions for a batch of articles in one transaction (see core.suggestion_store).

        `batch` holds (article id, nlp Suggestions). The batch is read with two queries (its articles,
        what they hold) and written with one insert each of spans, frames, frame slots and change-log
        entries; relative dates in tariff facts are resolved against each article's published date.
        Returns the spans and frames added.
        """
        added_spans = added_frames = 0
        now = utcnow()
        with self.work.unit() as session:
            for run in _runs(batch):
                spans, frames = self._add_run(session, run, model, now)
                added_spans += spans
                added_frames += frames
        return added_spans, added_frames

    def _add_run(self, session: Session, run: list[tuple[int, Any]], model: str, now: datetime) -> tuple[int, int]:
        """add_suggestions for articles named once each; the spans and frames added."""
        ids = [article_id for article_id, _ in run]
        articles, existing = _texts_and_dates(session, ids), _existing(session, ids)
        common = {"layer": MODEL_LAYER, "origin": Origin.MODEL, "status": Status.SUGGESTED, "model": model,
                  "created_at": now, "updated_at": now, "version": 1}
        span_rows: dict[tuple[int, int, int, str], dict[str, Any]] = {}  # (article, start, end, label) -> row
        frames: list[tuple[dict[str, Any], dict[str, list]]] = []  # row, fillers by role: span ids or span keys
        logs = []
        for article_id, suggestions in run:
            text, published = articles[article_id]
            suggestions = with_dates(suggestions, text, published)
            plan = plan_article(existing[article_id], suggestions, self.work.schema)
            for (start, end, label), span in plan.spans.items():
                check_fits(article_id, len(text), start, end)
                span_rows[article_id, start, end, label] = {
                    "article_id": article_id, "start": start, "end": end, "label": label, "score": span.score, **common}
            frames += [({"article_id": article_id, "type": f.type, "attributes": dict(f.attributes), "score": f.score,
                         **common}, {role: [t if isinstance(t, int) else (article_id, *t) for t in targets]
                                     for role, targets in roles.items()}) for f, roles in plan.frames]
            logs.append(self._logged(article_id, model, suggestions, len(plan.spans), len(plan.frames), now))
        span_ids = dict(zip(span_rows, inserted(session, Span, list(span_rows.values()))))
        frame_ids = inserted(session, Frame, [row for row, _ in frames])
        insert_rows(session, FrameSlot, [
            {"frame_id": frame_id, "role": role, "span_id": t if isinstance(t, int) else span_ids[t],
             "position": position}
            for frame_id, (_, roles) in zip(frame_ids, frames)
            for role, targets in roles.items() for position, t in enumerate(targets)])
        insert_rows(session, ChangeLog, logs)
        return len(span_rows), len(frames)

    def _logged(self, article_id: int, model: str, suggestions: Any, spans: int, frames: int,
                now: datetime) -> dict[str, Any]:
        """The change-log row of one article's suggestions: all the model said, and what of it was added."""
        return {"at": now, "annotator": self.work.annotator, "action": "suggest", "article_id": article_id,
                "subject": None, "subject_id": None, "data": {
                    "model": model,
                    "spans": [[x.start, x.end, x.label] for x in suggestions.spans],
                    "frames": [{"type": f.type, "attributes": dict(f.attributes),
                                "roles": {r: [[x.start, x.end, x.label] for x in fs] for r, fs in f.roles.items()}}
                               for f in suggestions.frames],
                    "added": {"spans": spans, "frames": frames}}}

    def review(self, status: str | Status, span_ids: Sequence[int] = (), frame_ids: Sequence[int] = (), *,
               fix: dict[str, Any] | None = None) -> Review:
        """The acting person accepts or rejects spans and frames, in one unit; accepting a frame accepts
        its suggested fillers.

        A decision on a model suggestion is the person's alone: the suggestion stays open for everyone
        else; accepting it puts a copy in the person's layer (origin model, linked to it by the decision),
        rejecting it records their rejection. A rejection they made before becomes an acceptance; an
        acceptance is taken back by deleting the copy. A suggestion in a person's own layer (from an
        import) is decided on the row itself. `fix` ({"label", "start", "end"}, any of them) corrects the
        one span accepted. Returns what undo_review needs.
        """
        status = choice(Status, status, "status")
        if status == Status.SUGGESTED:
            raise ValidationError("a review accepts or rejects; to take a decision back, undo it")
        if fix and (status != Status.ACCEPTED or frame_ids or len(span_ids) != 1):
            raise ValidationError("a fix corrects one span as it is accepted")
        if fix and fix.get("label") is not None:
            self.work.schema.label(fix["label"])
        with self.work.unit() as session:
            me = self.work.annotator_id(session)
            frames = [get(session, Frame, i) for i in frame_ids]
            spans = {i: get(session, Span, i) for i in span_ids}
            fillers = {slot.span_id for frame in frames for slot in frame.slots} if status == Status.ACCEPTED else set()
            mine = {(kind, getattr(d, f"{kind}_id")): d for kind, ids in (("span", [*spans, *fillers]),
                                                                           ("frame", list(frame_ids)))
                    for d in session.scalars(select(Decision).where(
                        Decision.annotator_id == me, getattr(Decision, f"{kind}_id").in_(ids)))}
            for filler in (get(session, Span, i) for i in sorted(fillers)):
                # a frame accepted brings its suggested fillers, except those the person rejected
                prior = mine.get(("span", filler.id))
                if filler.status == Status.SUGGESTED and (prior is None or prior.status != Status.REJECTED):
                    spans.setdefault(filler.id, filler)
            for kind, rows in (("span", list(spans.values())), ("frame", frames)):
                for row in rows:
                    if not shared(row):
                        self.work.check_may_write(session, row.layer, f"{kind} {row.id}")
            decisions = _Decisions(self.work, session, status, mine)
            for span in spans.values():
                decisions.decide("span", span, {k: v for k, v in (fix or {}).items() if v is not None})
            for frame in frames:
                decisions.decide("frame", frame, {})
            return decisions.review()

    def undo_review(self, review: Review) -> None:
        """Take a review back: remove the decisions it recorded with the copies they made, put back the
        rejections it replaced, and the rows it decided in place as they were."""
        with self.work.unit() as session:
            me = self.work.annotator_id(session)
            for record in sorted(review.decided, key=lambda r: r.kind == "span"):  # frames before their fillers
                self._undo_decision(session, me, record)
            ids = ids_by_name(session)
            for record in review.replaced:
                session.add(Decision(annotator_id=ids[record.annotator], status=Status(record.status), at=record.at,
                                     **{f"{record.kind}_id": record.suggestion_id}))
            for state in review.spans:
                span = get(session, Span, state.id)
                assert state.start is not None and state.end is not None and state.label is not None
                span.start, span.end, span.label = state.start, state.end, state.label
                self._undo_in_place(session, ids, "span", span, state)
            for state in review.frames:
                self._undo_in_place(session, ids, "frame", get(session, Frame, state.id), state)

    def _undo_decision(self, session: Session, me: int, record: DecisionRecord) -> None:
        """Remove a decision on a shared suggestion, with the copy it made, unless taken back since."""
        model: type[Span] | type[Frame] = Span if record.kind == "span" else Frame
        subject = get(session, model, record.suggestion_id)
        decision = session.scalar(select(Decision).where(
            Decision.annotator_id == me, getattr(Decision, f"{record.kind}_id") == record.suggestion_id))
        if decision is None:  # taken back since, with its copy
            return
        copy = session.get(model, record.copy_id) if record.copy_id is not None else None
        session.delete(copy if copy is not None else decision)
        session.flush()
        if copy is not None:  # the database deleted the decision with its copy
            session.expunge(decision)
        self.work.log(session, f"{record.kind}.review", subject.article_id, record.kind, subject.id,
                      {"status": record.status, "copy": record.copy_id, "undone": True})

    def _undo_in_place(self, session: Session, ids: dict[str | None, int | None], kind: str, row: Span | Frame,
                       state: ReviewState) -> None:
        """Put a row decided on in place back to its status before the review."""
        row.status = Status(state.status)
        row.reviewed_by, row.reviewed_at = ids.get(state.reviewed_by), state.reviewed_at
        row.updated_at = utcnow()
        self.work.log(session, f"{kind}.review", row.article_id, kind, row.id, {"status": state.status, "undone": True})

    def decisions(self, article_ids: Iterable[int] | None = None) -> list[DecisionRecord]:
        """Everyone's decisions on the model's suggestions (of the given articles), oldest first."""
        with self.work.read() as session:
            found = []
            for kind, model, column, copy in (("span", Span, Decision.span_id, Decision.copy_span_id),
                                              ("frame", Frame, Decision.frame_id, Decision.copy_frame_id)):
                query = (select(column, Annotator.name, Decision.status, copy, Decision.at, Decision.id)
                         .join(model, model.id == column).join(Annotator, Annotator.id == Decision.annotator_id))
                if article_ids is not None:
                    query = query.where(model.article_id.in_(list(article_ids)))
                found += [(i, DecisionRecord(kind, row_id, who, status, copy_id, at))
                          for row_id, who, status, copy_id, at, i in session.execute(query)]
            return [record for _, record in sorted(found, key=lambda pair: pair[0])]

    def suggestion_decisions(self) -> dict[tuple[str, str], int]:
        """How the model's span suggestions fared, by (label, status), in two queries: each person's
        acceptances and rejections count once each; a suggestion no one has decided on counts as
        suggested; a model-origin span outside these (an import's) counts by its own status."""
        with self.work.read() as session:
            counts: Counter[tuple[str, str]] = Counter()
            for label, status, n in session.execute(
                    select(Span.label, Decision.status, func.count()).join(Span, Span.id == Decision.span_id)
                    .group_by(Span.label, Decision.status)):
                counts[label, status.value] += n
            part_of_a_decision = exists(select(Decision.id).where(
                (Decision.span_id == Span.id) | (Decision.copy_span_id == Span.id)))
            for label, status, n in session.execute(
                    select(Span.label, Span.status, func.count())
                    .where(Span.origin == Origin.MODEL, ~part_of_a_decision).group_by(Span.label, Span.status)):
                counts[label, status.value] += n
            return dict(counts)


class _Decisions:
    """One review's decisions as it makes them, with what undo_review will need."""

    def __init__(self, work: Work, session: Session, status: Status, mine: dict[tuple[str, int], Decision]):
        self.work, self.session, self.status, self.mine = work, session, status, mine
        self.me, self.now, self.names = work.annotator_id(session), utcnow(), names_by_id(session)
        self.in_place: dict[str, list[ReviewState]] = {"span": [], "frame": []}
        self.made: list[DecisionRecord] = []
        self.replaced: list[DecisionRecord] = []
        self.copies: dict[int, int] = {}  # a suggested filler -> the person's copy of it

    def review(self) -> Review:
        return Review(spans=tuple(self.in_place["span"]), frames=tuple(self.in_place["frame"]),
                      decided=tuple(self.made), replaced=tuple(self.replaced))

    def decide(self, kind: str, row: Span | Frame, changes: dict[str, Any]) -> None:
        if shared(row):
            self._on_suggestion(kind, row, changes)
        else:
            self._on_row(kind, row, changes)

    def _on_row(self, kind: str, row: Span | Frame, changes: dict[str, Any]) -> None:
        """A decision on a row of a layer the person may write, made on the row itself."""
        where = (row.start, row.end, row.label) if isinstance(row, Span) else ()
        self.in_place[kind].append(ReviewState(row.id, row.status, self.names[row.reviewed_by], row.reviewed_at,
                                               *where))
        if changes and isinstance(row, Span):
            check_offsets(row.article, changes.get("start", row.start), changes.get("end", row.end))
            if "label" in changes:
                check_span_fits_roles(self.session, self.work.schema, row, changes["label"])
            for key, value in changes.items():
                setattr(row, key, value)
        self.work.decide(self.session, row, self.status)
        row.updated_at = self.now
        self.work.log(self.session, f"{kind}.review", row.article_id, kind, row.id,
                      {"status": self.status.value, **changes})

    def _on_suggestion(self, kind: str, row: Span | Frame, changes: dict[str, Any]) -> None:
        """The person's own decision on a shared suggestion: recorded apart, with their copy if accepted."""
        prior = self.mine.get((kind, row.id))
        if prior is not None and prior.status == self.status:
            if kind == "span" and prior.copy_span_id is not None:
                self.copies[row.id] = prior.copy_span_id
            return
        if prior is not None:
            if prior.status == Status.ACCEPTED:
                copy = prior.copy_span_id or prior.copy_frame_id
                raise ValidationError(f"{self.work.annotator} accepted {kind} {row.id} already ({kind} {copy} "
                                      f"of their layer); delete that {kind} to take the acceptance back")
            self.replaced.append(DecisionRecord(kind, row.id, self.work.annotator, prior.status, None, prior.at))
            self.session.delete(prior)
            self.session.flush()
        copy = self._copy(row, changes) if self.status == Status.ACCEPTED else None
        self.session.add(Decision(annotator_id=self.me, status=self.status, at=self.now, **{f"{kind}_id": row.id},
                                  **({} if copy is None else {f"copy_{kind}_id": copy})))
        self.made.append(DecisionRecord(kind, row.id, self.work.annotator, self.status, copy, self.now))
        self.work.log(self.session, f"{kind}.review", row.article_id, kind, row.id,
                      {"status": self.status.value, "copy": copy, **changes})

    def _copy(self, row: Span | Frame, changes: dict[str, Any]) -> int:
        """The acting person's copy of a suggestion they accept, in their layer; a frame's fillers are
        their copies of the suggested ones (accepted in the same review, so in `copies`)."""
        me, now = self.me, self.now
        common: dict[str, Any] = dict(
            article_id=row.article_id, layer=self.work.annotator, annotator_id=me, origin=row.origin,
            status=Status.ACCEPTED, score=row.score, model=row.model, reviewed_by=me, reviewed_at=now,
            created_at=now, updated_at=now)
        copy: Span | Frame
        if isinstance(row, Span):
            values = {"start": row.start, "end": row.end, "label": row.label, **changes}
            check_offsets(row.article, values["start"], values["end"])
            copy = Span(**values, **common)
        else:
            copy = Frame(type=row.type, attributes=dict(row.attributes), **common)
            copy.slots = [FrameSlot(role=slot.role, span_id=self.copies.get(slot.span_id, slot.span_id),
                                    position=slot.position) for slot in row.slots]
        self.session.add(copy)
        self.session.flush()
        if isinstance(row, Span):
            self.copies[row.id] = copy.id
        return copy.id


def _runs(batch: Sequence[tuple[int, Any]]) -> Iterator[list[tuple[int, Any]]]:
    """The batch in runs that name each article once: an article named again is planned against
    what its run before stored."""
    run: list[tuple[int, Any]] = []
    named: set[int] = set()
    for item in batch:
        if item[0] in named:
            yield run
            run, named = [], set()
        run.append(item)
        named.add(item[0])
    if run:
        yield run


def _texts_and_dates(session: Session, ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """Each article's text and published date, by id; a NotFoundError for an article not there."""
    found = {i: (text, published) for i, text, published in session.execute(
        select(Article.id, Article.text, Article.published).where(Article.id.in_(ids)))}
    for i in ids:
        if i not in found:
            get(session, Article, i)  # raises, saying who deleted it if someone did
    return found


def _existing(session: Session, ids: list[int]) -> dict[int, Existing]:
    """What each article holds, as the rules of core.suggestion_store need it: its spans, and the
    anchor of each of its frames (read with their fillers' places)."""
    spans: dict[int, list[tuple[int, int, int, str, str, str]]] = {i: [] for i in ids}
    for article_id, span_id, start, end, label, origin, status in session.execute(
            select(Span.article_id, Span.id, Span.start, Span.end, Span.label, Span.origin, Span.status)
            .where(Span.article_id.in_(ids)).order_by(Span.id)):
        spans[article_id].append((span_id, start, end, label, origin.value, status.value))
    frames: dict[int, tuple[int, str, dict[str, list[tuple[int, int]]]]] = {}  # id -> article, type, role fillers
    for frame_id, article_id, frame_type, role, start, end in session.execute(
            select(Frame.id, Frame.article_id, Frame.type, FrameSlot.role, Span.start, Span.end)
            .join(FrameSlot, FrameSlot.frame_id == Frame.id).join(Span, Span.id == FrameSlot.span_id)
            .where(Frame.article_id.in_(ids)).order_by(Frame.id, FrameSlot.role, FrameSlot.position)):
        frames.setdefault(frame_id, (article_id, frame_type, {}))[2].setdefault(role, []).append((start, end))
    anchors: dict[int, list[tuple[str, int, int]]] = {i: [] for i in ids}
    for article_id, frame_type, roles in frames.values():
        role = anchor_role(frame_type, roles)
        assert role is not None, "a frame read with a filler has an anchor"
        anchors[article_id].append((frame_type, *roles[role][0]))
    return {i: Existing(spans[i], anchors[i]) for i in ids}

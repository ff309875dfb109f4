"""Spans and frames: reading them as a person sees them, adding, changing, deleting and restoring them."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.annotations import (
    DeletedSpan,
    FrameRecord,
    SlotRecord,
    SpanRecord,
)
from app.core.errors import ValidationError
from app.core.normalise import check_normalised, is_normalised
from app.core.schema import Schema
from app.core.services.records import (
    ArticleSpans,
    frame_record,
    read_marks,
    read_spans,
    span_record,
    span_record_of,
)
from app.core.services.rows import (
    check_not_shared,
    check_offsets,
    check_version,
    choice,
    details_of,
    get,
    ids_by_name,
    names_by_id,
    roles_of,
)
from app.core.services.work import Work
from app.core.span_details import SpanDetails
from app.core.vocabulary import Origin, Status
from app.store.models import (
    Annotator,
    Article,
    Decision,
    Frame,
    FrameSlot,
    Span,
    utcnow,
)


class AnnotationService:
    """A person's edits of spans and frames, each one committed unit."""

    def __init__(self, work: Work):
        self.work = work

    def spans(self, article_id: int, *, include_rejected: bool = False) -> list[SpanRecord]:
        """The article's spans as the acting person sees them: a model suggestion they accepted is left
        out (their copy stands in for it), one they rejected is rejected (for them alone)."""
        with self.work.read() as session:
            names = names_by_id(session)
            spans = [span_record(row, names) for row in read_spans(session.connection(), Span.article_id == article_id)]
            return _as_decided(spans, self._my_decisions(session, "span", article_id), self.work.annotator,
                               include_rejected)

    def article_spans(self, article_id: int, *, include_rejected: bool = False,
                      layers: Callable[[str], bool] | None = None, span_ids: Sequence[int] | None = None
                      ) -> ArticleSpans:
        """`spans` by id in text order, of the `layers` wanted (all if None), their marks read at once
        and each made a record only when asked for (see ArticleSpans): what the window holds of the
        open article. With `span_ids`, only those of its spans (what a change touched)."""
        # spans by their ids alone, which SQLite looks up by key (not among all the article's)
        where = Span.article_id == article_id if span_ids is None else Span.id.in_(span_ids)
        if not include_rejected:  # left in the database: no row made for them
            where &= Span.status != Status.REJECTED
        with self.work.read() as session:
            decided = self._my_decisions(session, "span", article_id)
            marks = read_marks(session.connection(), where)
            names = names_by_id(session)
        hidden = {i for i, (status, _) in decided.items() if status == Status.ACCEPTED or not include_rejected}
        present = {mark[4] for mark in marks}
        shown = {layer for layer in present if layers is None or layers(layer)}
        seen = marks if not hidden and shown == present else [
            mark for mark in marks if mark[4] in shown and mark[2] not in hidden]
        mine_rejected = {i: at for i, (status, at) in decided.items() if status == Status.REJECTED}
        return ArticleSpans(seen, names, mine_rejected, self.work.annotator,
                            functools.partial(self._span_rows, article_id))

    def _span_rows(self, article_id: int, span_ids: list[int] | None) -> list[Any]:
        """Rows of SPAN_COLUMNS of the article's spans with these ids (all if None)."""
        with self.work.read() as session:  # by their ids alone, SQLite looks them up by key
            return read_spans(session.connection(), Span.article_id == article_id if span_ids is None
                              else Span.id.in_(span_ids))

    def frames(self, article_id: int, *, include_rejected: bool = False) -> list[FrameRecord]:
        """The article's frames as the acting person sees them (see `spans`)."""
        with self.work.read() as session:
            names = names_by_id(session)
            frames = [frame_record(frame, names) for frame in session.scalars(
                select(Frame).where(Frame.article_id == article_id).order_by(Frame.id))]
            return _as_decided(frames, self._my_decisions(session, "frame", article_id), self.work.annotator,
                               include_rejected)

    def _my_decisions(self, session: Session, kind: str, article_id: int) -> dict[int, tuple[Status, Any]]:
        """The acting person's decisions on the article's model suggestions of one kind: id -> (status, when)."""
        model = Span if kind == "span" else Frame
        column = Decision.span_id if kind == "span" else Decision.frame_id
        return {i: (status, at) for i, status, at in session.execute(
            select(column, Decision.status, Decision.at).join(model, model.id == column)
            .join(Annotator, Annotator.id == Decision.annotator_id)
            .where(model.article_id == article_id, Annotator.name == self.work.annotator))}

    def add_span(self, article_id: int, start: int, end: int, label: str, *,
                 origin: str | Origin = Origin.HUMAN, status: str | Status = Status.ACCEPTED,
                 score: float | None = None, model: str | None = None, layer: str | None = None) -> SpanRecord:
        origin = choice(Origin, origin, "origin")
        status = choice(Status, status, "status")
        self.work.schema.label(label)
        with self.work.unit() as session:
            article = get(session, Article, article_id)
            check_offsets(article, start, end)
            self.work.check_may_write(session, layer or self.work.annotator, "the new span")
            span = Span(article_id=article_id, start=start, end=end, label=label,
                        layer=layer or self.work.annotator, annotator_id=self.work.annotator_id(session),
                        origin=origin, status=status, score=score, model=model)
            session.add(span)
            session.flush()
            self.work.log(session, "span.add", article_id, "span", span.id,
                          {"start": start, "end": end, "label": label, "origin": origin.value,
                           "status": status.value, "layer": span.layer})
            if origin == Origin.HUMAN:
                self.work.started(session, article_id)
            return span_record_of(session, span.id, names_by_id(session))

    def update_span(self, span_id: int, *, label: str | None = None, start: int | None = None,
                    end: int | None = None, status: str | Status | None = None,
                    expected_version: int | None = None) -> SpanRecord:
        """Relabel, move or review a span. Frames that use it keep it."""
        if label is not None:
            self.work.schema.label(label)
        with self.work.unit() as session:
            span = get(session, Span, span_id)
            check_version("span", span, expected_version)
            check_not_shared(span, "span")
            self.work.check_may_write(session, span.layer, f"span {span_id}")
            before = {"start": span.start, "end": span.end, "label": span.label, "status": span.status.value}
            new_start = span.start if start is None else start
            new_end = span.end if end is None else end
            check_offsets(span.article, new_start, new_end)
            if label is not None:
                check_span_fits_roles(session, self.work.schema, span, label)
            if span.fragments and (new_start, new_end) != (span.start, span.end):
                before["fragments"] = span.fragments  # new boundaries make the span whole again
                span.fragments = None
            span.start, span.end = new_start, new_end
            span.label = label or span.label
            if status is not None:
                self.work.decide(session, span, choice(Status, status, "status"))
            span.updated_at = utcnow()
            session.flush()
            after = {"start": span.start, "end": span.end, "label": span.label, "status": span.status.value,
                     "fragments": span.fragments}
            self.work.log(session, "span.update", span.article_id, "span", span.id,
                          {k: [before.get(k), after[k]] for k in after if before.get(k, after[k]) != after[k]})
            return span_record_of(session, span.id, names_by_id(session))

    def set_span_details(self, span_id: int, details: SpanDetails, *,
                         expected_version: int | None = None) -> SpanRecord:
        """Replace a span's attributes, normalizations, notes and fragments (see core.span_details)."""
        with self.work.unit() as session:
            span = get(session, Span, span_id)
            check_version("span", span, expected_version)
            self.work.check_may_write(session, span.layer, f"span {span_id}")
            problem = details.problem(span.start, span.end)
            if problem:
                raise ValidationError(f"span {span_id}: {problem}")
            before = details_of(span).columns()
            for name, value in details.columns().items():
                setattr(span, name, value)
            span.updated_at = utcnow()
            session.flush()
            after = details.columns()
            self.work.log(session, "span.details", span.article_id, "span", span.id,
                          {k: [before[k], after[k]] for k in after if before[k] != after[k]})
            return span_record_of(session, span.id, names_by_id(session))

    def delete_span(self, span_id: int, *, expected_version: int | None = None) -> DeletedSpan:
        """Delete a span; the frame roles it filled lose it."""
        with self.work.unit() as session:
            span = get(session, Span, span_id)
            check_version("span", span, expected_version)
            check_not_shared(span, "span")
            self.work.check_may_write(session, span.layer, f"span {span_id}")
            slots = tuple(
                (slot.frame_id, SlotRecord(slot.role, slot.span_id, slot.position))
                for slot in session.scalars(select(FrameSlot).where(FrameSlot.span_id == span_id))
            )
            deleted = DeletedSpan(span_record_of(session, span.id, names_by_id(session)), slots)
            session.delete(span)
            self.work.log(session, "span.delete", span.article_id, "span", span_id,
                          {"start": span.start, "end": span.end, "label": span.label})
            return deleted

    def restore_span(self, deleted: DeletedSpan) -> SpanRecord:
        """Bring a deleted span back under its own id, into the roles it filled whose frames still exist."""
        record = deleted.span
        self.work.schema.label(record.label)
        with self.work.unit() as session:
            if session.get(Span, record.id) is not None:
                raise ValidationError(f"span {record.id} exists already")
            article = get(session, Article, record.article_id)
            check_offsets(article, record.start, record.end)
            self.work.check_may_write(session, record.layer, f"span {record.id}")
            ids = ids_by_name(session)
            span = Span(id=record.id, article_id=record.article_id, start=record.start, end=record.end,
                        label=record.label, layer=record.layer, annotator_id=ids.get(record.annotator),
                        origin=Origin(record.origin), status=Status(record.status), score=record.score,
                        model=record.model, reviewed_by=ids.get(record.reviewed_by),
                        reviewed_at=record.reviewed_at, created_at=record.created_at, updated_at=utcnow(),
                        **record.details.columns())
            session.add(span)
            session.flush()
            for frame_id, slot in deleted.slots:
                if session.get(Frame, frame_id) is not None:
                    session.add(FrameSlot(frame_id=frame_id, role=slot.role, span_id=span.id,
                                          position=slot.position))
            self.work.log(session, "span.restore", span.article_id, "span", span.id,
                          {"start": span.start, "end": span.end, "label": span.label})
            return span_record_of(session, span.id, names_by_id(session))

    def add_frame(self, article_id: int, frame_type: str, roles: dict[str, Sequence[int]] | None = None,
                  attributes: dict[str, str] | None = None, *, origin: str | Origin = Origin.HUMAN,
                  status: str | Status = Status.ACCEPTED, score: float | None = None,
                  model: str | None = None, layer: str | None = None) -> FrameRecord:
        """A claim, a tariff fact or a relation over existing spans of the article."""
        ftype = self.work.schema.frame(frame_type)
        values = {name: a.default for name, a in ftype.attributes.items()}
        values.update({k: v for k, v in _check_attributes(ftype, attributes or {}).items() if v not in (None, "")})
        origin = choice(Origin, origin, "origin")
        status = choice(Status, status, "status")
        with self.work.unit() as session:
            get(session, Article, article_id)
            self.work.check_may_write(session, layer or self.work.annotator, "the new frame")
            frame = Frame(article_id=article_id, type=frame_type, attributes=values,
                          layer=layer or self.work.annotator, annotator_id=self.work.annotator_id(session),
                          origin=origin, status=status, score=score, model=model)
            frame.slots = _slots(session, self.work.schema, frame_type, article_id, roles or {})
            session.add(frame)
            session.flush()
            self.work.log(session, "frame.add", article_id, "frame", frame.id,
                          {"type": frame_type, "roles": roles_of(frame), "attributes": values})
            if origin == Origin.HUMAN:
                self.work.started(session, article_id)
            return frame_record(frame, names_by_id(session))

    def update_frame(self, frame_id: int, *, roles: dict[str, Sequence[int]] | None = None,
                     attributes: dict[str, str] | None = None, status: str | Status | None = None,
                     expected_version: int | None = None) -> FrameRecord:
        """Replace the fillers of the roles named in `roles` (others stay) and set attributes."""
        with self.work.unit() as session:
            frame = get(session, Frame, frame_id)
            check_version("frame", frame, expected_version)
            check_not_shared(frame, "frame")
            self.work.check_may_write(session, frame.layer, f"frame {frame_id}")
            ftype = self.work.schema.frame(frame.type)
            before = {"roles": roles_of(frame), "attributes": dict(frame.attributes), "status": frame.status.value}
            if attributes:
                merged = {**frame.attributes, **_check_attributes(ftype, attributes)}
                frame.attributes = {k: v for k, v in merged.items() if v not in (None, "") or not is_normalised(k)}
            if roles:
                kept = {r: ids for r, ids in roles_of(frame).items() if r not in roles}
                slots = _slots(session, self.work.schema, frame.type, frame.article_id, {**kept, **roles})
                frame.slots.clear()
                session.flush()  # old slots go before new ones that may repeat them
                frame.slots.extend(slots)
            if status is not None:
                self.work.decide(session, frame, choice(Status, status, "status"))
            frame.updated_at = utcnow()
            session.flush()
            after = {"roles": roles_of(frame), "attributes": dict(frame.attributes), "status": frame.status.value}
            self.work.log(session, "frame.update", frame.article_id, "frame", frame.id,
                          {k: [before[k], after[k]] for k in after if before[k] != after[k]})
            return frame_record(frame, names_by_id(session))

    def delete_frame(self, frame_id: int, *, expected_version: int | None = None) -> FrameRecord:
        """Delete a frame; its spans stay."""
        with self.work.unit() as session:
            frame = get(session, Frame, frame_id)
            check_version("frame", frame, expected_version)
            check_not_shared(frame, "frame")
            self.work.check_may_write(session, frame.layer, f"frame {frame_id}")
            record = frame_record(frame, names_by_id(session))
            session.delete(frame)
            self.work.log(session, "frame.delete", frame.article_id, "frame", frame_id,
                          {"type": frame.type, "roles": roles_of(frame)})
            return record

    def restore_frame(self, record: FrameRecord) -> FrameRecord:
        """Bring a deleted frame back under its own id, with the fillers that still exist."""
        self.work.schema.frame(record.type)
        with self.work.unit() as session:
            if session.get(Frame, record.id) is not None:
                raise ValidationError(f"frame {record.id} exists already")
            get(session, Article, record.article_id)
            self.work.check_may_write(session, record.layer, f"frame {record.id}")
            ids = ids_by_name(session)
            frame = Frame(id=record.id, article_id=record.article_id, type=record.type,
                          attributes=dict(record.attributes), layer=record.layer,
                          annotator_id=ids.get(record.annotator), origin=Origin(record.origin),
                          status=Status(record.status), score=record.score, model=record.model,
                          reviewed_by=ids.get(record.reviewed_by), reviewed_at=record.reviewed_at,
                          created_at=record.created_at, updated_at=utcnow())
            frame.slots = [FrameSlot(role=s.role, span_id=s.span_id, position=s.position)
                           for s in record.slots if session.get(Span, s.span_id) is not None]
            session.add(frame)
            session.flush()
            self.work.log(session, "frame.restore", frame.article_id, "frame", frame.id,
                          {"type": frame.type, "roles": roles_of(frame)})
            return frame_record(frame, names_by_id(session))


def _as_decided(records: list, decided: dict[int, tuple[Status, Any]], who: str, include_rejected: bool) -> list:
    """Span or frame records as person `who` sees them, given their decisions on model suggestions by id."""
    rejected = Status.REJECTED
    if not decided:  # most articles, and every one the person has not reviewed in
        return records if include_rejected else [r for r in records if r.status != rejected]
    seen = []
    for record in records:
        status, at = decided.get(record.id, (None, None))
        if status == Status.ACCEPTED:
            continue  # their copy stands in for it
        if status == Status.REJECTED:
            record = replace(record, status=rejected, reviewed_by=who, reviewed_at=at)
        if include_rejected or record.status != rejected:
            seen.append(record)
    return seen

def _check_attributes(ftype, attributes: dict[str, str]) -> dict[str, str]:
    for name, value in attributes.items():
        if is_normalised(name):
            check_normalised(name, value)
            continue
        if name not in ftype.attributes:
            allowed = ", ".join(ftype.attributes) or "none"
            raise ValidationError(f"frame type {ftype.name} has no attribute {name!r} (it has: {allowed})")
        if value not in ftype.attributes[name].values:
            allowed = ", ".join(ftype.attributes[name].values)
            raise ValidationError(f"{value!r} is not a value of {ftype.name}.{name} (one of {allowed})")
    return dict(attributes)

def _slots(session: Session, schema: Schema, frame_type: str, article_id: int,
           roles: dict[str, Sequence[int]]) -> list[FrameSlot]:
    ftype = schema.frame(frame_type)
    slots = []
    for role_name, span_ids in roles.items():
        role = ftype.roles.get(role_name)
        if role is None:
            raise ValidationError(
                f"frame type {frame_type} has no role {role_name!r} (it has: {', '.join(ftype.roles)})")
        span_ids = list(span_ids)
        if len(span_ids) > 1 and not role.multiple:
            raise ValidationError(f"role {frame_type}.{role_name} takes one span, not {len(span_ids)}")
        if len(set(span_ids)) != len(span_ids):
            raise ValidationError(f"role {frame_type}.{role_name} names the same span twice")
        for position, span_id in enumerate(span_ids):
            span = get(session, Span, span_id)
            if span.article_id != article_id:
                raise ValidationError(f"span {span_id} belongs to article {span.article_id}, not {article_id}")
            if span.label not in role.labels:
                raise ValidationError(
                    f"role {frame_type}.{role_name} takes spans labelled {', '.join(role.labels)}; "
                    f"span {span_id} is {span.label}")
            slots.append(FrameSlot(role=role_name, span_id=span_id, position=position))
    return slots

def check_span_fits_roles(session: Session, schema: Schema, span: Span, label: str) -> None:
    for frame_type, role_name in session.execute(
        select(Frame.type, FrameSlot.role).join(FrameSlot.frame).where(FrameSlot.span_id == span.id)
    ):
        allowed = schema.frame(frame_type).roles[role_name].labels
        if label not in allowed:
            raise ValidationError(
                f"span {span.id} fills role {frame_type}.{role_name}, which takes {', '.join(allowed)}, not {label}")


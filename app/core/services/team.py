"""The team and the gold layer: people's roles, and reviewers adopting work into gold or taking it out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload

from app.core.annotations import (
    Adopted,
    TakenOut,
)
from app.core.errors import NotAllowedError, ValidationError
from app.core.schema import Schema
from app.core.services.rows import (
    choice,
    columns,
    details_of,
    frame_signature,
    get,
    roles_of,
    table_of,
)
from app.core.services.work import Work, newcomers_queue, role_of_newcomer
from app.core.vocabulary import GOLD_LAYER, Origin, Role, Status
from app.store.models import (
    Annotator,
    Frame,
    FrameSlot,
    Span,
    utcnow,
)


class TeamService:
    """Who works on the project in what role, and the adjudicated (gold) layer reviewers build."""

    def __init__(self, work: Work):
        self.work = work

    def team(self) -> dict[str, Role]:
        """Every person who has worked on the project, with their role (annotator or reviewer), by name."""
        with self.work.read() as session:
            return {name: role for name, role in
                    session.execute(select(Annotator.name, Annotator.role).order_by(Annotator.name))}

    def role(self) -> Role:
        """The acting person's role; for someone who has not acted yet, the role their first action gives."""
        with self.work.read() as session:
            role = session.scalar(select(Annotator.role).where(Annotator.name == self.work.annotator))
            return role or role_of_newcomer(session)

    def set_role(self, name: str, role: str | Role) -> None:
        """Give `name` a role. Only a reviewer may, except while the project has none."""
        role = choice(Role, role, "role")
        with self.work.unit() as session:
            newcomers_queue(session)
            if role_of_newcomer(session) != Role.REVIEWER and not self.work.is_reviewer(session):
                raise NotAllowedError(f"only a reviewer can give roles ({self.work.annotator} is an annotator); "
                                      f"ask a reviewer to run: newsgloss team --role {name} {role.value}")
            row = session.scalar(select(Annotator).where(Annotator.name == name))
            if row is None:
                row = Annotator(name=name)
                session.add(row)
            before, row.role = row.role, role
            self.work.log(session, "team.role", None, "annotator", None,
                          {"name": name, "from": None if before is None else before.value, "to": role.value})

    def annotators(self) -> list[str]:
        return list(self.team())

    def adopt(self, span_ids: Sequence[int] = (), frame_ids: Sequence[int] = (), *, merge: bool = False,
              layer: str = GOLD_LAYER) -> Adopted:
        """Copy people's spans and frames into the gold layer, in one unit; reviewers only.

        What gold already holds is reused, not doubled: a span with the same boundaries and
        label, a frame of the same type with the same fillers. A frame brings its fillers.
        With `merge`, frames of one type become one gold frame holding every role any of
        them fills (a single-filler role takes the first frame's filler) and the first
        frame's attributes. Returns what was created, for `discard`.
        """
        with self.work.unit() as session:
            self.work.require_reviewer(session, f"adjudicate into the {layer} layer")
            sources = [get(session, Span, i) for i in span_ids]
            frames = [get(session, Frame, i) for i in frame_ids]
            articles = {span.article_id for span in sources} | {frame.article_id for frame in frames}
            if len(articles) > 1:
                raise ValidationError("adjudication works on one article at a time")
            if not articles:
                return Adopted()
            gold = _Gold(session, articles.pop(), layer, self.work.annotator_id(session))
            for source in sources:
                gold.span(source)
            for group in _frame_groups(frames, merge):
                gold.frame(group, self.work.schema)
            self.work.log(session, "gold.adopt", gold.article_id, None, None,
                          {"layer": layer, "from_spans": list(span_ids), "from_frames": list(frame_ids),
                           "merge": merge, "spans": gold.made_spans, "frames": gold.made_frames})
            return Adopted(tuple(gold.made_spans), tuple(gold.made_frames))

    def discard(self, adopted: Adopted) -> None:
        """Take back what an adoption created (its undo), in one unit."""
        with self.work.unit() as session:
            frames = [get(session, Frame, i) for i in adopted.frames]
            spans = [get(session, Span, i) for i in adopted.spans]
            rows: list[Span | Frame] = [*frames, *spans]
            for row in rows:
                self.work.check_may_write(session, row.layer, f"{row.__tablename__} {row.id}")
            for row in frames:
                session.delete(row)
            session.flush()
            for row in spans:
                session.delete(row)
            if frames or spans:
                self.work.log(session, "gold.discard", (frames or spans)[0].article_id, None, None,
                              {"spans": list(adopted.spans), "frames": list(adopted.frames)})

    def take_out(self, span_ids: Sequence[int] = (), frame_ids: Sequence[int] = (), *,
                 layer: str = GOLD_LAYER) -> TakenOut:
        """Take spans and frames out of the gold layer, in one unit; reviewers only. The frames that a
        span filled lose it. Returns what was there, for `put_back`."""
        with self.work.unit() as session:
            self.work.require_reviewer(session, f"take things out of the {layer} layer")
            rows: list[Span | Frame] = [*(get(session, Frame, i) for i in frame_ids),
                                        *(get(session, Span, i) for i in span_ids)]
            for row in rows:
                if row.layer != layer:
                    raise ValidationError(f"{row.__tablename__} {row.id} is in the {row.layer} layer, not {layer}")
            if not rows:
                return TakenOut()
            slots = session.scalars(select(FrameSlot).where(
                FrameSlot.frame_id.in_(list(frame_ids)) | FrameSlot.span_id.in_(list(span_ids)))).all()
            taken = TakenOut(spans=tuple(columns(row) for row in rows if isinstance(row, Span)),
                             frames=tuple(columns(row) for row in rows if isinstance(row, Frame)),
                             slots=tuple(columns(slot) for slot in slots))
            for row in rows:  # frames first, with their fillers, then the spans
                session.delete(row)
                session.flush()
            self.work.log(session, "gold.take_out", rows[0].article_id, None, None,
                          {"layer": layer, "spans": list(span_ids), "frames": list(frame_ids)})
            return taken

    def put_back(self, taken: TakenOut) -> None:
        """Put what `take_out` took back, under the same ids, in one unit (its undo)."""
        with self.work.unit() as session:
            for kind, rows in (("span", taken.spans), ("frame", taken.frames)):
                for row in rows:
                    self.work.check_may_write(session, row["layer"], f"{kind} {row['id']}")
            for model, rows in ((Span, taken.spans), (Frame, taken.frames)):
                if rows:
                    session.execute(insert(table_of(model)), [dict(row) for row in rows])
            frames = set(session.scalars(select(Frame.id).where(Frame.id.in_({s["frame_id"] for s in taken.slots}))))
            slots = [dict(slot) for slot in taken.slots if slot["frame_id"] in frames]  # not frames deleted since
            if slots:
                session.execute(insert(table_of(FrameSlot)), slots)
            if taken.spans or taken.frames:
                self.work.log(session, "gold.put_back", (taken.spans or taken.frames)[0]["article_id"], None, None,
                              {"spans": [r["id"] for r in taken.spans], "frames": [r["id"] for r in taken.frames]})


class _Gold:
    """One article's gold layer as an adoption adds to it: what it holds already is reused, not doubled."""

    def __init__(self, session: Session, article_id: int, layer: str, me: int):
        self.session, self.article_id, self.layer, self.me, self.now = session, article_id, layer, me, utcnow()
        self.spans = {(s.start, s.end, s.label): s.id for s in session.scalars(
            select(Span).where(Span.article_id == article_id, Span.layer == layer, Span.status != Status.REJECTED))}
        self.frames = {_gold_signature(f.type, roles_of(f), f.attributes) for f in session.scalars(
            select(Frame).where(Frame.article_id == article_id, Frame.layer == layer,
                                Frame.status != Status.REJECTED).options(selectinload(Frame.slots)))}
        self.made_spans: list[int] = []
        self.made_frames: list[int] = []

    def _made(self) -> dict[str, Any]:
        return dict(article_id=self.article_id, layer=self.layer, annotator_id=self.me, origin=Origin.HUMAN,
                    status=Status.ACCEPTED, reviewed_by=self.me, reviewed_at=self.now)

    def span(self, source: Span) -> int:
        """The gold span like `source`, made if gold has none."""
        key = (source.start, source.end, source.label)
        if key not in self.spans:
            row = Span(start=source.start, end=source.end, label=source.label, **self._made(),
                       **details_of(source).columns())
            self.session.add(row)
            self.session.flush()
            self.spans[key] = row.id
            self.made_spans.append(row.id)
        return self.spans[key]

    def frame(self, group: list[Frame], schema: Schema) -> None:
        """One gold frame of the frames in `group` (one frame, or those of one type to merge), with gold
        copies of their fillers; none if gold has it."""
        roles: dict[str, list[int]] = {}
        for frame in group:
            multiple = {name: r.multiple for name, r in schema.frame(frame.type).roles.items()}
            for slot in frame.slots:
                fillers = roles.setdefault(slot.role, [])
                target = self.span(get(self.session, Span, slot.span_id))
                if target not in fillers and (multiple.get(slot.role, True) or not fillers):
                    fillers.append(target)
        signature = _gold_signature(group[0].type, roles, group[0].attributes)
        if signature in self.frames:
            return
        self.frames.add(signature)
        row = Frame(type=group[0].type, attributes=dict(group[0].attributes), **self._made())
        row.slots = [FrameSlot(role=role, span_id=span_id, position=position)
                     for role, fillers in roles.items() for position, span_id in enumerate(fillers)]
        self.session.add(row)
        self.session.flush()
        self.made_frames.append(row.id)


def _frame_groups(frames: list[Frame], merge: bool) -> list[list[Frame]]:
    """Frames to adopt, each alone or, merging, gathered by type (in the order first seen)."""
    if not merge:
        return [[f] for f in frames]
    groups: dict[str, list[Frame]] = {}
    for frame in frames:
        groups.setdefault(frame.type, []).append(frame)
    return list(groups.values())

def _gold_signature(frame_type: str, roles: dict[str, list[int]], attributes: dict[str, Any]) -> tuple:
    """Gold holds one frame per type, fillers and attributes: two people's frames over the same
    fillers that disagree on the action are two candidates, and either can be chosen."""
    return frame_signature(frame_type, roles), tuple(sorted(attributes.items()))


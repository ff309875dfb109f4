"""The article list as a query: search, progress filter and order, run by the database a page at a time.

A project of ten thousand articles opens with one page of summaries, not all of them; searching
and sorting ask the database again instead of sorting every row in the window.
"""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from app.core.articles import ARTICLE_SORTS, ArticleQuery
from app.core.errors import ValidationError
from app.core.vocabulary import Progress, Status
from app.store.models import Annotator, Article, ArticleProgress, Frame, Span


def listed(query: ArticleQuery, annotator: str) -> Select:
    """Article ids that `query` lists for `annotator`, in its order."""
    ids, order = _filtered(query, annotator)
    return ids.order_by(*order)


def position(query: ArticleQuery, annotator: str, article_id: int) -> Select:
    """The 0-based row of `article_id` among those `query` lists (no row if it does not list it)."""
    ids, order = _filtered(query, annotator)
    numbered = ids.add_columns((func.row_number().over(order_by=order) - 1).label("row")).subquery()
    return select(numbered.c.row).where(numbered.c.id == article_id)


def _filtered(query: ArticleQuery, annotator: str) -> tuple[Select, list]:
    if query.sort not in ARTICLE_SORTS:
        raise ValidationError(f"cannot sort articles by {query.sort!r}: choose one of {', '.join(ARTICLE_SORTS)}")
    mine = (select(ArticleProgress.article_id, ArticleProgress.status)
            .join(Annotator, Annotator.id == ArticleProgress.annotator_id)
            .where(Annotator.name == annotator).subquery())
    progress = func.coalesce(mine.c.status, Progress.TODO)
    ids = select(Article.id).outerjoin(mine, mine.c.article_id == Article.id)
    needle = query.search.strip().lower()
    if needle:
        ids = ids.where(or_(func.lower(Article.title).contains(needle, autoescape=True),
                            func.lower(func.coalesce(Article.source, "")).contains(needle, autoescape=True)))
    if query.progress:
        ids = ids.where(progress == Progress(query.progress))
    key = {"id": Article.id, "title": func.lower(Article.title), "progress": progress,
           "spans": _count(Span), "frames": _count(Frame)}[query.sort]
    order = [key.desc() if query.descending else key.asc()]
    if query.sort != "id":
        order.append(Article.id)
    return ids, order


def _count(table):
    return (select(func.count()).where(table.article_id == Article.id, table.status != Status.REJECTED)
            .correlate(Article).scalar_subquery())

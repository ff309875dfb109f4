"""The registry of trained models, stored packed in the project for every member."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from app.core import model_archive
from app.core.errors import ValidationError
from app.core.services.rows import (
    table_of,
)
from app.core.services.work import Work
from app.store.models import (
    ModelArchive,
    TrainedModel,
)


class ModelService:
    """Registered models: register, resolve a name to a folder, list."""

    def __init__(self, work: Work):
        self.work = work

    def register_model(self, name: str, path: str, base: str, labels: dict[str, Any],
                       metrics: dict[str, Any]) -> None:
        """Register a trained model and store its folder, packed, in the project for every member to use."""
        with self.work.read() as session:
            if session.scalar(select(TrainedModel.id).where(TrainedModel.name == name)) is not None:
                raise ValidationError(f"a model named {name!r} is registered already")
        data, checksum = model_archive.pack(Path(path), name)  # before the write lock: it may take a while
        with self.work.unit() as session:
            if session.scalar(select(TrainedModel.id).where(TrainedModel.name == name)) is not None:
                raise ValidationError(f"a model named {name!r} is registered already")
            model = TrainedModel(name=name, path=path, base=base, labels=labels, metrics=metrics,
                                 trained_by=self.work.annotator)
            session.add(model)
            session.flush()
            session.execute(insert(table_of(ModelArchive)).values(
                model_id=model.id, checksum=checksum, size=len(data), data=data))
            self.work.log(session, "model.register", None, "model", model.id,
                          {"name": name, "path": path, "base": base, "size": len(data)})

    def resolve_model(self, model: str) -> str:
        """A registered model's folder, for its name; anything else (a package name, a path) as given.

        A model stored in the project is unpacked into this machine's cache on first use; one
        registered before models were stored there is found at the path it was trained to.
        """
        with self.work.read() as session:
            row = session.execute(
                select(TrainedModel.id, TrainedModel.path, ModelArchive.checksum)
                .outerjoin(ModelArchive, ModelArchive.model_id == TrainedModel.id)
                .where(TrainedModel.name == model)).first()
            if row is None:
                return model
            if row.checksum is None:
                return row.path
            folder = model_archive.cache_folder(row.id, row.checksum)
            if not folder.is_dir():
                data = session.scalars(select(ModelArchive.data).where(ModelArchive.model_id == row.id)).one()
                model_archive.unpack(data, row.checksum, folder)
            return str(folder)

    def models(self) -> list[dict[str, Any]]:
        """Registered models, newest first: name, path, base, labels, metrics, trained_by, created_at, and
        stored_size (bytes of the archive in the project; None for a model kept only at its path)."""
        with self.work.read() as session:
            sizes = dict(session.execute(select(ModelArchive.model_id, ModelArchive.size)).tuples().all())
            return [{"name": m.name, "path": m.path, "base": m.base, "labels": m.labels, "metrics": m.metrics,
                     "trained_by": m.trained_by, "created_at": m.created_at.isoformat(),
                     "stored_size": sizes.get(m.id)}
                    for m in session.scalars(select(TrainedModel).order_by(TrainedModel.id.desc()))]


"""Training a spaCy pipeline on a project's annotations, on the CPU, with spaCy's own training.

The data are the project's accepted spans (or a layer such as gold), exported as
DocBins with a train/dev split. A fresh NER (and, where accepted spans overlap, a
span categorizer) is trained with `python -m spacy train` on a config made by
`spacy init config`, in a subprocess whose progress is read from its output and
which Cancel stops. The new components then replace the NER of the base pipeline,
so the result still parses (the claim and tariff suggesters need the parse) and
names entities with the schema's own labels. Both the base and the trained
pipeline are scored on the same dev set, per label.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.errors import NewsGlossError, ValidationError
from app.core.evaluation import prf
from app.core.project import Project
from app.core.training_data import training_documents
from app.formats.docbin import write_docbin
from app.store.engine import shown_location

Progress = Callable[[int, int], bool]
# A row of spaCy's training table starts with the epoch and the step: "  3     200   ...".
TABLE_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+\d")


class TrainingError(NewsGlossError):
    """Training could not run or did not finish."""


@dataclass(frozen=True)
class TrainingResult:
    name: str
    path: Path
    labels: dict[str, list[str]]
    metrics: dict[str, Any]  # {"trained": scores, "base": scores, "dev_docs": n, "train_docs": n}
    cancelled: bool = False


def train_model(project: Project, models_dir: Path, *, labels: Iterable[str] | None = None, base: str,
                epochs: int = 10, layer: str | None = None, dev_fraction: float = 0.2, name: str | None = None,
                progress: Progress | None = None) -> TrainingResult:
    """Train, assemble, score and register a pipeline; returns where it is and how it scored."""
    import spacy

    name = name or f"trained-{datetime.now():%Y%m%d-%H%M%S}"
    work = models_dir / f".{name}-work"
    target = models_dir / name
    if target.exists():
        raise ValidationError(f"{target} exists already; choose another --output or name")
    docs = training_documents(project, labels, layer)
    if len(docs) < 2:
        raise TrainingError("training needs at least two articles with accepted annotations of the chosen labels")
    work.mkdir(parents=True, exist_ok=True)
    files = write_docbin(docs, work, dev_fraction=dev_fraction)
    overlapping = any(_overlaps(d.spans) for d in docs)
    components = ["ner", "spancat"] if overlapping else ["ner"]
    config = _config(components, work, epochs)
    if not _run_training(config, work / "output", epochs, progress):
        return TrainingResult(name, target, {}, {}, cancelled=True)

    trained = spacy.load(work / "output" / "model-best")
    pipeline = spacy.load(base)
    for component in components:
        trained.replace_listeners("tok2vec", component, ["model.tok2vec"])
    if "ner" in pipeline.pipe_names:
        pipeline.remove_pipe("ner")
    for component in components:
        pipeline.add_pipe(component, source=trained)
    pipeline.meta["name"] = f"newsgloss_{re.sub(r'[^A-Za-z0-9_]', '_', name)}"
    pipeline.meta["version"] = "1.0.0"
    pipeline.meta["description"] = f"NER trained by NewsGloss on {shown_location(project.url)}, on top of {base}"
    target.parent.mkdir(parents=True, exist_ok=True)
    pipeline.to_disk(target)

    dev = _read_docs(work / "dev.spacy", pipeline.vocab)
    spacy_map = project.schema.spacy_map()
    label_list = {c: list(_labels_of(trained.get_pipe(c))) for c in components}
    scored = set(label_list["ner"]) | set(label_list.get("spancat", []))
    metrics = {
        "trained": score(dev, spacy.load(target), lambda label: label, scored),
        "base": score(dev, spacy.load(base), spacy_map.get, scored),
        "train_docs": files[str(work / "train.spacy")], "dev_docs": files[str(work / "dev.spacy")], "epochs": epochs,
    }
    project.register_model(name, str(target), base, label_list, metrics)
    return TrainingResult(name, target, label_list, metrics)


def _labels_of(component: Any) -> Iterable[str]:
    """A trained NER or span categorizer's labels (spaCy types its pipes as plain callables)."""
    return component.labels


def score(gold_docs, nlp, to_schema: Callable[[str], str | None], labels: set[str]) -> dict[str, dict[str, float]]:
    """Exact-match precision, recall and F1 per schema label of `nlp` on `gold_docs`.

    Gold is every span in the dev docs' "sc" group; predictions are the pipeline's
    entities (and "sc" spans, where it has a span categorizer), their labels mapped
    onto the schema by `to_schema` (None: not a schema label).
    """
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold_doc in gold_docs:
        gold = {(s.start_char, s.end_char, s.label_) for s in gold_doc.spans.get("sc", []) if s.label_ in labels}
        doc = nlp(gold_doc.text)
        found = list(doc.ents) + list(doc.spans.get("sc", []))
        mapped = ((s.start_char, s.end_char, to_schema(s.label_)) for s in found)
        predicted = {(start, end, label) for start, end, label in mapped if label in labels}
        for item in predicted & gold:
            tp[item[2]] += 1
        for item in predicted - gold:
            fp[item[2]] += 1
        for item in gold - predicted:
            fn[item[2]] += 1
    result = {}
    for label in sorted(labels):
        scores = prf(tp[label], fp[label], fn[label])
        result[label] = {key: scores[key] for key in ("precision", "recall", "f1")} | {
            "support": tp[label] + fn[label]}
    return result


def _overlaps(spans) -> bool:
    ordered = sorted((s.start, s.end) for s in spans if s.status == "accepted")
    return any(b[0] < a[1] for a, b in zip(ordered, ordered[1:]))


def _config(components: list[str], work: Path, epochs: int) -> Path:
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=components, optimize="efficiency", gpu=False)
    config["paths"]["train"] = str(work / "train.spacy")
    config["paths"]["dev"] = str(work / "dev.spacy")
    config["training"]["max_epochs"] = epochs
    config["training"]["max_steps"] = 0  # epochs decide
    config["training"]["eval_frequency"] = 50
    path = work / "config.cfg"
    config.to_disk(path)
    return path


def _run_training(config: Path, output: Path, epochs: int, progress: Progress | None) -> bool:
    """spaCy's training in a subprocess; False when Cancel stopped it."""
    command = [sys.executable, "-m", "spacy", "train", str(config), "--output", str(output)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = []
    assert process.stdout is not None  # stdout=PIPE
    for line in process.stdout:
        log.append(line)
        row = TABLE_ROW.match(line)
        if row and progress is not None and progress(min(int(row[1]), epochs), epochs) is False:
            process.terminate()
            process.wait()
            return False
    if process.wait() != 0:
        raise TrainingError("spaCy training failed:\n" + "".join(log[-15:]))
    if progress is not None:
        progress(epochs, epochs)
    return True


def _read_docs(path: Path, vocab):
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(vocab))


def models_folder(project: Project) -> Path:
    """Where a project's trained models live: beside a SQLite project file, else in the user's data folder."""
    from app.core.locations import default_project_path
    from app.store.engine import sqlite_path

    path = sqlite_path(project.url)
    if path is not None:
        return path.with_name(f"{path.stem}.models")
    return default_project_path().with_name("models")

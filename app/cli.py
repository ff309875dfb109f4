"""The `newsgloss` command line: thin over the core services; never imports Qt."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from app import __version__
from app.core.errors import NewsGlossError
from app.core.identity import ENV_ANNOTATOR, chosen_annotator
from app.core.locations import DEFAULT_MODEL, ENV_MODEL, ENV_PROJECT, open_project
from app.core.model_choice import chosen_model, resolved_model
from app.core.vocabulary import POLICIES
from app.formats.registry import Format, articles_format, export_formats, get_format, import_formats

if TYPE_CHECKING:  # the commands that open a project import it (through app.core.locations)
    from app.core.project import Project

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _formats_help(formats: list[Format]) -> str:
    """What each format holds and carries, a paragraph each."""
    return "\n\n".join(f"{f.about} Carries: {', '.join(sorted(f.carries)) or 'article texts only'}."
                       for f in formats)


def _without_status(formats: list[Format]) -> str:
    return ", ".join(f.name for f in formats if f.data == "documents" and "status" not in f.carries)


class Cli(click.Group):
    """Turns every NewsGloss error into one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NewsGlossError as err:
            click.echo(f"newsgloss: error: {err}", err=True)
            ctx.exit(1)


@click.group(cls=Cli, invoke_without_command=True, context_settings=CONTEXT)
@click.option("--project", "-p", metavar="PATH|URL",
              help=f"Project file or database URL. Default: ${ENV_PROJECT}, else the default project "
                   "in your data folder (made with the sample articles on first use).")
@click.option("--annotator", "-a", metavar="NAME",
              help=f"Who is annotating. Default: ${ENV_ANNOTATOR}, else the name given in the app "
                   "(its first run or Edit > Preferences), else your login name.")
@click.version_option(__version__, "--version", "-V", prog_name="newsgloss")
@click.pass_context
def cli(ctx: click.Context, project: str | None, annotator: str | None) -> None:
    """NewsGloss: annotate news articles with entities, claims and tariff facts.

    With no command, opens the desktop app.
    """
    ctx.obj = {"project": project, "annotator": annotator}
    if ctx.invoked_subcommand is None:
        ctx.invoke(gui)


def _open(ctx: click.Context, create: bool = False) -> Project:
    project = open_project(ctx.obj["project"], ctx.obj["annotator"], create=create)
    ctx.call_on_close(project.close)
    return project


@cli.command()
@click.option("--schema", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Label schema (TOML) for the new project. Default: the news schema.")
@click.pass_context
def init(ctx: click.Context, schema: Path | None) -> None:
    """Create a new, empty project (at --project)."""
    from app.core.locations import chosen_location
    from app.core.project import Project
    from app.store.engine import shown_location

    location = chosen_location(ctx.obj["project"])
    if location is None:
        raise click.UsageError("init needs --project PATH|URL (or $NEWSGLOSS_PROJECT)")
    project = Project.create(location, chosen_annotator(ctx.obj["annotator"]), schema_path=schema)
    ctx.call_on_close(project.close)
    click.echo(f"Created project {shown_location(location)} with schema {project.schema.name!r} "
               f"({len(project.schema.labels)} labels, {len(project.schema.frames)} frame types)")


@cli.command("import", epilog=_formats_help(import_formats()))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice([f.name for f in import_formats()]),
              default=articles_format().name, show_default=True,
              help="Articles; or annotations from another tool; or a native project file (below).")
@click.option("--title", help="Title of the article (one .txt file only). Default: its first non-empty line.")
@click.option("--unknown-labels", type=click.Choice(POLICIES), default="fail", show_default=True,
              help="Labels or frame types the schema lacks: fail, skip them, or add them to the schema.")
@click.option("--encoding", metavar="NAME",
              help="Read .txt, .html and CoNLL files in this encoding (e.g. cp1252) instead of detecting it; "
                   "needed for short files whose encoding cannot be told for sure.")
@click.pass_context
def import_(ctx: click.Context, files: tuple[Path, ...], fmt: str, title: str | None, unknown_labels: str,
            encoding: str | None) -> None:
    """Import articles, annotated documents from other tools, or a whole project (the formats are below).

    All or nothing: one bad file or line stops the import, names the file and line,
    and leaves the project as it was. Articles already in the project (same text)
    are reported and not added again; their imported annotations are added to them.
    A native import needs a new, empty project.
    """
    from app.core.interchange import describe_import
    from app.core.transfer import import_paths

    project = _open(ctx, create=True)
    summary = import_paths(project, fmt, files, unknown=unknown_labels, title=title,
                           encodings=None if encoding is None else lambda _: encoding)
    for line in describe_import(summary):
        click.echo(line)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
@click.pass_context
def articles(ctx: click.Context, as_json: bool) -> None:
    """List the project's articles with your status and annotation counts."""
    rows = _open(ctx).articles()
    if as_json:
        click.echo(json.dumps([row.__dict__ for row in rows], ensure_ascii=False, indent=2))
        return
    click.echo(f"{'id':>5}  {'status':<11}  {'spans':>5}  {'frames':>6}  {'chars':>7}  title")
    for row in rows:
        click.echo(f"{row.id:>5}  {row.progress:<11}  {row.spans:>5}  {row.frames:>6}  {row.chars:>7}  {row.title}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Articles; spans by label and status; frames by type and attribute; progress."""
    figures = _open(ctx).stats()
    if as_json:
        click.echo(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
        return
    click.echo(f"articles: {figures.articles}")
    click.echo(f"spans: {figures.spans}")
    for label, by_status in figures.spans_by_label.items():
        click.echo(f"  {label:<12} " + ", ".join(f"{s} {n}" for s, n in by_status.items()))
    click.echo(f"frames: {figures.frames}")
    for ftype, entry in figures.frames_by_type.items():
        click.echo(f"  {ftype:<12} {entry.count}")
        for attr, values in entry.attributes.items():
            click.echo(f"    {attr}: " + ", ".join(f"{v} {n}" for v, n in values.items()))
    for name, by_status in figures.progress.items():
        click.echo(f"progress of {name}: " + ", ".join(f"{s} {n}" for s, n in by_status.items()))


@cli.command()
@click.option("--role", "roles", nargs=2, multiple=True, metavar="NAME ROLE",
              help="Give NAME the role annotator or reviewer (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON.")
@click.pass_context
def team(ctx: click.Context, roles: tuple[tuple[str, str], ...], as_json: bool) -> None:
    """List the people who work on the project and their roles; set roles with --role."""
    project = _open(ctx)
    for name, role in roles:
        project.set_role(name, role)
    members = project.team()
    if as_json:
        click.echo(json.dumps(members, ensure_ascii=False, indent=2))
        return
    for name, role in members.items():
        click.echo(f"{name:<24} {role}")


@cli.command()
@click.argument("article_ids", nargs=-1, type=int)
@click.option("--all", "all_articles", is_flag=True, help="Every article in the project.")
@click.option("--model", metavar="NAME|PATH",
              help=f"spaCy pipeline: a model trained here (by name), an installed package or a folder. "
                   f"Default: ${ENV_MODEL}, else {DEFAULT_MODEL}.")
@click.option("--batch-size", default=32, show_default=True, help="Articles per nlp.pipe batch and per commit.")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1),
              help="Worker processes that run the pipeline (this one stores what they suggest).")
@click.option("--shard", metavar="K/N",
              help="Only shard K of N (articles whose id modulo N is K-1): N machines, one shard each, "
                   "cover a shared project once.")
@click.pass_context
def suggest(ctx: click.Context, article_ids: tuple[int, ...], all_articles: bool, model: str | None,
            batch_size: int, processes: int, shard: str | None) -> None:
    """Suggest entities, claims and tariff facts with a spaCy pipeline.

    Suggestions are stored with origin model and status suggested. Running again
    adds nothing twice and never overrides what a person accepted, edited or
    rejected. Ctrl+C stops after the current batch; what was stored stays.
    """
    from tqdm import tqdm

    from app.core import suggesting
    from app.core.suggesting import suggest_articles
    from app.nlp.engine import SuggestionEngine

    if all_articles == bool(article_ids):
        raise click.UsageError("name article ids or give --all (not both)")
    project = _open(ctx)
    ids = project.article_ids() if all_articles else list(article_ids)
    if shard is not None:
        ids = suggesting.shard(ids, *suggesting.parse_shard(shard))
    project.article_texts(ids)  # unknown ids fail here, before the model loads
    engine = SuggestionEngine(project.schema, resolved_model(project, model))
    progress = None
    with tqdm(total=len(ids), unit="article", file=sys.stderr, disable=None) as bar:
        try:
            for progress in suggest_articles(project, engine, ids, batch_size, processes):
                bar.update(progress.done - bar.n)
        except KeyboardInterrupt:
            bar.close()
            done = progress.done if progress else 0
            click.echo(f"stopped after {done} of {len(ids)} articles; their suggestions are stored", err=True)
            ctx.exit(130)
    click.echo(f"{progress.done if progress else 0} articles with {engine.model_id}: "
               f"{progress.spans_added if progress else 0} spans and "
               f"{progress.frames_added if progress else 0} frames suggested")


@cli.command(epilog=_formats_help(export_formats()))
@click.option("--format", "fmt", required=True, type=click.Choice([f.name for f in export_formats()]),
              help="What to write (below).")
@click.argument("out", type=click.Path(allow_dash=True))
@click.option("--status", "statuses", multiple=True, default=["accepted"], show_default=True,
              type=click.Choice(["suggested", "accepted", "rejected", "all"]),
              help=f"Which annotations, by status (repeatable); all: every status. {_without_status(export_formats())}, "
                   "which cannot carry status, take one.")
@click.option("--annotator", "annotators", multiple=True, metavar="NAME",
              help="Only what these annotators made or decided (repeatable).")
@click.option("--label", "labels", multiple=True, metavar="LABEL", help="Only spans with these labels (repeatable).")
@click.option("--layer", "layers", multiple=True, metavar="NAME", help="Only these layers, e.g. gold (repeatable).")
@click.option("--article", "article_ids", multiple=True, type=int, metavar="ID", help="Only these articles.")
@click.option("--dev-fraction", type=click.FloatRange(0, 0.9), default=0.0,
              help=f"{', '.join(f.name for f in export_formats() if f.splits)}: put this share of the articles "
                   "in a dev set.")
@click.pass_context
def export(ctx: click.Context, fmt: str, out: str, statuses: tuple[str, ...], annotators: tuple[str, ...],
           labels: tuple[str, ...], layers: tuple[str, ...], article_ids: tuple[int, ...], dev_fraction: float) -> None:
    """Export annotations to OUT: a file, a folder for the folder formats, "-" for standard output.

    Every format that can carry it says who annotated what (annotator, origin,
    status); what each holds is below.
    """
    from tqdm import tqdm

    from app.core.interchange import Selection, describe_export
    from app.core.transfer import export_path

    wanted = {"suggested", "accepted", "rejected"} if "all" in statuses else set(statuses)
    selection = Selection(statuses=frozenset(wanted), annotators=frozenset(annotators) or None,
                          labels=frozenset(labels) or None, layers=frozenset(layers) or None,
                          article_ids=frozenset(article_ids) or None)
    if out == "-" and not get_format(fmt).stdout:
        raise click.UsageError(f"{fmt} cannot go to standard output; name a file")
    with tqdm(unit="article", file=sys.stderr, disable=None if out != "-" else True) as bar:
        def progress(done: int, total: int) -> bool:
            bar.total = total
            bar.update(done - bar.n)
            return True

        summary = export_path(_open(ctx), fmt, out, selection, dev_fraction=dev_fraction, progress=progress)
    for line in describe_export(summary):
        click.echo(line, err=out == "-")


@cli.command()
@click.option("--layer", metavar="NAME", help="Compare with this layer (e.g. gold) instead of people's decisions.")
@click.option("--facts", "facts", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="GOLD.jsonl",
              help="Instead: suggest tariff facts for the passages of this gold file and score them "
                   "(no project needed; see tests/data/tariff/README.md for the file and the matching rule).")
@click.option("--model", metavar="NAME|PATH", help=f"With --facts: the spaCy pipeline. Default: {DEFAULT_MODEL}.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON.")
@click.pass_context
def evaluate(ctx: click.Context, layer: str | None, facts: Path | None, model: str | None, as_json: bool) -> None:
    """Precision, recall and F1 of the suggestions, per label and per frame role.

    With --facts, of the tariff facts suggested for a gold file's passages: per fact
    and per role, on normalised values (country codes, products, rate, ISO date).
    """
    from app.core.evaluation import evaluate as run

    if facts is not None:
        _evaluate_facts(facts, model, as_json)
        return
    result = run(_open(ctx), layer)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    reviews = "" if layer else f" ({result['reviews']} reviews: one per person who decided on all of an article)"
    click.echo(f"{result['articles']} articles, against {result['gold']}{reviews}")
    for title, rows in (("label", result["spans"]), ("frame role", result["roles"])):
        click.echo(f"\n{title:<24} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
        for name, r in rows.items():
            click.echo(f"{name:<24} {r['precision']:>6.2f} {r['recall']:>6.2f} {r['f1']:>6.2f} "
                       f"{r['tp']:>5} {r['fp']:>5} {r['fn']:>5}")


def _evaluate_facts(gold: Path, model: str | None, as_json: bool) -> None:
    from app.core.evaluation import evaluate_facts
    from app.core.schema import default_schema_path, load_schema
    from app.nlp.engine import SuggestionEngine

    engine = SuggestionEngine(load_schema(default_schema_path()), chosen_model(model),
                              suggesters=("tariff_facts.v1",))
    result = evaluate_facts(gold, engine)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(f"{result['passages']} passages, {result['gold_facts']} gold facts, "
               f"{result['suggested_facts']} suggested, with {engine.model_id}")
    click.echo(f"\n{'tariff facts':<24} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
    for name, r in result["scores"].items():
        click.echo(f"{name:<24} {r['precision']:>6.2f} {r['recall']:>6.2f} {r['f1']:>6.2f} "
                   f"{r['tp']:>5} {r['fp']:>5} {r['fn']:>5}")
    click.echo("\n" + result["matching"])


@cli.command()
@click.option("--article", "article_ids", multiple=True, type=int, metavar="ID", help="Only these articles (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON.")
@click.pass_context
def agree(ctx: click.Context, article_ids: tuple[int, ...], as_json: bool) -> None:
    """Agreement between annotators: span F1, Cohen's kappa, Krippendorff's alpha, frame roles.

    Compares the people's layers (not model or gold), accepted work only, each pair
    on the articles both covered. The README's Agreement section defines each figure.
    """
    from app.core.agreement import project_agreement, text_tables

    report = project_agreement(_open(ctx), article_ids)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    for line in text_tables(report):
        click.echo(line)


@cli.command()
@click.option("--labels", "labels", multiple=True, metavar="LABEL", help="Labels to learn (repeatable). Default: all.")
@click.option("--base", metavar="NAME|PATH", default=DEFAULT_MODEL, show_default=True,
              help="Pipeline whose parser and tagger the new model keeps; also the one it is compared with.")
@click.option("--epochs", type=click.IntRange(1, 200), default=10, show_default=True)
@click.option("--layer", metavar="NAME", help="Learn from this layer (e.g. gold) instead of all accepted annotations.")
@click.option("--name", help="Name to register the model under. Default: trained-<date and time>.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for models. Default: <project>.models beside the project file.")
@click.pass_context
def train(ctx: click.Context, labels: tuple[str, ...], base: str, epochs: int, layer: str | None, name: str | None,
          output: Path | None) -> None:
    """Train an NER model (and a span categorizer where spans overlap) on accepted annotations.

    Uses spaCy's own training on the CPU, on an 80/20 train/dev split of the
    articles; registers the model with the project so that `suggest --model NAME`
    and the app can use it, and prints precision, recall and F1 per label on the
    dev set beside the base model's. Ctrl+C stops; nothing is registered then.
    """
    from tqdm import tqdm

    from app.nlp.training import models_folder, train_model

    project = _open(ctx)
    with tqdm(total=epochs, unit="epoch", file=sys.stderr, disable=None) as bar:
        def progress(done: int, total: int) -> bool:
            bar.update(done - bar.n)
            return True

        try:
            result = train_model(project, output or models_folder(project), labels=labels or None,
                                 base=project.resolve_model(base), epochs=epochs, layer=layer, name=name,
                                 progress=progress)
        except KeyboardInterrupt:
            click.echo("training stopped; no model was registered", err=True)
            ctx.exit(130)
    click.echo(f"model {result.name!r} saved to {result.path} and registered "
               f"({result.metrics['train_docs']} train, {result.metrics['dev_docs']} dev articles)")
    click.echo(f"{'label':<12} {'F1 new':>7} {'F1 base':>8} {'P new':>6} {'R new':>6} {'support':>8}")
    for label, new in result.metrics["trained"].items():
        old = result.metrics["base"][label]
        click.echo(f"{label:<12} {new['f1']:>7.2f} {old['f1']:>8.2f} {new['precision']:>6.2f} {new['recall']:>6.2f} "
                   f"{new['support']:>8}")


@cli.command()
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path),
              help="Lay the window out at 1400x900 offscreen, save a PNG here and exit.")
@click.option("--article", "article_id", type=int, help="Article to show first.")
@click.pass_context
def gui(ctx: click.Context, screenshot: Path | None, article_id: int | None) -> None:
    """Open the desktop app."""
    from app.gui.launch import run_app  # Qt is imported only here

    sys.exit(run_app(ctx.obj["project"], ctx.obj["annotator"], screenshot=screenshot, article_id=article_id))


def main() -> None:
    cli(prog_name="newsgloss")

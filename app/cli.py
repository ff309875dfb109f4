"""The `newsgloss` command line: thin over the core services; never imports Qt."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from app import __version__
from app.core.errors import NewsGlossError
from app.core.locations import ENV_ANNOTATOR, ENV_PROJECT, open_project
from app.core.project import Project

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


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
              help=f"Who is annotating. Default: ${ENV_ANNOTATOR}, else your login name.")
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

    location = chosen_location(ctx.obj["project"])
    if location is None:
        raise click.UsageError("init needs --project PATH|URL (or $NEWSGLOSS_PROJECT)")
    project = Project.create(location, ctx.obj["annotator"], schema_path=schema)
    ctx.call_on_close(project.close)
    click.echo(f"Created project {location} with schema {project.schema.name!r} "
               f"({len(project.schema.labels)} labels, {len(project.schema.frames)} frame types)")


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--title", help="Title of the article (one .txt file only). Default: its first non-empty line.")
@click.pass_context
def import_(ctx: click.Context, files: tuple[Path, ...], title: str | None) -> None:
    """Import articles from .txt, .html and .jsonl files and folders of them.

    All or nothing: one bad file or line stops the import, names the file and line,
    and leaves the project as it was. Articles already in the project (same text)
    are reported and not added again.
    """
    project = _open(ctx, create=True)
    report = project.import_files(files, title=title)
    for article_id, draft in report.added:
        click.echo(f"added     #{article_id}  {draft.title}")
    for draft, existing in report.duplicates:
        where = draft.origin if draft.line is None else f"{draft.origin}:{draft.line}"
        click.echo(f"duplicate #{existing}  {where} (already in the project; not added)")
    for skipped in report.skipped:
        click.echo(f"skipped   {skipped}")
    click.echo(f"{len(report.added)} added, {len(report.duplicates)} already present")


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
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(f"articles: {figures['articles']}")
    click.echo(f"spans: {figures['spans']['total']}")
    for label, by_status in figures["spans"]["by_label"].items():
        click.echo(f"  {label:<12} " + ", ".join(f"{s} {n}" for s, n in by_status.items()))
    click.echo(f"frames: {figures['frames']['total']}")
    for ftype, entry in figures["frames"]["by_type"].items():
        click.echo(f"  {ftype:<12} {entry['count']}")
        for attr, values in entry["attributes"].items():
            click.echo(f"    {attr}: " + ", ".join(f"{v} {n}" for v, n in values.items()))
    for name, by_status in figures["progress"].items():
        click.echo(f"progress of {name}: " + ", ".join(f"{s} {n}" for s, n in by_status.items()))


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

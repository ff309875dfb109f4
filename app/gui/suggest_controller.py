"""Suggestions in the window: the engine, suggesting for articles, the model picker and training."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.locations import DEFAULT_MODEL
from app.core.model_choice import chosen_model, resolved_model
from app.core.vocabulary import Status
from app.gui.models import ModelsDialog, TrainDialog

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow


class SuggestController:
    def __init__(self, window: MainWindow):
        self.window = window
        self._engine = None  # loaded on the first Suggest, again after the model changes
        window.model_picker.modelChosen.connect(self.choose_model)
        self.refresh_models()

    def current(self) -> None:
        if self.window.state.article is not None:
            self._start([self.window.state.article.id])

    def selected(self) -> None:
        self._start(self.window.articles.selected_ids())

    def all_articles(self) -> None:
        self._start(self.window.project.article_ids())

    def _start(self, article_ids: list[int]) -> None:
        if not article_ids:
            return
        window = self.window
        if self._engine is None:
            from app.nlp.engine import SuggestionEngine

            self._engine = SuggestionEngine(window.schema, resolved_model(window.project, setting=self._setting()))
        from app.core.suggesting import suggest_articles

        project, engine = window.project, self._engine

        def job(progress):
            last = None
            for last in suggest_articles(project, engine, article_ids, batch_size=8):
                if not progress(last.done, last.total):
                    break
            return last

        def done(result) -> None:
            count = 0 if result is None else result.done
            verb = "Stopped after" if count < len(article_ids) else "Suggested for"
            spans, frames = (0, 0) if result is None else (result.spans_added, result.frames_added)
            window.statusBar().showMessage(
                f"{verb} {count} article(s): {spans} spans, {frames} frames with {engine.model_id}", 8000)

        window.tasks.run(f"Suggesting for {len(article_ids)} article(s)…", job, done)

    def _setting(self) -> str | None:
        return self.window.settings.value("model") or None

    def choose_model(self, model: str) -> None:
        self.window.settings.setValue("model", model)
        self._engine = None  # loaded on the next Suggest
        self.window.statusBar().showMessage(f"Suggestions will come from {model}", 4000)

    def model_setting_changed(self) -> None:
        self._engine = None
        self.refresh_models()

    def refresh_models(self) -> None:
        self.window.model_picker.set_models(DEFAULT_MODEL, self.window.project.models(),
                                            chosen_model(setting=self._setting()))

    def train_dialog(self) -> None:
        from app.nlp.training import models_folder, train_model

        window = self.window
        by_label = window.project.stats().spans_by_label
        used = sorted(label for label, by_status in by_label.items() if by_status.get(Status.ACCEPTED))
        if not used:
            window.refuse("There are no accepted annotations to learn from yet")
            return
        dialog = TrainDialog(used, window)
        if not dialog.exec():
            return
        labels, epochs = dialog.choice()
        project, folder = window.project, models_folder(window.project)

        def done(result) -> None:
            if result.cancelled:
                window.statusBar().showMessage("Training stopped; no model was registered", 6000)
                return
            self.refresh_models()
            window.statusBar().showMessage(f"Trained {result.name}; choose it in the model picker", 8000)
            self.show_models()

        window.tasks.run(f"Training on {len(labels)} label(s) for {epochs} epochs…",
                         lambda progress: train_model(project, folder, labels=labels, base=DEFAULT_MODEL,
                                                      epochs=epochs, progress=progress), done)

    def show_models(self) -> None:
        ModelsDialog(self.window.project.models(), self.window).exec()

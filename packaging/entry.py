"""Entry script of the frozen NewsGloss app (PyInstaller, see packaging/newsgloss.spec).

In the bundle sys.executable is this program, not a Python interpreter, so
`sys.executable -m spacy train ...` (how app.nlp.training runs spaCy's training in a
subprocess) comes back here: `newsgloss -m spacy ...` runs spaCy's command line
from the bundle, as `python -m spacy ...` would. Only spaCy is run this way.
"""

import multiprocessing
import runpy
import sys

MODULES = ("spacy",)  # what `-m` may run


def main() -> None:
    if getattr(sys, "frozen", False) and len(sys.argv) > 2 and sys.argv[1] == "-m":
        module = sys.argv[2]
        if module not in MODULES:
            sys.exit(f"newsgloss: -m runs only {', '.join(MODULES)}, not {module!r}")
        sys.argv = [sys.argv[0], *sys.argv[3:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return
    from app.cli import main as cli

    cli()


if __name__ == "__main__":
    multiprocessing.freeze_support()  # spaCy's nlp.pipe(n_process>1) starts worker processes
    main()

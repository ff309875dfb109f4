"""The project's services, each one job over a shared unit of work (work.py); core.project.Project
is the facade that puts them together."""

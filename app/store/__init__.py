"""The project database: SQLAlchemy models, engine set-up, migrations."""

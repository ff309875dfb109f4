"""spaCy loading and suggesters."""

"""Readers and writers of article and annotation file formats."""

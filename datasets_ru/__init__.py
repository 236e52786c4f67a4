"""Bundled Russian (and parallel Russian/English) datasets of ruadapt; see each folder's README."""

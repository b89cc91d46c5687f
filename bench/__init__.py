"""Reproducible benchmarks: ``python bench/run.py NAME`` runs ``bench/bench_NAME.py``."""

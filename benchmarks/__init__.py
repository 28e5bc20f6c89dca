"""Benchmark scripts, run by hand (not timed tests). See ``benchmarks/README.md``."""

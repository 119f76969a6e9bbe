"""Helpers the tests (and the benchmarks) share; nothing here ships with authtrack."""

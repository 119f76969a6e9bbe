"""The sample logs' generator: one module per house style, :mod:`.common` for what they share.

Each style module has ``plan()``, the authorizations its log means (fixed seed, synthetic people),
and ``write(path)``, which writes that plan the way such a practice would. The tests import the
plans to know what an import must give; ``make_samples.py`` beside this package runs the writers.
"""

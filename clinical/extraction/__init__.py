"""Offline, deterministic extraction from the clinician's intake text, one module per concern.

Each extractor is a pure function of text (and a reference date where dates are relative). They never infer: a
fact is set only when the clinician wrote it, and negation is respected ("denies SI" is a denial, "no plan" is not
a plan).
"""

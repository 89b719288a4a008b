"""The clinical domain: intake records and treatment plans, the vocabularies and instruments they use, extraction
from the clinician's words, the intake engine, plan edits and plan checks. Pure Python: no model calls, no storage."""

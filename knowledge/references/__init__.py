"""The clinician's own reference documents: read (Markdown, text, PDF, DOCX), split into passages, stored beside the
library in the search index and on disk so the index can always be rebuilt."""

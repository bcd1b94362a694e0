"""Reading a Vietnamese plan, công văn or thông báo into a campaign draft, one stage per module.

    reading      the document's text (.txt, .docx paragraphs and tables in order, .pdf)
    text         folding (same-length, diacritic-free) and logical lines
    header       number, issue date and place, title, issuer
    structure    body units under their headings, with the heading's actor
    dates        date mentions: days, clock times, ranges, months, quarters, years, inferred years, weekdays
    filters      dates that are not deadlines (cited documents, commemorative days, phases), with reasons
    obligations  the phrase a date belongs to, and its actor (``actors``)
    kinds        the obligation's kind from its verb and object
    details      recurring obligations, awards, contact, nomination quota, dossier
    period       year context and the plan's period
    draft        ``parse_plan``: the pipeline
    cli          ``thidua plan parse``

Pure functions: no database, no network; only ``reading`` and ``cli`` touch files. The rules are
linguistic, each named after the class of phrasing it handles, never tuned to one document.
"""
from schedules.plans.actors import Actor, find_actors, who_acts, who_category
from schedules.plans.dates import DateMention, deadline_cue, find_dates, infer_year, school_year_of
from schedules.plans.details import recurring_every
from schedules.plans.draft import parse_plan
from schedules.plans.filters import SKIP_REASONS, is_cited_date, is_commemorative, is_phase
from schedules.plans.header import parse_doc_number, parse_issued_date, parse_title
from schedules.plans.kinds import KINDS, classify_kind, classify_kinds
from schedules.plans.text import fold, logical_lines, normalize_text, strip_diacritics

__all__ = [
    "Actor", "DateMention", "KINDS", "SKIP_REASONS", "classify_kind", "classify_kinds", "deadline_cue", "find_actors",
    "find_dates", "fold", "infer_year", "is_cited_date", "is_commemorative", "is_phase", "logical_lines",
    "normalize_text", "parse_doc_number", "parse_issued_date", "parse_plan", "parse_title", "recurring_every",
    "school_year_of", "strip_diacritics", "who_acts", "who_category",
]

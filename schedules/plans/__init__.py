"""Reading a Vietnamese plan, công văn or thông báo into a campaign draft, one stage per module.

    reading      the document's text (.txt, .docx, .pdf), guarded by schedules.documents
    docx         Word paragraphs and tables in order: the letterhead table, task tables' rows
    pdf          e-office stamps (number, issue day) read back into their line
    text         folding (same-length, diacritic-free) and logical lines
    header       number, issue date and place, title, issuer
    structure    body units under their headings, with the heading's actor
    dates        date mentions: days, clock times, ranges, months, quarters, years, inferred years, weekdays
    filters      DATE_FILTERS: why a date is not a deadline (cited, commemorative, dateline, time stamp,
                 phase, start, period, coarse, past, section, summary), tried in order
    obligations  the phrase a date belongs to, and its actor (``actors``)
    kinds        the obligation's kind from its verb and object
    details      recurring obligations, awards, contact, nomination quota, dossier
    recurring    the units' recurring hand-ins as recurring milestones
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

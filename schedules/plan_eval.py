"""Scoring the plan reader on a folder of documents with their truth: `thidua plan eval DIR [DIR…]`.

A folder holds NAME.txt|.docx|.pdf and NAME.expected.json (the seeds' schema: milestones with date and
kind, and optionally `alt_kinds` and `acceptable_dates` per milestone). A found (date, kind) matches an
expected milestone when its date is the milestone's date or one of its acceptable dates and its kind is the
milestone's kind or one of its alternatives; each expected (date, kind) pair is matched at most once (two milestones of one day and kind are one pair). Precision,
recall and F1 are given on (date, kind) pairs and on dates alone, per file, per format and overall, with
what was missed and what was extra, so an office can measure the reader on its own plans.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = (".txt", ".docx", ".pdf")


@dataclass
class Score:
    found: int = 0
    expected: int = 0
    matched: int = 0

    def add(self, other: "Score") -> None:
        self.found, self.expected, self.matched = (self.found + other.found, self.expected + other.expected,
                                                   self.matched + other.matched)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict:
        return {"found": self.found, "expected": self.expected, "matched": self.matched,
                "precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3)}


@dataclass
class FileResult:
    path: Path
    pairs: Score
    dates: Score
    missed: list[tuple[str, str]] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None


def _dates_of(m: dict) -> set[str]:
    return {m["date"], *m.get("acceptable_dates", [])}


def _kinds_of(m: dict) -> set[str]:
    return {m["kind"], *m.get("alt_kinds", [])}


def match(found: list[tuple[str, str]], expected: list[dict], *, with_kind: bool = True
          ) -> tuple[int, list[dict], list[tuple[str, str]]]:
    """(matched count, expected milestones not matched, found pairs not matched): greedy, each once."""
    left = list(expected)
    extra = []
    matched = 0
    for day, kind in found:
        hit = next((m for m in left if day in _dates_of(m) and (not with_kind or kind in _kinds_of(m))), None)
        if hit is None:
            extra.append((day, kind))
        else:
            left.remove(hit)
            matched += 1
    return matched, left, extra


def pair_set(expected: list[dict]) -> list[dict]:
    """The expected milestones as a set of (date, kind) pairs: two obligations of one day and kind (a contest's
    entries and the units' report, both due 28/02) are one pair, as the reader's draft has one milestone per
    (date, kind); their alternatives are pooled."""
    merged: dict[tuple[str, str], dict] = {}
    for m in expected:
        key = (m["date"], m["kind"])
        if key not in merged:
            merged[key] = {**m, "alt_kinds": list(m.get("alt_kinds", [])),
                           "acceptable_dates": list(m.get("acceptable_dates", []))}
            continue
        into = merged[key]
        into["alt_kinds"] += [k for k in m.get("alt_kinds", []) if k not in into["alt_kinds"]]
        into["acceptable_dates"] += [d for d in m.get("acceptable_dates", []) if d not in into["acceptable_dates"]]
    return list(merged.values())


def score_one(found: list[tuple[str, str]], expected: list[dict]) -> tuple[Score, Score, list, list]:
    expected = pair_set(expected)
    matched, missed, extra = match(found, expected)
    dates_matched, _, _ = match(found, expected, with_kind=False)
    pairs = Score(len(found), len(expected), matched)
    dates = Score(len(found), len(expected), dates_matched)
    return pairs, dates, [(m["date"], m["kind"]) for m in missed], extra


def documents(folder: Path) -> list[tuple[Path, Path]]:
    """(document, its truth) for every NAME.txt|.docx|.pdf that has a NAME.expected.json beside it."""
    out = []
    for path in sorted(folder.iterdir()):
        truth = path.with_name(path.stem + ".expected.json")
        if path.suffix.lower() in FORMATS and truth.is_file():
            out.append((path, truth))
    return out


def evaluate(folders: list[Path]) -> list[FileResult]:
    from schedules.documents import UnreadableDocument, read_text_document
    from schedules.plans import parse_plan

    results = []
    for folder in folders:
        for path, truth in documents(folder):
            expected = json.loads(truth.read_text(encoding="utf-8")).get("milestones", [])
            try:
                draft = parse_plan(read_text_document(path, path.name, None))
            except UnreadableDocument as problem:
                expected = pair_set(expected)
                results.append(FileResult(path, Score(0, len(expected)), Score(0, len(expected)),
                                          [(m["date"], m["kind"]) for m in expected], [], problem.message))
                continue
            found = [(m["date"], m["kind"]) for m in draft.get("milestones", [])]
            pairs, dates, missed, extra = score_one(found, expected)
            results.append(FileResult(path, pairs, dates, missed, extra))
    return results


def summary(results: list[FileResult]) -> dict:
    by_format: dict[str, tuple[Score, Score]] = {}
    total_pairs, total_dates = Score(), Score()
    for r in results:
        fmt = by_format.setdefault(r.path.suffix.lower().lstrip("."), (Score(), Score()))
        fmt[0].add(r.pairs)
        fmt[1].add(r.dates)
        total_pairs.add(r.pairs)
        total_dates.add(r.dates)
    return {"files": len(results), "pairs": total_pairs.to_json(), "dates": total_dates.to_json(),
            "by_format": {k: {"pairs": p.to_json(), "dates": d.to_json()} for k, (p, d) in sorted(by_format.items())},
            "per_file": [{"file": str(r.path), "pairs": r.pairs.to_json(), "dates": r.dates.to_json(),
                          "missed": r.missed, "extra": r.extra, "error": r.error} for r in results]}

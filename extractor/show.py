"""The evidence page of ``extractor show``: documents and their claims as one self-contained HTML page.

Everything here is pure: :func:`pair_claims` puts claims beside their documents (setting aside,
with the reason, those that cannot be shown), :func:`render_page` turns the articles into an
HTML string. The page needs nothing but itself: its CSS is inline, it has no script, no font,
image or other resource to fetch, and all text is HTML-escaped.

In each article the evidence of every claim is highlighted and every field value (actor,
quantity, munition, date, attribution source) is marked by kind where it was read. Spans may
overlap in any way: the text is cut at every span boundary and the marks open and close as a
stack, so marks that nest stay one element and a mark that crosses another's end is split into
pieces (each piece carries the mark's ``data-m`` key; the first also its ``id``). Beside the
article, a list of its claims gives every field, with links to the evidence and to each value.
The same input gives the same bytes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .errors import validation_text
from .models import Claim, Document

#: Field kinds in the order of the legend: (claim field, kind, label, colour).
FIELD_KINDS: tuple[tuple[str, str, str, str], ...] = (
    ("actors", "actor", "Actor", "#0b63a8"),
    ("quantities", "quantity", "Quantity", "#0f8a5f"),
    ("munitions", "munition", "Munition", "#c2410c"),
    ("dates", "date", "Date", "#a3247c"),
    ("attributions", "source", "Source", "#6b4fbb"),
)
EVIDENCE = "evidence"
#: Which kind is outermost when two marks have the same span.
_RANK = {EVIDENCE: 0, **{kind: i + 1 for i, (_, kind, _, _) in enumerate(FIELD_KINDS)}}
#: C0 control characters (other than tab, line feed, carriage return) are not allowed in HTML
#: text: each is shown as its visible Unicode control picture, which keeps every offset.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Skipped:
    """A claim that cannot be shown: where it was read, which claim, and why."""

    source: str
    line: int | None
    doc_id: str | None
    claim_id: str | None
    reason: str

    def message(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        who = f" (claim {self.claim_id}, doc_id {self.doc_id!r})" if self.claim_id else ""
        return f"{where}{who}: {self.reason}; skipped"


@dataclass(frozen=True)
class Article:
    """A document and the claims shown on it (sorted by span)."""

    document: Document
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class SourcedClaim:
    """A claim and where it was read (a claims file and line, or the extraction of a document)."""

    claim: Claim
    source: str
    line: int | None = None


def span_problem(claim: Claim, text: str) -> str | None:
    """Why the claim's spans do not fit ``text`` (out of range, or other words than it says); None if they fit."""
    items: list[tuple[str, Any]] = [("evidence", claim)]
    for name, _, _, _ in FIELD_KINDS:
        items += [(f"{name}[{i}]", item) for i, item in enumerate(getattr(claim, name))]
    for where, item in items:
        start, end = item.span.start, item.span.end
        if end > len(text):
            return f"{where} span {start}-{end} is outside the document text ({len(text)} characters)"
        if text[start:end] != item.text:
            return (f"{where} span {start}-{end} reads {_quote(text[start:end])} in the document, "
                    f"the claim says {_quote(item.text)}")
    return None


def _quote(s: str, limit: int = 60) -> str:
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")


def pair_claims(documents: Iterable[Document], claims: Iterable[SourcedClaim]) -> tuple[list[Article], list[Skipped]]:
    """Articles in document order with their claims; the claims that cannot be shown, with why.

    A claim is set aside when no document has its ``doc_id`` (the claims of one such doc_id
    are reported together, at the first one's location), when its spans do not fit the
    document's text, or when an earlier claim of the document has the same ``claim_id``.
    """
    order: list[Document] = []
    by_id: dict[str, Document] = {}
    for document in documents:
        if document.doc_id not in by_id:
            by_id[document.doc_id] = document
            order.append(document)
    found: dict[str, list[Claim]] = {doc_id: [] for doc_id in by_id}
    seen: set[tuple[str, str]] = set()
    skipped: list[Skipped | list[SourcedClaim]] = []  # a list: the claims of one unknown doc_id
    unknown: dict[str, list[SourcedClaim]] = {}
    for item in claims:
        claim = item.claim
        document = by_id.get(claim.doc_id)
        if document is None:
            if claim.doc_id not in unknown:
                skipped.append(unknown.setdefault(claim.doc_id, []))
            unknown[claim.doc_id].append(item)
            continue
        if (claim.doc_id, claim.claim_id) in seen:
            reason = "an earlier claim of this document has the same claim_id"
        else:
            reason = span_problem(claim, document.text)
        if reason is not None:
            skipped.append(Skipped(item.source, item.line, claim.doc_id, claim.claim_id, reason))
            continue
        seen.add((claim.doc_id, claim.claim_id))
        found[claim.doc_id].append(claim)
    articles = [
        Article(d, tuple(sorted(found[d.doc_id], key=lambda c: (c.span.start, c.span.end, c.claim_id))))
        for d in order
    ]
    return articles, [s if isinstance(s, Skipped) else _no_document(s) for s in skipped]


def _no_document(items: list[SourcedClaim]) -> Skipped:
    first = items[0]
    if len(items) == 1:
        return Skipped(first.source, first.line, first.claim.doc_id, first.claim.claim_id,
                       "its doc_id has no document in the input")
    lines = [str(i.line) for i in items if i.line is not None]
    shown = ", ".join(lines[:5]) + (", …" if len(lines) > 5 else "")
    where = f" (lines {shown})" if lines else ""
    return Skipped(first.source, first.line, first.claim.doc_id, None,
                   f"{len(items)} claims of doc_id {first.claim.doc_id!r} have no document in the input{where}")


def read_claims(lines: Iterable[str], source: str) -> tuple[list[SourcedClaim], list[Skipped]]:
    """Claims of JSON Lines (``extractor extract`` output); lines that are no valid claim, with why."""
    from .io.readers import json_objects

    found: list[SourcedClaim] = []
    bad: list[Skipped] = []
    for item in json_objects(lines):
        obj = item.obj
        if obj is None:
            bad.append(Skipped(source, item.line, None, None, str(item.error)))
            continue
        try:
            claim = Claim.model_validate(obj)
        except ValidationError as exc:
            ident = obj.get("claim_id") if isinstance(obj.get("claim_id"), str) else None
            doc_id = obj.get("doc_id") if isinstance(obj.get("doc_id"), str) else None
            bad.append(Skipped(source, item.line, doc_id, ident, f"not a valid claim: {validation_text(exc, limit=3)}"))
            continue
        found.append(SourcedClaim(claim, source, item.line))
    return found, bad


# --- marks -------------------------------------------------------------------------------------


@dataclass
class _Mark:
    start: int
    end: int
    kind: str
    key: str  # data-m: the same on every piece of the mark
    anchor: str  # the id of its first piece
    notes: list[str] = field(default_factory=list)  # what the value is, per claim that has it
    number: int | None = None  # the claim number of an evidence mark

    def order(self) -> tuple[int, int, int, str]:
        return (self.start, -self.end, _RANK[self.kind], self.key)


def _marks(article: Article, prefix: str) -> tuple[list[_Mark], dict[tuple[str, int, int], _Mark]]:
    """Evidence marks (one per claim) and field marks (one per kind and span, shared by claims)."""
    marks: list[_Mark] = []
    fields: dict[tuple[str, int, int], _Mark] = {}
    for n, claim in enumerate(article.claims, 1):
        marks.append(_Mark(claim.span.start, claim.span.end, EVIDENCE, f"{prefix}c{n}", f"{prefix}c{n}",
                           [f"claim {n}: {claim.claim_type.value}, {claim.modality.value}"], n))
        for name, kind, label, _ in FIELD_KINDS:
            for item in getattr(claim, name):
                span = (kind, item.span.start, item.span.end)
                mark = fields.get(span)
                if mark is None:
                    key = f"{prefix}m{len(fields) + 1}"
                    mark = fields[span] = _Mark(item.span.start, item.span.end, kind, key, key)
                note = f"{label.lower()}: {describe(kind, item)}"
                if note not in mark.notes:
                    mark.notes.append(note)
    marks.extend(fields.values())
    return [m for m in marks if m.end > m.start], fields


def _control_picture(m: re.Match[str]) -> str:
    code = ord(m.group())
    return chr(0x2400 + code) if code < 32 else "\u2421"


def _esc(text: str) -> str:
    """Text or attribute value, HTML-escaped, control characters shown as their pictures."""
    return html.escape(_CONTROLS.sub(_control_picture, text))


def _open(mark: _Mark, first: bool) -> str:
    title = _esc("\n".join(mark.notes))
    ident = f' id="{mark.anchor}"' if first else ""
    if mark.kind == EVIDENCE:
        back = (f'<a class="back" href="#{mark.anchor}-card" data-n="{mark.number}" '
                f'aria-label="claim {mark.number}"></a>') if first else ""
        return f'<mark class="ev{" first" if first else ""}"{ident} data-m="{mark.key}" title="{title}">{back}'
    return f'<span class="f k-{mark.kind}"{ident} data-m="{mark.key}" title="{title}">'


def _close(mark: _Mark) -> str:
    return "</mark>" if mark.kind == EVIDENCE else "</span>"


def render_text(text: str, marks: Sequence[_Mark]) -> str:
    """``text`` escaped, with the marks opened and closed as a stack at every span boundary."""
    bounds = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    ordered = sorted(marks, key=_Mark.order)
    out: list[str] = []
    stack: list[_Mark] = []
    opened: set[str] = set()
    for a, b in zip(bounds, bounds[1:]):
        active = [m for m in ordered if m.start <= a and m.end >= b]
        keep = 0
        while keep < min(len(stack), len(active)) and stack[keep] is active[keep]:
            keep += 1
        out.extend(_close(m) for m in reversed(stack[keep:]))
        for m in active[keep:]:
            out.append(_open(m, m.key not in opened))
            opened.add(m.key)
        stack = active
        out.append(_esc(text[a:b]))
    out.extend(_close(m) for m in reversed(stack))
    return "".join(out)


# --- values as words ---------------------------------------------------------------------------


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,g}"


def describe(kind: str, item: Any) -> str:
    """A field value in a few words: ``Russia (recipient, state)``, ``over 13,000 container``..."""
    if kind == "actor":
        return f"{item.name} ({item.role.value}, {item.type.value})"
    if kind == "quantity":
        if item.value is not None:
            amount = _number(item.value)
            if item.lower is not None and item.upper is None and item.lower == item.value:
                amount = f"over {amount}"
            elif item.upper is not None and item.lower is None and item.upper == item.value:
                amount = f"up to {amount}"
        elif item.lower is not None and item.upper is not None:
            amount = f"{_number(item.lower)}–{_number(item.upper)}"
        elif item.lower is not None:
            amount = f"at least {_number(item.lower)}"
        else:
            amount = f"up to {_number(item.upper)}"
        approx = "about " if item.approximate else ""
        return f"{approx}{amount} {item.unit or ''}".strip()
    if kind == "munition":
        parts = [item.category.value.replace("_", " ")]
        if item.caliber_mm is not None:
            parts.append(f"{_number(item.caliber_mm)} mm")
        if item.name:
            parts.append(item.name)
        return ", ".join(parts)
    if kind == "date":
        when = item.start or "…"
        if item.end:
            when = f"{item.start or '…'} to {item.end}"
        extra = ", ".join(x for x in (item.qualifier, item.granularity.value if item.granularity else None) if x)
        return f"{when} ({extra})" if extra else when
    if kind == "source":
        cue = f", {item.cue}" if item.cue else ""
        return f"{item.source} ({item.kind.value}{cue})"
    raise ValueError(f"unknown field kind {kind!r}")


# --- the page ----------------------------------------------------------------------------------


def _claim_card(claim: Claim, n: int, prefix: str, fields: Mapping[tuple[str, int, int], _Mark]) -> str:
    rows = []
    for name, kind, label, _ in FIELD_KINDS:
        items = getattr(claim, name)
        if not items:
            continue
        values = []
        for item in items:
            mark = fields[(kind, item.span.start, item.span.end)]
            value = _esc(describe(kind, item))
            if item.span.end > item.span.start:
                value = f'<a href="#{mark.anchor}">{value}</a>'
            values.append(f'<li class="k-{kind}">{value}</li>')
        rows.append(f'<dt class="k-{kind}">{label}{"s" if len(items) > 1 else ""}</dt><dd><ul>{"".join(values)}</ul></dd>')
    fields_html = f'<dl>{"".join(rows)}</dl>' if rows else '<p class="none">no fields</p>'
    anchor = f"{prefix}c{n}"
    # an empty evidence has no mark in the text to link to
    if claim.span.end > claim.span.start:
        number = f'<a class="num" href="#{anchor}">{n}</a>'
        quote = f'<a class="quote" href="#{anchor}">{_esc(claim.text)}</a>'
    else:
        number, quote = f'<span class="num">{n}</span>', '<p class="none">(empty evidence)</p>'

    return (
        f'<li class="claim" id="{anchor}-card" data-claim="{_esc(claim.claim_id)}">'
        f'<div class="head">{number}'
        f'<span class="badge type">{_esc(claim.claim_type.value)}</span>'
        f'<span class="badge mod mod-{_esc(claim.modality.value)}">{_esc(claim.modality.value)}</span>'
        f'<code class="cid">{_esc(claim.claim_id)}</code></div>'
        f"{quote}{fields_html}</li>"
    )


def _article(article: Article, index: int) -> str:
    doc = article.document
    prefix = f"d{index}-"
    marks, fields = _marks(article, prefix)
    meta = [f"<code>{_esc(doc.doc_id)}</code>"]
    if doc.published:
        meta.append(f"<time>{_esc(doc.published)}</time>")
    if doc.source_name:
        meta.append(_esc(doc.source_name))
    if doc.url:
        url = _esc(doc.url)
        meta.append(f'<a href="{url}" rel="noreferrer">{url}</a>' if re.match(r"https?://", doc.url, re.I) else url)
    count = len(article.claims)
    cards = "".join(_claim_card(c, n, prefix, fields) for n, c in enumerate(article.claims, 1))
    claims_html = f'<ol class="claims">{cards}</ol>' if cards else '<p class="none">No claims in this article.</p>'
    return (
        f'<section class="article" id="doc-{index}" data-doc="{_esc(doc.doc_id)}">'
        f'<header><h2>{_esc(doc.title or doc.doc_id)}</h2><p class="meta">{" · ".join(meta)}</p></header>'
        f'<div class="cols"><div class="text">{render_text(doc.text, marks)}</div>'
        f'<aside><h3>{count} claim{"" if count == 1 else "s"}</h3>{claims_html}</aside></div></section>'
    )


def _legend() -> str:
    chips = ['<li><mark class="ev">evidence</mark> of a claim (its number links to its card)</li>']
    chips += [f'<li><span class="f k-{kind}">{label.lower()}</span></li>' for _, kind, label, _ in FIELD_KINDS]
    return f'<ul class="legend">{"".join(chips)}</ul>'


def _css() -> str:
    kinds = "\n".join(
        f".k-{kind}{{--c:{colour}}}" for _, kind, _, colour in FIELD_KINDS
    )
    return _CSS + kinds


def render_page(articles: Sequence[Article], *, skipped: Sequence[Skipped] = (), title: str = "Claims and their evidence") -> str:
    """The whole page: a header with the legend and the article list, then every article."""
    n_claims = sum(len(a.claims) for a in articles)
    toc = "".join(
        f'<li><a href="#doc-{i}">{_esc(a.document.title or a.document.doc_id)}</a> '
        f'<span class="count">{len(a.claims)}</span></li>'
        for i, a in enumerate(articles, 1)
    )
    skipped_html = ""
    if skipped:
        items = "".join(f"<li>{_esc(s.message())}</li>" for s in skipped)
        skipped_html = (f'<details class="skipped"><summary>{len(skipped)} claim{"" if len(skipped) == 1 else "s"} '
                        f"could not be shown</summary><ul>{items}</ul></details>")
    body = "".join(_article(a, i) for i, a in enumerate(articles, 1))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{_esc(title)}</title><style>{_css()}</style></head><body>"
        f'<header class="page"><h1>{_esc(title)}</h1>'
        f'<p class="summary">{len(articles)} article{"" if len(articles) == 1 else "s"}, '
        f'{n_claims} claim{"" if n_claims == 1 else "s"}</p>{_legend()}'
        f'<nav><ol class="toc">{toc}</ol></nav>{skipped_html}</header>'
        f"<main>{body}</main></body></html>\n"
    )


_CSS = """
:root{--ink:#1d232b;--muted:#5b6672;--line:#dde2e8;--paper:#fff;--bg:#f3f5f8;--ev:#fff1a8;--ev-line:#e0b800}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header.page{background:#1f2a37;color:#f5f7fa;padding:18px 28px 14px}
header.page h1{margin:0 0 2px;font-size:22px;font-weight:600}
header.page .summary{margin:0 0 10px;color:#c3ccd6}
header.page a{color:#cfe3ff}
.legend{list-style:none;margin:0 0 10px;padding:0;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;font-size:13px}
.legend li{background:#fff;color:var(--ink);padding:3px 10px;border-radius:14px}
.legend li:first-child{background:none;color:inherit;padding-left:0}
.legend mark.ev{color:var(--ink);padding:2px 6px;border-radius:3px}
nav .toc{margin:0;padding-left:22px;columns:3 260px;font-size:13px;color:#c3ccd6}
nav .count{display:inline-block;min-width:20px;padding:0 6px;border-radius:9px;background:#3a4756;color:#fff;font-size:11px;text-align:center}
details.skipped{margin-top:10px;background:#fff4e5;color:#7a3e00;border-radius:6px;padding:6px 10px;font-size:13px}
main{padding:18px 28px 60px;max-width:1500px;margin:0 auto}
section.article{background:var(--paper);border:1px solid var(--line);border-radius:10px;margin:0 0 22px;box-shadow:0 1px 2px rgba(0,0,0,.04)}
section.article>header{padding:14px 20px 10px;border-bottom:1px solid var(--line)}
section.article h2{margin:0;font-size:19px;line-height:1.3}
.meta{margin:4px 0 0;color:var(--muted);font-size:13px}
.meta code{background:#eef1f5;border-radius:4px;padding:1px 5px}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(300px,2fr)}
.text{padding:16px 22px 22px;white-space:pre-wrap;overflow-wrap:anywhere;font:16px/2.05 Georgia,"Times New Roman",serif}
aside{border-left:1px solid var(--line);background:#fafbfc;padding:12px 14px;border-radius:0 0 10px 0}
aside h3{margin:2px 0 8px;font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.none{color:var(--muted);font-style:italic}
mark.ev{background:var(--ev);color:inherit;border-bottom:2px solid var(--ev-line);padding:2px 0;-webkit-box-decoration-break:clone;box-decoration-break:clone}
.f{border-bottom:3px solid var(--c);background:color-mix(in srgb,var(--c) 13%,transparent);border-radius:2px;padding:1px 1px 3px;-webkit-box-decoration-break:clone;box-decoration-break:clone}
.f .f{border-bottom-width:2px;padding-bottom:0}
a.back{display:inline-block;text-decoration:none;vertical-align:super;line-height:1}
a.back::before{content:attr(data-n);display:inline-block;min-width:16px;padding:1px 4px;margin-right:2px;border-radius:8px;background:#8a6d00;color:#fff;font:600 10px/1.3 system-ui,sans-serif;text-align:center}
:target{outline:3px solid #f59e0b;outline-offset:1px}
ol.claims{list-style:none;margin:0;padding:0}
li.claim{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 10px;margin:0 0 10px;font-size:13.5px}
li.claim .head{display:flex;align-items:center;gap:6px;flex-wrap:wrap}
a.num,span.num{display:inline-block;min-width:20px;padding:0 6px;border-radius:10px;background:#8a6d00;color:#fff;text-align:center;font-weight:600;text-decoration:none;font-size:12px}
.badge{padding:0 7px;border-radius:10px;font-size:12px;background:#e8edf3;color:#2a3a4c}
.badge.mod-hedged{background:#fdf0d5;color:#8a5300}
.badge.mod-negated{background:#fde2e2;color:#9b1c1c}
.badge.mod-asserted{background:#e3f4ea;color:#17603a}
code.cid{margin-left:auto;color:var(--muted);font-size:11px}
a.quote{display:block;margin:6px 0;padding:3px 8px;border-left:3px solid var(--ev-line);background:#fffbe6;color:var(--ink);text-decoration:none;font-family:Georgia,serif}
a.quote:hover{background:var(--ev)}
li.claim dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:4px 0 0}
li.claim dt{font-weight:600;color:var(--c)}
li.claim dd{margin:0}
li.claim dd ul{list-style:none;margin:0;padding:0}
li.claim dd a{color:var(--ink);text-decoration:none;border-bottom:2px solid var(--c)}
li.claim dd a:hover{background:color-mix(in srgb,var(--c) 13%,transparent)}
@media (max-width:900px){.cols{grid-template-columns:1fr}aside{border-left:0;border-top:1px solid var(--line)}}
"""

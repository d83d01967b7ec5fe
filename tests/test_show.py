"""``extractor show``: the evidence page, checked on its HTML (parsed with html.parser).

Every mark's text must equal the text slice it marks (however spans overlap), the markup must
stay balanced, every claim must have an anchor and a card, all text must be escaped, the page
must not reference anything outside itself, and the same input must give the same bytes.
The page in a real browser: tests/test_show_browser.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.models import Claim, Document, make_claim_id
from extractor.show import SourcedClaim, pair_claims, read_claims, render_page, render_text
from shared_data import in_ci

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_CLAIMS = ROOT / "tests" / "golden" / "seed_claims.jsonl"
VOID = {"meta", "br", "hr", "img", "input", "link"}


class Page(HTMLParser):
    """The parsed page: balanced markup checked, the text under each ``data-m`` mark collected."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.elements: list[tuple[str, dict]] = []
        self.marked: dict[str, str] = {}
        self.problems: list[str] = []
        self.feed(html)
        self.close()
        assert not self.problems, self.problems
        assert [t for t, _ in self.stack] == [], f"unclosed elements: {self.stack}"

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag not in VOID:
            self.stack.append((tag, attributes))
            if "data-m" in attributes:
                self.marked.setdefault(attributes["data-m"], "")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        for _, attributes in self.stack:
            if "data-m" in attributes:
                self.marked[attributes["data-m"]] += data

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.elements if "id" in a}

    def with_attr(self, name: str) -> list[dict]:
        return [a for _, a in self.elements if name in a]


def claim(doc_id: str, text: str, start: int, end: int, **fields) -> Claim:
    """A claim on ``text[start:end]``; each field is a list of (start, end, values) spans."""
    makers = {
        "actors": lambda v: {"name": v.get("name", "X"), "role": v.get("role", "supplier"), "type": "state"},
        "quantities": lambda v: {"value": v.get("value", 3.0), "unit": "shell"},
        "munitions": lambda v: {"category": v.get("category", "artillery_shell")},
        "dates": lambda v: {"start": v.get("start", "2024")},
        "attributions": lambda v: {"source": v.get("source", "Src"), "kind": "media", "cue": "said"},
    }
    data = {
        name: [{"text": text[s:e], "span": {"start": s, "end": e}, **makers[name](values)} for s, e, values in spans]
        for name, spans in fields.items()
    }
    return Claim(claim_id=make_claim_id(doc_id, start, end), doc_id=doc_id, text=text[start:end],
                 span={"start": start, "end": end}, claim_type="transfer", modality="asserted", **data)


def spans_of(c: Claim) -> list[tuple[int, int]]:
    found = [(c.span.start, c.span.end)]
    for name in ("actors", "quantities", "munitions", "dates", "attributions"):
        found += [(i.span.start, i.span.end) for i in getattr(c, name)]
    return found


TEXT = "Russia sent 300 shells to Syria in May, Reuters said. Iran & <Syria> agreed."

# Each case: claims as (evidence span, fields), however their spans nest, cross or coincide.
OVERLAP_CASES = {
    "nested": [((0, 38), {"actors": [(0, 6, {}), (26, 31, {"role": "recipient"})], "quantities": [(12, 22, {})],
                          "munitions": [(16, 22, {})], "dates": [(32, 38, {})]})],
    "crossing evidence": [((0, 31), {"actors": [(0, 6, {})]}), ((12, 52), {"attributions": [(40, 47, {})]})],
    "field crossing evidence end": [((0, 20), {"quantities": [(12, 25, {})]})],
    "same span, two kinds": [((12, 22), {"quantities": [(12, 22, {})], "munitions": [(12, 22, {})]})],
    "same field in two claims": [((0, 22), {"actors": [(0, 6, {})]}), ((0, 31), {"actors": [(0, 6, {"role": "user"})]})],
    "evidence equals a field": [((0, 6), {"actors": [(0, 6, {})]})],
    "touching at the end of text": [((54, 76), {"actors": [(54, 58, {}), (61, 68, {})]})],
    "empty field span": [((0, 11), {"dates": [(6, 6, {})]})],
    "empty evidence": [((5, 5), {"actors": [(0, 6, {})]}), ((0, 11), {})],
}


@pytest.mark.parametrize("case", OVERLAP_CASES, ids=list(OVERLAP_CASES))
def test_every_mark_holds_exactly_its_text_slice(case):
    claims = [claim("d", TEXT, s, e, **fields) for (s, e), fields in OVERLAP_CASES[case]]
    articles, skipped = pair_claims([Document(doc_id="d", text=TEXT)], [SourcedClaim(c, "x") for c in claims])
    assert skipped == []
    page = Page(render_page(articles))
    # every non-empty span is marked once (pieces joined) with exactly its text
    expected = {TEXT[s:e] for c in claims for s, e in spans_of(c) if e > s}
    assert set(page.marked.values()) == expected
    marks = {a["data-m"]: a for a in page.with_attr("data-m") if "id" in a}
    for key, text in page.marked.items():
        assert key in marks, f"mark {key} has no piece with an id"
    links = {a["href"][1:] for a in page.with_attr("href")}
    assert links <= page.ids(), f"links to nothing: {links - page.ids()}"
    # the article text is whole: every character once, in order
    text_div = render_text(TEXT, [])
    assert Page(f"<div>{text_div}</div>").elements == [("div", {})]


def test_crossing_marks_are_split_into_pieces_of_one_key():
    claims = [claim("d", TEXT, 0, 31, actors=[(0, 6, {})]), claim("d", TEXT, 12, 52)]
    articles, _ = pair_claims([Document(doc_id="d", text=TEXT)], [SourcedClaim(c, "x") for c in claims])
    html = render_page(articles)
    second = [a for a in Page(html).with_attr("data-m") if a["data-m"] == "d1-c2"]
    assert len(second) == 2 and "id" in second[0] and "id" not in second[1]
    assert Page(html).marked["d1-c2"] == TEXT[12:52]


def test_every_claim_has_an_anchor_a_card_and_links_that_resolve():
    claims = [SourcedClaim(Claim.model_validate_json(line), str(SEED_CLAIMS)) for line in SEED_CLAIMS.read_text().splitlines()]
    doc = Document.model_validate_json(next(SEEDS.glob("*.json")).read_text())
    articles, skipped = pair_claims([doc], claims)
    assert skipped == [] and len(articles[0].claims) == len(claims) == 10
    page = Page(render_page(articles))
    ids = page.ids()
    cards = page.with_attr("data-claim")
    assert sorted(a["data-claim"] for a in cards) == sorted(c.claim.claim_id for c in claims)
    for n in range(1, 11):
        assert {f"d1-c{n}", f"d1-c{n}-card"} <= ids
        assert page.marked[f"d1-c{n}"] == articles[0].claims[n - 1].text
    links = [a["href"][1:] for a in page.with_attr("href") if a["href"].startswith("#")]
    assert links and set(links) <= ids
    # every field value of every claim is marked with its exact text
    for c in articles[0].claims:
        for s, e in spans_of(c):
            assert doc.text[s:e] in page.marked.values()


def test_text_and_attributes_are_escaped_and_nothing_is_fetched():
    evil = '<script>alert("x")</script> & <img src=http://example.com/x.png> "q" \x00\x07 end'
    doc = Document(doc_id='d"><script>1</script>', text=evil, title="<b>title</b>",
                   url="javascript:alert(1)", source_name="<i>src</i>")
    c = claim(doc.doc_id, evil, 0, 29, actors=[(8, 13, {"name": '<x onload="y">'})])
    articles, _ = pair_claims([doc], [SourcedClaim(c, "x")])
    html = render_page(articles)
    page = Page(html)
    tags = {tag for tag, _ in page.elements}
    assert not tags & {"script", "img", "link", "iframe", "object", "b", "i", "x"}
    assert "<script" not in html.lower().replace("&lt;script", "")
    assert page.marked["d1-c1"] == evil[:29]
    # no attribute points outside the page: only fragment links (the url is not http(s): no link)
    assert [a["href"] for a in page.with_attr("href") if not a["href"].startswith("#")] == []
    assert not page.with_attr("src")
    assert not re.search(r"url\(|@import|https?://", html.split("<style>")[1].split("</style>")[0])
    # control characters are shown as their pictures (offsets kept: one character each)
    assert "␀␇" in "".join(page.marked.values()) or "␀␇" in html


def test_the_document_url_is_a_link_only_when_it_is_http():
    doc = Document(doc_id="d", text="Russia sent shells.", url="https://example.org/a?b=1&c=2")
    html = render_page(pair_claims([doc], [])[0])
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noreferrer">' in html


SKIP_CASES = [
    ("unknown doc", lambda: claim("other", TEXT, 0, 6),
     "claims.jsonl:1 (claim {id}, doc_id 'other'): its doc_id has no document in the input; skipped"),
    ("outside", lambda: claim("d", TEXT + " More words here.", 70, 90),
     "claims.jsonl:1 (claim {id}, doc_id 'd'): evidence span 70-90 is outside the document text (76 characters); skipped"),
    ("other words", lambda: claim("d", "Moscow sent 300 shells", 0, 22, actors=[(0, 6, {})]),
     "claims.jsonl:1 (claim {id}, doc_id 'd'): evidence span 0-22 reads 'Russia sent 300 shells' in the document, "
     "the claim says 'Moscow sent 300 shells'; skipped"),
    ("field", lambda: claim("d", "Russia sent 300 shells to Syria in May, Moscow", 0, 31, actors=[(40, 46, {})]),
     "claims.jsonl:1 (claim {id}, doc_id 'd'): actors[0] span 40-46 reads 'Reuter' in the document, "
     "the claim says 'Moscow'; skipped"),
]


@pytest.mark.parametrize("name,make,message", SKIP_CASES, ids=[c[0] for c in SKIP_CASES])
def test_claims_that_do_not_fit_are_skipped_with_their_location(name, make, message):
    c = make()
    articles, skipped = pair_claims([Document(doc_id="d", text=TEXT)], [SourcedClaim(c, "claims.jsonl", 1)])
    assert [s.message() for s in skipped] == [message.format(id=c.claim_id)]
    assert articles[0].claims == ()


def test_claims_of_a_missing_document_are_reported_together():
    claims = [SourcedClaim(claim("zz", TEXT, 0, n), "c.jsonl", n) for n in range(1, 8)]
    claims.insert(3, SourcedClaim(claim("d", TEXT, 0, 90 - 14), "c.jsonl", 20))
    articles, skipped = pair_claims([Document(doc_id="d", text=TEXT)], claims)
    assert len(articles[0].claims) == 1
    assert [s.message() for s in skipped] == [
        "c.jsonl:1: 7 claims of doc_id 'zz' have no document in the input (lines 1, 2, 3, 4, 5, …); skipped"
    ]


def test_a_repeated_claim_is_shown_once():
    c = claim("d", TEXT, 0, 6)
    articles, skipped = pair_claims([Document(doc_id="d", text=TEXT)], [SourcedClaim(c, "a", 1), SourcedClaim(c, "a", 2)])
    assert len(articles[0].claims) == 1
    assert [s.message() for s in skipped] == [
        f"a:2 (claim {c.claim_id}, doc_id 'd'): an earlier claim of this document has the same claim_id; skipped"
    ]


def test_read_claims_reports_bad_lines():
    good = claim("d", TEXT, 0, 6).model_dump_json()
    found, bad = read_claims([good, "", "{oops", '{"claim_id": "c1", "doc_id": "d"}', "[1]"], "c.jsonl")
    assert [f.line for f in found] == [1]
    assert [s.message() for s in bad] == [
        "c.jsonl:3: invalid JSON: Expecting property name enclosed in double quotes (column 2); skipped",
        "c.jsonl:4 (claim c1, doc_id 'd'): not a valid claim: text: Field required; span: Field required; "
        "claim_type: Field required (and 1 more); skipped",
        "c.jsonl:5: expected a JSON object; skipped",
    ]


# --- the command -------------------------------------------------------------------------------


@pytest.fixture()
def invoke(monkeypatch, extractor):
    """The CLI in-process, reusing the session's loaded pipeline."""
    from extractor import pipeline

    monkeypatch.setattr(pipeline, "Extractor", lambda **kwargs: extractor)
    return lambda *args, input=None: CliRunner().invoke(app, list(args), input=input)


def test_show_extracts_and_gives_the_same_page_as_from_the_written_claims(invoke, tmp_path):
    extracted = invoke("show", str(SEEDS), "-o", str(tmp_path / "a.html"))
    assert extracted.exit_code == 0, extracted.stderr
    assert extracted.stderr.splitlines() == [
        "info: extracting claims from 1 documents",
        f"info: 1 documents, 10 claims shown in {tmp_path / 'a.html'}",
    ]
    from_file = invoke("show", str(SEEDS), "--claims", str(SEED_CLAIMS), "-o", str(tmp_path / "b.html"), "-q")
    assert (from_file.exit_code, from_file.stderr) == (0, "")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    again = invoke("show", str(SEEDS), "--claims", str(SEED_CLAIMS), "-o", "-", "-q")
    assert again.stdout_bytes == (tmp_path / "a.html").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html"]  # no temporary file left


def test_show_warns_about_what_it_cannot_show_and_exits_3(invoke, tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        json.dumps({"doc_id": "d", "text": TEXT}) + "\n{bad\n" + json.dumps({"doc_id": "d", "text": "again"}) + "\n"
    )
    c = claim("d", TEXT, 0, 6)
    claims = tmp_path / "claims.jsonl"
    claims.write_text(c.model_dump_json() + "\n" + claim("zz", TEXT, 0, 6).model_dump_json() + "\n")
    result = invoke("show", str(docs), "--claims", str(claims), "-o", str(tmp_path / "p.html"), "-q")
    assert result.exit_code == 3
    other = make_claim_id("zz", 0, 6)
    assert result.stderr.splitlines() == [
        f"rejected: {docs}:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        f"warning: {docs}:3: duplicate doc_id 'd' (first read from {docs}:1); skipped",
        f"warning: {claims}:2 (claim {other}, doc_id 'zz'): its doc_id has no document in the input; skipped",
    ]
    page = Page((tmp_path / "p.html").read_text())
    assert page.marked["d1-c1"] == "Russia"


@pytest.mark.parametrize("args,code,message", [
    (["--claims", "missing.jsonl"], 2, "Invalid value for '--claims': missing.jsonl: no such file"),
    (["nowhere/"], 2, "Invalid value for 'PATH...': nowhere/: no such file or directory"),
])
def test_show_usage_errors(invoke, tmp_path, monkeypatch, args, code, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.json").write_text(json.dumps({"doc_id": "d", "text": TEXT}))
    paths = [] if args[0] == "nowhere/" else ["d.json"]
    result = invoke("show", *paths, *args, "-o", "p.html")
    assert result.exit_code == code
    assert message in " ".join(" ".join(line.strip("│ ") for line in result.stderr.splitlines()).split())
    assert not (tmp_path / "p.html").exists()


def test_show_cannot_write_leaves_nothing_and_exits_1(invoke, tmp_path):
    (tmp_path / "d.json").write_text(json.dumps({"doc_id": "d", "text": TEXT}))
    (tmp_path / "c.jsonl").write_text("")
    out = tmp_path / "no" / "p.html"
    result = invoke("show", str(tmp_path / "d.json"), "--claims", str(tmp_path / "c.jsonl"), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == f"error: {out}: cannot create a temporary file in {out.parent}: No such file or directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "d.json"]


def test_show_without_documents_is_fatal(invoke, tmp_path):
    (tmp_path / "empty.jsonl").write_text("\n")
    result = invoke("show", str(tmp_path / "empty.jsonl"), "-o", str(tmp_path / "p.html"))
    assert (result.exit_code, result.stderr) == (1, "error: no documents to show\n")


# --- in a real browser -------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Chromium offline: every host name resolves to nothing and the proxy is a closed port, the
#: browser's own background services are off, and each run has its own profile.
OFFLINE = ["--headless", "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND",
           "--proxy-server=http://127.0.0.1:9", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions"]


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        reason = "chromium is not installed (apt-get install chromium); the page is not checked in a browser"
        if in_ci():
            pytest.fail(reason + " (CI=true: .ci/run installs it)", pytrace=False)
        pytest.skip(reason)
    return CHROMIUM


def browse(chromium: str, page: Path, work: Path, *extra: str) -> tuple[str, list[str]]:
    """Open ``page`` in headless Chromium: its DOM as the browser serialises it, and the URLs of
    the network requests the page made (from Chromium's net log)."""
    netlog = work / f"net-{len(list(work.glob('net-*')))}.json"
    result = subprocess.run(
        [chromium, *OFFLINE, f"--user-data-dir={work / 'profile'}", f"--log-net-log={netlog}", *extra,
         page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    log = json.loads(netlog.read_text())
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    requests = [
        e["params"]["url"] for e in log["events"]
        if names.get(e["type"]) == "URL_REQUEST_START_JOB"
        and str(e["params"].get("network_isolation_key", "")).startswith("file://")  # made by the page
    ]
    return result.stdout, requests


def png_pixels(path: Path, rows: int) -> tuple[int, int, set[bytes]]:
    """Width, height and the distinct colours of the first ``rows`` rows of an 8-bit RGB(A) PNG
    (standard library only: the scanlines are unfiltered here)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert (depth, interlace) == (8, 0) and colour in (2, 6), header
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    previous = bytearray(stride)
    colours: set[bytes] = set()
    for y in range(min(rows, height)):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[x:x + bpp]) for x in range(0, stride, bpp))
        previous = line
    return width, height, colours


def test_the_page_in_a_real_browser(chromium, tmp_path):
    seed = Document.model_validate_json(next(SEEDS.glob("*.json")).read_text())
    claims = [SourcedClaim(Claim.model_validate_json(line), "seed") for line in SEED_CLAIMS.read_text().splitlines()]
    evil_text = 'Iran sent <script>document.title="owned"</script> 200 drones & "shells" to Russia.'
    evil = Document(doc_id="evil", text=evil_text, title="<script>alert(1)</script>")
    # "Iran" 0-4, "200 drones" 50-60, "drones" 54-60, "Russia" 75-81: two claims crossing each other
    claims += [SourcedClaim(claim("evil", evil_text, 0, 72, actors=[(0, 4, {})], quantities=[(50, 60, {})],
                                  munitions=[(54, 60, {})]), "x"),
               SourcedClaim(claim("evil", evil_text, 50, 82, actors=[(75, 81, {"role": "recipient"})]), "x")]
    articles, skipped = pair_claims([seed, evil], claims)
    assert skipped == []
    page = tmp_path / "page.html"
    page.write_text(render_page(articles), encoding="utf-8")
    ours = Page(page.read_text(encoding="utf-8"))

    dom, requests = browse(chromium, page, tmp_path, "--dump-dom")
    assert requests == []
    parsed = Page(dom)
    # the browser built the same marks, each holding the same text, and ran no script
    assert parsed.marked == ours.marked and len(parsed.marked) > 40
    assert [t for t, _ in parsed.elements].count("script") == 0
    assert "<title>Claims and their evidence</title>" in dom
    assert parsed.marked["d2-c1"] == evil_text[:72]

    shot = tmp_path / "page.png"
    _, requests = browse(chromium, page, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000")
    assert requests == []
    width, height, colours = png_pixels(shot, rows=220)
    assert (width, height) == (1280, 2000)
    assert len(colours) > 50, f"the top of the screenshot has {len(colours)} colours: blank?"


def test_the_network_check_sees_a_page_that_fetches(chromium, tmp_path):
    """The check above can fail: a page with an external image is caught making a request."""
    page = tmp_path / "fetching.html"
    page.write_text('<!DOCTYPE html><p>x</p><img src="http://example.com/x.png">')
    _, requests = browse(chromium, page, tmp_path, "--dump-dom")
    assert requests == ["http://example.com/x.png"]


def test_the_documented_commands_and_warning(invoke, tmp_path, monkeypatch):
    doc = (ROOT / "docs" / "show.md").read_text(encoding="utf-8")
    commands = [line for block in re.findall(r"```bash\n(.*?)\n```", doc, re.S) for line in block.splitlines()]
    assert commands[:3] == [
        "extractor show seeds/ -o page.html",
        "extractor extract seeds/ -o claims.jsonl",
        "extractor show seeds/ --claims claims.jsonl -o page.html",
    ]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").symlink_to(SEEDS)
    for command in commands[:3]:
        result = invoke(*command.split()[1:])
        assert result.exit_code == 0, (command, result.stderr)
        if command.startswith("extractor show"):
            page = Page((tmp_path / "page.html").read_text(encoding="utf-8"))
            assert len(page.with_attr("data-claim")) == 10
    # a claim whose words changed since it was written: the warning the page documents
    lines = SEED_CLAIMS.read_text(encoding="utf-8").splitlines()
    changed = json.loads(lines[2])
    changed["actors"][0]["text"] = "Moskva"
    lines[2] = json.dumps(changed)
    Path("claims.jsonl").write_text("\n".join(lines) + "\n")
    result = invoke("show", "seeds/", "--claims", "claims.jsonl", "-o", "page.html", "-q")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] in doc.splitlines()


def test_the_same_input_gives_the_same_bytes_in_other_processes(tmp_path):
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"page-{seed}.html"
        subprocess.run(
            [sys.executable, "-m", "extractor", "show", str(SEEDS), "--claims", str(SEED_CLAIMS), "-o", str(out), "-q"],
            check=True, env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True,
        )
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]

"""Input readers: every record read is a document or a reject naming its source and line."""

from __future__ import annotations

import gzip
import io
import json
import logging
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.io.readers import (
    InputPathError,
    ReadOptions,
    document_record,
    expand_inputs,
    find_dateline,
    looks_binary,
    read_inputs,
    read_jsonl_stream,
)

DATA = Path(__file__).parent / "data" / "inputs"


def records(data: bytes, **options):
    return list(read_jsonl_stream(io.BytesIO(data), "in.jsonl", ReadOptions(**options)))


def test_directory_is_read_recursively_in_sorted_order_skipping_hidden_and_other_files():
    found = [(r.source, r.line, r.document.doc_id) for r in read_inputs([str(DATA)])]
    assert found == [
        (f"{DATA}/article.html", None, "article.html"),
        (f"{DATA}/feed.jsonl", 1, "feed-1"),
        (f"{DATA}/feed.jsonl", 2, "feed-2"),
        (f"{DATA}/seed.json", None, "seed-nk-shipments-2024-08-28"),
        (f"{DATA}/sub/dateline.txt", None, "sub/dateline.txt"),
    ]


def test_txt_doc_id_is_relative_to_the_argument_and_dateline_gives_published():
    (rec,) = read_inputs([str(DATA / "sub" / "dateline.txt")])
    assert rec.document.doc_id == "dateline.txt"
    assert rec.document.published == "2024-08-28"
    assert rec.document.text == (DATA / "sub" / "dateline.txt").read_text()


def test_txt_without_dateline_takes_published_option_and_keeps_text_as_given(tmp_path):
    raw = "Line one\r\nTabs\there, a NUL \x00 and &amp; \u201csmart\u201d quotes\r\n"
    (tmp_path / "a.txt").write_bytes(raw.encode())
    (rec,) = read_inputs([str(tmp_path)], ReadOptions(published="2024-05-01"))
    assert rec.document.text == raw
    assert rec.document.published == "2024-05-01"


def test_html_file_gives_article_text_title_and_date():
    (rec,) = read_inputs([str(DATA / "article.html")])
    doc = rec.document
    assert rec.from_html
    assert (doc.doc_id, doc.title, doc.published, doc.source_name) == (
        "article.html", "Germany to send more Patriot launchers to Ukraine", "2025-08-01", "Example Wire",
    )
    assert "BERLIN \u2014 Germany will send two more Patriot launchers" in doc.text
    assert "&mdash;" not in doc.text and "Home" not in doc.text


def test_json_document_with_html_field_is_extracted_and_given_fields_win():
    html = (DATA / "article.html").read_text()
    rec = document_record({"doc_id": "x", "html": html, "title": "Given"}, "s", 3, ReadOptions())
    assert rec.from_html and rec.document.title == "Given" and rec.document.published == "2025-08-01"
    assert rec.document.text.startswith("Germany to send more Patriot launchers")


def test_stdin_dash_reads_json_lines():
    stdin = io.BytesIO(b'{"doc_id": "s1", "text": "Some text."}\n')
    (rec,) = read_inputs(["-"], stdin=stdin)
    assert (rec.source, rec.line, rec.document.doc_id) == ("<stdin>", 1, "s1")


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("missing.json", "missing.json: no such file or directory"),
        (str(DATA / "notes.md"), f"{DATA}/notes.md: unsupported input type '.md'; expected .json, .jsonl, "
                                 ".ndjson, .txt, .html, .htm, .json.gz, .jsonl.gz, .ndjson.gz, a directory or -"),
    ],
)
def test_unusable_arguments_are_usage_errors(argument, message):
    with pytest.raises(InputPathError) as err:
        expand_inputs([argument])
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("line", "kind", "reason"),
    [
        (b"{bad", "invalid_json", "invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
        (b'{"doc_id": "a", "text": "x"', "invalid_json", "invalid JSON: Expecting ',' delimiter (column 28)"),
        (b'{"doc_id": "a"}', "no_text", "invalid document: text: Field required"),
        (b'{"doc_id": "a", "text": " \\n "}', "no_text", "invalid document: text: text is empty"),
        (b'{"doc_id": "a", "text": null}', "no_text", "invalid document: text: Input should be a valid string"),
        (b'{"text": "x"}', "invalid_document", "invalid document: doc_id: Field required"),
        (b'{"doc_id": "a", "text": "x", "published": "last week"}', "invalid_document",
         "invalid document: published: published 'last week' is not an ISO date (YYYY-MM-DD)"),
        (b"[1, 2]", "invalid_document", "expected a JSON object, got array"),
        (b'"text"', "invalid_document", "expected a JSON object, got string"),
        (b'{"doc_id": "a", "text": "caf\xe9"}', "not_utf8", "not UTF-8: invalid byte 0xe9 at column 29"),
        (b'{"doc_id": "a", "text": "abcdefghijk"}', "too_long", "text has 11 characters, over --max-chars 10"),
        (b'{"doc_id": "a", "html": "<html></html>"}', "no_text", "no article text found in the HTML"),
        (b'{"doc_id": "a", "html": 5}', "invalid_document", "html: expected a string, got number"),
        (b'{"doc_id": "a", "text": "ab\\ud800"}', "invalid_document",
         "text: unpaired surrogate \\ud800 at character 3 is not valid Unicode"),
    ],
)
def test_bad_jsonl_lines_are_rejected_with_line_and_reason(line, kind, reason):
    data = b'{"doc_id": "ok", "text": "fine"}\n\n' + line + b"\n"
    first, bad = records(data, max_chars=10)
    assert first.document.doc_id == "ok"
    reject = bad.reject
    assert (reject.source, reject.line, reject.kind, reject.reason) == ("in.jsonl", 3, kind, reason)
    assert reject.to_dict()["line"] == 3


def test_reject_message_names_file_line_and_doc_id():
    (rec,) = records(b'{"doc_id": "a"}\n')
    assert rec.reject.message() == "in.jsonl:1 (doc_id 'a'): invalid document: text: Field required"


@pytest.mark.parametrize(
    ("name", "content", "kind", "reason", "line"),
    [
        ("bin.txt", bytes(range(256)) * 4, "binary", "binary file, not text", None),
        ("bin.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary", "binary file, not JSON Lines", None),
        ("utf16.txt", "Russia sent tanks.".encode("utf-16"), "binary", "binary file, not text", None),
        ("latin1.txt", "Line one\nCaf\xe9 Kyiv".encode("latin-1"), "not_utf8", "not UTF-8: invalid byte 0xe9", 2),
        ("empty.txt", b"  \n", "no_text", "invalid document: text: text is empty", None),
        ("doc.json", b'{"doc_id": "a",\n "text": }', "invalid_json", "invalid JSON: Expecting value (column 10)", 2),
        ("long.txt", b"x" * 40_001, "too_long", "file is over --max-chars (10000 characters)", None),
    ],
)
def test_bad_files_give_one_reject_each(tmp_path, name, content, kind, reason, line):
    (tmp_path / name).write_bytes(content)
    (rec,) = read_inputs([str(tmp_path / name)], ReadOptions(max_chars=10_000))
    assert (rec.reject.kind, rec.reject.reason, rec.reject.line) == (kind, reason, line)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28 August 2024 06:46\nNorth Korea has sent...", "2024-08-28"),
        ("By Jane Doe\nPublished: Aug. 28, 2024\nBody.", "2024-08-28"),
        ("KYIV, 3rd March 2023 (Wire) -\nBody.", "2023-03-03"),
        ("Updated 2025-01-31T10:00Z\nBody.", "2025-01-31"),
        ("No date here.\nNone at all.", None),
        ("31 February 2024\nBody.", None),
        ("In a long opening sentence that goes on and on about events, officials said on 12 March 2022 that "
         "shipments had started and would continue for many months to come.", None),
    ],
)
def test_find_dateline(text, expected):
    assert find_dateline(text) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"", False),
        (b"plain text\r\n\twith tabs", False),
        ("Text with a stray NUL \x00 inside, and \u201cquotes\u201d".encode(), False),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xfe", True),
        ("ascii as utf-16".encode("utf-16-le"), True),
        (bytes(range(32)) * 10, True),
    ],
)
def test_looks_binary(head, expected):
    assert looks_binary(head) is expected


_valid = st.builds(
    lambda i, text: json.dumps({"doc_id": f"d{i}", "text": text}).encode(),
    st.integers(0, 10**6),
    st.text(min_size=1).filter(lambda t: t.strip()),
)
_broken = st.one_of(
    st.binary(max_size=80),
    _valid.map(lambda b: b[: len(b) // 2]),
    st.text(max_size=40).map(str.encode),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), _valid, _broken), max_size=12))
def test_fuzz_jsonl_reader_never_raises_and_accounts_for_every_line(lines):
    raw = [valid if keep else broken.replace(b"\n", b" ") for keep, valid, broken in lines]
    got = list(read_jsonl_stream(io.BytesIO(b"\n".join(raw)), "fuzz.jsonl", ReadOptions()))
    expected_lines = [n for n, line in enumerate(raw, 1) if line.strip() and not (n == 1 and line == b"\xef\xbb\xbf")]
    assert [r.line for r in got] == expected_lines
    for rec in got:
        assert (rec.document is None) != (rec.reject is None)
        if rec.reject is not None:
            assert "\n" not in rec.reject.reason and rec.reject.source == "fuzz.jsonl"
    for n, (keep, valid, _) in enumerate(lines, 1):
        if keep:
            (rec,) = [r for r in got if r.line == n]
            assert rec.document.doc_id == json.loads(valid)["doc_id"]


def test_unreadable_file_in_a_directory_is_rejected(tmp_path):
    (tmp_path / "gone.json").symlink_to(tmp_path / "missing-target.json")
    (rec,) = read_inputs([str(tmp_path)])
    assert (rec.reject.kind, rec.reject.reason) == ("unreadable", "cannot read file: No such file or directory")


# -- gzip-compressed inputs ----------------------------------------------------------------------

FEED = (DATA / "feed.jsonl").read_bytes()
SEED = (DATA / "seed.json").read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "plain_name"),
    [("feed.jsonl.gz", FEED, "feed.jsonl"), ("feed.NDJSON.GZ", FEED, "feed.jsonl"), ("seed.json.gz", SEED, "seed.json")],
)
def test_gzip_compressed_json_and_json_lines_read_like_the_plain_files(tmp_path, name, content, plain_name):
    (tmp_path / name).write_bytes(gzip.compress(content))
    got = [(r.line, r.document) for r in read_inputs([str(tmp_path)])]
    plain = [(r.line, r.document) for r in read_inputs([str(DATA / plain_name)])]
    assert got == plain and got


@pytest.mark.parametrize(
    ("content", "kind", "reason"),
    [
        (b"plain, not gzip", "unreadable", "cannot decompress: Not a gzipped file (b'pl')"),
        (gzip.compress(bytes(range(256)) * 4), "binary", "binary file, not JSON Lines"),
    ],
)
def test_a_gzip_file_that_is_not_one_is_rejected(tmp_path, content, kind, reason):
    (tmp_path / "feed.jsonl.gz").write_bytes(content)
    (rec,) = read_inputs([str(tmp_path / "feed.jsonl.gz")])
    assert (rec.reject.kind, rec.reject.reason, rec.reject.line) == (kind, reason, None)


def test_a_truncated_gzip_feed_keeps_the_lines_before_the_damage_and_says_where_it_stopped(tmp_path):
    lines = b"".join(json.dumps({"doc_id": f"d{i}", "text": f"Text {i} " * 20}).encode() + b"\n" for i in range(5000))
    (tmp_path / "feed.jsonl.gz").write_bytes(gzip.compress(lines)[:-5000])
    *docs, last = read_inputs([str(tmp_path / "feed.jsonl.gz")])
    assert [r.document.doc_id for r in docs] == [f"d{i}" for i in range(len(docs))] and len(docs) > 100
    assert (last.reject.kind, last.reject.reason) == (
        "unreadable",
        f"cannot decompress after line {len(docs)}: Compressed file ended before the end-of-stream marker was reached",
    )


def test_gzip_json_over_max_chars_is_rejected_without_decompressing_it_all(tmp_path):
    doc = json.dumps({"doc_id": "big", "text": "x" * 2_000_000}).encode()  # 2 kB compressed
    (tmp_path / "big.json.gz").write_bytes(gzip.compress(doc))
    (rec,) = read_inputs([str(tmp_path)], ReadOptions(max_chars=10))
    assert (rec.reject.kind, rec.reject.reason) == ("too_long", "file is over --max-chars (10 characters)")


# -- files extractor wrote are not documents ------------------------------------------------------

CLAIM_LINE = (Path(__file__).parent / "golden" / "seed_claims.jsonl").read_bytes().splitlines(keepends=True)[0]
REJECT_LINE = b'{"source": "a.jsonl", "line": 3, "doc_id": null, "kind": "invalid_json", "reason": "invalid JSON"}\n'
STATS = b'{\n  "documents_read": 16,\n  "status": "ok"\n}\n'
MANIFEST = b'{"settings": {}, "partitions": []}'


def _sqlite_file(path: Path) -> bytes:
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("claims.jsonl", CLAIM_LINE * 3,
         "extractor output (its first line is an extractor claim (it has claim_id and schema_version))"),
        ("old/claims.jsonl.gz", gzip.compress(b"\n" + CLAIM_LINE),
         "extractor output (its first line is an extractor claim (it has claim_id and schema_version))"),
        ("part-00000.rejects.jsonl", REJECT_LINE,
         "extractor output (its first line is an extractor reject (source, line, doc_id, kind, reason))"),
        ("stats.json", STATS, "an extractor run summary (--stats)"),
        ("out/manifest.json", MANIFEST, "an extractor Dask manifest"),
        ("state.json", None, "a SQLite database (an extractor --state file)"),
    ],
)
def test_files_extractor_wrote_are_skipped_with_a_warning(tmp_path, caplog, name, content, what):
    (tmp_path / name).parent.mkdir(exist_ok=True)
    if content is None:
        content = _sqlite_file(tmp_path / "x.db")
        (tmp_path / "x.db").unlink()
    (tmp_path / name).write_bytes(content)
    (tmp_path / "zz.jsonl").write_bytes(FEED)
    with caplog.at_level(logging.WARNING, logger="extractor"):
        got = [r.document.doc_id for r in read_inputs([str(tmp_path)])]
    assert got == ["feed-1", "feed-2"]
    assert [r.getMessage() for r in caplog.records] == [f"skipping {tmp_path}/{name}: {what}, not documents"]


def test_a_line_that_only_starts_like_a_sqlite_file_is_read_and_rejected(tmp_path):
    # the magic string alone is no database: the file is read, its line rejected as any other
    (tmp_path / "in.jsonl").write_bytes(b"SQLite format 3\x00\n" + FEED)
    got = list(read_inputs([str(tmp_path / "in.jsonl")]))
    assert [r.document.doc_id for r in got if r.document] == ["feed-1", "feed-2"]
    assert [(r.reject.kind, r.reject.line) for r in got if r.reject] == [("invalid_json", 1)]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (CLAIM_LINE, "an extractor claim (it has claim_id and schema_version), not a document"),
        (REJECT_LINE, "an extractor reject (source, line, doc_id, kind, reason), not a document"),
    ],
)
def test_a_claim_or_reject_line_among_documents_is_rejected_as_not_a_document(line, reason):
    first, bad = records(FEED.splitlines(keepends=True)[0] + line)
    assert first.document.doc_id == "feed-1"
    assert (bad.reject.kind, bad.reject.line, bad.reject.reason) == ("not_a_document", 2, reason)


NOTHING = (
    "no documents to read in {where}: inputs are .json, .jsonl, .ndjson, .txt, .html, .htm, .json.gz, "
    ".jsonl.gz, .ndjson.gz files, directories of them, or - for JSON Lines on standard input"
)


@pytest.mark.parametrize(
    "files",
    [
        {},
        {"notes.md": b"# notes", "article.txt.gz": gzip.compress(b"Russia sent tanks."), ".hidden.json": SEED},
        {"claims.jsonl": CLAIM_LINE, "stats.json": STATS},
    ],
)
def test_inputs_without_any_document_file_are_a_usage_error_naming_the_extensions(tmp_path, files):
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    with pytest.raises(InputPathError) as err:
        expand_inputs([str(tmp_path)])
    assert str(err.value) == NOTHING.format(where=tmp_path)


def test_an_empty_feed_file_is_read_not_an_error(tmp_path):
    (tmp_path / "today.jsonl").write_bytes(b"")
    assert list(read_inputs([str(tmp_path)])) == []

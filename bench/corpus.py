"""Deterministic benchmark corpus: news-length documents recombined from a sentence bank.

The bank is built at run time, never stored in the repository:

* the sentences of the project's sample articles (``seeds/*.json``);
* the sentences of the annotated dev articles (``../shared/eval/dev/docs/*.json``) when that
  folder exists (the corpus is still built, from the seeds and templates only, when it does not);
* a few dozen sentence templates below, written in the style of arms-transfer news.

Each document is a dateline plus paragraphs of 1–4 sentences drawn with a fixed seed; in every
sentence the states, capitals, numbers, years, months and weekdays are swapped for others drawn
from the same seeded generator, and templates are filled with varied people, units and
munitions. A document has between ``min_words`` and ``max_words`` whitespace-separated words.

    python bench/corpus.py --docs 1000 -o bench/out/corpus.jsonl

writes ``{"doc_id", "text", "published"}`` lines, the input format of ``extractor extract``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED_DIR = REPO / "seeds"
DEV_DIR = REPO.parent / "shared" / "eval" / "dev" / "docs"

STATES = (
    "Russia", "Ukraine", "North Korea", "South Korea", "Iran", "China", "the United States",
    "Germany", "France", "Poland", "the United Kingdom", "Sweden", "Norway", "Slovakia",
    "the Czech Republic", "Turkey", "Israel", "Japan", "Pakistan", "India", "Belarus", "Serbia",
    "Finland", "Denmark", "the Netherlands", "Italy", "Spain", "Canada", "Australia", "Brazil",
)
CAPITALS = (
    "Moscow", "Kyiv", "Pyongyang", "Seoul", "Tehran", "Beijing", "Washington", "Berlin", "Paris",
    "Warsaw", "London", "Stockholm", "Oslo", "Bratislava", "Prague", "Ankara", "Tokyo",
    "Islamabad", "Minsk", "Belgrade", "Helsinki", "Copenhagen", "Rome", "Madrid", "Ottawa",
)
DATELINE_CITIES = CAPITALS + ("Brussels", "Geneva", "Dubai", "Vienna", "Riga", "Vilnius")
#: Names and name-like words of the source sentences that are swapped for random ones.
SWAP_STATES = tuple(s.removeprefix("the ") for s in STATES) + ("Kremlin", "Pentagon")
PEOPLE = (
    "Anna Kowalska", "Lee Min-jun", "Pavel Novak", "Maria Jensen", "Olena Shevchenko",
    "Ahmed Rahimi", "John Carter", "Sophie Laurent", "Kenji Sato", "Lars Eriksson",
    "Ivan Petrov", "Fatima Khan", "David Cohen", "Elena Rossi", "Miguel Santos", "Park Ji-hoon",
    "Thomas Weber", "Ingrid Solberg", "Marek Horvat", "Aylin Demir", "Peter Olsen",
    "Claire Dubois", "Jan de Vries", "Hiroshi Tanaka", "Nadia Bondarenko", "Omar Haddad",
)
TITLES = (
    "Defence Minister", "Foreign Minister", "President", "Prime Minister", "army spokesperson",
    "Deputy", "intelligence chief", "military analyst", "General", "senior official",
)
SOURCES = (
    "Reuters", "the Associated Press", "Yonhap", "the defence ministry", "a parliamentary report",
    "state media", "the Institute for the Study of War", "satellite imagery analysts",
    "a government statement", "the Kiel Institute", "Oryx", "local media",
)
MUNITIONS = (
    "152mm artillery shells", "155mm artillery shells", "122mm rockets", "Shahed-136 drones",
    "KN-23 ballistic missiles", "anti-tank missiles", "Patriot interceptors", "Leopard 2 tanks",
    "armoured personnel carriers", "HIMARS launchers", "cruise missiles", "air defence missiles",
    "rounds of small-arms ammunition", "self-propelled howitzers", "attack drones", "landmines",
    "glide bombs", "MiG-29 fighter jets", "mortar rounds", "assault rifles",
)
VERBS = (
    "sent", "supplied", "delivered", "shipped", "transferred", "handed over", "pledged",
    "promised", "sold", "provided",
)
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
QUALIFIERS = ("about", "around", "more than", "at least", "up to", "nearly", "an estimated", "")

#: Sentence templates in the register of the corpus; ``{slot}`` names a generator below.
TEMPLATES = (
    "{state} has {verb} {num} {munition} to {state2} since {month} {year}, {source} reported on {weekday}.",
    "{title} {person} said on {weekday} that {state} had {verb} {qual} {num} {munition} to {state2}.",
    "According to {source}, {state} could have {verb} as many as {num} {munition} to {state2} by the end of {year}.",
    "{state} denied on {weekday} that it had {verb} any {munition} to {state2}.",
    "{capital} is believed to have received {qual} {num} {munition} from {state} in {month}.",
    "The package, worth ${money} million, includes {num} {munition} and spare parts, {title} {person} told reporters.",
    "{state2} fired {num} {munition} at targets near the front line overnight, the army said.",
    "{state} and {state2} signed an agreement in {capital} on {weekday} to produce {num} {munition} a year.",
    "Analysts estimate that {state} holds a stockpile of {qual} {num} {munition}.",
    "{source} said that {num} rail cars carrying {munition} left the port in {month} {year}.",
    "{title} {person} did not confirm whether the {munition} had already arrived in {capital}.",
    "It was not immediately clear how many {munition} had been delivered, {source} said.",
    "{state} plans to manufacture {num} {munition} by {year}, up from {num2} last year.",
    "Officials in {capital} said on {weekday} the first batch of {munition} would arrive within weeks.",
    "The shipments reportedly began in {month} {year} and have continued since, {source} added.",
    "{person}, a {title} in {capital}, said the figures could not be independently verified.",
    "{state2} has asked its allies for {num} more {munition} before winter.",
    "{state} approved the transfer of {num} {munition} to {state2} on {day} {month} {year}.",
    "Factories in {state} are running three shifts to meet the order for {num} {munition}, {source} reported.",
    "The {munition} were transported by ship to a port near {capital}, {source} said on {weekday}.",
    "{title} {person} warned that any transfer of {munition} to {state2} would cross a red line.",
    "The ministry gave no details about the {munition} but said deliveries would be completed in {year}.",
    "Between {num2} and {num} {munition} are thought to have been supplied in the past {small} months.",
    "{state} reportedly used {munition} supplied by {state2} in attacks on {capital} in {month}.",
)

_SENT_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[A-Z\"“‘])|\n+")
_DATELINE = re.compile(r"^[A-ZÀ-Ý .'-]{3,} — ")
_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+(?:\.\d+)?\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTH = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b")
_WEEKDAY = re.compile(r"\b(?:" + "|".join(WEEKDAYS) + r")\b")
_STATE = re.compile(r"\b(?:[Tt]he )?(?:" + "|".join(re.escape(s) for s in SWAP_STATES) + r")\b")
_CAPITAL = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in CAPITALS) + r")\b")


@dataclass(frozen=True)
class Bank:
    """The sentences a corpus is recombined from, and where they came from."""

    sentences: tuple[str, ...]
    sources: tuple[str, ...]


def split_sentences(text: str) -> list[str]:
    """Split article text into sentences with a punctuation rule (no model: fast, stable)."""
    out = []
    for part in _SENT_END.split(text):
        part = _DATELINE.sub("", part.strip())
        if 6 <= len(part.split()) <= 60 and part[-1:] in ".!?\"”":
            out.append(part)
    return out


def load_bank(seed_dir: Path = SEED_DIR, dev_dir: Path | None = DEV_DIR) -> Bank:
    """Collect the sentence bank from the seed and (if present) the dev articles."""
    sentences: list[str] = []
    sources: list[str] = []
    for folder in (seed_dir, dev_dir):
        if folder is None or not folder.is_dir():
            continue
        files = sorted(folder.glob("*.json"))
        for path in files:
            article = json.loads(path.read_text(encoding="utf-8"))
            sentences.extend(split_sentences(article.get("text", "")))
        if files:
            sources.append(f"{folder.name}:{len(files)} articles")
    return Bank(tuple(dict.fromkeys(sentences)), tuple(sources))


def _vary_number(match: re.Match, rng: random.Random) -> str:
    """Replace a number with another of about the same magnitude and the same formatting."""
    raw = match.group(0)
    if "." in raw:
        return f"{rng.uniform(0.5, 9.9):.1f}"
    value = int(raw.replace(",", ""))
    if 1900 <= value <= 2100 and "," not in raw:
        return str(rng.randint(2014, 2025))
    new = max(1, int(value * rng.uniform(0.3, 3.0)))
    return f"{new:,}" if "," in raw else str(new)


def _swap_state(match: re.Match, rng: random.Random) -> str:
    """Replace a state (with its article, if any) by another, keeping a sentence-initial capital."""
    new = rng.choice(STATES)
    initial = match.start() == 0 or match.group(0).startswith("The ")
    return new[0].upper() + new[1:] if initial else new


def vary(sentence: str, rng: random.Random) -> str:
    """Swap states, capitals, years, months, weekdays and numbers of a bank sentence."""
    sentence = _STATE.sub(lambda m: _swap_state(m, rng), sentence)
    sentence = _CAPITAL.sub(lambda m: rng.choice(CAPITALS), sentence)
    sentence = _MONTH.sub(lambda m: rng.choice(MONTHS), sentence)
    sentence = _WEEKDAY.sub(lambda m: rng.choice(WEEKDAYS), sentence)
    return _NUMBER.sub(lambda m: _vary_number(m, rng), sentence)


def fill(template: str, rng: random.Random) -> str:
    """Fill a template's slots from the name lists."""
    state, state2 = rng.sample(STATES, 2)
    slots = {
        "state": state,
        "state2": state2,
        "capital": rng.choice(CAPITALS),
        "person": rng.choice(PEOPLE),
        "title": rng.choice(TITLES),
        "source": rng.choice(SOURCES),
        "munition": rng.choice(MUNITIONS),
        "verb": rng.choice(VERBS),
        "qual": rng.choice(QUALIFIERS),
        "num": f"{rng.choice((rng.randint(2, 99), rng.randint(100, 9999), rng.randint(10, 900) * 1000)):,}",
        "num2": f"{rng.randint(2, 5000):,}",
        "money": str(rng.randint(50, 2500)),
        "month": rng.choice(MONTHS),
        "weekday": rng.choice(WEEKDAYS),
        "year": str(rng.randint(2014, 2025)),
        "day": str(rng.randint(1, 28)),
        "small": str(rng.randint(2, 18)),
    }
    text = template.format(**slots).replace("  ", " ")
    return text[0].upper() + text[1:]


def build_docs(
    n_docs: int,
    *,
    seed: int = 20261129,
    bank: Bank | None = None,
    min_words: int = 300,
    max_words: int = 600,
) -> Iterator[dict]:
    """Yield ``n_docs`` documents ``{"doc_id", "text", "published"}``, the same for the same
    arguments and bank."""
    bank = bank if bank is not None else load_bank()
    rng = random.Random(seed)
    for i in range(n_docs):
        target = rng.randint(min_words, max_words)
        year = rng.randint(2022, 2025)
        published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        dateline = f"{rng.choice(DATELINE_CITIES).upper()} — "
        paragraphs: list[str] = []
        words = len(dateline.split())
        while True:
            para: list[str] = []
            for _ in range(rng.randint(1, 4)):
                if bank.sentences and rng.random() < 0.7:
                    sentence = vary(rng.choice(bank.sentences), rng)
                else:
                    sentence = fill(rng.choice(TEMPLATES), rng)
                n = len(sentence.split())
                if words + n > max_words:
                    break
                para.append(sentence)
                words += n
            if para:
                paragraphs.append(" ".join(para))
            if words >= target or (not para and words >= min_words):
                break
        text = dateline + "\n".join(paragraphs)
        yield {"doc_id": f"bench-{i + 1:05d}", "text": text, "published": published}


# --- the mixed feed: mostly civilian news, some arms reporting -------------------------------

OFFTOPIC_FILE = REPO.parent / "shared" / "eval" / "offtopic" / "docs.jsonl"
#: Share of arms reporting in the mixed feed (the rest is civilian news).
ARMS_SHARE = 0.15
#: Share of civilian documents that are an off-topic item (``../shared/eval/offtopic``: news that
#: uses arms words in other senses: jets for airlines, rockets for space, police gun seizures),
#: padded to news length with civilian sentences; the others are made from the templates below.
OFFTOPIC_SHARE = 0.05
COMPANIES = (
    "Nordwind Foods", "Meridian Bank", "Solace Pharma", "Harbor Logistics", "Greenfield Energy",
    "Tessera Software", "Alpine Retail", "Bluewater Shipping", "Kestrel Motors", "Orchid Telecom",
)
TEAMS = (
    "Riverside United", "Northbridge City", "the Harbour Otters", "Valley Rovers", "Eastport Athletic",
    "the Lakeside Lions", "Westfield Wanderers", "Old Town FC",
)
#: Civilian sentence templates: business, sport, science, politics, weather.
CIVILIAN_TEMPLATES = (
    # business
    "{company} reported a {pct}% rise in quarterly revenue on {weekday}, beating analysts' forecasts.",
    "Shares of {company} fell {pct}% after the company cut its outlook for {year}.",
    "{company} said it would cut {num} jobs as part of a restructuring plan announced in {month}.",
    "The central bank of {state} kept its key interest rate at {pct}% on {weekday}, citing slowing inflation.",
    "Inflation in {state} eased to {pct}% in {month}, the statistics office said.",
    "{company} agreed to buy a smaller rival for ${money} million, subject to regulatory approval.",
    "Retail sales in {state} rose {pct}% in {month} from a year earlier, helped by strong demand for electronics.",
    "{company} opened a new distribution centre near {capital} that will employ {num} people.",
    "Oil prices slipped on {weekday} as traders weighed weaker demand against supply cuts.",
    "{title2} {person} told investors the company expects sales of about ${money} million next year.",
    # sport
    "{team} beat {team2} {score} on {weekday} to move top of the league table.",
    "{person} scored twice in the second half as {team} came from behind to win.",
    "{team} have signed midfielder {person} on a three-year contract, the club said on {weekday}.",
    "The coach of {team} said his players were tired after {num2} matches in {small} weeks.",
    "{person} won the women's 10,000 metres in a season's best time at the championships in {capital}.",
    "Tickets for the final in {capital} sold out within hours, organisers said.",
    "{team2} sacked their manager on {weekday} after a run of {small} games without a win.",
    # science and health
    "Researchers at a university in {capital} said a new battery design could store {pct}% more energy.",
    "The study, published in {month}, followed {num} patients for {small} years.",
    "Astronomers said the comet would be visible to the naked eye in late {month}.",
    "Health officials in {state} reported {num} new cases of measles in {month}.",
    "A team of biologists found {num2} previously unknown species of beetle in the rainforest.",
    "The new telescope captured images of a galaxy more than {num} light years away.",
    "Doctors said the trial showed the drug cut the risk of a second heart attack by {pct}%.",
    # politics
    "{state}'s parliament approved the budget for {year} by {num2} votes to {small}.",
    "{title2} {person} said on {weekday} the government would raise the minimum wage in {month}.",
    "Voters in {state} go to the polls on {weekday} in an election seen as a test for the ruling party.",
    "The opposition in {capital} called for an inquiry into the cost of the new railway line.",
    "{state} and {state2} signed a trade agreement in {capital} to cut tariffs on farm goods.",
    "The mayor of {capital} unveiled plans for {num} new homes and a bus lane along the river.",
    "Ministers from {state} and {state2} met in {capital} on {weekday} to discuss migration and energy prices.",
    # weather
    "Forecasters warned of heavy rain and winds of up to {small}0 km/h across the north on {weekday}.",
    "Temperatures in {capital} reached {small}{small} degrees Celsius, the highest for {month} since records began.",
    "Snow closed several roads near {capital} and delayed flights at the airport on {weekday}.",
    "The drought has cut the wheat harvest in {state} by {pct}%, farmers' groups said.",
    "Flooding forced {num} residents from their homes after the river burst its banks.",
)


def load_offtopic(path: Path = OFFTOPIC_FILE) -> tuple[str, ...]:
    """The texts of the off-topic items, or none when ``../shared`` is not there."""
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8") as fh:
        return tuple(json.loads(line)["text"] for line in fh if line.strip())


def fill_civilian(template: str, rng: random.Random) -> str:
    """A civilian sentence from ``template`` with seeded fillers."""
    slots = {
        "company": rng.choice(COMPANIES),
        "team": rng.choice(TEAMS),
        "team2": rng.choice(TEAMS),
        "person": rng.choice(PEOPLE),
        "title2": rng.choice(("Chief Executive", "Finance Minister", "Prime Minister", "President", "Governor")),
        "state": rng.choice(STATES).removeprefix("the "),
        "state2": rng.choice(STATES).removeprefix("the "),
        "capital": rng.choice(CAPITALS),
        "num": f"{rng.randint(2, 900) * 10:,}",
        "num2": str(rng.randint(3, 60)),
        "small": str(rng.randint(2, 9)),
        "pct": f"{rng.uniform(0.2, 9.9):.1f}",
        "money": str(rng.randint(5, 950)),
        "score": f"{rng.randint(1, 4)}-{rng.randint(0, 2)}",
        "month": rng.choice(MONTHS),
        "weekday": rng.choice(WEEKDAYS),
        "year": str(rng.randint(2022, 2026)),
    }
    return template.format(**slots)


def _civilian_text(rng: random.Random, offtopic: tuple[str, ...], min_words: int, max_words: int) -> str:
    target = rng.randint(min_words, max_words)
    paragraphs: list[str] = []
    words = 0
    if offtopic and rng.random() < OFFTOPIC_SHARE:
        item = rng.choice(offtopic)
        paragraphs.append(item)
        words = len(item.split())
    while words < target:
        para = []
        for _ in range(rng.randint(1, 4)):
            sentence = fill_civilian(rng.choice(CIVILIAN_TEMPLATES), rng)
            if words + len(sentence.split()) > max_words:
                break
            para.append(sentence)
            words += len(sentence.split())
        if not para:
            break
        paragraphs.append(" ".join(para))
    return "\n".join(paragraphs)


def build_feed(
    n_docs: int,
    *,
    seed: int = 20261206,
    bank: Bank | None = None,
    offtopic: tuple[str, ...] | None = None,
    min_words: int = 300,
    max_words: int = 600,
) -> Iterator[dict]:
    """The mixed feed: ``n_docs`` documents of which about :data:`ARMS_SHARE` are arms
    reporting (as :func:`build_docs` makes them) and the rest civilian news; deterministic for
    the same arguments. Civilian documents get ids ``feed-civ-N``, arms ones ``feed-arms-N``."""
    bank = bank if bank is not None else load_bank()
    offtopic = offtopic if offtopic is not None else load_offtopic()
    rng = random.Random(seed)
    arms = build_docs(n_docs, seed=seed + 1, bank=bank, min_words=min_words, max_words=max_words)
    for i in range(n_docs):
        published = f"{rng.randint(2022, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if rng.random() < ARMS_SHARE:
            doc = next(arms)
            yield {"doc_id": f"feed-arms-{i + 1:05d}", "text": doc["text"], "published": doc["published"]}
            continue
        dateline = f"{rng.choice(DATELINE_CITIES).upper()} — "
        head = len(dateline.split())
        text = dateline + _civilian_text(rng, offtopic, min_words - head, max_words - head)
        yield {"doc_id": f"feed-civ-{i + 1:05d}", "text": text, "published": published}


def write_corpus(path: Path, n_docs: int, *, seed: int = 20261129, bank: Bank | None = None,
                 kind: str = "arms") -> dict:
    """Write a corpus as JSON Lines; return its summary (docs, words, sha256, bank sources)."""
    bank = bank if bank is not None else load_bank()
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    words = 0
    with path.open("w", encoding="utf-8") as out:
        docs = build_docs(n_docs, seed=seed, bank=bank) if kind == "arms" else build_feed(n_docs, seed=seed, bank=bank)
        for doc in docs:
            line = json.dumps(doc, ensure_ascii=False) + "\n"
            out.write(line)
            digest.update(line.encode("utf-8"))
            words += len(doc["text"].split())
    return {
        "path": str(path),
        "kind": kind,
        "docs": n_docs,
        "words": words,
        "seed": seed,
        "sha256": digest.hexdigest(),
        "bank_sentences": len(bank.sentences),
        "bank_sources": list(bank.sources),
        "templates": len(TEMPLATES),
    }


def long_documents(article_chars: int, lines_chars: int, *, seed: int = 20261129,
                   bank: Bank | None = None) -> list[dict]:
    """Two long documents: ``long-article``, arms reporting of about ``article_chars``
    characters in paragraphs (the corpus's documents one after the other), and ``long-lines``,
    about ``lines_chars`` characters of one-character lines (the non-space characters of the
    same reporting, one a line)."""
    bank = bank if bank is not None else load_bank()
    parts: list[str] = []
    size = 0
    for doc in build_docs(10**9, seed=seed, bank=bank):
        parts.append(doc["text"])
        size += len(doc["text"]) + 2
        if size >= max(article_chars, lines_chars):
            break
    article = "\n\n".join(parts)
    chars = [ch for ch in article if not ch.isspace()]
    lines = "\n".join(chars[: max(1, lines_chars // 2)])
    published = "2024-08-28"
    return [{"doc_id": "long-article", "text": article[:article_chars], "published": published},
            {"doc_id": "long-lines", "text": lines, "published": published}]


def write_long(out_dir: Path, *, article_chars: int, lines_chars: int, seed: int = 20261129) -> list[dict]:
    """Write each of :func:`long_documents` as a one-line JSON Lines file; return their facts."""
    out = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for doc in long_documents(article_chars, lines_chars, seed=seed):
        path = out_dir / f"{doc['doc_id']}.jsonl"
        line = json.dumps(doc, ensure_ascii=False) + "\n"
        path.write_text(line, encoding="utf-8")
        out.append({"name": doc["doc_id"], "path": str(path), "docs": 1, "words": len(doc["text"].split()),
                    "chars": len(doc["text"]), "lines": doc["text"].count("\n") + 1,
                    "sha256": hashlib.sha256(line.encode("utf-8")).hexdigest()})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--kind", choices=("arms", "feed"), default="arms",
                        help="arms: arms reporting only; feed: the mixed feed (about 85%% civilian news)")
    parser.add_argument("-o", "--output", type=Path, default=REPO / "bench" / "out" / "corpus.jsonl")
    args = parser.parse_args()
    print(json.dumps(write_corpus(args.output, args.docs, seed=args.seed, kind=args.kind), indent=2))


if __name__ == "__main__":
    main()

"""Generate a synthetic benchmark corpus by varying sitrep's bundled demo corpus.

Every generated article starts from one demo article (the .txt and .html files listed in
``manifest.jsonl``, the lines of ``articles.jsonl`` and the items of ``feed.xml``) and is varied
deterministically from ``(seed, index)``:

* paragraphs are sampled (most are kept, the lede always) and topped up with paragraphs borrowed
  from other demo articles about the same incident, until a length drawn from a log-normal
  distribution (median ~3,500 characters, like a typical wire story) is reached;
* within a paragraph two adjacent sentences are sometimes swapped (never inside quotations);
* numbers are scaled by a per-article factor (casualty counts, displacement figures ...) while
  years, ordinals, times, percentages, ages and numbers below 5 are left alone;
* every date (``6 March``, ``March 9, 2025``, ``between 6 and 10 March``, ISO dates) is shifted by
  a whole number of weeks, so weekday references ("on Sunday") stay consistent;
* outlet names (in the text, the title and the metadata) are swapped for invented ones.

Scrape debris in the demo texts (glued words, captions, embedded posts, repeated paragraphs,
obfuscated words) is carried over, so the generated corpus exercises the same cleaning work.

Output: ``NNNNN_<topic>_<outlet>.txt`` files plus ``manifest.jsonl`` (path, url, outlet, title,
published, language). Every document has distinct content (distinct sha256). The output is
identical for the same ``--docs`` and ``--seed``.

    python bench/make_corpus.py --docs 300 --seed 1 --out bench/out/corpus
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent.parent / "src" / "sitrep" / "demo_corpus"

DEMO_OUTLETS = ["Levant Ledger", "Coastline Monitor", "Global Wire", "Sahel Dispatch",
                "Horn & Nile Review", "Snowline Courier", "Subcontinent Standard"]
# Invented outlet names used in generated articles (none matches a demo outlet or a real one
# on purpose).
OUTLETS = ["Harbour Gazette", "Crossroads Herald", "Riverbend Times", "Plateau Chronicle",
           "Frontier Observer", "Dune Wire", "Cedar Press", "Delta Bulletin",
           "Highland Courier", "Atlas Report", "Mosaic News", "Border Review", "Lantern Daily",
           "Compass Wire", "Caravan Journal", "Tidewater Post", "Summit Dispatch",
           "Orchard Tribune", "Saltmarsh Record", "Ridgeline News", "Monsoon Ledger",
           "Keystone Wire", "Quarry Street Journal", "Northgate Observer"]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
_M = "|".join(MONTHS)
_MONTH_NO = {m: i + 1 for i, m in enumerate(MONTHS)}

# One pass over the text; dates are matched before bare numbers so their digits are shifted,
# not scaled.
TOKEN = re.compile(
    r"(?P<iso>\b\d{4}-\d{2}-\d{2}\b)"
    rf"|(?P<dmy>\b(?P<d1>\d{{1,2}})(?:(?P<sep>\s*[–-]\s*|\s+and\s+|\s+to\s+)(?P<d2>\d{{1,2}}))?"
    rf"\s+(?P<m1>{_M})\b(?:(?P<ysep>,?\s+)(?P<y1>\d{{4}})\b)?)"
    rf"|(?P<mdy>\b(?P<m2>{_M})\s+(?P<d3>\d{{1,2}})\b(?:(?P<ysep2>,\s*)(?P<y2>\d{{4}})\b)?)"
    r"|(?P<num>(?<![\w.,:/@+#&-])(?:\d{1,3}(?:,\d{3})+|\d+)(?![\w%:-]|[.,]\d|\s*per\s?cent))"
)
SENTENCE_END = re.compile(r"[.!?][”\"’]?(\s+)(?=[A-Z])")
QUOTE_CHARS = set("\"“”")


@dataclass
class Base:
    """One demo article, split into paragraphs (lines)."""

    key: str
    topic: str
    outlet: str | None
    title: str
    published: date | None
    paras: list[str]
    extra: dict = field(default_factory=dict)


def _topic(*hints: str) -> str:
    s = " ".join(h for h in hints if h).lower()
    for topic, words in (("syria", ("syria", "alawite", "latakia", "sharaa")),
                         ("darfur", ("darfur", "sudan", "zamzam", "rsf", "fasher")),
                         ("kashmir", ("kashmir", "pahalgam", "india", "pakistan", "indus"))):
        if any(w in s for w in words):
            return topic
    return "other"


def _iso(value: str | None) -> date | None:
    if not value:
        return None
    return date.fromisoformat(value[:10])


def _html_paras(html: str) -> list[str]:
    """Paragraph-like blocks of an HTML page's article, as a scraper would flatten them."""
    import lxml.html

    root = lxml.html.fromstring(html)
    article = (root.xpath("//article") or root.xpath("//main") or root.xpath("//body") or [root])[0]
    out = []
    for el in article.iter("p", "h2", "h3", "figcaption", "li", "blockquote", "div"):
        if el.tag == "div" and "byline" not in (el.get("class") or ""):
            continue
        txt = re.sub(r"[ \t]+", " ", el.text_content()).strip()
        if txt:
            out.append(txt)
    return out


def _fragment_paras(fragment: str) -> list[str]:
    import lxml.html

    if "<" not in fragment:
        return [ln.strip() for ln in fragment.splitlines() if ln.strip()]
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    paras = [el.text_content().strip() for el in root.iter("p", "li", "blockquote")]
    return [p for p in paras if p] or [root.text_content().strip()]


def load_demo(demo_dir: Path = DEMO_DIR) -> list[Base]:
    """Every article of the demo corpus, in a stable order."""
    from lxml import etree

    bases: list[Base] = []
    for line in (demo_dir / "manifest.jsonl").read_text("utf-8").splitlines():
        if not line.strip():
            continue
        m = json.loads(line)
        path = demo_dir / m["path"]
        text = path.read_text("utf-8")
        paras = _html_paras(text) if path.suffix == ".html" else \
            [ln for ln in text.splitlines() if ln.strip()]
        bases.append(Base(m["path"], _topic(m["path"]), m.get("outlet"), m.get("title") or "",
                          _iso(m.get("published")), paras))
    for i, line in enumerate((demo_dir / "articles.jsonl").read_text("utf-8").splitlines()):
        if not line.strip():
            continue
        a = json.loads(line)
        bases.append(Base(f"articles.jsonl:{i + 1}", _topic(a.get("url"), a.get("title"), a["text"]),
                          a.get("outlet"), a.get("title") or "", _iso(a.get("published")),
                          [ln for ln in a["text"].splitlines() if ln.strip()]))
    tree = etree.parse(str(demo_dir / "feed.xml"))
    channel_title = tree.findtext("channel/title") or ""
    outlet = next((o for o in DEMO_OUTLETS if channel_title.startswith(o)), channel_title)
    ns = {"content": "http://purl.org/rss/1.0/modules/content/"}
    from email.utils import parsedate_to_datetime

    for i, item in enumerate(tree.findall("channel/item")):
        body = item.findtext("content:encoded", namespaces=ns) or item.findtext("description") or ""
        pub = item.findtext("pubDate")
        bases.append(Base(f"feed.xml#{i}", _topic(item.findtext("link"), item.findtext("title"), body),
                          outlet, item.findtext("title") or "",
                          parsedate_to_datetime(pub).date() if pub else None, _fragment_paras(body)))
    return bases


def _round_like(original: int, value: float) -> int:
    """Round ``value`` to the precision the original was written with, at least two significant
    digits (400 * 1.7 -> 680, 229 * 1.7 -> 389, 400,000 * 0.6 -> 240,000)."""
    s = str(original)
    sig = max(2, len(s.rstrip("0")))
    value = max(1.0, value)
    digits = int(math.floor(math.log10(value))) + 1
    q = 10 ** max(0, digits - sig)
    return max(1, int(round(value / q)) * q)


class Varier:
    """Applies one article's number scaling, date shift and outlet swap to any string."""

    def __init__(self, factor: float, shift_days: int, outlet: str, year: int):
        self.factor = factor
        self.shift = timedelta(days=shift_days)
        self.outlet = outlet
        self.year = year
        self.numbers: dict[int, int] = {}

    def _day(self, d: int, month: str, year: int | None) -> date | None:
        try:
            return date(year or self.year, _MONTH_NO[month], d) + self.shift
        except ValueError:
            return None

    def _sub(self, m: re.Match) -> str:
        g = m.group
        if g("iso"):
            try:
                return (date.fromisoformat(g("iso")) + self.shift).isoformat()
            except ValueError:
                return g("iso")
        if g("dmy"):
            year = int(g("y1")) if g("y1") else None
            a = self._day(int(g("d1")), g("m1"), year)
            if a is None:
                return g(0)
            yr = f"{g('ysep')}{a.year}" if year else ""
            if g("d2"):
                b = self._day(int(g("d2")), g("m1"), year)
                if b is None:
                    return g(0)
                if a.month == b.month:
                    return f"{a.day}{g('sep')}{b.day} {MONTHS[b.month - 1]}{yr}"
                return f"{a.day} {MONTHS[a.month - 1]}{g('sep')}{b.day} {MONTHS[b.month - 1]}{yr}"
            return f"{a.day} {MONTHS[a.month - 1]}{yr}"
        if g("mdy"):
            year = int(g("y2")) if g("y2") else None
            a = self._day(int(g("d3")), g("m2"), year)
            if a is None:
                return g(0)
            return f"{MONTHS[a.month - 1]} {a.day}" + (f"{g('ysep2')}{a.year}" if year else "")
        raw = g("num")
        n = int(raw.replace(",", ""))
        if n < 5 or raw.startswith("0") or ("," not in raw and len(raw) == 4 and 1900 <= n <= 2100):
            return raw
        if n not in self.numbers:
            self.numbers[n] = _round_like(n, n * self.factor)
        new = self.numbers[n]
        return f"{new:,}" if ("," in raw or new >= 1000) else str(new)

    def __call__(self, text: str) -> str:
        for name in DEMO_OUTLETS:
            text = text.replace(name, self.outlet)
        return TOKEN.sub(self._sub, text)


def _swap_sentences(para: str, rng: random.Random) -> str:
    """Swap one adjacent pair of sentences, leaving quotations alone."""
    cuts = [0]
    for m in SENTENCE_END.finditer(para):
        cuts.append(m.end(1))
    cuts.append(len(para))
    sents = [para[a:b].strip() for a, b in zip(cuts, cuts[1:])]
    sents = [s for s in sents if s]
    options = [i for i in range(len(sents) - 1)
               if not (QUOTE_CHARS & set(sents[i]) or QUOTE_CHARS & set(sents[i + 1]))]
    if not options:
        return para
    i = rng.choice(options)
    sents[i], sents[i + 1] = sents[i + 1], sents[i]
    return " ".join(sents)


def _slug(text: str, limit: int = 60) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")


def vary(base: Base, donors: list[str], rng: random.Random, span_weeks: int = 10
         ) -> tuple[str, dict]:
    """One varied article (text, metadata without path) from ``base``; its dates move by up to
    ``span_weeks`` whole weeks either way."""
    outlet = rng.choice(OUTLETS)
    varier = Varier(factor=rng.uniform(0.5, 2.5), shift_days=7 * rng.randint(-span_weeks, span_weeks),
                    outlet=outlet, year=(base.published or date(2025, 1, 1)).year)
    # Paragraph sampling: the lede always, the rest with probability 0.85 (at least 3 kept).
    paras = [base.paras[0]] + [p for p in base.paras[1:] if rng.random() < 0.85]
    if len(paras) < min(3, len(base.paras)):
        paras = list(base.paras)
    # Top up to a realistic article length with paragraphs about the same incident.
    target = min(12000, max(1200, int(rng.lognormvariate(math.log(3500), 0.45))))
    pool = [d for d in donors if d not in paras]
    rng.shuffle(pool)
    while pool and sum(len(p) + 1 for p in paras) < target:
        paras.insert(rng.randint(1, len(paras)), pool.pop())
    paras = [_swap_sentences(p, rng) if rng.random() < 0.25 else p for p in paras]
    text = varier("\n".join(paras)) + "\n"
    published = base.published + varier.shift if base.published else None
    title = varier(base.title)
    meta = {"url": None, "outlet": outlet, "title": title,
            "published": published.isoformat() if published else None, "language": "en"}
    return text, meta


def generate(n: int, out_dir: str | Path, seed: int = 1, demo_dir: Path = DEMO_DIR,
             clear: bool = True, span_days: int | None = None) -> dict:
    """Write ``n`` varied articles and ``manifest.jsonl`` into ``out_dir``; return corpus stats.
    ``span_days``: spread the articles' dates over about this many days (default: ±10 weeks
    around each base article's date, as the speed tables were measured)."""
    span_weeks = 10 if span_days is None else max(1, span_days // 14)
    out = Path(out_dir)
    if clear and out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    bases = load_demo(demo_dir)
    by_topic: dict[str, list[str]] = {}
    for b in bases:
        # Ledes ("NEW DELHI (Wire) - ...") only ever open an article, so they are not donors.
        by_topic.setdefault(b.topic, []).extend(b.paras[1:])
    seen: set[str] = set()
    manifest = []
    total_bytes = 0
    for i in range(n):
        base = bases[i % len(bases)]
        donors = [p for p in by_topic[base.topic] if p not in base.paras]
        rng = random.Random(f"sitrep-bench:{seed}:{i}")
        for _attempt in range(50):
            text, meta = vary(base, donors, rng, span_weeks)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if digest not in seen:
                break
        else:  # pragma: no cover - practically unreachable
            raise RuntimeError(f"could not make article {i} distinct")
        seen.add(digest)
        name = f"{i:05d}_{base.topic}_{_slug(meta['outlet'])}.txt"
        data = text.encode("utf-8")
        (out / name).write_bytes(data)
        total_bytes += len(data)
        day = meta["published"].replace("-", "/") if meta["published"] else "undated"
        meta["url"] = f"https://example.org/{_slug(meta['outlet'])}/{day}/{_slug(meta['title'])}-{i:05d}"
        manifest.append({"path": name, **meta, "source": base.key})
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as fh:
        for m in manifest:
            fh.write(json.dumps(m, ensure_ascii=False) + "\n")
    return {"docs": n, "seed": seed, "dir": str(out), "bytes": total_bytes,
            "bases": len(bases), "distinct_sha256": len(seen)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", "-n", type=int, default=300, help="number of articles (default 300)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", default="bench/out/corpus", help="output directory (replaced)")
    ap.add_argument("--span-days", type=int, default=None,
                    help="spread dates over about this many days (e.g. 730: two years; default "
                         "±10 weeks around each base article)")
    a = ap.parse_args(argv)
    stats = generate(a.docs, a.out, a.seed, span_days=a.span_days)
    print(f"wrote {stats['docs']} articles ({stats['bytes']:,} bytes) to {stats['dir']}")


if __name__ == "__main__":
    main()

"""The common words FreeDict lacks: which ones, and the tables written for them.

FreeDict's eng-fra (7,464 entries) misses many frequent words of both languages ("emergency",
"governor", "CEO", "épidémie", "urgence", "soutien"), and a missing word is a word an
English question cannot meet in a French article, or a faithful translation the verifier
cannot read. No larger English-French dictionary installs from this project's package
registries, so the frequent words it lacks were translated for this project:

1. ``python -m evals.make_common_words list DIR`` writes the words to translate: the 10,000
   most frequent words of each language in wordfreq (3.1.1), less stopwords, words under
   three letters or with other characters, and words the dictionary already translates.
   The selection knows no article: it is frequency alone.
2. Each list was translated word by word (one to three base-form senses, most common first;
   names, slang and interjections skipped) by the developers with language-model helpers,
   into ``DIR/out_en_*.tsv`` and ``DIR/out_fr_*.tsv``.
3. ``python -m evals.make_common_words merge DIR`` checks those files (a word of the list, a
   tab, translations of letters, spaces, hyphens and apostrophes) and writes
   ``rag/data/common_en_fr.tsv`` and ``rag/data/common_fr_en.tsv``.

FreeDict's order of senses is not frequency, and it often lacks a frequent word's everyday
sense ("people" gives "peuple, gens" but not "personnes"; "fait" gives "mature, adult, ripe";
"share" lacks "part"). So the most frequent words it does translate got their common senses
too, read before FreeDict's:

4. ``python -m evals.make_common_words senses-list DIR`` writes ``DIR/senses_en.tsv`` and
   ``DIR/senses_fr.tsv``: the 4,000 most frequent words of each language in wordfreq, less
   stopwords and malformed words, that the dictionary's other tables (FreeDict, then the
   words it lacks) translate, each with the senses they give (3,511 English and 3,600 French
   words).
5. Each word got one to three senses, the most common in news first, in base form, written
   by the developers with language-model helpers into ``DIR/out_senses_en_*.tsv`` and
   ``DIR/out_senses_fr_*.tsv``.
6. ``python -m evals.make_common_words senses-merge DIR`` checks them as in step 3 and writes
   ``rag/data/senses_en_fr.tsv`` and ``rag/data/senses_fr_en.tsv``.

All need ``pip install wordfreq`` (the ``data`` extra).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "rag" / "data"
TOP = 10_000  # most frequent words of each language looked at
SENSES_TOP = 4_000  # most frequent words whose common senses are written
MAX_SENSES = 3
_WORD = re.compile(r"[a-zà-ÿœæ-]{3,}")
_TRANSLATION = re.compile(r"[A-Za-zÀ-ÿœŒæÆ][A-Za-zÀ-ÿœŒæÆ' ’-]*")
HEADER = (
    "# {direction}: the frequent words FreeDict eng-fra lacks, translated for this project "
    "(evals/make_common_words.py: the {top} most frequent words of wordfreq {version} less "
    "stopwords and words already translated; one to three senses, most common first).\n"
)


def _keys(word: str, lang: str) -> set[str]:
    """The keys ``rag.answering.bilingual.translate`` looks a word up by: English by stem;
    French by word, singular and stem."""
    from rag.answering.bilingual import _stem
    from rag.lexical import fold

    if lang == "en":
        return {_stem(word, "en")}
    key = fold(word)
    return {key, key[:-1] if key.endswith(("s", "x")) else key, "~" + _stem(word, "fr")}


def missing(lang: str, top: int = TOP) -> list[str]:
    """The frequent words of ``lang`` that FreeDict's tables do not translate."""
    import wordfreq

    from rag.answering.bilingual import _stem
    from rag.lexical import fold, stopwords, table_rows

    table = "freedict_en_fr.tsv" if lang == "en" else "freedict_fr_en.tsv"
    heads = [h for h, _ in table_rows(table)]
    if lang == "en":
        known = {_stem(h, "en") for h in heads}
    else:  # French heads are keyed as they are written and by their stem
        known = {fold(h) for h in heads} | {"~" + _stem(h, "fr") for h in heads}
    stop = stopwords()
    return [
        w
        for w in wordfreq.top_n_list(lang, top)
        if _WORD.fullmatch(w) and w not in stop and not _keys(w, lang) & known
    ]


def read_authored(paths: list[Path], allowed: set[str]) -> dict[str, list[str]]:
    """word -> translations from the translated files, keeping only well-formed lines of
    listed words (the first line of a word wins)."""
    out: dict[str, list[str]] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" not in line:
                continue
            head, trans = (x.strip() for x in line.split("\t", 1))
            if head not in allowed or head in out:
                continue
            senses = [t.strip() for t in trans.split("|") if t.strip()]
            senses = [t for t in dict.fromkeys(senses) if _TRANSLATION.fullmatch(t)]
            if senses:
                out[head] = senses[:MAX_SENSES]
    return out


SENSES_HEADER = (
    "# {direction}: the common senses of the {top} most frequent words of wordfreq {version} "
    "that the dictionary's other tables translate, most common first, written for this "
    "project (evals/make_common_words.py senses); read before them.\n"
)


def senses_to_write(lang: str, top: int = SENSES_TOP) -> list[tuple[str, list[str]]]:
    """The frequent words of ``lang`` the dictionary translates without the senses table,
    with the senses it gives them."""
    import wordfreq

    from rag import lexical

    # the dictionary as it reads without this table (a fresh process: nothing cached yet)
    others: dict[str, tuple[str, ...]] = {
        k: tuple(t for t in tables if t not in lexical.SENSES.values())
        for k, tables in lexical.DICTIONARY.items()
    }
    lexical.DICTIONARY = others  # type: ignore[assignment]
    from rag.answering.bilingual import translate
    from rag.lexical import stopwords

    stop = stopwords()
    out = []
    for w in wordfreq.top_n_list(lang, top):
        if _WORD.fullmatch(w) and w not in stop and (senses := translate(w, lang)):
            out.append((w, senses))
    return out


def write_table(
    folder: Path, kind: str, lang: str, listed: set[str], header: str, top: int
) -> None:
    """Check the translated files of ``kind`` ("common": ``out_{lang}_*.tsv``, "senses":
    ``out_senses_{lang}_*.tsv``) and write ``rag/data/{kind}_{en_fr|fr_en}.tsv``."""
    from importlib.metadata import version

    prefix = "out" if kind == "common" else f"out_{kind}"
    rows = read_authored(sorted(folder.glob(f"{prefix}_{lang}_*.tsv")), listed)
    name = f"{kind}_{'en_fr' if lang == 'en' else 'fr_en'}.tsv"
    direction = "English -> French" if lang == "en" else "French -> English"
    head = header.format(direction=direction, top=top, version=version("wordfreq"))
    body = "".join(f"{w}\t{'|'.join(ts)}\n" for w, ts in sorted(rows.items()))
    (DATA / name).write_text(head + body, encoding="utf-8")
    print(f"{name}: {len(rows)} of {len(listed)} words")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=("list", "merge", "senses-list", "senses-merge"))
    parser.add_argument("dir", type=Path)
    args = parser.parse_args()
    if args.step == "senses-list":
        args.dir.mkdir(parents=True, exist_ok=True)
        for lang in ("en", "fr"):
            listing = senses_to_write(lang)
            text = "".join(f"{w}\t{'|'.join(ts)}\n" for w, ts in listing)
            (args.dir / f"senses_{lang}.tsv").write_text(text, encoding="utf-8")
            print(f"{lang}: {len(listing)} words")
        return
    if args.step == "senses-merge":
        for lang in ("en", "fr"):
            listed_rows = (args.dir / f"senses_{lang}.tsv").read_text(encoding="utf-8")
            listed = {line.split("\t", 1)[0] for line in listed_rows.splitlines()}
            write_table(args.dir, "senses", lang, listed, SENSES_HEADER, SENSES_TOP)
        return
    if args.step == "list":
        args.dir.mkdir(parents=True, exist_ok=True)
        for lang in ("en", "fr"):
            words = missing(lang)
            (args.dir / f"{lang}.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
            print(f"{lang}: {len(words)} words to translate")
        return
    for lang in ("en", "fr"):
        listed = set((args.dir / f"{lang}.txt").read_text(encoding="utf-8").split())
        write_table(args.dir, "common", lang, listed, HEADER, TOP)


if __name__ == "__main__":
    main()

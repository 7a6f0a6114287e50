"""What kind of answer a question wants, and finding that kind of thing in a sentence.

Plain patterns, not a model: names are runs of capitalised words that are not
places, organisations or titles; numbers are digits or number words; times
are dates, weekdays and months; places come from a small gazetteer.
"""

from __future__ import annotations

import functools
import re

from rag.lexical import fold

QUESTION_TYPES = ("who", "how_many", "when", "where", "why", "what")

_TYPE_PATTERNS = [
    ("how_many", r"\bhow (many|much|large|big)\b|\bcombien\b|\bquel (est le )?(nombre|montant)\b|"
     r"\bquelle (somme|quantité)\b|\bwhat (number|amount|sum)\b"),
    ("who", r"\b(who|whom|whose)\b|(^|,)\s*qui\b|\bqui (est|a|était|sont|ont|dirige)\b|"
     r"\bde qui\b|\bquel(le)?s? (est le nom|personne|responsable|dirigeante?s?|chancelier|"
     r"ministre|président|secrétaire|envoyés?|émissaires?|porte-parole|chef|leaders?)\b|"
     r"\b(which|what) ((?!(did|does|do|is|was|were|are|has|have|had|will|would)\b)\w+ ){0,2}"
     r"(person|people|leaders?|officials?|minister|president|"
     r"secretary|chancellor|envoys?|emissary|spokes(person|man|woman)|chief|head)\b"),
    ("when", r"\bwhen\b|\bquand\b|\bwhat (day|date|month|time)\b|\bquel (jour|mois)\b|"
     r"\bà quel moment\b|\bquelle période\b|\bat what point\b|\bsince when\b|"
     r"\bà quelle date\b|\bon which day\b"),
    ("where", r"\bwhere\b|\boù\b|\b(which|what) (city|country|countries|place)\b|"
     r"\bdans quelle ville\b|\bquelle ville\b|\bquels? pays\b|\bde quel pays\b|"
     r"\b(which|what) (domains?|areas?|regions?|zones?)\b|\bdans quel(le)?s? (domaines?|zones?)\b"),
    ("why", r"\bwhy\b|\bpourquoi\b|\bfor what reason\b"),
]  # fmt: skip

_PLACES = set(
    fold(w)
    for w in (
        "Paris Moscou Moscow Kyiv Kiev Genève Geneva Washington Alaska Ukraine Russie Russia "
        "Europe Amérique America France Allemagne Germany Italie Italy Canada Chine China Estonie "
        "Corée Nord Sud Londres London Bruxelles Brussels Berlin Rome Varsovie Pékin Pyongyang "
        "États-Unis États Unis Venezuela Occident Kremlin Élysée Elysée Elysee Royaume-Uni "
        "Britain Bretagne Pologne Poland Turquie Turkey Crimée Donbass Vietnam Iran Israël Gaza"
    ).split()
)
# nationality adjectives answer "which country" as well as the country's name does
_DEMONYMS = set(
    fold(w)
    for w in (
        "français française britannique allemand allemande américain américaine russe ukrainien "
        "ukrainienne italien italienne canadien canadienne chinois chinoise estonien estonienne "
        "polonais polonaise nord-coréen nord-coréenne vénézuélien turc turque européen européenne "
        "européens européennes occidental occidentale occidentaux occidentales "
        "French British German American Russian Ukrainian Italian Canadian Chinese Estonian Polish "
        "European Western"
    ).split()
)


def is_demonym(word: str) -> bool:
    """A nationality adjective ("European", "européenne", "French")."""
    return fold(word) in _DEMONYMS


_NOT_NAMES = set(
    fold(w)
    for w in (
        "Le La Les L Un Une Des De Du Cette Ce Ces Cet Il Elle Ils Elles On Nous Je Tu Vous "
        "Selon Pendant Plus Au Aux En Dans Sur Pour Par Avec Sous Si Mais Et Ou Alors Toutefois "
        "Quant Citant Certains Ensemble Sir M Mme Dr Premier Première Président Chef Ministre "
        "Secrétaire Conseil Commission Union Coalition OTAN NATO Nations Unies Reuters Euronews "
        "AFP AP CBS News Truth Social Maison Blanche Cabinet Publicité Tous Lundi Mardi Mercredi "
        "Jeudi Vendredi Samedi Dimanche Janvier Février Mars Avril Mai Juin Juillet Août Septembre "
        "Octobre Novembre Décembre Actualisé Reportage Ukrainien Ukrainiens Américains Européens "
        "Russe Français Britannique Allemand Today Consultations Signaux Volontaires Des Un Une "
        "Cela Ceci Vingt-six Plus Nous Ces Toute Tout Une S"
    ).split()
)
# Names are kept even when they are common words elsewhere only if multi-word.
_NAME = re.compile(
    r"(?<![\w'’])([A-ZÀ-ÖØ-Þ][\w’'-]+"
    r"(?:\s+(?:de |du |von |van |bin |al-)?[A-ZÀ-ÖØ-Þ][\w’'-]+){0,3})"
)
_NUMBER = re.compile(
    r"\b(?:une\s+)?(?:dizaine|douzaine|quinzaine|vingtaine|trentaine|quarantaine|cinquantaine|"
    r"centaine|dozen|dozens)\b|"
    r"\b(?:quelques|plusieurs|a few|several)\b|"  # "plus que quelques points": a vague count
    r"\b(\d[\d\s.,]*\d|\d)(?:\s*(%|milliards?|millions?|billion|million))?\b|"
    r"\b(?:vingt|trente|quarante|cinquante|soixante)(?:-(?:et-)?(?:un|deux|trois|quatre|cinq|six|"
    r"sept|huit|neuf))?\b|\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|"
    r"cent|mille)\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b(\d{4}-\d{2}-\d{2}|(?:[0-3]?\d(?:er)?\s+)?(?:janvier|février|mars|avril|mai|juin|juillet|"
    r"août|septembre|octobre|novembre|décembre)(?:\s+20\d\d)?|(?:lundi|mardi|mercredi|jeudi|"
    r"vendredi|samedi|dimanche)(?:\s+(?:soir|matin))?|le mois (?:dernier|prochain)|"
    r"cette semaine|la semaine (?:dernière|prochaine)|ces derniers mois|"
    r"dans les prochains jours|(?:la )?veille|le lendemain|20\d\d|"
    r"(?:au )?début (?:du|de ce) mois|(?:à la )?fin (?:du|de ce) mois|l['’]an dernier|"
    r"l['’]année (?:dernière|prochaine)|cette année|hier|aujourd['’]hui|demain|ce week-end|"
    r"(?:earlier |later )?(?:this|last|next) (?:week|month|year)|yesterday|today|tomorrow)\b",
    re.IGNORECASE,
)
# a place named by a spot of a known place: "sur le perron de l'Élysée"
_SPOT_OF_PLACE = re.compile(
    r"\b(?:sur|sous|devant|dans|à|au)\s+(?:le|la|les|l['’])\s*[\w-]+\s+(?:de|du|des)\s+(?:l['’])?"
    r"([A-ZÀ-ÖØ-Þ][\w’'-]+)"
)
_PLACE_PHRASE = re.compile(
    r"\b(?:à|au|en|aux|in|at)\s+(?:l['’])?([A-ZÀ-ÖØ-Þ][\w’'-]+(?:[\s-][A-ZÀ-ÖØ-Þ][\w’'-]+)?)"
)


_PART_START = (
    r"who|whom|whose|what|which|where|when|how|why|qui|que|qu['’]|quel|quelle|quels|quelles|"
    r"combien|où|quand|comment|pourquoi"
)
_PART_SPLIT = re.compile(rf"\s*,?\s+(?:and|et)\s+(?=(?:{_PART_START})\b)", re.IGNORECASE)


def split_question(question: str) -> list[str]:
    """The parts of a question that asks several things ("Where ..., and where ...?").

    Each part is asked again on its own; a part of fewer than three words ("... and why?")
    stays with the part before it.
    """
    pieces = _PART_SPLIT.split(question.strip())
    parts: list[str] = []
    for piece in pieces:
        if parts and len(piece.split()) < 3:
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    if len(parts) < 2:
        return [question]
    end = re.search(r"\s*[?？]\s*$", parts[-1])
    mark = end.group(0).strip() if end else "?"
    space = " " if end and end.group(0).startswith(" ") else ""
    out = [re.sub(r"\s*[?？]\s*$", "", p).rstrip(" ,") for p in parts]
    return [f"{p[0].upper()}{p[1:]}{space}{mark}" for p in out]


@functools.cache
def _alias_table() -> dict[str, tuple[str, ...]]:
    """Name stem -> the role phrases French news uses for that person once named."""
    from importlib import resources

    from rag.lexical import analyze

    table: dict[str, tuple[str, ...]] = {}
    text = resources.files("rag.data").joinpath("aliases_fr.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#") and "\t" in line:
            name, phrases = line.split("\t", 1)
            for stem in analyze(name):
                if not stem.startswith("~"):
                    table[stem] = tuple(fold(p) for p in phrases.split("|"))
    return table


def role_aliases(entity_tokens: set[str]) -> list[str]:
    """Role phrases that refer to a name the question gives ("dirigeant russe" for Putin)."""
    table = _alias_table()
    return [p for t in sorted(entity_tokens) for p in table.get(t, ())]


# Who does what: the agent a question names ("did Ukraine launch", "l'Ukraine a-t-elle lancé")
# and the subject of a sentence's verb ("la Russie a tiré").
_Q_AGENT = re.compile(
    r"\b(?:did|does|do|has|have|had|will|would)\s+(?:the\s+)?([A-ZÀ-ÖØ-Þ][\w-]+)|"
    r"([A-ZÀ-ÖØ-Þ][\w-]+)\s+(?:a|ont|avait|avaient|va|vont)-t-(?:il|elle|ils|elles)\b"
)
_S_SUBJECT = re.compile(
    r"(?:^|[,;:]\s*|\bque\s+|\bqu['’])(?:la\s+|le\s+|les\s+|l['’])?([A-ZÀ-ÖØ-Þ][\w-]+)\s+"
    r"(?:a|ont|avait|avaient|va|vont)\s+[a-zéèêàâîôûç]+"
)


def question_agent(question: str) -> str | None:
    """The capitalised name doing the action a question asks about, if it names one."""
    m = _Q_AGENT.search(question)
    return (m.group(1) or m.group(2)) if m else None


def sentence_subject(sentence: str) -> str | None:
    """The capitalised name before the first "a/ont + verb" of a sentence, if any."""
    m = _S_SUBJECT.search(sentence)
    return m.group(1) if m else None


def question_type(question: str) -> str:
    """The kind of answer asked for: the question word that comes first decides ("Where was
    he greeted when he arrived?" asks where)."""
    q = question.casefold()
    found = []
    for order, (name, pattern) in enumerate(_TYPE_PATTERNS):
        m = re.search(pattern, q)
        if m:
            found.append((m.start(), order, name))
    return min(found)[2] if found else "what"


def _in_question(candidate: str, question_folded: str, question: str = "") -> bool:
    """True when the question already gives this candidate, in its words or translated
    (an English question naming "Russia" gives the French text's "Russie")."""
    toks = [t for t in re.findall(r"\w+", fold(candidate)) if len(t) > 2]
    if toks and all(t in question_folded for t in toks):
        return True
    if not question:
        return False
    from rag.lexical import analyze

    stems = {t for t in analyze(candidate) if not t.startswith("~")}
    return bool(stems) and stems <= _question_tokens(question)


@functools.lru_cache(maxsize=256)
def _question_tokens(question: str) -> frozenset[str]:
    from rag.lexical import query_words
    from rag.retrieval import detect_question_language

    qwords = query_words(question, detect_question_language(question))
    return frozenset(t for w in qwords for t in w.tokens | w.translations)


NAME_REACH = 100  # characters: names farther than this from the words the question asks about


def _mentioned(candidate: str, question_folded: str, question: str = "") -> bool:
    """True when the question already names this person (any word of the name, in either
    language: "Putin" names "Poutine")."""
    return any(
        len(t) > 2
        and (
            re.search(rf"\b{re.escape(t)}\b", question_folded)
            or (question and _in_question(t, question_folded, question))
        )
        for t in re.findall(r"\w+", fold(candidate))
    )


def _anchors(sentence: str, question: str) -> list[int]:
    """Offsets of the sentence words that meet the question's lower-case (non-name) words."""
    from rag.lexical import analyze

    wanted = _asked_tokens(question)
    return [
        m.start() for m in re.finditer(r"[\w’'-]+", sentence) if wanted & set(analyze(m.group(0)))
    ]


@functools.lru_cache(maxsize=256)
def _asked_tokens(question: str) -> frozenset[str]:
    """Tokens of the question's lower-case words: what it asks about, not whom it names.

    Cached: every candidate sentence of one question asks for them."""
    from rag.lexical import query_words
    from rag.retrieval import detect_question_language

    capitalised = {fold(t) for t in re.findall(r"\b[A-ZÀ-ÖØ-Þ][\w’'-]*", question)}
    plain = [w for w in query_words(question, detect_question_language(question))
             if fold(w.word) not in capitalised]  # fmt: skip
    return frozenset(t for w in plain for t in w.tokens | w.translations)


def _by_distance(found: list[tuple[int, str]], anchors: list[int]) -> list[tuple[str, int]]:
    """Candidates (offset, text) with their distance to the nearest asked word, nearest first."""
    ranked = [(c, min(min(abs(p - a), abs(p + len(c) - a)) for a in anchors)) for p, c in found]
    return sorted(ranked, key=lambda cd: cd[1])


def names(sentence: str, question: str = "") -> list[str]:
    """Person-like names in a sentence that the question does not name, nearest the asked words first.

    Names far from every word the question asks about (an aside about someone else in the same
    sentence) are dropped, unless no name is near.
    """  # noqa: E501
    qf = fold(question)
    found: list[tuple[int, str]] = []
    for m in _NAME.finditer(sentence):
        words = m.group(1).split()
        while words and (fold(words[0].strip("'’")) in _NOT_NAMES or fold(words[0]) in _PLACES):
            words = words[1:]
        while words and (fold(words[-1]) in _NOT_NAMES or fold(words[-1]) in _PLACES):
            words = words[:-1]
        if not words:
            continue
        cand = " ".join(words)
        if len(words) == 1 and (len(cand) < 3 or m.start() == 0):
            continue
        if "'" in cand or "’" in cand:
            continue
        if _mentioned(cand, qf, question) or any(fold(w) in _PLACES for w in words):
            continue
        if not any(cand in o for _, o in found):
            found = [(p, o) for p, o in found if o not in cand]
            found.append((sentence.index(cand, m.start()), cand))
    if not found or not question:
        return [c for _, c in found]
    anchors = _anchors(sentence, question)
    if not anchors:
        return [c for _, c in found]
    ranked = _by_distance(found, anchors)
    return [c for c, d in ranked if d <= NAME_REACH] or [ranked[0][0]]


_HOW_MANY_FOCUS = re.compile(
    r"\b(?:how many|how much|combien de|combien d['’]|quel nombre de|what number of)\s*"
    r"((?:[\w’'-]+\s*){1,3})",
    re.IGNORECASE,
)


def _focus_tokens(question: str) -> list[set[str]]:
    """Token sets of what a how-many question counts ("how many troops" -> troops)."""
    from rag.lexical import query_words

    m = _HOW_MANY_FOCUS.search(question)
    if not m:
        return []
    lang = "fr" if re.search(r"\bcombien\b|\bquel\b", question, re.I) else "en"
    return [w.tokens | w.translations for w in query_words(m.group(1), lang)][:2]


def _counts_focus(sentence: str, end: int, focus: list[set[str]]) -> bool:
    from rag.lexical import analyze

    following = " ".join(re.findall(r"[\w’'-]+", sentence[end:])[:4])
    toks = set(analyze(following))
    return not focus or any(f & toks for f in focus)


def numbers(sentence: str, question: str = "") -> list[str]:
    """Numbers in the sentence that count what the question counts, with their noun."""
    qf = fold(question)
    focus = _focus_tokens(question)
    out = []
    for m in _NUMBER.finditer(sentence):
        text = m.group(0).strip()
        if re.fullmatch(r"20\d\d", text) or _in_question(text, qf) and text.isdigit():
            continue
        if not _counts_focus(sentence, m.end(), focus):
            continue
        # keep the counted noun: "26 pays", "112 drones", "140 milliards d'euros"
        tail = re.match(r"\s+(?:de\s+|d['’])?([\w’'-]+)", sentence[m.end() :])
        phrase = text + (" " + tail.group(1) if tail and not tail.group(1)[0].isupper() else "")
        out.append(phrase)
    return out


def times(sentence: str) -> list[str]:
    return [m.group(0) for m in _TIME.finditer(sentence)]


# Where something happens without a place name: domains and zones ("sur terre, dans les airs
# et en mer", "dans les zones de contact").
_LOCATIVE = re.compile(
    r"\b(?:sur|dans|en|in|on|at)\s+(?:les\s+|le\s+|la\s+|l['’]|des\s+|the\s+)?"
    r"(?:terre|mer|airs?|cyberespace|espace aérien|land|sea|air|cyberspace|"
    r"(?:zones?|régions?|territoires?|areas?|regions?)(?:\s+(?:de|d['’]|du|des)\s*[\w-]+)?)\b",
    re.IGNORECASE,
)
_LIST_GLUE = re.compile(r"[\s,]*(?:(?:et|and|ou|or)\s+)?", re.IGNORECASE)


def _locatives(sentence: str) -> list[tuple[int, str]]:
    """Domain and zone phrases, a coordinated run of them as one ("sur terre, dans les airs
    et en mer")."""
    spans: list[list[int]] = []
    for m in _LOCATIVE.finditer(sentence):
        if spans and _LIST_GLUE.fullmatch(sentence[spans[-1][1] : m.start()]):
            spans[-1][1] = m.end()
        else:
            spans.append([m.start(), m.end()])
    return [(a, sentence[a:b]) for a, b in spans]


def places(sentence: str, question: str = "") -> list[str]:
    """Places in the sentence that the question does not name, nearest the asked words first.

    Known places (after "à/en/in" before bare mentions), domains and zones, and for a
    "which country" question, nationality adjectives.
    """
    found = _place_spans(sentence, question)
    anchors = _anchors(sentence, question) if question and len(found) > 1 else []
    if not anchors:
        return [c for _, c in found]
    return [c for c, _ in _by_distance(found, anchors)]


def _place_spans(sentence: str, question: str) -> list[tuple[int, str]]:
    """Every place candidate of ``places`` with its offset, in the order found."""
    qf = fold(question)
    found: list[tuple[int, str]] = []

    def add(pos: int, cand: str) -> None:
        if not _in_question(cand, qf, question) and not any(cand in o for _, o in found):
            found.append((pos, cand))

    for m in _SPOT_OF_PLACE.finditer(sentence):
        if fold(m.group(1)) in _PLACES:
            add(m.start(), m.group(0))
    for m in _PLACE_PHRASE.finditer(sentence):
        cand = m.group(1)
        if fold(cand.split()[0]) in _PLACES or fold(cand) in _PLACES:
            add(m.start(1), cand)
    for m in re.finditer(r"[A-ZÀ-ÖØ-Þ][\w-]+", sentence):
        if fold(m.group(0)) in _PLACES:
            add(m.start(), m.group(0))
    for pos, phrase in _locatives(sentence):
        add(pos, phrase)
    if re.search(r"\b(country|countries|pays)\b", question, re.I):
        for m in re.finditer(r"[\w-]+", sentence):
            if fold(m.group(0)) in _DEMONYMS:
                add(m.start(), m.group(0))
    return found


_ROLE = re.compile(
    r"\b(?:chefs? d['’]état-major|chefs?|dirigeante?s?|présidente?s?|ministres?|secrétaires?|"
    r"porte-parole|conseill(?:er|ère)s?|émissaires?|envoyée?s?|responsables?|chiefs? of staff|"
    r"leaders?|ministers?|envoys?|officials?|spokes(?:person|man|woman))"
    r"(?:\s+(?:général|généraux|general))?"
    r"(?:\s+(?:de|du|des|of)\s+(?:l['’]|la\s+|the\s+)?[\w-]+)?",
    re.IGNORECASE,
)


_NATIONALITY = re.compile(r"\s+(?:(?:et|and)\s+)?([\w-]+)")


def roles(sentence: str, question: str = "") -> list[str]:
    """Roles the question does not name, with the nationalities that follow them
    ("chefs d'état-major français et britannique"), nearest the asked words first."""
    qf = fold(question)
    found: list[tuple[int, str]] = []
    for m in _ROLE.finditer(sentence):
        end = m.end()
        while t := _NATIONALITY.match(sentence, end):
            if fold(t.group(1)) not in _DEMONYMS:
                break
            end = t.end()
        if not _in_question(m.group(0), qf, question):  # asking who holds a role: not it
            found.append((m.start(), sentence[m.start() : end]))
    return _nearest(found, sentence, question)


def near_places(sentence: str, question: str) -> list[str]:
    """Places close to the words the question asks about (none when no word is close)."""
    anchors = _anchors(sentence, question)
    if not anchors:
        return []
    ranked = _by_distance(_place_spans(sentence, question), anchors)
    return [c for c, d in ranked if d <= NAME_REACH]


def _nearest(found: list[tuple[int, str]], sentence: str, question: str) -> list[str]:
    """Candidates within reach of the asked words, nearest first."""
    anchors = _anchors(sentence, question) if question and found else []
    if not anchors:
        return [c for _, c in found]
    return [c for c, d in _by_distance(found, anchors) if d <= NAME_REACH]


def candidates(qtype: str, sentence: str, question: str) -> list[str]:
    """Things of the wanted type in the sentence (empty for why/what questions)."""
    if qtype == "who":
        # no person named: a role ("les chefs d'état-major"), or a country or institution
        # next to what is asked ("who should decide?" - "l'Europe")
        return (
            names(sentence, question)
            or roles(sentence, question)
            or near_places(sentence, question)
        )
    if qtype == "how_many":
        return numbers(sentence, question)
    if qtype == "when":
        return times(sentence)
    if qtype == "where":
        return places(sentence, question)
    return []

"""What kind of answer a question wants, and finding that kind of thing in a sentence.

Plain patterns, not a model: names are runs of capitalised words that are not
places, organisations or titles; numbers are digits or number words; times
are dates, weekdays and months; places come from a small gazetteer.
"""

from __future__ import annotations

import re

from rag.lexical import fold

QUESTION_TYPES = ("who", "how_many", "when", "where", "why", "what")

_TYPE_PATTERNS = [
    ("how_many", r"\bhow (many|much)\b|\bcombien\b|\bquel (est le )?nombre\b|\bwhat number\b"),
    ("who", r"^\s*(who|whom|whose)\b|\bwho\b|^\s*qui\b|\bqui (est|a|était|sont|ont|dirige)\b|"
     r"\bde qui\b|\bquel(le)?s? (est le nom|personne|responsable|dirigeante?s?|chancelier|"
     r"ministre|président|secrétaire|envoyés?|émissaires?|porte-parole|chef|leaders?)\b|"
     r"\b(which|what) (\w+ ){0,2}(person|people|leaders?|officials?|minister|president|"
     r"secretary|chancellor|envoys?|emissary|spokes(person|man|woman)|chief|head)\b"),
    ("when", r"\bwhen\b|\bquand\b|\bwhat (day|date|month)\b|\bquel (jour|mois)\b|"
     r"\bà quelle date\b|\bon which day\b"),
    ("where", r"\bwhere\b|\boù\b|\b(which|what) (city|country|countries|place)\b|"
     r"\bdans quelle ville\b|\bquelle ville\b|\bquels? pays\b|\bde quel pays\b"),
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
        "French British German American Russian Ukrainian Italian Canadian Chinese Estonian Polish"
    ).split()
)
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
    r"(?<![\w'’])([A-ZÀ-ÖØ-Þ][\w’'-]+(?:\s+(?:de |du |von |van |bin |al-)?[A-ZÀ-ÖØ-Þ][\w’'-]+){0,3})"
)
_NUMBER = re.compile(
    r"\b(?:une\s+)?(?:dizaine|douzaine|quinzaine|vingtaine|trentaine|quarantaine|cinquantaine|"
    r"centaine|dozen|dozens)\b|"
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
    r"dans les prochains jours|(?:la )?veille|le lendemain|20\d\d)\b",
    re.IGNORECASE,
)
_PLACE_PHRASE = re.compile(
    r"\b(?:à|au|en|aux|in|at)\s+(?:l['’])?([A-ZÀ-ÖØ-Þ][\w’'-]+(?:[\s-][A-ZÀ-ÖØ-Þ][\w’'-]+)?)"
)


def question_type(question: str) -> str:
    q = question.casefold()
    for name, pattern in _TYPE_PATTERNS:
        if re.search(pattern, q):
            return name
    return "what"


def _in_question(candidate: str, question_folded: str) -> bool:
    toks = [t for t in re.findall(r"\w+", fold(candidate)) if len(t) > 2]
    return bool(toks) and all(t in question_folded for t in toks)


NAME_REACH = 100  # characters: names farther than this from the words the question asks about


def _mentioned(candidate: str, question_folded: str) -> bool:
    """True when the question already names this person (any word of the name)."""
    return any(len(t) > 2 and re.search(rf"\b{re.escape(t)}\b", question_folded)
               for t in re.findall(r"\w+", fold(candidate)))  # fmt: skip


def _anchors(sentence: str, question: str) -> list[int]:
    """Offsets of the sentence words that meet the question's lower-case (non-name) words."""
    from rag.lexical import analyze, query_words
    from rag.retrieval import detect_question_language

    capitalised = {fold(t) for t in re.findall(r"\b[A-ZÀ-ÖØ-Þ][\w’'-]*", question)}
    plain = [w for w in query_words(question, detect_question_language(question))
             if fold(w.word) not in capitalised]  # fmt: skip
    wanted = set().union(*(w.tokens | w.translations for w in plain)) if plain else set()
    return [m.start() for m in re.finditer(r"[\w’'-]+", sentence) if wanted & set(analyze(m.group(0)))]


def names(sentence: str, question: str = "") -> list[str]:
    """Person-like names in a sentence that the question does not name, nearest the asked words first.

    Names far from every word the question asks about (an aside about someone else in the same
    sentence) are dropped, unless no name is near.
    """
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
        if _mentioned(cand, qf) or any(fold(w) in _PLACES for w in words):
            continue
        if not any(cand in o for _, o in found):
            found = [(p, o) for p, o in found if o not in cand]
            found.append((sentence.index(cand, m.start()), cand))
    if not found or not question:
        return [c for _, c in found]
    anchors = _anchors(sentence, question)
    if not anchors:
        return [c for _, c in found]
    dist = {c: min(min(abs(p - a), abs(p + len(c) - a)) for a in anchors) for p, c in found}
    ranked = sorted((c for _, c in found), key=lambda c: dist[c])
    near = [c for c in ranked if dist[c] <= NAME_REACH]
    return near or ranked[:1]


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


def places(sentence: str, question: str = "") -> list[str]:
    """Known places in the sentence that the question does not name; after "à/en/in" first."""
    qf = fold(question)
    out: list[str] = []
    for m in _PLACE_PHRASE.finditer(sentence):
        cand = m.group(1)
        if fold(cand.split()[0]) in _PLACES or fold(cand) in _PLACES:
            if not _in_question(cand, qf) and cand not in out:
                out.append(cand)
    for m in re.finditer(r"[A-ZÀ-ÖØ-Þ][\w-]+", sentence):
        word = m.group(0)
        if fold(word) in _PLACES and not _in_question(word, qf) and not any(word in o for o in out):
            out.append(word)
    if re.search(r"\b(country|countries|pays)\b", question, re.I):
        for m in re.finditer(r"[\w-]+", sentence):
            word = m.group(0)
            if fold(word) in _DEMONYMS and not _in_question(word, qf) and word not in out:
                out.append(word)
    return out


def candidates(qtype: str, sentence: str, question: str) -> list[str]:
    """Things of the wanted type in the sentence (empty for why/what questions)."""
    if qtype == "who":
        return names(sentence, question)
    if qtype == "how_many":
        return numbers(sentence, question)
    if qtype == "when":
        return times(sentence)
    if qtype == "where":
        return places(sentence, question)
    return []

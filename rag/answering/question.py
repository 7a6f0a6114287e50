"""What a question asks, read without a parser (query time stays lean: no spaCy).

Generic language resources only: question words, auxiliaries, number words, the bilingual
dictionary. Names are recognised against the corpus's own name index (``CorpusView``), so a
lower-case "nantes" or an English "Putin" is known as the articles spell it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from rag.answering import bilingual
from rag.answering.corpus import CorpusView
from rag.answering.states import states_in
from rag.lexical import analyze, fold, phrase_translations, table_rows, words

# The kind of answer, decided by the question word that comes first.
_TYPES = [
    ("how_many", r"\bhow (many|much|large|big|long|far|high|tall|old)\b|\bby how much\b|"
     r"^\s*(?:(?:le|the) )?(?:nombre d(?:e |['’])|number of )|"
     r"\bwhat (is |was |were |are )?(the )?([\w'’-]+ ){0,3}(percentage|proportion|share|number|"
     r"amount|sum|magnitude|rate|level|revenue|revenues|profit|price|cost|salary|budget|"
     r"population|age|score|total|toll|turnover|sales|loss|losses|debt|deficit|fine|value|"
     r"temperature|speed|distance|height|weight|size|growth)\b|"
     r"\bcombien\b|\b(?:quel(le)?s? (est |était |sera )?|c'(?:est|était) quoi )(le |la |l')?"
     r"(nombre|montant|somme|"
     r"quantité|taux|pourcentage|part|hauteur|niveau|magnitude|score|chiffre|prix|coût|durée|"
     r"bénéfice|perte|salaire|budget|population|âge|bilan|amende|dette|déficit|valeur|"
     r"température|vitesse|distance|poids|taille|croissance)"
     r"\b|\bjusqu'à quel (niveau|point|montant)\b"),
    ("when", r"\bwhen\b|\bquand\b|\b(what|which) (day|date|month|year|time|hour|minute|week|"
     r"season|decade|century)\b|"
     r"\bwhat's the deadline\b|\bwhat is the deadline\b|\bsince when\b|\buntil when\b|"
     r"\bquel(le)? (jour|mois|année|date|heure|semaine|minute|saison|décennie|siècle)\b|"
     r"\ben quelle année\b|"
     r"\bà quel moment\b|\bquelle période\b|\bjusqu'à quand\b|\bdepuis quand\b"),
    ("where", r"\bwhere\b|\boù\b|\b(which|what|in which|in what|at which|at what) "
     r"((?!(did|does|do|is|was|were|are|has|have|had|will|would|can|could|the|a|an)\b)"
     r"[\w'-]+ )?(high )?(city|cities|town|towns|country|countries|places?|regions?|"
     r"provinces?|departments?|states?|villages?|sites?|venues?|locations?|areas?|schools?|"
     r"universit(y|ies)|hospitals?|stadiums?|airports?|stations?|prisons?|campus)\b|"
     r"\b(dans |en )?quel(le)?s? (ville|pays|lieu|endroit|région|province|département|"
     r"commune|site|localité|quartier|école|lycée|collège|université|hôpital|stade|"
     r"aéroport|gare|prison)s?\b"),
    ("why", r"\bwhy\b|\bpourquoi\b|\bfor what reason\b|\bpour quelle raison\b|"
     r"\bhow (did|could|was|were|come)\b|\bcomment (a|ont|est|sont)\b.*\b(pu|réussi)\b"),
    ("definition", r"\bwhat does .* stand for\b|\bwhat does .* mean\b|\bc'est quoi\b|"
     r"\b(?:ça|ca|cela) (?:veut dire|signifie)\b|\bveut dire quoi\b|\bacronyme?\b|"
     r"\bqu'est-ce qu(e|'un|'une)\b|\bque (signifie|veut dire)\b|\bwhat is an? \w+\W*$|"
     r"\bdefine\b|\bdéfinition\b"),
    ("who", r"\b(who|whom|whose)\b|(^|,)\s*qui\b|"
     r"^\s*(?:avec|pour|contre|chez|envers|auprès de|aux côtés de|selon|sur|entre)\s+qui\b|"
     r"\bqui (est|a|était|sont|ont|dirige)\b|"
     r"\bc'(est|était) qui\b|"
     r"\bde qui\b|\bpar qui\b|\bà qui\b|\bcomment s'appelle\b|\bwhat is the name of\b|"
     r"\bwhat's the name of\b|\bquel(le)?s? (personne|personnalité|responsable)s?\b"),
]  # fmt: skip
_WH = re.compile(
    r"\b(who|whom|whose|what|which|where|when|why|how|qui|que|quoi|quel|quelle|quels|quelles|"
    r"où|quand|pourquoi|comment|combien|lequel|laquelle)\b|qu'",
    re.IGNORECASE,
)
_WHICH_WORDS = frozenset("which what quel quelle quels quelles lequel laquelle".split())
_YESNO_EN = re.compile(
    r"^\s*(is|are|was|were|did|does|do|has|have|had|will|would|can|could|should)\b", re.I
)
_YESNO_FR = re.compile(r"^\s*est-ce qu|\b\w+-(t-)?(il|elle|ils|elles|on)\b", re.IGNORECASE)
_WHICH = re.compile(
    r"\b(?:which|what|quel|quelle|quels|quelles)\s+(?:(?:two|three|four|five|deux|trois|quatre|"
    r"cinq|\d+)\s+)?((?:[\w'’-]+\s*){1,3})",
    re.IGNORECASE,
)
_KIND_OF = re.compile(r"^(?:kind|type|sort|sorte|genre|forme)s?\s+(?:of|de|d['’])\s*", re.I)
# where the noun phrase after "which" ends: a verb-looking or function word
_NP_END = re.compile(
    r"^(?:did|does|do|is|was|were|are|has|have|had|will|would|can|could|a|ont|est|sont|était|"
    r"étaient|va|vont|avait|avaient|doit|peut|de|du|des|d'|of|in|at|on|for|to|by|from|with|la|"
    r"le|les|l'|that|who|qui|que|\w+ed|\w+ment|\w+ly)$",
    re.IGNORECASE,
)
_COUNTED = re.compile(
    r"\b(?:how many|how much|combien de|combien d['’]|what number of|quel nombre de|"
    r"quel(?:le)? (?:est le |la )?(?:nombre|quantité) de|"
    r"^\s*(?:(?:le|the) )?(?:nombre de|nombre d['’]|number of)|"
    r"(?:à|a) combien s['’](?:él[eè]v\w*|est élevée?s?)\s+(?:le |la |les |l['’])?)\s*([\w'’-]+)",
    re.IGNORECASE,
)
_ROLE_OF = re.compile(
    r"\b(?:(?:who|qui)\s+(?:is|was|are|were|est|était|sont|étaient)|who['’]s|"
    r"c['’](?:est|était)\s+qui)\s+"
    r"(?:the|le|la|les|l['’])\s*"
    r"((?:[\w'’-]+\s+){0,2}?[\w'’-]+)(?=\s+(?:of|de|du|des|d['’]|for|pour|at|à|in|en|behind|"
    r"who|qui)\b|\s*[?]|$)",
    re.IGNORECASE,
)
# "Comment s'appelle le PDG de BlackBerry ?", "What is the name of the supply vehicle...":
# the class whose name is asked
_NAME_OF = re.compile(
    r"\b(?:comment s['’]appel(?:le|lent|ait|aient)|what(?:'s| is| was| were) the names? of|"
    r"quel(?:le)? (?:est|était|sont) l[ea] noms? d(?:u|e la|es|e l['’]|['’]))\s*"
    r"(?:the\s+|l[ea]\s+|les\s+|l['’]\s*)?((?:[\w'’-]+\s+){0,2}?[\w'’-]+)"
    r"(?=\s+(?:of|de|du|des|d['’]|for|pour|at|à|in|en|who|whom|that|which|qui|que|qu['’]|"
    r"launching|[\w'’-]+ed)\b|\s+(?-i:[A-ZÀ-ÖØ-Þ0-9])|\s*[,?]|$)",
    re.IGNORECASE,
)
# adjectives French puts before the noun ("l'ancien mafieux", "le haut responsable"): the
# asked noun is the word after them (grammar, both genders and numbers)
_FR_BEFORE_NOUN = frozenset(
    "ancien ancienne anciens anciennes nouveau nouvel nouvelle nouveaux nouvelles haut haute "
    "hauts hautes grand grande grands grandes petit petite petits petites jeune jeunes premier "
    "première premiers premières dernier dernière derniers dernières vieux vieil vieille "
    "futur future futurs futures ex".split()
)
_LIST = re.compile(
    r"\b(?:which|what|quels|quelles|who are the|qui sont les)\s+(?:two|three|four|five|six|"
    r"deux|trois|quatre|cinq|six|\d+)\b|\b(?:quels|quelles|lesquels|lesquelles)\b|"
    r"\bwho are\b|\bqui sont\b",
    re.IGNORECASE,
)
_PATIENT = re.compile(
    r"\bwhom\b|\bwho (?:was|were|has been|have been|had been|will be|is being)\s+\w+(?:ed|en|wn)"
    r"\b|\bqui\s+(?:a|ont|avait|avaient)\s+été\s+\w+(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues|it|"
    r"ite|its)\b|^\s*qui\s+(?:l[ae']|les)\b",
    re.IGNORECASE,
)
# a preposition before "whom" / "qui": the complement it introduces is asked ("with whom did
# X spend", "avec qui", "à qui a-t-il divulgué"), not the one acted upon
_OBLIQUE = re.compile(
    r"\b(?:with|to|for|from|against|alongside|beside)\s+whom\b|"
    r"\b(?:avec|à|pour|contre|auprès de|aux côtés de|chez)\s+qui\b",
    re.IGNORECASE,
)
_PRECISION = [
    ("time", r"\b(what time|at what hour|quelle heure|à quelle heure)\b"),
    ("weekday", r"\b(day of the week|jour de la semaine)\b"),
    ("day", r"\b(what day|which day|what date|quel jour|quelle date|à quelle date|"
     r"jour exact|date exacte)\b"),
    ("month", r"\b(what month|which month|quel mois|en quel mois)\b"),
    ("year", r"\b(what year|which year|quelle année|en quelle année)\b"),
]  # fmt: skip
# Words that only frame the question: they are not looked for in the answer.
_FORMULA = re.compile(
    r"\bcomment s['’]appel(?:le|lent|ait)\b|\bwhat(?:'s| is| was) the name of\b|"
    r"\bc['’]est quoi\b|\bqu['’]est-ce qu(?:e|i)\b|\baccording to the (?:article|text)\b|"
    r"\bselon l['’]article\b|\bexactly\b|\bexactement\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(not|never|n't|no longer|without|absent|ne|n'|pas|jamais|sans|absent)\b", re.IGNORECASE
)
_NAME = re.compile(
    r"(?<!\w)((?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|[A-Z]{2,}\d*|\d+[A-Z]+)"
    r"(?:\s+(?:(?:de|du|des|von|van|der|bin|al|la|le|el|di|da|of)\s+)?"
    r"(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|\d+))*)"
)
_QUOTED = re.compile(r"[\"“«]\s*([^\"”»]{2,80}?)\s*[\"”»]")
_PART_START = (
    r"who|whom|whose|what|which|where|when|how|why|qui|que|qu['’]|quel|quelle|quels|quelles|"
    r"combien|où|quand|comment|pourquoi"
)
_PART_SPLIT = re.compile(rf"\s*,?\s+(?:and|et)\s+(?=(?:{_PART_START})\b)", re.IGNORECASE)
EXPECTS = {
    "who": frozenset({"PER", "ORG"}),
    "where": frozenset({"LOC", "ORG"}),
    "when": frozenset({"DATE", "TIME"}),
    "how_many": frozenset({"NUM", "MONEY", "PERCENT"}),
    "name": frozenset({"PER", "ORG", "LOC", "MISC"}),
    "which": frozenset({"PER", "ORG", "LOC", "MISC"}),
}
# What a which/name question takes for the kind its noun denotes: the tagger often calls a
# place an organisation and the reverse ("la mairie", "Météo Kerlan"), never a person
WANTED = {
    "LOC": frozenset({"LOC", "ORG"}),
    "ORG": frozenset({"ORG", "LOC", "MISC"}),
}


@dataclass(frozen=True)
class Term:
    """A content word of the question and every token that counts as meeting it."""

    word: str
    tokens: frozenset[str]
    translations: frozenset[str]  # the word in the other language, analysed
    in_name: bool = False  # part of a name the question gives


@dataclass(frozen=True)
class NameRef:
    """A name the question gives ("Macky Sall", "nantes", "Putin") as the corpus knows it."""

    text: str
    tokens: frozenset[str]  # its words' stems, and the corpus's other spellings of them
    kind: str | None  # PER ORG LOC MISC from the corpus, None when the corpus never names it


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    qtype: str  # who when where how_many why what which yesno definition name
    terms: list[Term]
    names: list[NameRef] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    focus: Term | None = None  # the counted noun ("how many horses"), the asked class
    many: bool = False  # asks for several things ("which two", "quels projets")
    patient: bool = False  # asks who was acted upon ("who was appointed", "whom")
    oblique: bool = False  # asks for a verb's complement after a preposition ("with whom")
    precision: str | None = None  # when: time day month year
    negated: bool = False
    agent: NameRef | None = None  # the name the question makes the doer ("did Ukraine launch")
    states: frozenset[str] = frozenset()  # states it names, also by adjective ("French")
    wants: str | None = None  # which/name: the kind its asked noun denotes ("which street":
    # LOC, "which agency": ORG)

    @property
    def expects(self) -> frozenset[str]:
        if self.wants is not None:
            return WANTED[self.wants]
        return EXPECTS.get(self.qtype, frozenset())

    @property
    def asked(self) -> list[Term]:
        """The words that say what is asked: content words outside the given names."""
        return [t for t in self.terms if not t.in_name]


def question_type(text: str) -> str:
    q = text.casefold().replace("’", "'")
    found = [
        (m.start(), order, name)
        for order, (name, pattern) in enumerate(_TYPES)
        if (m := re.search(pattern, q))
    ]
    lead = _WH.search(q)
    if found and lead and lead.group(0) in _WHICH_WORDS and lead.start() < min(found)[0]:
        # the question's own "which" comes first; a later "when" or "où" opens a clause of
        # it ("which minister was with him when he arrived")
        return "what"
    if found:
        qtype = min(found)[2]
        return "name" if qtype == "who" and _is_name_request(q) else qtype
    if _YESNO_EN.search(q) or (_YESNO_FR.search(q) and not _WH.search(q)):
        return "yesno"
    return "what"


def _is_name_request(q: str) -> bool:
    """ "What is the name of the vehicle" asks for a name, not necessarily a person's."""
    return bool(re.search(r"\b(what is|what's|what was) the name of\b|comment s'appelle", q))


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


def analyze_question(text: str, lang: str, corpus: CorpusView | None = None) -> Question:
    qtype = question_type(text)
    names = find_names(text, corpus, lang)
    name_words = {fold(w) for n in names for w in re.findall(r"[\w'’-]+", n.text)}
    asked_text = _FORMULA.sub(" ", text)  # "comment s'appelle", "what is the name of"
    phrases = phrase_translations(asked_text, lang)  # "chief executive": PDG
    terms = [
        _term(w, lang, fold(w) in name_words, phrases.get(fold(w), ()))
        for w in dict.fromkeys(words(asked_text))
    ]
    focus_word = _focus(text, qtype, lang, name_words)
    # the asked noun meets its phrase's translation too ("chiffre d'affaires": revenue)
    focus = None
    if focus_word:
        focus = _term(focus_word, lang, phrase=phrases.get(fold(focus_word), ()))
    if qtype == "what" and focus_word and _WHICH.search(text):
        qtype = "which"  # "which river", "quel président": a name of that class
    wants = noun_kind(focus_word, lang) if focus_word else None
    if qtype in ("which", "name") and wants == "PER":
        qtype = "who"  # "which student", "quel ministre", "comment s'appelle le PDG": a person
    low = text.casefold()
    oblique = bool(_OBLIQUE.search(text))  # "with whom": a complement, not the one acted upon
    return Question(
        text=text,
        lang=lang,
        qtype=qtype,
        terms=[t for t in terms if t.tokens],
        names=names,
        numbers=re.findall(r"\d+(?:[.,]\d+)?", text),
        focus=focus,
        many=bool(_LIST.search(text))
        or (qtype in ("which", "who", "where") and (focus_word or "").endswith(("s", "x"))),
        patient=bool(_PATIENT.search(text)) and not oblique,
        oblique=oblique,
        precision=next((p for p, rx in _PRECISION if re.search(rx, low)), None),
        negated=bool(_NEGATION.search(text)),
        agent=_agent(text, names),
        states=states_in(text, metonyms=False),
        wants=wants if qtype in ("which", "name") else None,
    )


# Common nouns by the kind of thing they denote ("student", "ministre": a person; "town",
# "rue": a place; "union", "agence": an organisation): generic tables written from general
# knowledge (``rag/data/*_nouns.tsv``). A noun in two tables takes the first kind listed.
KIND_NOUNS = (
    ("PER", "person_nouns.tsv"),
    ("LOC", "place_nouns.tsv"),
    ("ORG", "organisation_nouns.tsv"),
)


@functools.cache
def _kind_nouns() -> dict[tuple[str, str], str]:
    """(language, noun) -> the kind of thing the noun denotes."""
    kinds: dict[tuple[str, str], str] = {}
    for kind, name in KIND_NOUNS:
        for lang, nouns in table_rows(name):
            for noun in nouns:
                kinds.setdefault((lang, fold(noun)), kind)
    return kinds


_OTHER = {"en": "fr", "fr": "en"}


def noun_kind(word: str, lang: str) -> str | None:
    """PER, LOC or ORG when the noun (its singular, in the question's language or the
    other) denotes a person, a place or an organisation."""
    kinds = _kind_nouns()
    w = fold(word)
    forms = [w, w[:-1] if w.endswith(("s", "x")) else w]
    if w.endswith("ies"):
        forms.append(w[:-3] + "y")
    if w.endswith("men"):
        forms.append(w[:-3] + "man")
    if w.endswith("aux"):
        forms.append(w[:-3] + "al")
    for language in (lang, _OTHER.get(lang, "en")):
        for f in forms:
            if (language, f) in kinds:
                return kinds[(language, f)]
    return None


def _agent(text: str, names: list[NameRef]) -> NameRef | None:
    m = _AGENT.search(text)
    if not m:
        return None
    said = fold(m.group(1) or m.group(2))
    return next((n for n in names if fold(n.text) in said or said in fold(n.text)), None)


def _term(word: str, lang: str, in_name: bool = False, phrase: Sequence[str] = ()) -> Term:
    from rag.answering.candidates import match_tokens

    trans = [*bilingual.translate(word, lang), *phrase] if not in_name else []
    return Term(
        word,
        frozenset(match_tokens(word)),
        frozenset(match_tokens(" ".join(trans))) if trans else frozenset(),
        in_name,
    )


def _focus(text: str, qtype: str, lang: str = "en", name_words: Collection[str] = ()) -> str | None:
    """The noun that says what kind of thing is asked: "how many horses" -> horses,
    "which economy minister" -> minister, "quel chancelier allemand" -> chancelier,
    "what kind of support" -> support, "who is the mayor of" -> mayor."""
    m = _COUNTED.search(text)
    if m and words(m.group(1)):
        english = r"\s*(?:how|what|(?:the )?number of)\b"  # "how many", "number of": English
        if re.match(english, m.group(0), re.IGNORECASE):
            return _english_counted(text[m.start(1) :])
        return words(m.group(1))[0]
    first = _WH.search(text)
    m = _WHICH.search(text)
    if m and first is not None and m.start() == first.start():
        phrase = _KIND_OF.sub("", m.group(1))
        nouns: list[str] = []
        for w in phrase.split():
            if _NP_END.match(w):
                break
            if w[:1].isupper() and noun_kind(w, lang) != "PER":  # "French prime minister": an
                # adjective; "quel réseau Donald"; a title is a noun ("Which US Secretary")
                if nouns:
                    break
                continue
            if w.endswith(("'s", "’s")):  # "which player's handball": the player is asked
                nouns += words(w[:-2])
                break
            nouns += words(w)
        if nouns:
            if lang == "fr":
                return nouns[0]
            # English ends the phrase with its noun, but nothing marks where a verb begins
            # ("which agency publishes the bulletin"): the last noun of a known kind, if any
            return next((w for w in reversed(nouns) if noun_kind(w, lang)), nouns[-1])
    m = _ROLE_OF.search(text) or _NAME_OF.search(text)
    if m and words(m.group(1)):
        found = words(m.group(1))
        # the phrase ends before a name the question gives, typed in lower case ("the app
        # velibra built": the app)
        named = next((i for i, w in enumerate(found) if i and fold(w) in name_words), None)
        found = found[:named]
        if lang == "en":
            return found[-1]
        return next((w for w in found if w not in _FR_BEFORE_NOUN), found[0])
    return None


COUNTED_WORDS = 4  # how far the counted noun phrase may run ("severe flu cases")


def _english_counted(rest: str) -> str:
    """The counted noun of "how many ...": English puts it last in its phrase ("how many
    confirmed measles cases", "attack and decoy drones", "long-range missiles"), which ends
    at a verb or function word; of the phrase's words, the last plural one, or the possessor
    of a possessive ("how many Western countries' leaders")."""
    taken: list[str] = []
    for token in re.findall(r"[\w'’-]+", rest)[:COUNTED_WORDS]:
        possessive = token.endswith(("s'", "s’"))
        token = token.strip("'’")
        if taken and token.casefold() in ("and", "or"):  # "attack and decoy drones"
            continue
        found = words(token)
        if taken and (not found or _NP_END.match(token)):
            break
        taken += found
        if possessive and found:  # "how many countries' leaders": countries are counted
            return found[-1]
    plural = [
        w for w in taken if (w.endswith("s") and not w.endswith("ss")) or w in _IRREGULAR_PLURALS
    ]
    return plural[-1] if plural else taken[-1]


# English plurals without an s: "how many people went to the emergency room" counts people
_IRREGULAR_PLURALS = frozenset(
    "people men women children police staff personnel crew cattle sheep fish deer mice "
    "geese feet teeth oxen data media".split()
)


def find_names(text: str, corpus: CorpusView | None, lang: str = "en") -> list[NameRef]:
    """Names the question gives: capitalised runs, quoted phrases, and (for questions typed in
    lower case) word runs the corpus knows as names; each with the corpus's kind and spellings."""
    spans: list[tuple[int, int]] = []
    for m in _NAME.finditer(text):
        a, b = m.start(), m.end()
        if not text[:a].strip() and corpus is not None:  # the capital of a question's start
            word = re.match(r"[\w'’.-]+", text[a:b])
            if word is not None and corpus.name_kind(word.group(0)) is None:
                a += word.end()
                a += len(text[a:b]) - len(text[a:b].lstrip())
        while a < b:  # "Was Tomas Soucek", "In", "Et": a capitalised function word is not a name
            word = re.match(r"[\w'’.-]+", text[a:b])
            if word is None:
                break
            w = word.group(0).casefold()
            calendar = fold(w) in _calendar_words()
            if not (_WH.fullmatch(w) or fold(w) in _function_words() or _YESNO_EN.match(w)):
                if not calendar:
                    break
            a += word.end()
            a += len(text[a:b]) - len(text[a:b].lstrip())
        if a < b and not _institution(text, a, b, corpus, lang):
            spans += _split_unknown(text, a, b, corpus)
    for m in _QUOTED.finditer(text):
        quoted = m.group(1)
        # a quoted phrase in lower case that the articles never name is their words quoted,
        # perhaps translated ('its "historic flood" record' for "crue historique"): words
        if quoted == quoted.lower() and corpus is not None and corpus.name_kind(quoted) is None:
            continue
        spans.append((m.start(1), m.end(1)))
    if corpus is not None:
        spans += _known_runs(text, corpus, spans)
    out: list[NameRef] = []
    for a, b in sorted(set(spans)):
        phrase = text[a:b].strip(" .,'’")
        phrase = re.sub(r"['’]s$", "", phrase)
        if not phrase or any(phrase in n.text for n in out):
            continue
        out = [n for n in out if n.text not in phrase]
        out.append(_name_ref(phrase, corpus))
    return out


# The doer a question names: "did Ukraine launch", "has the council voted", "l'Ukraine
# a-t-elle lancé", "Michel Barnier soutient-il": the subject of an inverted or auxiliary
# question (grammar, not a list of verbs).
_AGENT = re.compile(
    r"\b(?:did|does|do|has|have|had|will|would|can|could|is|was|were|are)\s+(?:the\s+)?"
    r"([A-ZÀ-ÖØ-Þ][\w'’-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]*)*)|"
    r"(?:^|[\s,])(?:l['’]|le\s+|la\s+|les\s+)?([A-ZÀ-ÖØ-Þ][\w'’-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]*)*)\s+"
    r"(?:\w+\s+){0,2}?\w+-t?-?(?:il|elle|ils|elles)\b"
)
_CONNECTOR = re.compile(r"\s+(?:de|du|des|von|van|der|bin|al|la|le|el|di|da|of)\s+")


def _institution(text: str, a: int, b: int, corpus: CorpusView | None, lang: str) -> bool:
    """A French institution's name written the French way, one capitalised common noun and
    its lower-case adjective ("Affaires étrangères", "Assemblée nationale"), that the articles
    never use as a name: common words, met by their lemmas and translations like any other."""
    word = text[a:b]
    if lang != "fr" or corpus is None or not re.fullmatch(r"[A-ZÀ-ÖØ-Þ][a-zà-ÿ]+", word):
        return False
    after = re.match(r"\s+([a-zà-ÿ]+)\b", text[b:])
    if after is None or fold(after.group(1)) in _function_words():
        return False
    senses = bilingual.translate(word.casefold(), "fr")
    return (
        corpus.name_kind(word) is None
        and bool(senses)
        and all(s.islower() for s in senses)  # no proper name among its senses ("Paris")
        and bool(bilingual.translate(after.group(1), "fr"))
    )


def _split_unknown(text: str, a: int, b: int, corpus: CorpusView | None) -> list[tuple[int, int]]:
    """A run joined by "de"/"of" that the corpus does not know as one name is its parts
    ("PDG de BlackBerry"); an acronym the corpus never names is a common noun ("PDG")."""
    phrase = text[a:b]
    if corpus is None or corpus.name_kind(phrase) is not None:
        return [(a, b)]
    parts = []
    start = a
    for m in _CONNECTOR.finditer(phrase):
        parts.append((start, a + m.start()))
        start = a + m.end()
    parts.append((start, b))
    out = []
    for i, (x, y) in enumerate(parts):
        if text[x:y].isupper() and corpus.name_kind(text[x:y]) is None and corpus.has_names():
            continue
        if i == 0:  # after "of" a title names the body ("Council of Ministers")
            x, y = _without_titles(text, x, y, corpus)
        if x < y:
            out.append((x, y))
    return out


def _without_titles(text: str, a: int, b: int, corpus: CorpusView) -> tuple[int, int]:
    """A run less the titles written with a capital at its ends (nouns that denote a person:
    "US Secretary of State", "President Keller"), when the articles never use them as names:
    the title is asked or describes, the name is what is left ("United States" stays)."""
    if not corpus.has_names() or corpus.name_kind(text[a:b]) is not None:
        return a, b
    found = list(re.finditer(r"[\w'’.-]+", text[a:b]))

    def title(w: str) -> bool:
        return corpus.name_kind(w) is None and "PER" in (noun_kind(w, "en"), noun_kind(w, "fr"))

    ends_in_title = bool(found) and title(found[-1].group(0))
    while found and title(found[-1].group(0)):
        found.pop()
    while found and title(found[0].group(0)):
        found.pop(0)
    if ends_in_title and all(_common_word(m.group(0), corpus) for m in found):
        found = []  # "Foreign Minister", "Prime Minister": the title's own words
    if not found:
        return a, a
    return a + found[0].start(), a + found[-1].end()


def _common_word(word: str, corpus: CorpusView) -> bool:
    """A capitalised word the articles never use as a name and the dictionary translates (an
    acronym or a possessor is a name: "NATO's Secretary General")."""
    if word.isupper() or word.endswith(("'s", "’s")):
        return False
    return corpus.name_kind(word) is None and bool(
        bilingual.translate(word.casefold(), "en") or bilingual.translate(word.casefold(), "fr")
    )


def _name_ref(phrase: str, corpus: CorpusView | None) -> NameRef:
    from rag.answering.claims import ABBREVIATIONS

    tokens = {t for t in analyze(phrase) if not t.startswith("~")}
    for _, other in bilingual.place_names(phrase):
        tokens |= {t for t in analyze(other) if not t.startswith("~")}
    for word in phrase.replace(".", "").split():  # "US Secretary", "U.S.", "l'UE"
        short = word.casefold().split("'")[-1].split("’")[-1]
        if word.isupper() and short in ABBREVIATIONS:
            tokens |= {t for x in ABBREVIATIONS[short] for t in analyze(x) if t[0] != "~"}
    kind = None
    if corpus is not None:
        kind = corpus.name_kind(phrase)
        for w in re.findall(r"[\w'-]+", phrase):
            for spelled in corpus.spellings(w):
                tokens |= {t for t in analyze(spelled) if not t.startswith("~")}
                kind = kind or corpus.name_kind(spelled)
    return NameRef(phrase, frozenset(tokens), kind)


def _known_runs(
    text: str, corpus: CorpusView, taken: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Runs of up to four words the corpus knows as names, whatever their case."""
    tokens = [(m.start(), m.end()) for m in re.finditer(r"[\w'’-]+", text)]
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        for n in (4, 3, 2, 1):
            if i + n > len(tokens):
                continue
            a, b = tokens[i][0], tokens[i + n - 1][1]
            phrase = text[a:b]
            if n == 1 and (len(phrase) < 4 or fold(phrase) in _function_words()):
                continue
            if any(x <= a and b <= y for x, y in taken + found):
                break
            if corpus.is_name_key(fold(phrase).replace("’", "'")):
                found.append((a, b))
                i += n - 1
                break
        i += 1
    return found


@functools.cache
def _calendar_words() -> frozenset[str]:
    """Weekday and month names, English and French: capitalised, but not names."""
    from rag.answering.spans import MONTHS, WEEKDAYS

    return frozenset(fold(w) for table in (MONTHS, WEEKDAYS) for ws in table.values() for w in ws)


def _function_words() -> frozenset[str]:
    from rag.lexical import stopwords

    return stopwords()

"""Short answers: the exact span, coordinated names together, rendered in the reader's language."""

from __future__ import annotations

import pytest

from rag.answering.question import Question, analyze_question
from rag.answering.spans import coordinated, render, render_date, render_number
from rag.schemas import Mention

TEXT = (
    "Le port est représenté par son directeur, Ilan Berthier, et sa adjointe Maud Tessier, "
    "en l'absence de Joël Narbonne. Vingt-six barques sont arrivées mardi."
)


def mention(surface: str, kind: str, **kw) -> Mention:
    start = TEXT.index(surface)
    return Mention(start=start, end=start + len(surface), kind=kind, **kw)


class _Cand:
    """The two fields of a Candidate that coordination reads (a plain record, not a mock)."""

    def __init__(self, options: list[Mention]) -> None:
        self.options = options
        self.start = 0
        self.text = TEXT


def test_coordinated_names_answer_together_but_not_an_aside():
    berthier = mention("Ilan Berthier", "PER")
    tessier = mention("Maud Tessier", "PER")
    narbonne = mention("Joël Narbonne", "PER", negated=True)
    cand = _Cand([berthier, tessier, narbonne])
    group = coordinated(cand, berthier)  # type: ignore[arg-type]
    assert [TEXT[m.start : m.end] for m in group] == ["Ilan Berthier", "Maud Tessier"]


def test_names_coordinated_through_an_elided_article_answer_together():
    text = "Elle était aussi observée par la FIRA et l'UERA, puis par Line Marchal."

    def at(surface: str, kind: str) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind=kind)

    cand = _Cand([at("FIRA", "ORG"), at("UERA", "ORG"), at("Line Marchal", "PER")])
    cand.text = text
    group = coordinated(cand, cand.options[0])  # type: ignore[arg-type]
    assert [text[m.start : m.end] for m in group] == ["FIRA", "UERA"]


APPOSED = (
    "Selon l'Institut des rivières, Ilan Berthier, son directeur, et l'Office du port ont "
    "lancé deux barques, Aurore et Zéphyr."
)


def test_a_person_after_a_bare_comma_is_an_apposition_not_a_list():
    def at(surface: str, kind: str) -> Mention:
        start = APPOSED.index(surface)
        return Mention(start=start, end=start + len(surface), kind=kind)

    institute, director = at("Institut des rivières", "ORG"), at("Ilan Berthier", "PER")
    office = at("Office du port", "ORG")
    boats = [at("Aurore", "MISC"), at("Zéphyr", "PER")]  # the tagger's kinds, one wrong
    cand = _Cand([institute, director, office, *boats])
    cand.text = APPOSED

    def shown(group: list[Mention]) -> list[str]:
        return [APPOSED[m.start : m.end] for m in group]

    assert shown(coordinated(cand, director)) == ["Ilan Berthier"]  # type: ignore[arg-type]
    assert shown(coordinated(cand, institute)) == ["Institut des rivières"]  # type: ignore[arg-type]
    # through a conjunction, names of any kinds answer together
    assert shown(coordinated(cand, boats[0])) == ["Aurore", "Zéphyr"]  # type: ignore[arg-type]


LISTED = (
    "Les autorités ont appelé les habitants de Brévane, Saint-Orlon et Valmoret à évacuer, "
    "selon le préfet Aubin Léger et Clara Moutet."
)


def test_an_enumeration_answers_whole_whatever_kinds_the_tagger_gave_its_names():
    """ "Brévane, Saint-Orlon et Valmoret": the tagger called two of the three places persons,
    so only the first is an option of a where-question; the enumeration brings the others. Two
    names joined by "et" alone, or after a bare comma only, are no enumeration."""

    def at(surface: str, kind: str) -> Mention:
        start = LISTED.index(surface)
        return Mention(start=start, end=start + len(surface), kind=kind)

    town = at("Brévane", "LOC")
    others = [at("Saint-Orlon", "PER"), at("Valmoret", "PER"), at("Aubin Léger", "PER"),
              at("Clara Moutet", "PER")]  # fmt: skip
    cand = _Cand([town])
    cand.text = LISTED

    def shown(group: list[Mention]) -> list[str]:
        return [LISTED[m.start : m.end] for m in group]

    assert shown(coordinated(cand, town, others)) == ["Brévane", "Saint-Orlon", "Valmoret"]  # type: ignore[arg-type]
    assert shown(coordinated(cand, town, others[1:])) == ["Brévane"]  # type: ignore[arg-type]
    prefect = _Cand([others[2]])
    prefect.text = LISTED
    assert shown(coordinated(prefect, others[2], [town, others[3]])) == ["Aubin Léger"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        ("2026-01-06", "en", "Tuesday 6 January 2026"),
        ("2026-01-06", "fr", "mardi 6 janvier 2026"),
        ("2019-09", "en", "September 2019"),
        ("2007", "fr", "2007"),
    ],
)
def test_dates_are_written_out_in_the_readers_language(value, lang, shown):
    assert render_date(value, lang) == shown


def test_a_relative_day_is_resolved_and_keeps_its_quote():
    q = analyze_question("When did the boats arrive?", "en")
    tuesday = mention("mardi", "DATE", value="2026-01-06")
    shown, quote = render(q, [tuesday], TEXT, "fr", "en")
    assert shown == "Tuesday 6 January 2026" and quote == "mardi"
    shown, quote = render(q, [tuesday], TEXT, "fr", "fr")
    assert shown == "mardi 6 janvier 2026" and quote == "mardi"


@pytest.mark.parametrize(
    ("value", "unit", "kind", "lang", "shown"),
    [
        ("26", "barque", "NUM", "en", "26 boats"),
        ("2389", "emploi", "NUM", "en", "2,389 jobs"),
        ("3500000", "EUR", "MONEY", "en", "3.5 million EUR"),
        ("59.3", "%", "PERCENT", "fr", "59,3 %"),
        ("12500000000", "year", "NUM", "fr", "12,5 milliards ans"),
    ],
)
def test_numbers_in_the_readers_conventions(value, unit, kind, lang, shown):
    m = Mention(start=0, end=1, kind=kind, value=value, unit=unit)
    assert render_number(m, lang) == shown


COUNT = "Sur les 61 cas confirmés, 54 malades n'étaient pas vaccinés, et deux chefs ont signé."


class _Sentence:
    """The fields of a Candidate that mention features read (a plain record, not a mock)."""

    def __init__(self, options: list[Mention]) -> None:
        self.options = options
        self.hits: list[tuple[int, object]] = []
        self.start = 0
        self.text = COUNT
        self.annotation = None


def _features(q: Question, text: str, mentions: list[Mention]) -> list[dict[str, float]]:
    """Each mention's features in a sentence of ``text`` with no asked word met."""
    from rag.answering.features import mention_features

    sent = _Sentence(mentions)
    sent.text = text
    return [mention_features(q, sent, m, []) for m in mentions]  # type: ignore[arg-type]


def test_a_number_counting_another_noun_than_the_asked_one_is_marked():
    from rag.answering.features import mention_features

    q = analyze_question("Combien de malades n'étaient pas vaccinés ?", "fr")
    assert q.focus is not None and q.focus.word == "malades"

    def at(surface: str, unit: str) -> Mention:
        start = COUNT.index(surface)
        return Mention(start=start, end=start + len(surface), kind="NUM", value=surface, unit=unit)

    cases, sick, heads = at("61", "cas"), at("54", "malades"), at("deux", "chefs")
    sent = _Sentence([cases, sick, heads])
    feats = {m.unit: mention_features(q, sent, m, []) for m in sent.options}  # type: ignore[arg-type]
    assert feats["cas"]["other_unit"] == 1.0 and feats["chefs"]["other_unit"] == 1.0
    assert feats["malades"]["other_unit"] == 0.0 and feats["malades"]["focus"] == 1.0


@pytest.mark.parametrize(
    ("question", "lang", "met"),
    [
        ("Combien de gens sont venus ?", "fr", True),
        ("How many dead did the quake leave?", "en", True),
        ("Combien de victimes ?", "fr", True),
        ("Combien de maisons ont été inondées ?", "fr", False),
    ],
)
def test_a_count_of_people_meets_a_question_counting_a_kind_of_person(question, lang, met):
    """ "150 personnes" answers "combien de gens", "74 people" answers "how many dead"; it
    counts no houses."""
    from rag.answering.features import mention_features

    text = "Environ 150 personnes et 12 maisons."
    q = analyze_question(question, lang)
    people = Mention(start=8, end=11, kind="NUM", value="150", unit="personnes")
    sent = _Sentence([people])
    sent.text = text
    f = mention_features(q, sent, people, [])  # type: ignore[arg-type]
    assert (f["focus"] > 0, f["other_unit"] == 0.0) == (met, met)


def test_a_count_of_a_kind_of_person_meets_a_question_counting_people():
    """ "1,2 million de visiteurs" answers "how many people visited", the other way round."""
    text = "L'exposition a attiré 1,2 million de visiteurs et 40 œuvres."
    q = analyze_question("How many people visited the show?", "en")
    visitors = Mention(start=22, end=33, kind="NUM", value="1200000", unit="visiteurs")
    works = Mention(start=50, end=52, kind="NUM", value="40", unit="œuvres")
    f = _features(q, text, [visitors, works])
    assert f[0]["focus"] > 0 and f[1]["focus"] == 0.0


def test_a_number_counts_the_nouns_coordinated_after_it():
    from rag.answering.features import mention_features

    text = "Sept protocoles et accords ont été signés par les deux chefs d'Etat."
    q = analyze_question("Combien d'accords ont été signés ?", "fr")

    def at(surface: str, unit: str) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind="NUM", value="7", unit=unit)

    seven, two = at("Sept", "protocole"), at("deux", "chef")
    sent = _Sentence([seven, two])
    sent.text = text
    feats = [mention_features(q, sent, m, []) for m in (seven, two)]  # type: ignore[arg-type]
    assert feats[0]["focus"] == 1.0 and feats[0]["other_unit"] == 0.0
    assert feats[1]["focus"] == 0.0 and feats[1]["other_unit"] == 1.0


def test_a_number_with_a_noun_of_its_own_counts_that_noun_not_what_it_hangs_on():
    """ "Habitante ... depuis plus de quarante ans" counts years: the parse hangs the number
    on "habitante", but "combien d'habitants" is answered by "4 500 habitants"."""
    from rag.answering.features import mention_features

    text = "Habitante de Lerrain depuis quarante ans, Line a vu la ville de 4 500 habitants."
    q = analyze_question("combien d'habitants compte Lerrain", "fr")

    def at(surface: str, unit: str, head: str) -> Mention:
        start = text.index(surface)
        return Mention(
            start=start, end=start + len(surface), kind="NUM", value=surface, unit=unit, head=head
        )

    years, people = at("quarante", "an", "habitant"), at("4 500", "habitant", "ville")
    sent = _Sentence([years, people])
    sent.text = text
    feats = [mention_features(q, sent, m, []) for m in (years, people)]  # type: ignore[arg-type]
    assert feats[0]["focus"] == 0.0 and feats[0]["other_unit"] == 1.0
    assert feats[1]["focus"] == 1.0


def test_a_count_is_near_the_other_asked_words_not_only_its_counted_noun():
    """Every count of the asked noun sits by that noun; which one answers is told by the
    other asked words: "près de 300 foyers privés d'électricité" for "combien de foyers
    ont eu une coupure d'électricité", not "115 foyers" at the sentence's start."""
    from rag.answering.features import mention_features

    text = "Selon la mairie, 115 foyers sont inondés et près de 300 foyers privés d'électricité."
    q = analyze_question("combien de foyers ont été privés d'électricité", "fr")
    assert q.focus is not None and q.focus.word == "foyers"
    terms = {t.word: t for t in q.terms}

    def at(surface: str) -> Mention:
        start = text.index(surface)
        return Mention(
            start=start, end=start + len(surface), kind="NUM", value=surface, unit="foyer"
        )

    first, second = at("115"), at("300")
    sent = _Sentence([first, second])
    sent.text = text
    sent.hits = [
        (text.index("foyers"), terms["foyers"]),
        (text.index("foyers", text.index("300")), terms["foyers"]),
        (text.index("privés"), terms["privés"]),
        (text.index("électricité"), terms["électricité"]),
    ]
    near = [mention_features(q, sent, m, [])["near"] for m in (first, second)]  # type: ignore[arg-type]
    assert near[1] > near[0]


def test_a_name_is_near_the_asked_noun_that_titles_it():
    """A name is read beside its title: "host Frank Marl" answers "who was the host of the
    meeting" though the meeting is named at the sentence's other end."""
    from rag.answering.features import mention_features

    text = "The ministers of Norland met in Lerrain on Tuesday for two days, host Frank Marl said."
    q = analyze_question("Who was the host of the ministers' meeting?", "en")
    assert q.focus is not None and q.focus.word == "host"
    terms = {t.word: t for t in q.terms}
    start = text.index("Frank")
    marl = Mention(start=start, end=start + len("Frank Marl"), kind="PER")
    sent = _Sentence([marl])
    sent.text = text
    sent.hits = [(text.index("ministers"), terms["ministers"]), (text.index("host"), terms["host"])]
    near = mention_features(q, sent, marl, [])["near"]  # type: ignore[arg-type]
    assert near > 0.9


def test_a_date_is_near_the_other_asked_words_not_its_unit_of_time():
    """ "local time on Oct. 10" does not make Oct. 10 the answer to "what time": a date's
    nearness, like a count's, is to the other asked words."""
    from rag.answering.features import mention_features

    text = "The first quake struck at 9:45 a.m. local time on Oct. 10."
    q = analyze_question("What time did the first quake strike?", "en")
    assert q.focus is not None and q.focus.word == "time"
    terms = {t.word: t for t in q.terms}
    start = text.index("Oct. 10")
    day = Mention(start=start, end=start + len("Oct. 10"), kind="DATE", value="2025-10-10")
    sent = _Sentence([day])
    sent.text = text
    sent.hits = [(text.index("quake"), terms["quake"]), (text.index("time"), terms["time"])]
    near = mention_features(q, sent, day, [])["near"]  # type: ignore[arg-type]
    assert near < 0.6


def test_a_name_opening_with_the_asked_noun_is_qualified_by_it():
    """ "lycée Anne-Morvel" answers "dans quel lycée": the name opens with its own common
    noun; the city beside it does not."""
    from rag.answering.features import mention_features

    text = "Il est entré au lycée Anne-Morvel, à Lerrain."
    q = analyze_question("Dans quel lycée est-il entré ?", "fr")
    assert q.focus is not None and q.focus.word == "lycée"
    at = text.index("lycée")
    school = Mention(start=at, end=at + len("lycée Anne-Morvel"), kind="LOC")
    town = Mention(start=text.index("Lerrain"), end=text.index("Lerrain") + 7, kind="LOC")
    assert text[school.start : school.end] == "lycée Anne-Morvel"
    sent = _Sentence([school, town])
    sent.text = text
    f = [mention_features(q, sent, m, [])["focus"] for m in (school, town)]  # type: ignore[arg-type]
    assert f == [1.0, 0.0]


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("What height did the river reach?", "en"),
        ("Quel niveau la rivière a-t-elle atteint ?", "fr"),
    ],
)
def test_a_measure_meets_the_units_it_is_counted_in(question, lang):
    """ "3,25 mètres" answers "what height" (a unit of length); "4 500 habitants" does not."""
    text = "La rivière a atteint 3,25 mètres dans cette ville de 4 500 habitants."
    level = Mention(start=21, end=25, kind="NUM", value="3.25", unit="mètres")
    people = Mention(start=53, end=58, kind="NUM", value="4500", unit="habitants")
    f = _features(analyze_question(question, lang), text, [level, people])
    assert f[0]["focus"] > 0 and f[0]["other_unit"] == 0.0
    assert f[1]["focus"] == 0.0 and f[1]["other_unit"] == 1.0


def test_a_mention_is_tied_to_the_question_by_its_head_not_by_being_there():
    """A sentence ranked below the quoted ones is quoted for the short answer only when one
    of its mentions is tied to the question (``tied``): its head is an asked word here."""
    from rag.answering.spans import tied

    text = "« Bienvenue », sourit la présidente Odile Marchand, face à Paul Henri."
    q = analyze_question("Who presided over the first hearing?", "en")

    def at(surface: str, head: str | None) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind="PER", head=head)

    sent = _Sentence([at("Odile Marchand", "présidente")])
    sent.text, sent.annotation = text, None
    assert tied(q, sent)  # type: ignore[arg-type]
    bare = _Sentence([at("Paul Henri", "face")])
    bare.text, bare.annotation = text, None
    assert not tied(q, bare)  # type: ignore[arg-type]


class _Quoted:
    """The fields of a Candidate that ``expansion`` reads (a plain record, not a mock)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.start = 0


@pytest.mark.parametrize(
    ("question", "lang", "sentence", "expanded"),
    [
        ("What does the acronym Cnil stand for?", "en",
         "La Cnil (Commission nationale de l'informatique et des libertés) a tranché.",
         "Commission nationale de l'informatique et des libertés"),
        ("Que signifie OMS ?", "fr",
         "Selon l'Organisation mondiale de la santé (OMS), le virus recule.",
         "Organisation mondiale de la santé"),
        ("What does NATO stand for?", "en",
         "The North Atlantic Treaty Organization (NATO) met on Monday.",
         "North Atlantic Treaty Organization"),
        ("Que veut dire SNCF ?", "fr", "La SNCF a annoncé une grève.", None),
    ],
)  # fmt: skip
def test_a_definition_reads_what_a_name_stands_for_off_the_sentence(
    question, lang, sentence, expanded
):
    from rag.answering.spans import expansion

    q = analyze_question(question, lang)
    span = expansion(q, _Quoted(sentence), sentence)  # type: ignore[arg-type]
    assert (sentence[span[0] : span[1]] if span else None) == expanded


@pytest.mark.parametrize(
    ("question", "surface", "value", "kept"),
    [
        ("What year was the previous record?", "Jeudi", None, False),  # a weekday: no year
        ("What year was the previous record?", "1996", "1996", True),
        ("En quelle année le record a-t-il été battu ?", "le 3 mai", None, False),
        ("Quel jour exactement le texte passe-t-il ?", "en avril", "2018-04", False),
        ("Quel jour exactement le texte passe-t-il ?", "le 2 mai", "2018-05-02", True),
        ("le marché a lieu quel jour de la semaine", "le 16 septembre", None, False),
        ("le marché a lieu quel jour de la semaine", "le dimanche", None, True),
        ("When was the market opened?", "Jeudi", None, True),  # no precision asked
    ],
)  # fmt: skip
def test_a_date_less_precise_than_asked_is_no_answer(question, surface, value, kept):
    from rag.answering.candidates import options
    from rag.schemas import SentenceAnnotation

    text = f"Il arrive {surface}, dit-on."
    start = text.index(surface)
    m = Mention(start=start, end=start + len(surface), kind="DATE", value=value)
    ann = SentenceAnnotation(start=0, end=len(text), mentions=[m])
    lang = "en" if question.startswith(("What", "When")) else "fr"
    q = analyze_question(question, lang)
    assert q.qtype == "when"
    assert (options(q, ann, text) == [m]) is kept


@pytest.mark.parametrize(
    ("sentence", "head"),
    [
        ("Paris, France | AFP | mardi 05/11/2024 - Michelin a annoncé",
         "Paris, France | AFP | mardi 05/11/2024"),
        ("WATERLOO, Ont. — BlackBerry CEO John Chen defended his plan.", "WATERLOO, Ont."),
        ("AMHERST (CBS) -- A group of astronomers say they have found it.", "AMHERST (CBS)"),
        ("Le PDG — John Chen — a défendu son plan.", ""),
        ("John Chen defended his plan - and won.", ""),
    ],
)  # fmt: skip
def test_a_dateline_is_found_where_it_opens_a_sentence(sentence, head):
    from rag.answering.candidates import dateline_end

    assert sentence[: dateline_end(sentence)] == head


def test_a_datelines_agency_and_tagger_noise_are_no_answer_but_its_place_is():
    from rag.answering.candidates import options
    from rag.schemas import SentenceAnnotation

    text = "WATERLOO, Ont. (AP) — BlackBerry CEO John Chen defended his plan in Toronto."

    def at(surface: str, kind: str) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind=kind)

    found = [at("WATERLOO", "LOC"), at("Ont", "PER"), at("AP", "ORG"), at("John Chen", "PER"),
             at("Toronto", "LOC")]  # fmt: skip
    ann = SentenceAnnotation(start=0, end=len(text), mentions=found)
    who = options(analyze_question("Who is BlackBerry's CEO?", "en"), ann, text)
    assert [text[m.start : m.end] for m in who] == ["John Chen"]
    where = options(analyze_question("Where did the CEO speak?", "en"), ann, text)
    assert [text[m.start : m.end] for m in where] == ["WATERLOO", "Toronto"]


def test_a_name_is_qualified_by_the_common_noun_after_it_and_by_a_co_argument():
    """English puts the asked noun after the name ("the Davao Oriental province"); a
    mention that shares a verb with a name the question gives is marked ``with_name``."""
    from rag.answering.features import mention_features
    from rag.schemas import Predicate, SentenceAnnotation

    text = "The quake struck the Davao Oriental province while the Survey measured it at 6.7."
    q = analyze_question("Which province did the quake strike?", "en")

    def at(surface: str, kind: str, **kw) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind=kind, **kw)

    province = at("Davao Oriental", "LOC")
    sent = _Sentence([province])
    sent.text, sent.annotation = text, None
    assert mention_features(q, sent, province, [])["focus"] == 1.0  # type: ignore[arg-type]

    six = at("6.7", "NUM", value="6.7")
    survey = text.index("the Survey")
    measured = Predicate(
        lemma="measure", start=text.index("measured"), end=text.index("measured") + 8,
        args=[("subj", survey, survey + 10), ("obl", six.start, six.end)],
    )  # fmt: skip
    sent = _Sentence([six])
    sent.text = text
    sent.annotation = SentenceAnnotation(
        start=0, end=len(text), mentions=[six], predicates=[measured]
    )
    by_survey = analyze_question("What magnitude did the Survey give?", "en")
    by_other = analyze_question("What magnitude did the Institute give?", "en")
    assert mention_features(by_survey, sent, six, [])["with_name"] == 1.0  # type: ignore[arg-type]
    assert mention_features(by_other, sent, six, [])["with_name"] == 0.0  # type: ignore[arg-type]


def test_a_name_is_qualified_by_the_noun_of_an_apposition_after_it():
    """ "Lina, une habitante de Lerrain": the apposition says what the name is, so it
    answers "which resident"; a name whose apposition is another noun does not."""
    from rag.answering.features import mention_features

    text = "« Plus de fruits », déclare Lina, une habitante de Lerrain, au maire Paul Orvel."
    q = analyze_question("Which Lerrain resident said more fruit was needed?", "en")

    def at(surface: str) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind="PER")

    lina, mayor = at("Lina"), at("Paul Orvel")
    sent = _Sentence([lina, mayor])
    sent.text, sent.annotation = text, None
    assert mention_features(q, sent, lina, [])["focus"] > 0.0  # type: ignore[arg-type]
    assert mention_features(q, sent, mayor, [])["focus"] == 0.0  # type: ignore[arg-type]


def test_a_name_deep_in_a_long_argument_is_not_the_verb_s_co_argument():
    """ "travelled to Lerrain fresh from talks in Orvel with his counterparts from Norland,
    Estria and Valmont": Estria is a word of the argument, not the argument itself."""
    from rag.answering.features import mention_features
    from rag.schemas import Predicate, SentenceAnnotation

    text = (
        "Marchal travelled to Lerrain fresh from talks in Orvel with his counterparts "
        "from Norland, Estria and Valmont."
    )
    start = text.index("Lerrain")
    town = Mention(start=start, end=start + 7, kind="LOC")
    company = text.index("with his")
    travel = Predicate(
        lemma="travel", start=text.index("travelled"), end=text.index("travelled") + 9,
        args=[("obl", start, start + 7), ("obl", company, len(text) - 1)],
    )  # fmt: skip
    sent = _Sentence([town])
    sent.text = text
    sent.annotation = SentenceAnnotation(
        start=0, end=len(text), mentions=[town], predicates=[travel]
    )
    q = analyze_question("In which city were the talks on Estria held?", "en")
    assert mention_features(q, sent, town, [])["with_name"] == 0.0  # type: ignore[arg-type]


def test_a_state_the_question_names_by_its_adjective_is_no_answer():
    """ "two French ports — in which towns?": France is given, the towns are asked; a
    mention that holds more than the state's name ("the French Riviera") is not given."""
    from rag.answering.candidates import options
    from rag.schemas import SentenceAnnotation

    text = "En France, la compagnie ferme Cherbourg et la Riviera française."

    def at(surface: str) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind="LOC")

    ann = SentenceAnnotation(
        start=0, end=len(text), mentions=[at("France"), at("Cherbourg"), at("Riviera française")]
    )
    q = analyze_question("The ferry line is closing two French ports — in which towns?", "en")
    assert [text[m.start : m.end] for m in options(q, ann, text)] == [
        "Cherbourg",
        "Riviera française",
    ]
    other = analyze_question("Where is the ferry line closing ports?", "en")
    assert len(options(other, ann, text)) == 3


def test_a_name_the_question_gives_is_given_inside_a_short_name_not_a_long_one():
    """ "Dalmar" for "Tom Dalmar" is given; "Norland" inside "Office public de Norland" is
    a word of another name: the agency a question about Norland asks for."""
    from rag.answering.candidates import options
    from rag.schemas import SentenceAnnotation

    text = "Le bulletin publié par l'Office public de Norland cite Tom Dalmar."

    def at(surface: str, kind: str) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind=kind)

    ann = SentenceAnnotation(
        start=0,
        end=len(text),
        mentions=[at("Office public de Norland", "ORG"), at("Tom Dalmar", "PER")],
    )
    q = analyze_question("Which agency in Norland quoted Dalmar?", "en")
    assert [text[m.start : m.end] for m in options(q, ann, text)] == ["Office public de Norland"]


def test_the_asked_noun_before_a_name_stays_in_its_clause():
    """ "cette rivière, qui traverse la Marvelle": the river is not the Marvelle; "la
    rivière Lisonne" is the river."""
    from rag.answering.features import mention_features

    text = "Cette rivière, qui traverse la Marvelle, rejoint la rivière Lisonne."
    q = analyze_question("Quelle rivière traverse la ville ?", "fr")

    def at(surface: str) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind="LOC")

    marvelle, lisonne = at("Marvelle"), at("Lisonne")
    sent = _Sentence([marvelle, lisonne])
    sent.text, sent.annotation = text, None
    assert mention_features(q, sent, marvelle, [])["focus"] == 0.0  # type: ignore[arg-type]
    assert mention_features(q, sent, lisonne, [])["focus"] > 0.0  # type: ignore[arg-type]


def test_a_state_does_not_answer_a_question_about_another_class_of_place():
    """ "which city": the city, not the country it is in; "which country" keeps it, and so
    does "which team" (a national side bears its country's name)."""
    from rag.answering.candidates import options
    from rag.schemas import SentenceAnnotation

    text = "The ministers met in Portugal, in the port city of Vellmar."

    def at(surface: str) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind="LOC")

    ann = SentenceAnnotation(start=0, end=len(text), mentions=[at("Portugal"), at("Vellmar")])

    def kept(question: str) -> list[str]:
        q = analyze_question(question, "en")
        return [text[m.start : m.end] for m in options(q, ann, text)]

    assert kept("In which city did the ministers meet?") == ["Vellmar"]
    assert kept("In which country did the ministers meet?") == ["Portugal", "Vellmar"]
    assert kept("Which team did the ministers meet?") == ["Portugal", "Vellmar"]


def test_a_name_the_asked_noun_introduces_is_an_option_even_when_the_tagger_missed_it():
    """ "l'application Velibra" answers "what is the name of the app": the capitalised run
    after the asked noun is an option, also where the tagger ran it on ("Velibra pour la
    Régie"), and not after another noun."""
    from rag.answering.candidates import options
    from rag.schemas import SentenceAnnotation

    text = "La start-up a créé l'application Velibra pour la Régie et le service Ondra."
    start = text.index("Velibra")
    long = Mention(start=start, end=text.index(" et le"), kind="MISC")
    ann = SentenceAnnotation(start=0, end=len(text), mentions=[long])
    q = analyze_question("What is the name of the app that the start-up built?", "en")
    assert q.focus is not None and q.focus.word == "app"
    found = [text[m.start : m.end] for m in options(q, ann, text)]
    assert "Velibra" in found and "Ondra" not in found

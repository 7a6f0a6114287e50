"""Question analysis without a parser: the kind of answer, what is asked, the names given."""

from __future__ import annotations

import pytest

from rag.answering import bilingual
from rag.answering.question import analyze_question, question_type, split_question
from rag.schemas import Mention


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        ("Who chairs the river authority?", "who"),
        ("Qui préside l'office des rivières ?", "who"),
        ("Avec qui le maire Jean Morvel a-t-il dîné ?", "who"),  # a preposition, then "qui"
        ("Pour qui la coopérative travaille-t-elle ?", "who"),
        ("combien de barques sont arrivées", "how_many"),
        ("How much did the ferry ticket cost?", "how_many"),
        ("What percentage of voters turned out?", "how_many"),
        ("jusqu'à quel niveau la rivière est montée", "how_many"),
        ("Quand le pont doit-il rouvrir ?", "when"),
        ("what year was the lighthouse built", "when"),
        ("jusqu'à quand dure la fermeture", "when"),
        ("Où le marché se tient-il ?", "where"),
        ("In which town did the festival open?", "where"),
        ("The ferry line is closing two ports — in which towns?", "where"),
        ("which provinces were told to evacuate", "where"),
        ("At which Lyon high school did the pupil sit the exam?", "where"),
        ("Dans quel hôpital a-t-il été soigné ?", "where"),
        ("What did the school board decide?", "what"),
        ("What first-quarter revenue did the cooperative report?", "how_many"),
        ("What was the club's share of possession?", "how_many"),
        ("What was Velibra's first-quarter revenue?", "how_many"),  # the noun after a possessor
        ("Quel bénéfice la coopérative a-t-elle annoncé ?", "how_many"),
        ("Pourquoi la ligne a-t-elle fermé ?", "why"),
        ("How did the cooperative avoid bankruptcy?", "why"),
        ("Was the mayor re-elected?", "yesno"),
        ("Le maire soutient-il le projet ?", "yesno"),
        ("What does the acronym CRAB stand for?", "definition"),
        ("c'est quoi une cour d'appel", "definition"),
        ("le label CRAB ça veut dire quoi", "definition"),
        ("CRAB, c'est l'acronyme de quoi ?", "definition"),
        ("c'est quoi le taux de chômage de la ville", "how_many"),  # an amount, not a sense
        ("Comment s'appelle le directeur du port ?", "who"),  # a person noun: a person
        ("What is the name of the ferry that sank?", "name"),
        ("Which river flooded the lower town?", "which"),
        ("Quel gouverneur a déclaré l'état d'urgence ?", "who"),
        ("which Lyon student was happy with her mark", "who"),
        ("Which two spokeswomen denied it?", "who"),
        ("Which bridge reopened?", "which"),
        ("What did the council decide?", "what"),
        ("c'est qui le maire de Lerrain", "who"),
        ("nombre de morts après la tempête", "how_many"),  # typed as a search
        ("number of deaths after the storm", "how_many"),
        ("c'était qui l'entraîneur du club", "who"),
        ("in which minute did the visitors go behind", "when"),  # a unit of time: a when
        ("À quelle minute le premier but a-t-il été marqué ?", "when"),
        ("which season did the club go down", "when"),
    ],
)
def test_question_type(question, qtype):
    assert analyze_question(question, "en").qtype == qtype
    if qtype not in ("which",) and not analyze_question(question, "en").focus:
        assert question_type(question) == qtype


def test_the_first_question_word_decides():
    assert question_type("Where was the envoy greeted when he arrived?") == "where"
    assert question_type("When did the envoy arrive where the talks were held?") == "when"
    # a leading "which" asks for a thing of its noun's class; the "when" opens a clause
    assert question_type("which minister was with the envoy when he arrived") == "what"
    assert (
        analyze_question("which minister was with the envoy when he arrived", "en").qtype == "who"
    )
    assert question_type("Quel ministre était là quand l'envoyé est arrivé ?") == "what"
    assert question_type("In which year did the envoy arrive?") == "when"


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("How many horses pulled the carriage?", "horses"),
        ("How many confirmed measles cases has the county reported?", "cases"),
        ("How many attack and decoy drones did the army down?", "drones"),
        ("How many long-range missiles were promised?", "missiles"),
        ("How many Western countries' leaders took part?", "countries"),  # the possessor
        ("How many people were injured?", "people"),
        ("how many people went to the emergency room last week", "people"),
        ("How many children were vaccinated?", "children"),
        ("à combien s'élève le chiffre d'affaires du groupe", "chiffre"),
        ("nombre de cas graves en réanimation selon les autorités", "cas"),
        ("number of confirmed measles cases in the county", "cases"),
        ("Combien de soldats britanniques seront déployés ?", "soldats"),
        ("combien d'emplois la coopérative supprime", "emplois"),
        ("Which economy minister criticised the plan?", "minister"),
        ("Quel président a nommé la juge ?", "président"),
        ("Who is the mayor of Port-Vaillant?", "mayor"),
        ("who's the mayor of port-vaillant", "mayor"),
        ("c'est qui le maire de Port-Vaillant", "maire"),
        ("le pont rouvre quel jour exactement ?", "jour"),
    ],
)
def test_the_asked_noun(question, focus):
    q = analyze_question(question, "en")
    assert q.focus is not None and q.focus.word == focus


def test_who_was_acted_upon():
    assert analyze_question("Who was appointed by the governor?", "en").patient
    assert analyze_question("Qui a été nommé par la gouverneure ?", "fr").patient
    assert analyze_question("Whom did the court acquit?", "en").patient
    assert not analyze_question("Who appointed the judge?", "en").patient


@pytest.mark.parametrize(
    "question",
    ["With whom did the mayor spend Tuesday?", "Avec qui la maire a-t-elle passé mardi ?",
     "À qui le juge a-t-il confié l'enregistrement ?", "To whom was the prize given?"],
)  # fmt: skip
def test_a_preposition_before_whom_asks_for_its_complement(question):
    """ "with whom" is not "whom": the answer is the complement the preposition introduces,
    so a mention in a verb's oblique fills the asked role, the object does not."""
    from rag.answering.features import _in_role
    from rag.schemas import Mention, Predicate

    q = analyze_question(question, "fr" if question[0] in "AÀ" else "en")
    assert q.oblique and not q.patient
    verb = Predicate(lemma="passer", start=10, end=15, args=[("obj", 16, 26), ("obl", 27, 40)])
    assert _in_role(q, Mention(start=30, end=40, kind="PER"), verb)
    assert not _in_role(q, Mention(start=18, end=26, kind="PER"), verb)


def test_names_drop_capitalised_function_words():
    q = analyze_question("Was Ilona Varga re-elected in Port-Vaillant?", "en")
    assert [n.text for n in q.names] == ["Ilona Varga", "Port-Vaillant"]
    q = analyze_question("In the Brenner reform, what does CRAB stand for?", "en")
    assert [n.text for n in q.names] == ["Brenner", "CRAB"]


def test_precision_and_several_things():
    assert analyze_question("Le pont rouvre quel jour ?", "fr").precision == "day"
    assert analyze_question("What year did it open?", "en").precision == "year"
    assert analyze_question("Which two ships collided?", "en").many
    assert not analyze_question("Which ship sank?", "en").many


@pytest.mark.parametrize(
    ("question", "lang", "focus", "kinds"),
    [
        ("Comment s'appelle le PDG de la société ?", "fr", "pdg", {"PER", "ORG"}),
        ("Comment s'appelle l'ancien entraîneur du club ?", "fr", "entraîneur", {"PER", "ORG"}),
        ("Quel est le nom du nouveau directeur ?", "fr", "directeur", {"PER", "ORG"}),
        ("What is the name of the new bridge, opened in 2020?", "en", "bridge", {"LOC"}),
        ("What was the name of the ship Greenpeace sent?", "en", "ship", {"PER", "ORG"}),
        ("Qui est le nouveau ministre de l'Intérieur ?", "fr", "ministre", {"PER", "ORG"}),
    ],
)
def test_a_name_request_asks_for_a_name_of_its_class(question, lang, focus, kinds):
    q = analyze_question(question, lang)
    assert q.focus is not None and q.focus.word == focus
    assert q.expects >= kinds


def test_an_abbreviated_state_in_a_name_meets_its_full_name():
    (us,) = analyze_question("Which US Secretary of State joined the talks?", "en").names
    assert {"unis", "americain"} <= us.tokens  # "les États-Unis", "le secrétaire américain"
    (ue,) = analyze_question("Que demande l'UE ?", "fr").names
    assert "europeen" in ue.tokens


def test_words_carry_their_translation():
    q = analyze_question("How many horses pulled the carriage?", "en")
    horses = next(t for t in q.terms if t.word == "horses")
    assert "cheval" in horses.translations
    q = analyze_question("combien de chevaux tiraient la calèche", "fr")
    chevaux = next(t for t in q.terms if t.word == "chevaux")
    assert any(t.startswith("hors") for t in chevaux.translations)


@pytest.mark.parametrize(
    ("word", "lang", "translation"),
    [
        ("emergency", "en", "urgence"),  # frequent words FreeDict lacks (rag/data/common_*)
        ("governor", "en", "gouverneur"),
        ("épidémie", "fr", "epidemic"),
        ("entreprises", "fr", "company"),
        ("horses", "en", "cheval"),
        ("people", "en", "personnes"),  # everyday senses FreeDict lacks (rag/data/senses_*)
        ("share", "en", "part"),
        ("fait", "fr", "fact"),
    ],
)
def test_the_dictionary_knows_frequent_words_both_ways(word, lang, translation):
    assert translation in bilingual.translate(word, lang)


def test_an_authored_entry_is_read_backwards_too():
    """ "amendement" given for "amendment" (and for no French head) makes "amendment" an
    English sense of "amendement"."""
    from rag.lexical import table_rows

    assert "amendement" in dict(table_rows("common_en_fr.tsv"))["amendment"]
    assert "amendement" not in dict(table_rows("common_fr_en.tsv"))
    assert "amendment" in bilingual.translate("amendement", "fr")


def test_country_names_meet_across_languages():
    q = analyze_question("What did Germany announce?", "en")
    (germany,) = q.names
    assert "allemagn" in germany.tokens


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("Où se tient le marché, et où se tenait-il avant ?", 2),
        ("Who opened the bridge and when?", 1),
        ("Qui a parlé ?", 1),
    ],
)
def test_split_question(question, parts):
    assert len(split_question(question)) == parts


def test_a_person_noun_is_known_in_both_languages_and_in_the_plural():
    from rag.answering.question import noun_kind

    assert noun_kind("student", "en") == "PER" and noun_kind("spokeswomen", "en") == "PER"
    assert noun_kind("lycéennes", "fr") == "PER" and noun_kind("ministres", "fr") == "PER"
    assert noun_kind("bridge", "en") != "PER" and noun_kind("usine", "fr") != "PER"


def test_the_asked_noun_meets_its_phrase_s_translation():
    q = analyze_question("à combien s'élève le chiffre d'affaires du groupe", "fr")
    assert q.qtype == "how_many" and q.focus is not None
    assert "en:revenu" in q.focus.translations  # "chiffre d'affaires", not "chiffre": figure


def test_a_noun_denotes_a_person_a_place_or_an_organisation():
    from rag.answering.question import noun_kind

    assert noun_kind("towns", "en") == "LOC" and noun_kind("rue", "fr") == "LOC"
    assert noun_kind("unions", "en") == "ORG" and noun_kind("agences", "fr") == "ORG"
    assert noun_kind("ministres", "fr") == "PER" and noun_kind("usine", "fr") != "PER"
    assert noun_kind("handball", "en") is None


@pytest.mark.parametrize(
    ("question", "lang", "qtype", "focus", "wants"),
    [
        ("which street is the new market on", "en", "which", "street", "LOC"),
        ("quelle rue accueille la fête", "fr", "which", "rue", "LOC"),
        ("Which agency publishes the weekly bulletin?", "en", "which", "agency", "ORG"),
        ("quelles instances observaient l'arbitre ?", "fr", "which", "instances", "ORG"),
        ("Which venture capital firms led the round?", "en", "which", "firms", "ORG"),
        ("Which Lerrain player's handball gave them a penalty?", "en", "who", "player", None),
        ("which two bills were passed", "en", "which", "bills", None),
    ],
)
def test_which_asks_for_the_kind_its_noun_denotes(question, lang, qtype, focus, wants):
    q = analyze_question(question, lang)
    assert (q.qtype, q.focus.word if q.focus else None, q.wants) == (qtype, focus, wants)


class _Sentence:
    """The fields of a Candidate that mention features read (a plain record, not a mock)."""

    def __init__(self, text: str, options: list[Mention]) -> None:
        self.text, self.options = text, options
        self.start, self.hits, self.annotation = 0, [], None


def test_an_organisation_noun_makes_an_organisation_the_preferred_answer():
    from rag.answering.features import mention_features

    text = "Le rapport de l'Agence du littoral cite Line Marchal."
    q = analyze_question("Which agency wrote the report?", "en")

    def at(surface: str, kind: str) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind=kind)

    org, per = at("Agence du littoral", "ORG"), at("Line Marchal", "PER")
    sent = _Sentence(text, [org, per])
    feats = [mention_features(q, sent, m, []) for m in (org, per)]  # type: ignore[arg-type]
    assert feats[0]["preferred"] == 1.0 and feats[1]["preferred"] == 0.0


def test_the_states_a_question_names_include_those_its_adjectives_name():
    q = analyze_question("The ferry line is closing two French ports — in which towns?", "en")
    assert "@france" in q.states
    assert analyze_question("Quel président yéménite a fui ?", "fr").states == {"@yemen"}


def test_a_name_the_parser_cut_in_two_fills_the_role_it_starts_in():
    """ "Le président français Emmanuel | Macron a accueilli ...": the parser left the surname
    out of the subject; the name it overlaps is still the doer of "Qui a accueilli"."""
    from rag.answering.features import _in_role
    from rag.schemas import Predicate

    q = analyze_question("Qui a accueilli la ministre ?", "fr")
    verb = Predicate(lemma="accueillir", start=40, end=49, args=[("subj", 0, 30), ("obj", 50, 70)])
    assert _in_role(q, Mention(start=22, end=37, kind="PER"), verb)
    assert not _in_role(q, Mention(start=55, end=65, kind="PER"), verb)
    assert not _in_role(q, Mention(start=72, end=80, kind="PER"), verb)


def test_the_parse_role_counts_for_who_questions_only():
    """The doer of the asked verb answers "who"; for a which- or how-many question the
    parse's roles held no answer more often than chance in the fit data (0 of 24)."""
    from rag.answering.features import mention_features
    from rag.schemas import Predicate

    text = "Le conseil de Lerrain a nommé Line Marchal."

    council = Mention(start=0, end=19, kind="ORG")
    named = Predicate(lemma="nommer", start=22, end=27, args=[("subj", 0, 19), ("obj", 28, 41)])
    who = analyze_question("Qui a nommé la directrice ?", "fr")
    which = analyze_question("Quel organisme a nommé la directrice ?", "fr")
    sent = _Sentence(text, [council])
    assert mention_features(who, sent, council, [named])["role"] == 1.0  # type: ignore[arg-type]
    assert mention_features(which, sent, council, [named])["role"] == 0.0  # type: ignore[arg-type]


class _Names:
    """The corpus's name index as the question analysis reads it (a plain record): the
    names its articles use, by kind."""

    def __init__(self, kinds: dict[str, str]) -> None:
        self.kinds = {k.casefold(): v for k, v in kinds.items()}

    def name_kind(self, phrase: str) -> str | None:
        return self.kinds.get(phrase.casefold())

    def is_name_key(self, key: str) -> bool:
        return key in self.kinds

    def has_names(self) -> bool:
        return bool(self.kinds)

    def spellings(self, word: str) -> list[str]:
        return []


def test_a_french_institution_written_the_french_way_is_words_not_a_name():
    """ "ministre des Affaires étrangères": a capitalised common noun and its adjective that
    the articles never use as a name meet "foreign affairs" like any words; a name the
    articles use, or one the dictionary does not know, stays a name."""
    corpus = _Names({"Norland": "LOC", "Conseil": "ORG"})
    q = analyze_question("Qui est le ministre des Affaires étrangères de Norland ?", "fr", corpus)
    assert [n.text for n in q.names] == ["Norland"]
    assert "affaires" in [t.word for t in q.asked]
    # the articles name a "Conseil": it stays a name
    q = analyze_question("Qui préside le Conseil national ?", "fr", corpus)
    assert [n.text for n in q.names] == ["Conseil"]
    # an English title in capitals is words too (see the test on capitalised titles)
    q = analyze_question("Who is the Foreign Minister of Norland?", "en", corpus)
    assert [n.text for n in q.names] == ["Norland"]


def test_the_asked_noun_of_a_name_request_ends_before_a_name_typed_in_lower_case():
    """ "the app velibra built": the app is asked, "built" is the clause's verb."""
    corpus = _Names({"Velibra": "ORG"})
    q = analyze_question("what is the name of the app velibra built for the city", "en", corpus)
    assert q.focus is not None and q.focus.word == "app"


@pytest.mark.parametrize(
    ("question", "names", "focus"),
    [
        ("Which US Secretary joined the talks?", ["US"], "secretary"),
        ("Who is the Foreign Minister of Norland?", ["Norland"], "minister"),
        ("Who is NATO's Secretary General?", ["NATO"], None),
        # after "of" a title names the body: it stays with the name
        ("When is the bill due before the Council of Ministers?", ["Council", "Ministers"], None),
        ("Did President Keller visit Lerrain?", ["Keller", "Lerrain"], None),
        ("When did the United States change course?", ["United States"], None),
    ],
)
def test_a_capitalised_title_is_a_noun_not_part_of_a_name(question, names, focus):
    """A title written with a capital ("US Secretary of State", "President Keller") that the
    articles never use as a name is the asked noun or a description: the name is what is
    left, and "which US Secretary" asks for a person. Only nouns of persons count: "United
    States" stays one name."""
    corpus = _Names({"Keller": "PER", "Lerrain": "LOC", "US": "LOC", "Norland": "LOC"})
    q = analyze_question(question, "en", corpus)  # type: ignore[arg-type]
    assert [n.text for n in q.names] == names
    assert (q.focus.word if q.focus else None) == focus

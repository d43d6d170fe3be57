"""The spec's rules, applied to decoded word tags: what an entity may be, whatever the network says.

- **Edges** (:func:`tidy_edges`): the spec's spans never end on a preposition or an article,
  never start with a determiner ("l'armée" -> "armée"), and never cut a hyphenated word.
  The network still ends entities on "de" ("drone Ababil de") or stops inside "Tu-95".
- **Lists and breaks** (:func:`split_lists`): no place or weapon of the corpus holds "et" or
  a comma, no organisation a comma, no entity a line break, a colon or a "|": "Diabaly,
  Macina" is two places.
- **Places after locatives** (:func:`places_after_locatives`): a country or a city is an
  ACTOR only when it acts; after "en", "près de", "dans", "depuis", "vers" the training
  split has no ACTOR at all, and after "à" 93% of the names are places (the rest are
  organisations: "chercheuse à Amnesty International"). The network reads well-known
  capitals as ACTOR wherever they stand ("À Moscou, le vice-président..." -> ACTOR 0.65).
- **Datelines** (:func:`places_in_datelines`): "CARACAS, 26 octobre (Reuters)" and a
  breadcrumb's "Accueil > Monde > Syrie" name places.
- **Agents** (:func:`actors_as_agents`, :func:`names_as_actors`): the other way round, a
  place that acts is an ACTOR ("bombardé par le Pakistan", "Kiev affirme", "demandent à
  Israël de"), so is a name after a title ("le colonel Alain Kiwewa") and a place that spaCy
  reads as a person or organisation ("l'OFAC").
- **Lists agree** (:func:`agree_in_lists`): "Yaroun, Marwahin et Aitaroun" share one label.
- **Institutions** (:func:`institutions_with_places`, :func:`people_with_nationality`):
  "police d'Istanbul" is one ACTOR, "soldats pakistanais" is an ACTOR.
- **Generic words** (:func:`drop_generic_words`, :func:`drop_titles_and_generic_phrases`):
  "generic categories of people with no name or nationality" are not ACTOR ("militaires",
  "forces" alone, "forces de sécurité"); adjectives are neither ACTOR nor LOCATION
  ("malien"); a lowercase common noun alone is no place ("mer"); a vehicle alone is no
  weapon ("trois véhicules", but "véhicules blindés"); nor is "état-major" in "chef
  d'état-major".

COUNT is left alone (its openers "une dizaine" are allowed, and rules give it). One more rule
needs spaCy's vocabulary and lives beside the name edges: a common word capitalised by a
sentence start is no entity (:func:`conflict_ie.names.drop_common_words`).
docs/experiments.md (exps. 27, 29 and 30) measures each rule; each docstring gives its support in
the training split.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterator, Sequence

from .alignment import TokenizedText
from .data_check import determiner_length
from .schema import OUTSIDE, Span

TRAILING_WORDS = frozenset({"de", "du", "des", "d", "à", "au", "aux", "et", "ou", "non", "le", "la", "les", "l",
                            "en", "par", "pour", "sur", "avec", "dans", "qui", "que", "dont", "'", "’", "-", ","})
"""Words (as split by :mod:`conflict_ie.alignment`, case-sensitive) that never end an entity."""

EDGE_MARKS = frozenset({"'", "’", "-", ","})
"""Marks that never start an entity either."""

LEADING_WORDS = frozenset({"par", "selon", "de", "du", "pour", "avec", "sur", "à"})
"""Prepositions (in any case) no entity starts with ("Par Fatoumata Coulibaly": 1 of the 20,206 spans of the training
split starts with one)."""
LEADING_GENERIC_WORDS = frozenset({"agence", "brigade", "chaîne", "compagnie", "faction", "gang", "groupe", "milice",
                                   "ministre", "mouvement", "média", "parti", "porte-parole", "président", "site",
                                   "société", "télévision"})
"""Lowercase words before a name that the name's span leaves out ("agence Interfax", "président
Touadéra", "groupe Bazan"): in the training split, 147 of 149 times before an annotated name."""

CONJUGATED_VERB = re.compile(r"[a-zà-ÿ]+(?:(?<!m)ent|ait|aient|era|eront|ont)")
"""A lowercase word with the ending of a conjugated verb ("Israël commettait", "Iswap harcèlent"; not
"gouvernement"): no entity of the training split ends on one."""


def overlaps_person_or_organisation(names: Sequence[Span], start: int, end: int) -> bool:
    """Whether spaCy reads any of [start, end) as a person or an organisation (not as a place)."""
    return any(name.start < end and start < name.end and name.label in ("PER", "ORG") for name in names)


def tagged_words(tokens: TokenizedText, tags: Sequence[str | None]) -> list[int]:
    """Indices of the tokens that carry a decoded word's tag (the first piece of each word)."""
    return [i for i in range(len(tokens)) if tokens.word_starts[i] and tags[i] is not None]


def retag(merged: list[str | None], words: Sequence[int], first: int, last: int, label: str) -> None:
    """Write one ``label`` entity over the word positions [first, last) of ``words``."""
    for k in range(first, last):
        merged[words[k]] = ("B-" if k == first else "I-") + label


def one_word_entities(tokens: TokenizedText, tags: Sequence[str | None]) -> Iterator[tuple[str, int, str]]:
    """(label, token index, word) of each entity of one word, COUNT aside."""
    words = tagged_words(tokens, tags)
    for label, first, last in entity_runs([tags[i] for i in words]):
        if label != "COUNT" and last - first == 1:
            yield label, words[first], tokens.word(words[first])


def entities_of(tokens: TokenizedText, tags: Sequence[str | None], label: str
                ) -> tuple[list[int], list[tuple[int, int, int, int]]]:
    """The tagged words, and (first, last, start, end) of each ``label`` entity: its word positions
    [first, last) among those words and its character offsets [start, end)."""
    words = tagged_words(tokens, tags)
    return words, [(first, last, tokens.offsets[words[first]][0], tokens.word_end(words[last - 1]))
                   for kind, first, last in entity_runs([tags[i] for i in words]) if kind == label]


def entity_runs(tags: Sequence[str | None]) -> list[tuple[str, int, int]]:
    """(label, first, last) of each entity in a word tag sequence, read as seqeval's default mode."""
    runs: list[tuple[str, int, int]] = []
    current: list | None = None
    for k, tag in enumerate(tags):
        if tag == OUTSIDE or tag is None:
            current = None
            continue
        prefix, label = tag.split("-", 1)
        if prefix == "I" and current is not None and current[0] == label and current[2] == k:
            current[2] = k + 1
        else:
            current = [label, k, k + 1]
            runs.append(tuple(current))
            continue
        runs[-1] = tuple(current)
    return runs


LIST_SEPARATORS = {"LOCATION": frozenset({",", "et", "ou"}), "WEAPON": frozenset({",", "et", "ou"}),
                   "ACTOR": frozenset({","})}
"""Words that separate the items of a list: no place or weapon of the corpus holds "et", and no
place or weapon holds a comma followed by a space ("Diabaly, Macina", "Javelin et NLAW" are two
entities; "7,62" is one word)."""

BREAKS = frozenset({"|", ":", ";", "«", "»", "(", ")", "—", '"', "!", "?"})
"""Marks that no annotated entity holds, nor a line break: an entity over one is two."""


def split_lists(tokens: TokenizedText, tags: Sequence[str | None], skip: Sequence[str] = ("COUNT",)
                ) -> list[str | None]:
    """Word tags in which an entity that runs over a list separator or a break becomes one entity per item."""
    words = tagged_words(tokens, tags)
    merged = list(tags)
    text = tokens.text
    for label, first, last in entity_runs([tags[i] for i in words]):
        if label in skip:
            continue
        separators = LIST_SEPARATORS.get(label, frozenset())
        starting = True
        for k in range(first, last):
            i = words[k]
            word, end = tokens.word(i), tokens.word_end(i)
            spaced = end < len(text) and text[end].isspace()
            if k > first and "\n" in text[tokens.word_end(words[k - 1]):tokens.offsets[i][0]]:
                starting = True
            if word in BREAKS or (word in separators and (word != "," or spaced)):
                merged[i], starting = OUTSIDE, True
            else:
                merged[i], starting = ("B-" if starting else "I-") + label, False
    return merged


def tidy_edges(tokens: TokenizedText, tags: Sequence[str | None], skip: Sequence[str] = ("COUNT",)
               ) -> list[str | None]:
    """Word tags whose entities lose edge function words and determiners and keep hyphenated words whole."""
    words = tagged_words(tokens, tags)
    if not words:
        return list(tags)
    text = tokens.text
    starts = [tokens.offsets[i][0] for i in words]
    ends = [tokens.word_end(i) for i in words]
    word_tags = [tags[i] for i in words]
    taken = [tag != OUTSIDE for tag in word_tags]

    def glued(k: int) -> bool:
        """Words k and k + 1 touch and a hyphen joins them ("Tu" "-" "95", "sous" "-" "munition")."""
        return ends[k] == starts[k + 1] and (text[ends[k] - 1] == "-" or text[starts[k + 1]] == "-")

    new_tags = [OUTSIDE if tag != OUTSIDE else tag for tag in word_tags]
    for label, first, last in entity_runs(word_tags):
        if label in skip:
            for k in range(first, last):
                new_tags[k] = word_tags[k]
            continue
        # a hyphenated word stays whole: grow over glued words that no other entity holds
        while last < len(words) and glued(last - 1) and not taken[last]:
            last += 1
        while first > 0 and glued(first - 1) and not taken[first - 1]:
            first -= 1
        while last > first and (text[starts[last - 1]:ends[last - 1]] in TRAILING_WORDS or
                                CONJUGATED_VERB.fullmatch(text[starts[last - 1]:ends[last - 1]])):
            last -= 1
        while first < last and (text[starts[first]:ends[first]] in EDGE_MARKS or (
                last - first > 1 and not glued(first) and (text[starts[first]:ends[first]].lower() in LEADING_WORDS or (
                    label == "ACTOR" and text[starts[first]:ends[first]] in LEADING_GENERIC_WORDS and
                    text[starts[first + 1]:starts[first + 1] + 1].isupper())))):
            first += 1
        if last > first:  # "L'armée israélienne" -> "armée israélienne", but "Le Caire" stays whole
            cut_at = starts[first] + determiner_length(text[starts[first]:ends[last - 1]], label)
            while first < last and starts[first] < cut_at:
                first += 1
        for k in range(first, last):
            new_tags[k] = ("B-" if k == first else "I-") + label
    merged = list(tags)
    for i, tag in zip(words, new_tags):
        merged[i] = tag
    return merged


MODEL_NUMBER = re.compile(r" (\d[\d-]*)(?=[\s,.;:)]|$)")


def weapon_model_numbers(tokens: TokenizedText, tags: Sequence[str | None]) -> list[str | None]:
    """Word tags in which a weapon named by a model keeps the model's number: "chars Leopard 2".

    The network stops before the number ("système Arrow" for "système Arrow 3"); in the
    training split, a weapon ending on a capitalised model name is followed by a bare number
    outside the span 0 times, and 10 weapons end on one.
    """
    words = tagged_words(tokens, tags)
    merged = list(tags)
    for label, first, last in entity_runs([tags[i] for i in words]):
        if label != "WEAPON" or last >= len(words) or not tokens.word(words[last - 1])[:1].isupper():
            continue
        number = MODEL_NUMBER.match(tokens.text, tokens.word_end(words[last - 1]))
        if number and tokens.offsets[words[last]][0] == number.start(1) and tags[words[last]] == OUTSIDE and \
                tokens.word_end(words[last]) == number.end(1):
            retag(merged, words, first, last + 1, "WEAPON")
    return merged


PLACE_NOUNS = ("village", "ville", "localité", "camp", "quartier", "province", "région", "district", "commune",
               "département", "préfecture", "territoire", "île", "vallée", "faubourg", "banlieue", "secteur", "zone",
               "cercle", "comté", "gouvernorat", "wilaya", "canton", "chef-lieu", "municipalité", "hameau", "poste",
               "base", "aéroport", "port", "hôpital", "prison", "colline", "mont", "axe", "route", "pont", "carrefour",
               "frontière", "environs", "alentours", "abords", "périphérie", "nord", "sud", "est", "ouest", "centre",
               "cœur", "forêt", "bassin", "massif", "plaine", "lac", "désert", "côte", "rive", "capitale", "sortie",
               "maire", "gouverneur", "préfet", "habitant")
_WORD_BEFORE = r"(?:^|[\s(«\"'’])"
_NEAR_TOWARDS_FROM = r"[pP]rès de|[pP]rès d['’]|[vV]ers|[dD]epuis"
SURELY_PLACE_BEFORE = re.compile(rf"{_WORD_BEFORE}(?:[eE]n|[dD]ans|{_NEAR_TOWARDS_FROM})\s*$")
"""Prepositions after which the training split has no ACTOR at all (0 of 433 names)."""
LIKELY_PLACE_BEFORE = re.compile(rf"{_WORD_BEFORE}(?:à|À)\s*$|"
                                 rf"\b(?i:{'|'.join(PLACE_NOUNS)})s?\s+(?:de\s+|d['’]|du\s+)(?:la\s+|l['’])?$")
""""à" and "<place noun> de", after which 93-97% of the names are places; the others are
organisations ("chercheuse à Amnesty International", "le camp de la Minusma")."""


def places_after_locatives(tokens: TokenizedText, tags: Sequence[str | None], names: Sequence[Span] = ()
                           ) -> list[str | None]:
    """Word tags in which an ACTOR right after a locative preposition becomes a LOCATION.

    ``names``: spans spaCy reads as persons or organisations; after "à" or a place noun, an
    ACTOR that overlaps one stays.
    """
    words, entities = entities_of(tokens, tags, "ACTOR")
    merged = list(tags)
    for first, last, start, end in entities:
        before = tokens.text[max(0, start - 40):start]
        if not SURELY_PLACE_BEFORE.search(before):
            if not LIKELY_PLACE_BEFORE.search(before):
                continue
            if overlaps_person_or_organisation(names, start, end):
                continue
        retag(merged, words, first, last, "LOCATION")
    return merged


PLACE_BEFORE_UNTAGGED = re.compile(rf"{_WORD_BEFORE}(?:à|À|{_NEAR_TOWARDS_FROM})\s*$")
"""Prepositions after which a capitalised word is a place whatever the network says: in the training
split, 1,286 of 1,363 such words are LOCATIONs, 76 ACTORs (mostly after "à"), one is nothing
("à Internet")."""


def places_the_network_missed(tokens: TokenizedText, tags: Sequence[str | None], names: Sequence[Span] = ()
                              ) -> list[str | None]:
    """Word tags in which an untagged capitalised name after "à", "près de", "vers" or "depuis" is a LOCATION.

    "abattu à Ntarinkon", "près de Kandadji": unknown village names the network leaves out.
    The name runs over the capitalised words that follow (or spaCy's place name there); a
    name spaCy reads as a person or organisation is left alone.
    """
    words = tagged_words(tokens, tags)
    merged = list(tags)
    text = tokens.text
    k = 0
    while k < len(words):
        word = tokens.word(words[k])
        start = tokens.offsets[words[k]][0]
        if tags[words[k]] != OUTSIDE or not word[:1].isupper() or \
                not PLACE_BEFORE_UNTAGGED.search(text[max(0, start - 12):start]):
            k += 1
            continue
        last = k + 1
        place = next((n for n in names if n.label == "LOC" and n.start == start), None)
        while last < len(words) and tags[words[last]] == OUTSIDE:
            next_start = tokens.offsets[words[last]][0]
            inside_place = place is not None and next_start < place.end
            following = tokens.word(words[last])
            glued = next_start == tokens.word_end(words[last - 1]) and (following[:1].isalnum() or following == "-")
            if not (inside_place or glued or (following[:1].isupper() and
                                              text[tokens.word_end(words[last - 1]):next_start] == " ")):
                break
            last += 1
        end = tokens.word_end(words[last - 1])
        if not overlaps_person_or_organisation(names, start, end):
            retag(merged, words, k, last, "LOCATION")
        k = last
    return merged


MONTH = r"(?:janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)[a-zéû]*\.?"
DATE_AFTER = re.compile(rf"\s*(?:\([^)]{{1,30}}\))?\s*,\s*(?:le\s+)?(?:\d{{1,2}}(?:er)?\s+{MONTH}|\d{{4}}\b|{MONTH}\s+\d{{4}})",
                        re.IGNORECASE)
"""A date after a name, as in a dateline: "KABOUL, 10 oct. (AFP)", "Asmara, le 18 octobre 2025"."""
CRUMB_BEFORE, CRUMB_AFTER = re.compile(r"[>›»|]\s*$"), re.compile(r"\s*[>›»|]")
"""A name between two marks of a site's breadcrumb: "Accueil > Monde > Moyen-Orient > Syrie"."""


def places_in_datelines(tokens: TokenizedText, tags: Sequence[str | None], names: Sequence[Span] = ()
                        ) -> list[str | None]:
    """Word tags in which an ACTOR in a dateline or a breadcrumb is a LOCATION.

    In the training split, a name followed by a date is a place 225 times in 238 (the others
    are organisations and persons, which ``names`` from spaCy keep: "Amnesty International,
    novembre 2023"), and a name inside a breadcrumb 47 times in 48.
    """
    words, entities = entities_of(tokens, tags, "ACTOR")
    merged = list(tags)
    text = tokens.text
    for first, last, start, end in entities:
        crumb = CRUMB_BEFORE.search(text[max(0, start - 5):start]) and CRUMB_AFTER.match(text, end)
        dated = DATE_AFTER.match(text, end) and not overlaps_person_or_organisation(names, start, end)
        if crumb or dated:
            retag(merged, words, first, last, "LOCATION")
    return merged


ACTOR_BEFORE = LEADING_GENERIC_WORDS | {
    "général", "gouverneur", "colonel", "lieutenant-colonel", "lieutenant-général", "contre-amiral", "maréchal",
    "chef", "chercheur", "correspondant", "analyste", "pilote", "division", "force", "coalition", "propagande", "avec",
    "accuse", "accusé", "déclaré", "annoncé", "indiqué", "résume", "raconte", "explique", "soupire", "souligne",
    "estime", "dit", "observe", "déclare", "témoigne", "rappelle"}
"""Words right before a name that, in the training split, make it an ACTOR in every case with support
(mined from the words before annotated places and actors): a title ("général" 63/63, "gouverneur" 21/21),
a group noun ("brigade Danab"), a speech verb with its subject after it ("raconte Yonas" 14/14); and
the generic words that an ACTOR's span leaves out ("agence Interfax": ``LEADING_GENERIC_WORDS``)."""
AGENT_BEFORE = re.compile(r"\b(?:par|Par|selon|Selon)\s+(?:l['’]|la\s+|le\s+|les\s+)?$|"
                          rf"\b(?:{'|'.join(sorted(ACTOR_BEFORE))})\s+(?:«\s*)?$")
"""Text before a name that makes it the agent: "bombardé par le Pakistan", "selon Kiev", "le colonel
Alain Kiwewa"."""
ACTIVE_VERBS = (
    "a", "ont", "avait", "avaient", "aurait", "auraient", "seraient", "doit", "veut", "pouvait", "affirme", "affirment",
    "accuse", "annonce", "dément", "revendique", "revendiquent", "assure", "estime", "dit", "menace", "condamne",
    "a-t-il", "réclame", "réclament", "réclamait", "exige", "nie", "rejette", "déclare", "confirme", "appelle",
    "dénonce", "rappelle", "parle", "salue", "demande", "attribue", "évoque", "promet", "dispose", "informe",
    "décrète", "tient", "tiennent", "reprend", "continue", "refuse", "reconnaît", "juge", "indique", "frappe",
    "contrôlent", "considère", "cherche", "réaffirme", "réaffirment", "présente", "poursuit", "exhorte")
"""Verbs whose subject, in the training split, is an ACTOR in every case with support (mined from the
words after annotated places and actors: "affirme" 64/64, "appelle" 35/36, "dénonce" 23/23)."""
ACTIVE_VERB_AFTER = re.compile(r"\s+(?:n['’]|ne\s+|se\s+|s['’]|l['’]|lui\s+|leur\s+|y\s+)?"
                               rf"(?:{'|'.join(ACTIVE_VERBS)})\b(?!\s+été)")
"""Text after a name that makes it the subject of an act: "Kiev affirme", "Moscou a frappé", "Juba n'a pas
réagi" (not "a été")."""
PREPOSITION_BEFORE = re.compile(r"(?:\b(?:de|du|des|au|aux|à|À|en|dans|depuis|vers|sur)\s+|\b[dD]['’]|près de\s+)"
                                r"(?:la\s+|le\s+|les\s+|l['’])?$")


RECIPIENT_BEFORE = re.compile(
    r"\b(?:(?:attribu|imput|li|alli)(?:é|ée|és|ées)|fidèles?)\s+à\s+(?:la\s+|le\s+|l['’])?$|"
    r"\b(?:demand|reproch|propos|promet|promis|transmi|livr|remi|fourni)\w*(?:\s+[^\s.;:!?]+){0,4}?\s+à\s+"
    r"(?:la\s+|le\s+|l['’])?$")
"""A recipient or an ally after "à" is an ACTOR: "attribuée à Boko Haram", "fidèles à Al-Qaïda",
"demandent à Israël de", "a livré à Kiev" (55 of 59 names there in the training split)."""


def actors_as_agents(tokens: TokenizedText, tags: Sequence[str | None]) -> list[str | None]:
    """Word tags in which a LOCATION that acts is an ACTOR: after "par"/"selon", or as the subject of a verb.

    In the training split, a name after "par" is an ACTOR 96% of the time, after "selon"
    always, and a name followed by an active verb (not inside "habitants de X ont fui") 94%.
    """
    words, entities = entities_of(tokens, tags, "LOCATION")
    merged = list(tags)
    for first, last, start, end in entities:
        before, after = tokens.text[max(0, start - 60):start], tokens.text[end:end + 30]
        if AGENT_BEFORE.search(before) or RECIPIENT_BEFORE.search(before) or \
                (ACTIVE_VERB_AFTER.match(after) and not PREPOSITION_BEFORE.search(before)):
            retag(merged, words, first, last, "ACTOR")
    return merged


PLACE_PREPOSITION_BEFORE = re.compile(r"(?:\b(?:de|à|À|en|dans|depuis|vers|sur|et|entre)\s+|\b[dD]['’]|près de\s+)$")
"""Words before a name that leave it a place: "de Dera Bugti", "à Bahir Dar", "et Kousseri"."""


def names_as_actors(tokens: TokenizedText, tags: Sequence[str | None], names: Sequence[Span] = ()
                    ) -> list[str | None]:
    """Word tags in which a LOCATION that is exactly a person or organisation name is an ACTOR.

    ``names``: spaCy's persons and organisations (:mod:`conflict_ie.names`). The network
    reads unknown foreign names as places ("le colonel Alain Kiwewa", "l'OFAC"). In the
    training split, a name of two words or more that spaCy reads as a person, or any name it
    reads as an organisation, is an ACTOR 98.5% of the time (3,583 of 3,636) unless a preposition
    such as "de", "à" or "et" stands before it; a word in capitals is left alone (datelines:
    "PESHAWAR").
    """
    words, entities = entities_of(tokens, tags, "LOCATION")
    merged = list(tags)
    extents = {(name.start, name.end): name for name in names
               if name.label == "ORG" or (name.label == "PER" and len(name.text.split()) > 1)}
    for first, last, start, end in entities:
        name = extents.get((start, end))
        if name is None or (name.text.isupper() and len(name.text) > 5):
            continue
        if PLACE_PREPOSITION_BEFORE.search(tokens.text[max(0, start - 20):start]):
            continue
        retag(merged, words, first, last, "ACTOR")
    return merged


INSTITUTIONS = frozenset({"armée", "aviation", "marine", "forces", "police", "garde", "état-major", "commandement",
                          "ministère", "régime", "gouvernement", "coalition", "junte", "gendarmerie", "présidence",
                          "parquet", "service", "services", "renseignement", "croissant-rouge"})
"""The spec's institutional head words, which a complement makes specific ("police du Kosovo")."""
COMPLEMENT_LINK = re.compile(r"\s+(?:de|du|des)\s+(?:la\s+|le\s+|l['’])?|\s+[dl]['’]|\s+de\s+l['’]")


INSTITUTION_ADJECTIVES = frozenset({"locale", "local", "locales", "locaux", "nationale", "national", "rebelle",
                                    "fédéral", "fédérale", "régional", "régionale", "militaire", "intérimaire"})
"""Adjectives that make an institution specific beside the nationalities ("police locale")."""
UNIT = re.compile(r"\d+(?:e|ème)")
UNIT_LINKS = frozenset({"de", "d", "'", "’"})
ARTICLES = frozenset({"l", "la", "le", "les"})


def whole_institutions(tokens: TokenizedText, tags: Sequence[str | None]) -> list[str | None]:
    """Word tags in which an institution keeps the adjectives and the unit its complement that follow it.

    "gouvernement malaisien", "police locale" (the adjective is in the span 412 times in 413 in
    the training split); "95e brigade d'assaut aérien", "46e régiment de rangers" (an ordinal
    unit keeps its complement without article 27 times in 29).
    """
    words = tagged_words(tokens, tags)
    merged = list(tags)
    for label, first, last in entity_runs([tags[i] for i in words]):
        if label != "ACTOR":
            continue
        head = tokens.word(words[first])
        unit = UNIT.fullmatch(head) is not None
        if not (head.lower() in INSTITUTIONS or unit):
            continue
        end, linked, completed = last, False, False
        while end < len(words) and tags[words[end]] == OUTSIDE:
            word = tokens.word(words[end])
            if unit and not completed and word in UNIT_LINKS:  # "95e brigade d'" ...
                linked, end = True, end + 1
                continue
            adjective = ADJECTIVE.fullmatch(word) or word in INSTITUTION_ADJECTIVES
            complement = linked and word.isalpha() and word.islower() and word not in ARTICLES | UNIT_LINKS
            if not (adjective or complement):
                break
            completed = completed or complement
            end += 1
        while end > last and tokens.word(words[end - 1]) in TRAILING_WORDS | UNIT_LINKS:
            end -= 1
        if end > last:
            retag(merged, words, first, end, "ACTOR")
    return merged


def institutions_with_places(tokens: TokenizedText, tags: Sequence[str | None]) -> list[str | None]:
    """Word tags in which an institution and the place that makes it specific are one ACTOR.

    "police d'Istanbul", "gouvernement de Tripoli": the spec's "head word made specific by a
    complement". In the training split, an institution followed by "de" and a name is one
    ACTOR with it 99 times in 121 (9 times the name is a person: "régime d'Isaias Afwerki").
    """
    words = tagged_words(tokens, tags)
    merged = list(tags)
    runs = entity_runs([tags[i] for i in words])
    for (label, first, last), (next_label, next_first, next_last) in zip(runs, runs[1:]):
        if label != "ACTOR" or next_label != "LOCATION" or tokens.word(words[first]).lower() not in INSTITUTIONS:
            continue
        between = tokens.text[tokens.word_end(words[last - 1]):tokens.offsets[words[next_first]][0]]
        if COMPLEMENT_LINK.fullmatch(between):
            retag(merged, words, first, next_last, "ACTOR")
    return merged


LIST_LINK = re.compile(r"(,|\s+(?:et|ou))\s+(?:(?:de|du|des|d['’]|la|le|les|l['’]|au|aux|à)\s*)*")
"""What joins two items of a list: "X et Y", "de X et de Y", "X, Y et Z"."""


def coordinated_entities(tokens: TokenizedText, tags: Sequence[str | None], labels: Sequence[str]
                         ) -> list[list[tuple[str, int, int]]]:
    """Runs of ``labels`` entities (label, first, last over word positions) that one list joins.

    Items joined by "et"/"ou" are one list; items joined by a comma only when an "et"/"ou" ends
    the run ("Yaroun, Marwahin et Aitaroun"): "À Peshawar, l'armée" is no list.
    """
    words = tagged_words(tokens, tags)
    entities = [e for e in entity_runs([tags[i] for i in words]) if e[0] in labels]
    lists: list[list[tuple[str, int, int]]] = []
    run: list[tuple[str, int, int]] = []
    links: list[str] = []

    def close():
        while links and links[-1] == ",":  # commas after the last "et" join nothing
            links.pop()
            run.pop()
        if len(run) > 1:
            lists.append(list(run))

    for entity in entities:
        if run:
            between = tokens.text[tokens.word_end(words[run[-1][2] - 1]):tokens.offsets[words[entity[1]]][0]]
            link = LIST_LINK.fullmatch(between)
            if link:
                run.append(entity)
                links.append(link.group(1).strip())
                continue
            close()
        run, links = [entity], []
    if run:
        close()
    return lists


def agree_in_lists(tokens: TokenizedText, tags: Sequence[str | None]) -> list[str | None]:
    """Word tags in which the places and actors of one list share the label most of them have.

    "déployés à Yaroun, Marwahin et Aitaroun", "de Fizouli et de Kelbadjar": in the training
    split, 860 of the 866 lists of places and actors have one label. A list with an item after
    "en", "dans", "près de"... is a list of places (35 of 36).
    """
    words = tagged_words(tokens, tags)
    merged = list(tags)
    for items in coordinated_entities(tokens, tags, ("ACTOR", "LOCATION")):
        votes = Counter(label for label, _, _ in items).most_common()
        if len(votes) < 2:
            continue
        # "en Roumanie, au Danemark et aux États-Unis": a sure place makes the list places
        sure_place = any(SURELY_PLACE_BEFORE.search(
            tokens.text[max(0, tokens.offsets[words[first]][0] - 40):tokens.offsets[words[first]][0]])
            for _, first, _ in items)
        if sure_place:
            label = "LOCATION"
        elif votes[0][1] > votes[1][1]:
            label = votes[0][0]
        else:
            continue
        for _, first, last in items:
            retag(merged, words, first, last, label)
    return merged


GENERIC_PEOPLE = frozenset({
    "militaires", "soldats", "forces", "troupes", "mercenaires", "policiers", "combattants", "hommes", "civils",
    "autorités", "individus", "assaillants", "jihadistes", "djihadistes", "terroristes", "insurgés", "miliciens",
    "gendarmes", "agents", "éléments", "manifestants", "habitants", "personnes", "victimes", "otages", "gardes",
    "militants", "responsables", "officiers", "commandos", "secouristes", "douaniers", "garde-côtes"})
"""Plural people nouns that, alone, are "generic categories of people" (never a single-word ACTOR
in the training split, while "armée", "gouvernement", "junte", "police" are)."""

GENERIC_ACTOR_WORDS = GENERIC_PEOPLE | {"État", "États"}
"""... and "État" ("chef de l'État", "l'État de Kebbi"): alone an ACTOR 6 times in 270 in the training split."""


ARMED_PEOPLE = frozenset({"soldats", "militaires", "forces", "troupes", "mercenaires", "policiers", "gendarmes",
                          "autorités", "rebelles", "pilotes", "colons", "responsables", "agents", "officiers",
                          "commandos", "miliciens", "jihadistes", "djihadistes", "insurgés", "gardes", "douaniers",
                          "garde-côtes", "rangers", "marins"})
"""People nouns that a nationality makes an ACTOR ("soldats togolais"); civilians stay victims."""


def people_with_nationality(tokens: TokenizedText, tags: Sequence[str | None]) -> list[str | None]:
    """Word tags in which armed people with a nationality are an ACTOR: "58 soldats pakistanais".

    The spec rules out generic people "with no name or nationality"; with one, they are an
    ACTOR in the training split 207 times in 208 for the nouns below, while "civils tchadiens"
    is never one. The network often leaves them out.
    """
    words = tagged_words(tokens, tags)
    merged = list(tags)
    for k in range(len(words) - 1):
        noun, adjective = tokens.word(words[k]), tokens.word(words[k + 1])
        if noun not in ARMED_PEOPLE or not ADJECTIVE.fullmatch(adjective):
            continue
        noun_tag, adjective_tag = tags[words[k]], tags[words[k + 1]]
        if adjective_tag != OUTSIDE or noun_tag not in (OUTSIDE, "B-ACTOR"):
            continue
        if k + 2 < len(words) and tags[words[k + 2]] not in (OUTSIDE, None) and tags[words[k + 2]][:2] == "I-":
            continue
        retag(merged, words, k, k + 2, "ACTOR")
    return merged


VEHICLES = frozenset({"véhicule", "véhicules", "voiture", "voitures", "camion", "camions", "moto", "motos",
                      "pick-up", "bateau", "bateaux", "avion", "bus", "car", "cars", "taxi", "taxis"})
"""Vehicles that, alone, are never a WEAPON in the training split (0 of 363: "trois véhicules";
"véhicules blindés" is a weapon, and an entity of several words is left alone)."""

NOT_WEAPONS_ALONE = VEHICLES | {"camionnette", "camionnettes", "embarcation", "embarcations", "restes", "pièces"}
"""... nor are parts and remains (0 of 29: "pièces détachées", "restes de Daech"; "restes explosifs de
guerre" is a weapon)."""

VERB_FORM = re.compile(r"[a-zà-ÿœ-]+(?:é|ée|és|ées|er|ir|ons|ez|ait|aient)")
"""A lowercase word with the ending of a participle, an infinitive or a conjugated verb ("proclamé",
"tarir", "reviendrons"): no one-word ACTOR of the training split has one but "armée"."""
INSTITUTION_VERB_FORMS = frozenset({"armée", "armées"})

ADJECTIVE = re.compile(r"[a-zà-ÿœ-]+(?:ais|aise|aises|ien|iens|ienne|iennes|ain|ains|aine|aines|ique|iques)")
"""A lowercase word with a suffix of French nationality and relation adjectives ("malien", "thaïlandaise")."""


def drop_generic_words(tokens: TokenizedText, tags: Sequence[str | None]) -> list[str | None]:
    """Word tags without the one-word entities the spec rules out whatever the context.

    A generic people noun as an ACTOR ("militaires"); an adjective as an ACTOR or a
    LOCATION ("malien", "arméno-azerbaïdjanaise"); a lowercase common noun as a LOCATION
    ("mer" cut from "mer Rouge", "ordinaire"): the spec's places are names, and the training
    split has no one-word place in lower case but "berm".
    """
    merged = list(tags)
    for label, i, word in one_word_entities(tokens, tags):
        if len(word) == 1 and word.isalpha():  # "J'ai", "M. Soylu": no entity of the training split is a letter
            generic = True
        elif label == "WEAPON":
            generic = word in NOT_WEAPONS_ALONE or ADJECTIVE.fullmatch(word)
        else:
            generic = (label == "ACTOR" and word in GENERIC_ACTOR_WORDS) or ADJECTIVE.fullmatch(word) or \
                (label == "LOCATION" and word[:1].islower()) or \
                (label == "ACTOR" and VERB_FORM.fullmatch(word) and word not in INSTITUTION_VERB_FORMS)
        if generic:
            merged[i] = OUTSIDE
    return merged


TITLE_BEFORE = re.compile(r"\b(?:[cC]hef|[mM]inistre)\s+(?:d['’]|de\s+l['’])$")
"""A head word inside a title: "chef d'état-major", "chef de l'État", "ministre d'État" (never an ACTOR
in the training split: 0 of 57)."""
GENERIC_PHRASES = frozenset({"forces de sécurité", "forces de l'ordre", "forces de l’ordre"})
"""Generic forces with no nationality: alone, "forces de sécurité" is no ACTOR in the training split
(0 of 17; "forces de sécurité pakistanaises" is), "forces de l'ordre" once in 4."""


def drop_titles_and_generic_phrases(tokens: TokenizedText, tags: Sequence[str | None]) -> list[str | None]:
    """Word tags without ACTORs that are part of a person's title or a generic phrase."""
    words, entities = entities_of(tokens, tags, "ACTOR")
    merged = list(tags)
    for first, last, start, end in entities:
        text = tokens.text[start:end]
        if text in GENERIC_PHRASES or (text.lower().startswith(("état", "etat")) and
                                       TITLE_BEFORE.search(tokens.text[max(0, start - 15):start])):
            for k in range(first, last):
                merged[words[k]] = OUTSIDE
    return merged


def apply_spec_rules(tokens: TokenizedText, tags: Sequence[str | None], names: Sequence[Span] = ()
                     ) -> list[str | None]:
    """All the rules above, in order: edges first, so that the others see the spec's edges; the
    generic words last, so that the labels they read are final."""
    tags = weapon_model_numbers(tokens, tidy_edges(tokens, split_lists(tokens, tags)))
    tags = places_after_locatives(tokens, tags, names)
    tags = places_the_network_missed(tokens, tags, names)
    tags = places_in_datelines(tokens, tags, names)
    tags = actors_as_agents(tokens, tags)
    tags = names_as_actors(tokens, tags, names)
    tags = agree_in_lists(tokens, tags)
    tags = institutions_with_places(tokens, whole_institutions(tokens, tags))
    tags = people_with_nationality(tokens, tags)
    tags = drop_generic_words(tokens, tags)
    return drop_titles_and_generic_phrases(tokens, tags)

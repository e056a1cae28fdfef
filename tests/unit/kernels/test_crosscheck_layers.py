"""The kernels behind the sequence-model families (layers.py, decoding.py), each checked against an
independent implementation: PyTorch modules and functions where torch has the computation, NLTK's
BLEU where it has not. A mismatch names the seed."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from examgen import kernels as K

torch = pytest.importorskip("torch", reason="torch not installed: pip install -e '.[test]'")
torch.set_default_dtype(torch.float64)
N_SEEDS = 300


def t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a))


def n_params(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_encoder_layer_count_matches_torch() -> None:
    # the figure the issue quotes: nn.TransformerEncoderLayer(512, 8, 2048)
    assert K.encoder_layer_param_count(512, 2048, 8).total == 3_152_384
    r = np.random.default_rng(0)
    for seed in range(60):
        heads = int(r.choice([1, 2, 4]))
        d = heads * int(r.integers(1, 12))
        ff = int(r.integers(1, 64))
        bias = bool(seed % 2)
        layer = torch.nn.TransformerEncoderLayer(d, heads, ff, bias=bias)
        assert K.encoder_layer_param_count(d, ff, heads, bias=bias).total == n_params(layer), seed


def test_bert_count_matches_torch_modules() -> None:
    # BERT-base as published (with pooler): 109,482,240 parameters
    assert K.bert_param_count(30522, 768, 12).total == 109_482_240
    r = np.random.default_rng(1)
    for seed in range(20):
        heads = int(r.choice([1, 2]))
        hidden, layers = heads * int(r.integers(1, 10)), int(r.integers(1, 4))
        vocab, pos = int(r.integers(5, 60)), int(r.integers(2, 20))
        model = torch.nn.ModuleList(
            [torch.nn.Embedding(vocab, hidden), torch.nn.Embedding(pos, hidden),
             torch.nn.Embedding(2, hidden), torch.nn.LayerNorm(hidden),
             *[torch.nn.TransformerEncoderLayer(hidden, heads, 4 * hidden)
               for _ in range(layers)],
             torch.nn.Linear(hidden, hidden)])
        ours = K.bert_param_count(vocab, hidden, layers, max_positions=pos, heads=heads)
        assert ours.total == n_params(model), seed
        assert ours.segment == n_params(model[2]) == 2 * hidden


def test_layer_norm_matches_torch() -> None:
    for seed in range(N_SEEDS):
        r = np.random.default_rng(seed)
        n = int(r.integers(2, 9))
        x, g, b = r.normal(0, 3, n), r.normal(size=n), r.normal(size=n)
        ln = torch.nn.LayerNorm(n)
        with torch.no_grad():
            ln.weight.copy_(t(g))
            ln.bias.copy_(t(b))
        y, mean, var = K.layer_norm(x, g, b)
        np.testing.assert_allclose(y, ln(t(x)).detach().numpy(), rtol=1e-9, atol=1e-9,
                                   err_msg=f"seed {seed}")
        assert abs(var - float(torch.var(t(x), unbiased=False))) < 1e-9
        # the unbiased variant divides by n - 1, as torch.var's default does
        _, _, var1 = K.layer_norm(x, unbiased=True)
        assert abs(var1 - float(torch.var(t(x)))) < 1e-9


def test_causal_attention_matches_torch() -> None:
    for seed in range(N_SEEDS):
        r = np.random.default_rng(seed)
        n, d = int(r.integers(1, 6)), int(r.integers(1, 5))
        q, k, v = r.normal(size=(n, d)), r.normal(size=(n, d)), r.normal(size=(n, d))
        out, w, _ = K.causal_self_attention(q, k, v)
        theirs = torch.nn.functional.scaled_dot_product_attention(t(q), t(k), t(v),
                                                                  is_causal=True)
        np.testing.assert_allclose(out, theirs.numpy(), rtol=1e-9, atol=1e-9,
                                   err_msg=f"seed {seed}")
        # weights: nn.MultiheadAttention's own mask convention (True = blocked) and identity
        # projections return the per-head weights
        mha = torch.nn.MultiheadAttention(d, 1, bias=False)
        with torch.no_grad():
            mha.in_proj_weight.copy_(torch.eye(d).repeat(3, 1))
            mha.out_proj.weight.copy_(torch.eye(d))
        blocked = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
        _, tw = mha(t(q), t(k), t(v), attn_mask=blocked, need_weights=True)
        np.testing.assert_allclose(w, tw.detach().numpy(), rtol=1e-9, atol=1e-9,
                                   err_msg=f"seed {seed}")
        assert np.all(np.triu(w, 1) == 0)


def test_sequence_cross_entropy_matches_torch() -> None:
    for seed in range(N_SEEDS):
        r = np.random.default_rng(seed)
        steps, vocab = int(r.integers(1, 8)), int(r.integers(2, 10))
        logits = r.normal(0, 2, size=(steps, vocab))
        targets = r.integers(vocab, size=steps)
        probs = K.softmax(logits)
        ce = torch.nn.functional.cross_entropy(t(logits), torch.from_numpy(targets))
        assert abs(K.sequence_cross_entropy(probs, targets) - float(ce)) < 1e-9, seed
        assert abs(K.perplexity(probs, targets) - math.exp(float(ce))) < 1e-9, seed
        bits = K.sequence_cross_entropy(probs, targets, base=2)
        assert abs(bits - float(ce) / math.log(2)) < 1e-9, seed
    # a hand case: probabilities 1/2 and 1/8 -> mean NLL = 2 ln 2, perplexity 4
    assert abs(K.perplexity([0.5, 0.125]) - 4) < 1e-12


def test_beam_step_matches_torch_topk() -> None:
    for seed in range(N_SEEDS):
        r = np.random.default_rng(seed)
        beams, vocab = int(r.integers(1, 4)), int(r.integers(2, 7))
        k = int(r.integers(1, beams * vocab + 1))
        prefix = -r.uniform(0, 3, beams)
        logp = np.log(K.softmax(r.normal(size=(beams, vocab))))
        step = K.beam_search_step(prefix, logp, k)
        top = torch.topk((t(prefix)[:, None] + t(logp)).flatten(), k)
        np.testing.assert_allclose(step.scores, top.values.numpy(), rtol=0, atol=1e-12)
        assert list(step.prefix) == (top.indices // vocab).tolist(), seed
        assert list(step.token) == (top.indices % vocab).tolist(), seed


def test_bleu_matches_nltk() -> None:
    nltk_bleu = pytest.importorskip("nltk.translate.bleu_score",
                                    reason="nltk not installed: pip install -e '.[test]'")
    words = ["the", "cat", "sat", "on", "mat", "a", "dog"]
    checked = 0
    for seed in range(N_SEEDS):
        r = np.random.default_rng(seed)
        ref = [str(w) for w in r.choice(words, int(r.integers(3, 9)))]
        cand = [str(w) for w in r.choice(words, int(r.integers(2, 9)))]
        max_n = int(r.integers(1, 3))
        weights = tuple([1 / max_n] * max_n)
        ours = K.bleu(cand, [ref], max_n)
        for n in range(1, max_n + 1):
            theirs = nltk_bleu.modified_precision([ref], cand, n)
            assert Fraction(theirs.numerator, theirs.denominator) == ours.precisions[n - 1]
        if all(p > 0 for p in ours.precisions):
            expected = nltk_bleu.sentence_bleu([ref], cand, weights=weights)
            assert abs(ours.score - expected) < 1e-12, (seed, cand, ref)
            checked += 1
    assert checked > 100


def test_bleu_hand_case() -> None:
    # "the the the the" against "the cat is on the mat": plain precision 4/4, clipped 2/4
    cand, ref = ["the"] * 4, ["the", "cat", "is", "on", "the", "mat"]
    assert K.modified_precision(cand, [ref], 1) == Fraction(1, 2)
    assert K.modified_precision(cand, [ref], 1, clip=False) == 1
    assert abs(K.brevity_penalty(4, 6) - math.exp(1 - 6 / 4)) < 1e-15
    assert K.brevity_penalty(7, 6) == 1.0


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
def test_recurrent_shapes_match_torch(cell: str) -> None:
    r = np.random.default_rng(3)
    for seed in range(40):
        steps, batch, n_in, hidden = (int(x) for x in r.integers(1, 6, size=4))
        layers, bidi, bf = int(r.integers(1, 4)), bool(r.integers(2)), bool(r.integers(2))
        m = getattr(torch.nn, cell)(n_in, hidden, num_layers=layers, bidirectional=bidi,
                                    batch_first=bf)
        x = torch.zeros((batch, steps, n_in) if bf else (steps, batch, n_in))
        out, h = m(x)
        h_n = h[0] if cell == "LSTM" else h
        ours = K.recurrent_output_shapes(steps, batch, hidden, num_layers=layers,
                                         bidirectional=bidi, batch_first=bf)
        assert ours.output == tuple(out.shape), seed
        assert ours.h_n == tuple(h_n.shape), seed


def test_attention_cost_matches_torch_flop_counter_and_weights() -> None:
    from torch.utils.flop_counter import FlopCounterMode

    for n, d, heads in ((4, 8, 1), (16, 4, 2), (10, 6, 3), (32, 16, 4)):
        q = torch.zeros(heads, n, d)
        with FlopCounterMode(display=False) as fc:
            a = q @ q.transpose(-1, -2)
            _ = a @ q
        cost = K.attention_cost(n, d, heads)
        assert 2 * cost.macs == fc.get_total_flops()  # torch counts a multiply-add as 2 flops
        mha = torch.nn.MultiheadAttention(heads * d, heads)
        x = torch.zeros(n, 1, heads * d)
        _, w = mha(x, x, x, need_weights=True, average_attn_weights=False)
        assert cost.weight_entries == w.numel()


def test_mlm_counts_match_a_torch_simulation() -> None:
    # BERT's recipe as data collators implement it, simulated with torch's generator on many
    # tokens; the kernel's exact counts are the expectations of that simulation
    n = 200_000
    g = torch.Generator().manual_seed(0)
    selected = torch.bernoulli(torch.full((n,), 0.15), generator=g).bool()
    masked = torch.bernoulli(torch.full((n,), 0.8), generator=g).bool() & selected
    random = torch.bernoulli(torch.full((n,), 0.5), generator=g).bool() & selected & ~masked
    unchanged = selected & ~masked & ~random
    ours = K.mlm_mask_counts(n)
    for name, sim in (("selected", selected), ("masked", masked), ("random", random),
                      ("unchanged", unchanged)):
        expected = getattr(ours, name)
        # within 4 standard deviations of a binomial count
        sd = math.sqrt(n * (expected / n) * (1 - expected / n))
        assert abs(int(sim.sum()) - expected) < 4 * sd, name
    assert (ours.selected, ours.masked, ours.random, ours.unchanged) == (30000, 24000, 3000, 3000)
    with pytest.raises(ValueError):
        K.mlm_mask_counts(130)

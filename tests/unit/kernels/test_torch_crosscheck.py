"""Every kernel that PyTorch also implements, checked against PyTorch with the same weights.

Each check runs over N_SEEDS random seeds with random sizes; a mismatch names the seed.
Skipped with a visible reason where torch is not installed (it is in the `test` extra).
"""

from __future__ import annotations

import numpy as np
import pytest

from examgen import kernels as K

torch = pytest.importorskip("torch", reason="torch not installed: pip install -e '.[test]'")
torch.set_default_dtype(torch.float64)
N_SEEDS = 1000


def rng_for(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a))


def load_cell(cell: torch.nn.Module, w_x: np.ndarray, w_h: np.ndarray, b_x: np.ndarray,
              b_h: np.ndarray) -> None:
    """Copy our weights into a torch RNNCell/LSTMCell/GRUCell (same stacking order)."""
    with torch.no_grad():
        for name, value in (("weight_ih", w_x), ("weight_hh", w_h), ("bias_ih", b_x),
                            ("bias_hh", b_h)):
            getattr(cell, name).copy_(t(value))


def close(ours: np.ndarray, theirs: torch.Tensor, seed: int, what: str, tol: float = 1e-9) -> None:
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=tol, atol=tol,
                               err_msg=f"{what} differs from torch at seed {seed}")


def test_softmax_matches_torch() -> None:
    for seed in range(N_SEEDS):
        r = rng_for(seed)
        x = r.normal(0, 5, size=(r.integers(1, 5), r.integers(1, 9)))
        temp = float(r.uniform(0.2, 3))
        close(K.softmax(x, temperature=temp), torch.softmax(t(x) / temp, dim=-1), seed, "softmax")


def test_rnn_step_matches_rnncell() -> None:
    for seed in range(N_SEEDS):
        r = rng_for(seed)
        n_in, n_h = int(r.integers(1, 6)), int(r.integers(1, 6))
        nonlin = "tanh" if seed % 2 else "relu"
        cell = torch.nn.RNNCell(n_in, n_h, nonlinearity=nonlin)
        w_x, w_h = r.normal(size=(n_h, n_in)), r.normal(size=(n_h, n_h))
        b_x, b_h = r.normal(size=n_h), r.normal(size=n_h)
        load_cell(cell, w_x, w_h, b_x, b_h)
        x, h = r.normal(size=n_in), r.normal(size=n_h)
        ours = K.rnn_step(x, h, w_x, w_h, b_x + b_h, nonlinearity=nonlin).h
        close(ours, cell(t(x)[None], t(h)[None])[0], seed, "rnn_step")


def test_lstm_step_matches_lstmcell() -> None:
    for seed in range(N_SEEDS):
        r = rng_for(seed)
        n_in, n_h = int(r.integers(1, 6)), int(r.integers(1, 6))
        cell = torch.nn.LSTMCell(n_in, n_h)
        w_x, w_h = r.normal(size=(4 * n_h, n_in)), r.normal(size=(4 * n_h, n_h))
        b_x, b_h = r.normal(size=4 * n_h), r.normal(size=4 * n_h)
        load_cell(cell, w_x, w_h, b_x, b_h)
        x, h, c = r.normal(size=n_in), r.normal(size=n_h), r.normal(size=n_h)
        step = K.lstm_step(x, h, c, w_x, w_h, b_x + b_h)
        h_t, c_t = cell(t(x)[None], (t(h)[None], t(c)[None]))
        close(step.h, h_t[0], seed, "lstm h_t")
        close(step.c, c_t[0], seed, "lstm c_t")


def test_gru_step_matches_grucell() -> None:
    for seed in range(N_SEEDS):
        r = rng_for(seed)
        n_in, n_h = int(r.integers(1, 6)), int(r.integers(1, 6))
        cell = torch.nn.GRUCell(n_in, n_h)
        w_x, w_h = r.normal(size=(3 * n_h, n_in)), r.normal(size=(3 * n_h, n_h))
        b_x, b_h = r.normal(size=3 * n_h), r.normal(size=3 * n_h)
        load_cell(cell, w_x, w_h, b_x, b_h)
        x, h = r.normal(size=n_in), r.normal(size=n_h)
        ours = K.gru_step(x, h, w_x, w_h, b_x, b_h, reset="after").h
        close(ours, cell(t(x)[None], t(h)[None])[0], seed, "gru_step")


def test_gru_reset_before_matches_cho_formula_in_torch_ops() -> None:
    # torch has no reset-before cell; build Cho et al.'s formula from torch ops independently.
    for seed in range(N_SEEDS):
        r = rng_for(seed)
        n_in, n_h = int(r.integers(1, 5)), int(r.integers(1, 5))
        w_x, w_h = r.normal(size=(3 * n_h, n_in)), r.normal(size=(3 * n_h, n_h))
        b = r.normal(size=3 * n_h)
        x, h = r.normal(size=n_in), r.normal(size=n_h)
        W, U, tb, tx, th = t(w_x), t(w_h), t(b), t(x), t(h)
        rr = torch.sigmoid(W[:n_h] @ tx + U[:n_h] @ th + tb[:n_h])
        zz = torch.sigmoid(W[n_h:2 * n_h] @ tx + U[n_h:2 * n_h] @ th + tb[n_h:2 * n_h])
        nn_ = torch.tanh(W[2 * n_h:] @ tx + U[2 * n_h:] @ (rr * th) + tb[2 * n_h:])
        expected = zz * th + (1 - zz) * nn_
        ours = K.gru_step(x, h, w_x, w_h, b, None, reset="before").h
        close(ours, expected, seed, "gru reset-before")


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_param_counts_match_torch_modules(cell: str) -> None:
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    for seed in range(N_SEEDS):
        r = rng_for(seed)
        n_in, n_h = int(r.integers(1, 40)), int(r.integers(1, 40))
        layers, bidi, bias = int(r.integers(1, 4)), bool(r.integers(2)), bool(r.integers(2))
        m = module(n_in, n_h, num_layers=layers, bidirectional=bidi, bias=bias)
        theirs = sum(p.numel() for p in m.parameters())
        ours = K.recurrent_param_count(cell, n_in, n_h, num_layers=layers, bidirectional=bidi,
                                       bias="two" if bias else "none")
        assert ours == theirs, f"{cell} seed {seed}: {ours} != torch {theirs}"
        # one bias per gate block = torch's count minus one of its two bias vectors per block
        if bias:
            one = K.recurrent_param_count(cell, n_in, n_h, num_layers=layers,
                                          bidirectional=bidi, bias="one")
            b_hh = sum(p.numel() for name, p in m.named_parameters() if "bias_hh" in name)
            assert one == theirs - b_hh, f"{cell} seed {seed}: one-bias count"


def test_multihead_param_count_matches_torch() -> None:
    for seed in range(N_SEEDS):
        r = rng_for(seed)
        heads = int(r.choice([1, 2, 4, 8]))
        d_model = heads * int(r.integers(1, 17))
        bias = bool(r.integers(2))
        m = torch.nn.MultiheadAttention(d_model, heads, bias=bias)
        theirs = sum(p.numel() for p in m.parameters())
        assert K.multihead_param_count(d_model, heads, bias=bias).total == theirs, seed


def test_multihead_attention_matches_torch() -> None:
    for seed in range(N_SEEDS):
        r = rng_for(seed)
        heads = int(r.choice([1, 2, 3, 4]))
        d_model = heads * int(r.integers(1, 5))
        n, m = int(r.integers(1, 6)), int(r.integers(1, 6))
        mha = torch.nn.MultiheadAttention(d_model, heads, bias=True, batch_first=True)
        w = {k: r.normal(size=(d_model, d_model)) for k in ("q", "k", "v", "o")}
        b = {k: r.normal(size=d_model) for k in ("q", "k", "v", "o")}
        with torch.no_grad():  # torch stores W^T (out, in) and computes x W^T + b
            mha.in_proj_weight.copy_(t(np.concatenate([w["q"].T, w["k"].T, w["v"].T])))
            mha.in_proj_bias.copy_(t(np.concatenate([b["q"], b["k"], b["v"]])))
            mha.out_proj.weight.copy_(t(w["o"].T))
            mha.out_proj.bias.copy_(t(b["o"]))
        q, kv = r.normal(size=(n, d_model)), r.normal(size=(m, d_model))
        out, weights = K.multihead_attention(
            q, kv, kv, w_q=w["q"], w_k=w["k"], w_v=w["v"], w_o=w["o"], num_heads=heads,
            b_q=b["q"], b_k=b["k"], b_v=b["v"], b_o=b["o"])
        t_out, t_w = mha(t(q)[None], t(kv)[None], t(kv)[None], average_attn_weights=False)
        close(out, t_out[0], seed, "multihead output", 1e-8)
        close(weights, t_w[0], seed, "multihead weights", 1e-8)


def test_scaled_dot_product_attention_matches_torch() -> None:
    F = torch.nn.functional
    for seed in range(N_SEEDS):
        r = rng_for(seed)
        n, m, dk, dv = (int(r.integers(1, 6)) for _ in range(4))
        q, k, v = r.normal(size=(n, dk)), r.normal(size=(m, dk)), r.normal(size=(m, dv))
        out, _, _ = K.scaled_dot_product_attention(q, k, v)
        close(out, F.scaled_dot_product_attention(t(q), t(k), t(v)), seed, "sdpa")
        # scale=1 is Luong's dot attention for a single query
        s, h = r.normal(size=dk), r.normal(size=(m, dk))
        _, alpha, ctx = K.seq2seq_attention(s, h, "dot")
        expected = F.scaled_dot_product_attention(t(s)[None], t(h), t(h), scale=1.0)[0]
        close(ctx, expected, seed, "dot attention context")
        close(alpha, torch.softmax(t(h) @ t(s), dim=0), seed, "dot attention weights")


def test_general_and_additive_attention_match_torch_ops() -> None:
    for seed in range(N_SEEDS):
        r = rng_for(seed)
        m, d, da = int(r.integers(1, 6)), int(r.integers(1, 5)), int(r.integers(1, 5))
        s, h = r.normal(size=d), r.normal(size=(m, d))
        w, w1, w2, v = (r.normal(size=(d, d)), r.normal(size=(da, d)), r.normal(size=(da, d)),
                        r.normal(size=da))
        bil = torch.nn.Bilinear(d, d, 1, bias=False)  # s^T W h, an independent implementation
        with torch.no_grad():
            bil.weight.copy_(t(w)[None])
        e_gen = bil(t(s)[None].expand(m, d), t(h))[:, 0]
        e, alpha, ctx = K.seq2seq_attention(s, h, "general", w=w)
        close(e, e_gen, seed, "general scores")
        e_add = torch.tanh(t(h) @ t(w1).T + t(w2) @ t(s)) @ t(v)
        e2, alpha2, ctx2 = K.seq2seq_attention(s, h, "additive", w1=w1, w2=w2, v=v)
        close(e2, e_add, seed, "additive scores")
        close(ctx2, torch.softmax(e_add, 0) @ t(h), seed, "additive context")


def test_clip_by_norm_matches_torch() -> None:
    for seed in range(N_SEEDS):
        r = rng_for(seed)
        shapes = [tuple(int(s) for s in r.integers(1, 4, size=r.integers(1, 3)))
                  for _ in range(int(r.integers(1, 4)))]
        grads = [r.normal(0, 3, size=s) for s in shapes]
        max_norm = float(r.uniform(0.1, 10))
        params = [torch.zeros(s, requires_grad=True) for s in shapes]
        for p, g in zip(params, grads, strict=True):
            p.grad = t(g).clone()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm)
        ours = K.clip_by_norm(grads, max_norm)
        assert abs(ours.norm - float(total)) < 1e-9, seed
        for g, p in zip(ours.grads, params, strict=True):
            # torch divides by (norm + 1e-6); allow for that offset
            close(g, p.grad, seed, "clipped gradient", 1e-5)


def test_bptt_scalar_gradient_matches_autograd() -> None:
    for seed in range(N_SEEDS):
        r = rng_for(seed)
        w_h, w_x, b = (float(v) for v in r.normal(0, 1.2, size=3))
        xs = r.normal(size=int(r.integers(1, 12)))
        h0_value = float(r.normal())
        h0 = torch.tensor(h0_value, requires_grad=True)
        h = h0
        for x in xs:
            h = torch.tanh(w_h * h + w_x * float(x) + b)
        h.backward()
        ours = K.bptt_scalar(w_h, w_x, b, xs, h0_value)
        assert abs(ours.h[-1] - h.item()) < 1e-12, seed
        assert h0.grad is not None
        assert abs(ours.grad - h0.grad.item()) < 1e-12, seed

"""Families on Transformer layers, decoders and pre-training: encoder-layer and BERT parameter
counts, causal self-attention, LayerNorm, Bahdanau attention, the cost of attention, bidirectional
RNN shapes, sequence cross-entropy and perplexity, a beam-search step, BLEU and BERT's MLM counts.

Each wrong path is computed here from the same inputs; the correct path is the kernel's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from examgen import kernels as K
from examgen.families.base import family, mis


def _f(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


# -- Transformer layers -------------------------------------------------------------------------

@family("encoder_layer_params", "learnable parameters of nn.TransformerEncoderLayer",
        "d_model d_ff", {"total": "int", "attention": "int", "ffn": "int", "norms": "int"},
        (mis("forgot_bias", "선형 층의 편향(bias)을 세지 않았다.",
             "Did not count the linear layers' biases.", "total attention ffn", mode="no_bias"),
         mis("no_layernorm", "LayerNorm의 파라미터($\\gamma, \\beta$)를 세지 않았다.",
             "Did not count the LayerNorm parameters ($\\gamma, \\beta$).", "total norms",
             mode="no_norm"),
         mis("one_layernorm", "LayerNorm을 하나만 셌다 (층마다 두 개: 어텐션 뒤, FFN 뒤).",
             "Counted one LayerNorm (there are two: after attention and after the FFN).",
             "total norms", mode="one_norm"),
         mis("ffn_one_matrix", "FFN의 두 선형 변환 중 하나만 셌다.",
             "Counted only one of the FFN's two linear maps.", "total ffn", mode="ffn_one")),
        defaults={"h": 8})
def encoder_layer_params(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    d, ff = int(p["d_model"]), int(p["d_ff"])
    c = K.encoder_layer_param_count(d, ff, int(p["h"]))
    att, ffn, norms = c.attention, c.feed_forward, c.norms
    if mode == "no_bias":
        att, ffn = 4 * d * d, 2 * d * ff
    elif mode == "no_norm":
        norms = 0
    elif mode == "one_norm":
        norms = 2 * d
    elif mode == "ffn_one":
        ffn = d * ff + ff
    return {"total": att + ffn + norms, "attention": att, "ffn": ffn, "norms": norms,
            "ffn_w1": d * ff + ff, "ffn_w2": ff * d + d, "proj": d * d + d}


def _causal_weights(q: np.ndarray, k: np.ndarray, v: np.ndarray, mode: str) -> np.ndarray:
    n, d_k = q.shape
    scale = 1.0 if mode == "no_scale" else 1 / math.sqrt(d_k)
    scores = (q @ k.T) * scale
    allowed = K.causal_mask(n)
    if mode == "no_mask":
        return K.softmax(scores)
    if mode == "after":
        return np.where(allowed, K.softmax(scores), 0.0)
    if mode == "reversed":
        return K.softmax(np.where(allowed.T, scores, -np.inf))
    return K.causal_self_attention(q, k, v, scale=scale)[1]


def _spread(values: list[np.ndarray]) -> float:
    """The smallest largest-entry distance between any two of ``values``."""
    return min(float(np.max(np.abs(a - b))) for i, a in enumerate(values) for b in values[i + 1:])


@family("causal_attention", "masked (causal) scaled dot-product self-attention", "Q K V",
        {"weights": "matrix", "output": "matrix", "scores": "matrix"},
        (mis("no_mask", "마스크를 적용하지 않아 미래 위치까지 보았다.",
             "Applied no mask, so positions saw the future.", "weights output", mode="no_mask"),
         mis("mask_after_softmax", "softmax를 먼저 하고 미래 위치를 0으로 지웠다 (다시 정규화하지 않음).",
             "Took the softmax first and then zeroed the future positions (no renormalisation).",
             "weights output", mode="after"),
         mis("reversed_mask", "과거 위치를 가리고 미래 위치를 보게 했다 (마스크 방향이 반대).",
             "Masked the past and kept the future (the mask upside down).", "weights output",
             mode="reversed"),
         mis("no_scaling", "$1/\\sqrt{d_k}$ 스케일링을 빠뜨렸다.", "Forgot the $1/\\sqrt{d_k}$ scaling.",
             "weights output scores", mode="no_scale")))
def causal_attention(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    q, k, v = _f(p["Q"]), _f(p["K"]), _f(p["V"])
    n, d_k = q.shape
    w = _causal_weights(q, k, v, mode)
    raw = q @ k.T
    scores = raw * (1.0 if mode == "no_scale" else 1 / math.sqrt(d_k))
    allowed = K.causal_mask(n)
    # how much each row would put on the future without the mask, and how far apart the
    # weights and outputs of the paths are (constraints keep the wrong paths visible)
    leak_row = np.sum(np.where(allowed, 0.0, K.softmax(raw / math.sqrt(d_k))), axis=1)
    paths = [_causal_weights(q, k, v, m) for m in ("ok", "no_mask", "after", "reversed",
                                                   "no_scale")]
    return {"weights": w, "output": w @ v, "scores": scores, "raw": raw, "d_k": d_k,
            "sqrt_dk": math.sqrt(d_k), "leak": float(np.max(leak_row)), "leak_row": leak_row,
            "n": n, "w_margin": _spread(paths), "out_margin": _spread([x @ v for x in paths]),
            "w21_margin": _spread([x[1:2, 0] for x in paths[:2] + paths[3:]])}


@family("layernorm", "nn.LayerNorm of one vector (biased variance, eps = 1e-5)", "x",
        {"y": "vector", "mean": "scalar", "var": "scalar", "std": "scalar"},
        (mis("unbiased_variance", "분산을 n이 아니라 n−1로 나눴다.",
             "Divided the variance by n − 1 instead of n.", "var std y", unbiased=True),
         mis("no_centering", "평균을 빼지 않고 표준편차로만 나눴다.",
             "Divided by the standard deviation without subtracting the mean.", "y",
             center=False),
         mis("divide_by_variance", "표준편차 대신 분산으로 나눴다.",
             "Divided by the variance instead of the standard deviation.", "y", by_var=True),
         mis("forgot_affine", "$\\gamma$를 곱하고 $\\beta$를 더하는 단계를 빠뜨렸다.",
             "Left out scaling by $\\gamma$ and shifting by $\\beta$.", "y", affine=False)),
        defaults={"gamma": 1.0, "beta": 0.0, "eps": 1e-5})
def layernorm(p: dict[str, Any], unbiased: bool = False, center: bool = True,
              by_var: bool = False, affine: bool = True) -> dict[str, Any]:
    x = _f(p["x"])
    g, b = (p["gamma"], p["beta"]) if affine else (1.0, 0.0)
    y, mean, var = K.layer_norm(x, g, b, eps=float(p["eps"]), unbiased=unbiased, center=center)
    if by_var:
        y = g * (x - mean) / (var + float(p["eps"])) + b
    return {"y": y, "mean": mean, "var": var, "std": math.sqrt(var), "centered": x - mean,
            "normed": (x - mean) / math.sqrt(var + float(p["eps"])), "n": x.size}


@family("additive_attention", "Bahdanau additive attention e_i = v^T tanh(W1 h_i + W2 s)",
        "s H W1 W2 v", {"scores": "vector", "weights": "vector", "context": "vector"},
        (mis("dot_product", "덧셈 점수 대신 내적 $\\mathbf{s}\\cdot\\mathbf{h}_i$를 점수로 썼다.",
             "Used the dot product $\\mathbf{s}\\cdot\\mathbf{h}_i$ instead of the additive score.",
             "scores weights context", mode="dot"),
         mis("no_tanh", "tanh를 빠뜨렸다 ($\\mathbf{v}^\\top(W_1\\mathbf{h}_i + W_2\\mathbf{s})$).",
             "Left out the tanh ($\\mathbf{v}^\\top(W_1\\mathbf{h}_i + W_2\\mathbf{s})$).",
             "scores weights context", mode="no_tanh"),
         mis("tanh_outside",
             "tanh를 $\\mathbf{v}$와 곱한 뒤에 적용했다 ($\\tanh(\\mathbf{v}^\\top\\cdots)$).",
             "Applied the tanh after the product with $\\mathbf{v}$ ($\\tanh(\\mathbf{v}^\\top\\cdots)$).",
             "scores weights context", mode="outside")))
def additive_attention(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    s, h, w1, w2, v = _f(p["s"]), _f(p["H"]), _f(p["W1"]), _f(p["W2"]), _f(p["v"])
    pre = h @ w1.T + w2 @ s
    paths = {"ok": K.seq2seq_attention(s, h, "additive", w1=w1, w2=w2, v=v)[0],
             "dot": h @ s, "no_tanh": pre @ v, "outside": np.tanh(pre @ v)}
    e = paths[mode]
    alpha = K.softmax(e)
    # how far apart the weights of every two paths are (a constraint keeps them apart:
    # different scores can still give nearly the same softmax)
    w_margin = _spread([K.softmax(x) for x in paths.values()])
    return {"scores": e, "weights": alpha, "context": alpha @ h, "pre": pre,
            "act": np.tanh(pre), "w2s": w2 @ s, "spread": float(np.ptp(e)),
            "w_margin": w_margin}


@family("attention_cost", "time and memory of self-attention as the sequence grows",
        "n d_k h k", {"entries": "int", "macs": "int", "ratio": "int", "new_entries": "int"},
        (mis("linear", "비용이 길이 n에 선형으로 늘어난다고 보았다.",
             "Took the cost to grow linearly with the length n.", "entries macs ratio new_entries",
             mode="linear"),
         mis("forgot_heads", "헤드 수 h를 곱하지 않았다.", "Did not multiply by the number of heads h.",
             "entries macs new_entries", mode="one_head"),
         mis("d_squared", "$n^2 d_k$ 대신 $n d_k^2$로 계산했다 (투영 비용과 혼동).",
             "Used $n d_k^2$ instead of $n^2 d_k$ (confused with the projections' cost).", "macs",
             mode="d_sq"),
         mis("scores_only", "$QK^\\top$만 세고 가중합 $AV$를 빠뜨렸다.",
             "Counted $QK^\\top$ and left out the weighted sum $AV$.", "macs", mode="qk_only"),
         mis("cubic", "길이가 k배가 되면 비용이 $k^3$배가 된다고 보았다.",
             "Took the cost to grow as $k^3$ when the length grows k times.", "ratio",
             mode="cubic")))
def attention_cost(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    n, d, h, k = (int(p[x]) for x in ("n", "d_k", "h", "k"))
    c = K.attention_cost(n, d, h)
    entries, macs, ratio = c.weight_entries, c.macs, K.attention_cost(k * n, d, h).macs // c.macs
    new_entries = K.attention_cost(k * n, d, h).weight_entries
    if mode == "linear":
        entries, macs, ratio, new_entries = h * n, 2 * h * n * d, k, h * k * n
    elif mode == "one_head":
        entries, macs, new_entries = n * n, 2 * n * n * d, (k * n) ** 2
    elif mode == "d_sq":
        macs = 2 * h * n * d * d
    elif mode == "qk_only":
        macs = c.score_macs
    elif mode == "cubic":
        ratio = k ** 3
    return {"entries": entries, "macs": macs, "ratio": ratio, "new_entries": new_entries,
            "n2": n * n, "kn": k * n, "qk": c.score_macs, "av": c.weighted_sum_macs}


# -- recurrent layers ---------------------------------------------------------------------------

@family("birnn_shapes", "output and h_n shapes of a bidirectional nn.RNN/LSTM/GRU",
        "T B H L", {"output_shape": "vector", "h_n_shape": "vector", "width": "int",
                    "h_n_rows": "int"},
        (mis("not_doubled", "양방향인데 출력 폭과 $h_n$의 층 수를 2배로 하지 않았다.",
             "Did not double the output width and the rows of $h_n$ for two directions.",
             "output_shape h_n_shape width h_n_rows", dirs=1),
         mis("ignored_batch_first", "`batch_first=True`를 무시하고 (T, B, ·) 순서로 썼다.",
             "Ignored `batch_first=True` and wrote the (T, B, ·) order.", "output_shape",
             out_order="tb"),
         mis("h_n_concat", "$h_n$도 출력처럼 두 방향을 이어 붙인다고 보았다 ((L, B, 2H)).",
             "Took $h_n$ to concatenate the directions like the output ((L, B, 2H)).",
             "h_n_shape h_n_rows", hn="concat"),
         mis("h_n_batch_first", "$h_n$에도 `batch_first`가 적용된다고 보았다.",
             "Took `batch_first` to apply to $h_n$ as well.", "h_n_shape", hn="batch_first")),
        defaults={"bidirectional": 1, "batch_first": 1})
def birnn_shapes(p: dict[str, Any], dirs: int | None = None, out_order: str = "given",
                 hn: str = "ok") -> dict[str, Any]:
    t_, b, hsz, layers = (int(p[x]) for x in ("T", "B", "H", "L"))
    bidi = bool(p["bidirectional"]) if dirs is None else dirs == 2
    bf = bool(p["batch_first"]) and out_order == "given"
    s = K.recurrent_output_shapes(t_, b, hsz, num_layers=layers, bidirectional=bidi,
                                  batch_first=bf)
    h_n = s.h_n
    if hn == "concat":
        h_n = (layers, b, 2 * hsz)
    elif hn == "batch_first":
        h_n = (b, h_n[0], hsz)
    return {"output_shape": np.array(s.output, float), "h_n_shape": np.array(h_n, float),
            "width": s.output[-1], "h_n_rows": h_n[0], "dirs": 2 if bidi else 1}


# -- decoding and evaluation --------------------------------------------------------------------

@family("sequence_ce", "teacher-forced cross-entropy (mean NLL in nats) and perplexity", "p",
        {"ce": "scalar", "ppl": "scalar", "nll_sum": "scalar"},
        (mis("log2", "자연로그 대신 밑이 2인 로그를 썼다.", "Used log base 2 instead of the natural log.",
             "ce", base=2.0),
         mis("log10", "자연로그 대신 상용로그(밑 10)를 썼다.", "Used log base 10 instead of the natural log.",
             "ce", base=10.0),
         mis("sum_not_mean", "음의 로그 확률을 평균하지 않고 합했다 (퍼플렉서티도 합의 지수).",
             "Summed the negative log-probabilities instead of averaging (and exponentiated the sum).",
             "ce ppl", mode="sum"),
         mis("ppl_base2", "자연로그로 구한 교차 엔트로피에 $2^{CE}$를 적용했다.",
             "Raised 2 to a cross-entropy measured in nats.", "ppl", mode="base2"),
         mis("ppl_inverse", "지수의 부호를 빠뜨려 $e^{-CE}$(기하 평균 확률)를 구했다.",
             "Dropped the sign and computed $e^{-CE}$ (the geometric-mean probability).", "ppl",
             mode="inverse"),
         mis("ppl_arithmetic", "퍼플렉서티를 확률의 산술 평균의 역수로 계산했다.",
             "Took the perplexity as one over the arithmetic mean of the probabilities.", "ppl",
             mode="arith")))
def sequence_ce(p: dict[str, Any], base: float = math.e, mode: str = "ok") -> dict[str, Any]:
    probs = _f(p["p"])
    ce = K.sequence_cross_entropy(probs, base=base)
    nll = -np.log(probs) / math.log(base)
    ppl = K.perplexity(probs)
    if mode == "sum":
        ce = float(nll.sum())
        ppl = math.exp(ce)
    elif mode == "base2":
        ppl = 2.0 ** ce
    elif mode == "inverse":
        ppl = 1 / ppl
    elif mode == "arith":
        ppl = 1 / float(probs.mean())
    # the smallest relative distance between the perplexities of any two paths (a constraint
    # keeps them apart)
    nats = K.sequence_cross_entropy(probs)
    paths = [math.exp(nats), math.exp(nats * probs.size), 2.0 ** nats, math.exp(-nats),
             1 / float(probs.mean())]
    margin = min(abs(a - b) / max(a, b) for i, a in enumerate(paths) for b in paths[i + 1:])
    return {"ce": ce, "ppl": ppl, "nll_sum": float(nll.sum()), "nll": nll, "T": probs.size,
            "ppl_margin": margin}


@family("beam_step", "one beam-search step with beam size 2 over cumulative log-probabilities; "
        "next-token row r is [top_r, rest_r0, rest_r1] rolled by shift_r",
        "s top rest shift", {"kept": "vector", "best": "scalar", "second": "scalar"},
        (mis("per_step", "누적 점수가 아니라 이번 토큰의 로그 확률만으로 골랐다.",
             "Ranked by the new token's log-probability alone, not the cumulative score.",
             "kept best second", mode="per_step"),
         mis("greedy_prefix", "가장 좋은 가설 하나만 확장했다 (탐욕적 선택).",
             "Extended only the best hypothesis (a greedy choice).", "kept second",
             mode="greedy"),
         mis("probabilities", "로그 확률이 아니라 확률의 곱(시퀀스 확률)을 답했다.",
             "Reported the product of probabilities instead of the log-probability.",
             "kept best second", mode="prob"),
         mis("added_probabilities", "로그 확률 점수에 확률을 그대로 더했다 ($s + p$).",
             "Added the raw probability to the log-probability score ($s + p$).",
             "kept best second", mode="add_p")),
        defaults={"k": 2})
def beam_step(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    # one likely token per hypothesis and two unlikely ones: with prefix scores close together
    # the survivors then extend different hypotheses, so the greedy path always differs
    s = _f(p["s"])
    probs = np.array([np.roll(np.concatenate(([t], r)), int(k))
                      for t, r, k in zip(_f(p["top"]), _f(p["rest"]), p["shift"], strict=True)])
    k = int(p["k"])
    logp = np.log(probs)
    step = K.beam_search_step(s, logp, k)
    kept = step.scores
    if mode == "per_step":
        kept = K.beam_search_step(np.zeros_like(s), logp, k).scores
    elif mode == "greedy":
        best = int(np.argmax(s))
        kept = K.beam_search_step(s[best:best + 1], logp[best:best + 1], k).scores
    elif mode == "prob":
        kept = np.exp(kept)
    elif mode == "add_p":
        kept = K.beam_search_step(s, probs, k).scores
    ranked = np.sort(step.candidates.ravel())[::-1]
    return {"kept": kept, "best": float(kept[0]), "second": float(kept[1]), "logp": logp,
            "cand": step.candidates, "gap": float(ranked[k - 1] - ranked[k]),
            "mixed": int(len(set(step.prefix)) > 1), "P": probs,
            "kept_prefix": [i + 1 for i in step.prefix], "kept_token": [j + 1 for j in step.token]}


@family("bleu", "sentence BLEU-2 (clipped n-gram precisions, brevity penalty) of one candidate",
        "pair", {"p1": "scalar", "p2": "scalar", "bp": "scalar", "bleu": "scalar"},
        (mis("unclipped", "n-그램 개수를 참조 문장의 개수로 자르지(clipping) 않았다.",
             "Did not clip the n-gram counts by their counts in the reference.", "p1 p2 bleu",
             clip=False),
         mis("recall", "일치 개수를 후보가 아니라 참조 문장의 n-그램 수로 나눴다.",
             "Divided the matches by the reference's n-gram count instead of the candidate's.",
             "p1 p2", mode="recall"),
         mis("no_brevity_penalty", "짧은 후보에 간결성 페널티(BP)를 주지 않았다.",
             "Gave the short candidate no brevity penalty.", "bp bleu", mode="no_bp"),
         mis("bp_inverted", "BP를 $e^{1-c/r}$로 뒤집어 계산했다.",
             "Inverted the ratio in the brevity penalty ($e^{1-c/r}$).", "bp bleu",
             mode="bp_inv"),
         mis("arithmetic_mean", "정밀도들의 기하 평균 대신 산술 평균을 썼다.",
             "Took the arithmetic mean of the precisions instead of the geometric mean.", "bleu",
             mode="arith")),
        defaults={"max_n": 2})
def bleu(p: dict[str, Any], clip: bool = True, mode: str = "ok") -> dict[str, Any]:
    cand_text, ref_text = (x.strip() for x in str(p["pair"]).split("|"))
    cand, ref = cand_text.split(), ref_text.split()
    n_max = int(p["max_n"])
    b = K.bleu(cand, [ref], n_max, clip=clip)
    prec = [float(x) for x in b.precisions]
    if mode == "recall":
        prec = [float(x) * max(len(cand) - n + 1, 0) / (len(ref) - n + 1)
                for n, x in zip(range(1, n_max + 1), b.precisions, strict=True)]
    bp = {"no_bp": 1.0, "bp_inv": math.exp(1 - b.c / b.r) if b.c < b.r else 1.0}.get(mode, b.bp)
    if mode == "arith":
        score = bp * sum(prec) / len(prec)
    else:
        score = 0.0 if min(prec) == 0 else bp * math.exp(sum(map(math.log, prec)) / len(prec))
    counts = [(len(cand) - n + 1, float(x) * (len(cand) - n + 1))
              for n, x in zip(range(1, n_max + 1), b.precisions, strict=True)]
    return {"p1": prec[0], "p2": prec[1] if n_max > 1 else 0.0, "bp": bp, "bleu": score,
            "candidate": cand_text, "reference": ref_text, "c": b.c, "r": b.r,
            "m1": round(counts[0][1]), "n1": counts[0][0],
            "m2": round(counts[-1][1]), "n2": counts[-1][0]}


# -- BERT ---------------------------------------------------------------------------------------

@family("mlm_masking", "token counts of BERT's masked-LM corruption (15 %, then 80/10/10)",
        "batch length", {"selected": "int", "masked": "int", "random": "int", "unchanged": "int",
                         "predicted": "int"},
        (mis("mask_all_selected", "선택된 15 %를 모두 [MASK]로 바꾼다고 보았다.",
             "Took all of the selected 15 % to become [MASK].", "masked random unchanged",
             mode="all_mask"),
         mis("split_of_all", "80/10/10 비율을 선택된 토큰이 아니라 전체 토큰에 적용했다.",
             "Applied the 80/10/10 split to all tokens instead of the selected ones.",
             "masked random unchanged", mode="of_all"),
         mis("loss_on_all", "모든 토큰에서 예측(손실)을 계산한다고 보았다.",
             "Took the prediction loss to cover every token.", "predicted", mode="all_loss"),
         mis("loss_on_mask_only", "[MASK]로 바뀐 위치에서만 예측한다고 보았다.",
             "Took only the [MASK] positions to be predicted.", "predicted", mode="mask_loss")))
def mlm_masking(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    n = int(p["batch"]) * int(p["length"])
    c = K.mlm_mask_counts(n)
    sel, masked, rnd, same, pred = c.selected, c.masked, c.random, c.unchanged, c.selected
    if mode == "all_mask":
        masked, rnd, same = sel, 0, 0
    elif mode == "of_all":
        masked, rnd, same = n * 8 // 10, n // 10, n // 10
    elif mode == "all_loss":
        pred = n
    elif mode == "mask_loss":
        pred = masked
    return {"selected": sel, "masked": masked, "random": rnd, "unchanged": same,
            "predicted": pred, "n_tokens": n}


@family("bert_params", "parameter counts of a BERT encoder (embeddings, layers, pooler)",
        "vocab hidden layers", {"embeddings": "int", "layer": "int", "encoder": "int",
                                "total": "int", "segment": "int"},
        (mis("no_segment", "세그먼트(문장 A/B) 임베딩을 빠뜨렸다.", "Left out the segment (A/B) embeddings.",
             "embeddings total", mode="no_seg"),
         mis("no_position", "위치 임베딩을 빠뜨렸다.", "Left out the position embeddings.",
             "embeddings total", mode="no_pos"),
         mis("ffn_same_width", "FFN의 은닉 폭을 $4H$가 아니라 $H$로 보았다.",
             "Took the FFN's inner width to be $H$ instead of $4H$.", "layer encoder total",
             mode="ff_h"),
         mis("layer_no_norms", "인코더 층의 LayerNorm 두 개를 세지 않았다.",
             "Did not count the encoder layer's two LayerNorms.", "layer encoder total",
             mode="no_ln"),
         mis("no_pooler", "[CLS] 위의 풀러(pooler) 층을 빠뜨렸다.",
             "Left out the pooler layer on top of [CLS].", "total", mode="no_pool"),
         mis("segment_per_token", "세그먼트 임베딩을 어휘 크기만큼 있다고 보았다 ($V \\times H$).",
             "Took the segment embeddings to have one row per vocabulary entry ($V \\times H$).",
             "segment", mode="seg_vocab")),
        defaults={"max_positions": 512, "segments": 2})
def bert_params(p: dict[str, Any], mode: str = "ok") -> dict[str, Any]:
    v, hid, n_layers = int(p["vocab"]), int(p["hidden"]), int(p["layers"])
    c = K.bert_param_count(v, hid, n_layers, max_positions=int(p["max_positions"]),
                           segments=int(p["segments"]), d_ff=hid if mode == "ff_h" else None)
    emb, layer, pooler, segment = c.embeddings, c.layer, c.pooler, c.segment
    if mode == "no_seg":
        emb -= c.segment
    elif mode == "no_pos":
        emb -= c.position
    elif mode == "no_ln":
        layer -= 4 * hid
    elif mode == "no_pool":
        pooler = 0
    elif mode == "seg_vocab":
        segment = v * hid
    encoder = n_layers * layer
    return {"embeddings": emb, "layer": layer, "encoder": encoder, "pooler": pooler,
            "total": emb + encoder + pooler, "segment": segment, "token": c.token,
            "position": c.position, "emb_norm": c.embedding_norm, "d_ff": 4 * hid,
            "attn": 4 * hid * hid + 4 * hid, "ffn": 8 * hid * hid + 5 * hid}

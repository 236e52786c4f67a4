"""transfer: alignment on tricky text, the losses against their formulas, the minimum at an
identical student, and short runs of the plugin on the tiny model."""

from __future__ import annotations

import json
import math

import pytest
import torch
from ruadapt_plugins.transfer.align import align, byte_ends, char_starts, segments
from ruadapt_plugins.transfer.loop import student_losses
from ruadapt_plugins.transfer.losses import chunk_loss, hidden_loss
from ruadapt_plugins.transfer.teacher import build_shards, load_shard
from test_tokenizer_extend import (
    ENGLISH_PARAGRAPHS,
    RUSSIAN_PARAGRAPHS,
    byte_level_tokenizer,
    sentencepiece_tokenizer,
)

from ruadapt.errors import UserError
from ruadapt.runner import is_complete, run
from ruadapt.tokenizer.extend import extend_tokenizer

TRICKY = [
    "Ёжик и ёлка: всё ещё «ёмко»!!! ...?!",
    "GPT-4 и ChatGPT — 2024 год; Москва/Moscow, 15%.",
    "Привет,   мир\n\n\tпока...  ",
    "Эмодзи 🙂 и ударе́ние (combining mark) — рядом с math: α+β.",
    "—«»…",
]


def _pairs():
    """(teacher, student) tokenizer pairs: byte-level and SentencePiece with byte fallback,
    each against itself extended with Russian tokens."""
    pairs = {}
    for name, base in (
        ("byte-level", byte_level_tokenizer()),
        ("byte-fallback", sentencepiece_tokenizer()),
    ):
        ext = extend_tokenizer(base, RUSSIAN_PARAGRAPHS * 3, 60, show_progress=False).tokenizer
        pairs[name] = (base, ext)
    return pairs


@pytest.mark.parametrize("name", ["byte-level", "byte-fallback"])
def test_alignment_on_tricky_text(name):
    teacher, student = _pairs()[name]
    fell_inside_a_char = False
    for text in TRICKY + RUSSIAN_PARAGRAPHS[:2]:
        ex = align(text, teacher, student, 10_000, 10_000)
        assert ex is not None
        total = len(text.encode("utf-8"))
        t_ends = byte_ends(teacher, ex["teacher_ids"], text)
        s_ends = byte_ends(student, ex["student_ids"], text)
        assert t_ends[-1] == s_ends[-1] == total  # every byte is spelled exactly once
        assert ex["boundaries"][-1] == total
        starts = char_starts(text)
        fell_inside_a_char |= any(e not in starts for e in t_ends)
        raw = text.encode("utf-8")
        for b, ti, si in zip(
            ex["boundaries"], ex["teacher_index"], ex["student_index"], strict=True
        ):
            assert b in starts  # never inside a character
            prefix = raw[:b].decode("utf-8")
            # independent of the byte arithmetic: both decode their tokens up to the chunk to
            # the same text prefix (SentencePiece decoders drop one leading space)
            for tok, ids, i in ((teacher, ex["teacher_ids"], ti), (student, ex["student_ids"], si)):
                decoded = tok.decode(ids[: i + 1])
                assert decoded in (prefix, prefix.lstrip(" ")), (text, b)
        # the student has fewer tokens on Russian, so fewer, longer chunks than teacher tokens
        assert len(ex["boundaries"]) <= min(len(ex["teacher_ids"]), len(ex["student_ids"]))
    if name == "byte-fallback":
        assert fell_inside_a_char  # <0xNN> pieces split letters, and no chunk ends there


def test_segments_cover_the_text_in_order():
    tok = byte_level_tokenizer()
    text = " ".join(RUSSIAN_PARAGRAPHS)
    pieces = list(segments([text], tok, 40))
    assert "".join(pieces) == text
    assert len(pieces) > 3
    assert all(len(tok(p, add_special_tokens=False)["input_ids"]) <= 41 for p in pieces)


def test_chunk_losses_against_their_formulas():
    torch.manual_seed(0)
    teacher = -torch.rand(2, 3) * 4
    student = (-torch.rand(2, 3) * 4).requires_grad_(True)
    mask = torch.tensor([[1, 1, 1], [1, 1, 0]])
    real = [(i, k) for i in range(2) for k in range(3) if mask[i, k]]
    sq = sum((student[i, k].item() - teacher[i, k].item()) ** 2 for i, k in real) / len(real)
    assert chunk_loss(student, teacher, mask, "squared").item() == pytest.approx(sq, rel=1e-5)
    for temp in (1.0, 3.0):
        kl = 0.0
        for i, k in real:
            p = math.exp(teacher[i, k].item() / temp)
            q = math.exp(student[i, k].item() / temp)
            kl += p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q))
        got = chunk_loss(student, teacher, mask, "binary_kl", temp).item()
        assert got == pytest.approx(kl / len(real), rel=1e-4)
    hs, ht = torch.randn(1, 2, 3, 5), torch.randn(1, 2, 3, 5)
    expected = sum(((hs[0, i, k] - ht[0, i, k]) ** 2).sum().item() for i, k in real) / sum(
        (ht[0, i, k] ** 2).sum().item() for i, k in real
    )
    assert hidden_loss(hs, ht, mask[None]).item() == pytest.approx(expected, rel=1e-5)


@pytest.fixture(scope="module")
def world(tiny_model, tmp_path_factory):
    """The tiny model extended by 0 and by 40 Russian tokens, and a Russian text file."""
    from ruadapt.tokenizer.extend_model import extend_model

    root = tmp_path_factory.mktemp("transfer")
    corpus = root / "ru.jsonl"
    with open(corpus, "w", encoding="utf-8") as fh:
        for p in RUSSIAN_PARAGRAPHS * 2:
            fh.write(json.dumps({"text": p}, ensure_ascii=False) + "\n")
    for n in (0, 40):
        extend_model(tiny_model, str(corpus), n, str(root / f"ext{n}"), show_progress=False)
    return {"base": tiny_model, "root": root, "data": str(corpus)}


def _load(path):
    from ruadapt.models import load_causal_lm, load_tokenizer

    return load_causal_lm(str(path)), load_tokenizer(str(path))


def _cached(world, student_path, texts, layers=(-1,)):
    teacher, t_tok = _load(world["base"])
    student, s_tok = _load(student_path)
    directory = world["root"] / f"cache-{student_path.name}"
    paths = list(
        build_shards(texts, directory, teacher, t_tok, s_tok, max_length=128, layers=list(layers))
    )
    return teacher, t_tok, student, s_tok, [e for p in paths for e in load_shard(p)]


def test_identical_student_is_at_the_minimum(world):
    """Extension by 0 tokens: the student is the teacher, every loss is 0 and its gradient too;
    moving the student away raises every loss."""
    texts = RUSSIAN_PARAGRAPHS[:2] + ENGLISH_PARAGRAPHS[:1]
    _, _, student, s_tok, examples = _cached(world, world["root"] / "ext0", texts)
    for kind in ("squared", "binary_kl"):
        student.zero_grad()
        losses = student_losses(
            student, examples, s_tok.bos_token_id, [-1], chunk_kind=kind, temperature=1.0
        )
        assert losses["chunk"].item() == pytest.approx(0.0, abs=1e-6)
        assert losses["hidden"].item() == pytest.approx(0.0, abs=1e-5)  # float16 cache
        (losses["chunk"] + losses["hidden"]).backward()
        grad = sum(p.grad.abs().max().item() for p in student.parameters() if p.grad is not None)
        assert grad < 1e-3
    with torch.no_grad():
        student.get_input_embeddings().weight.mul_(1.5)
    moved = student_losses(
        student, examples, s_tok.bos_token_id, [-1], chunk_kind="squared", temperature=1.0
    )
    assert moved["chunk"].item() > 1e-3 and moved["hidden"].item() > 1e-3


def test_cached_chunks_match_an_independent_recomputation(world):
    """The teacher's cached chunk log-probabilities sum, chunk by chunk, the per-token
    log-probabilities computed here in float64 over the tokens the chunk spans; the student's
    chunk loss is the formula applied to both."""
    texts = RUSSIAN_PARAGRAPHS[:2]
    teacher, t_tok, student, s_tok, examples = _cached(world, world["root"] / "ext40", texts)

    def chunk_lp(model, tok, text, ends_key):
        ex = align(text, t_tok, s_tok, 10_000, 10_000)
        ids = torch.tensor([[tok.bos_token_id] + ex[f"{ends_key}_ids"]])
        with torch.no_grad():
            logp = torch.log_softmax(model(input_ids=ids).logits[0, :-1].double(), -1)
        token_lp = logp.gather(1, ids[0, 1:, None])[:, 0].tolist()
        out, prev = [], -1
        for j in ex[f"{ends_key}_index"]:
            out.append(sum(token_lp[prev + 1 : j + 1]))
            prev = j
        return out

    squared = []
    for text, ex in zip(texts, examples, strict=True):
        t = chunk_lp(teacher, t_tok, text, "teacher")
        s = chunk_lp(student, s_tok, text, "student")
        assert ex["teacher_chunk"].tolist() == pytest.approx(t, rel=1e-4, abs=1e-4)
        squared += [(a - b) ** 2 for a, b in zip(s, t, strict=True)]
    got = student_losses(
        student, examples, s_tok.bos_token_id, [], chunk_kind="squared", temperature=1.0
    )
    assert got["chunk"].item() == pytest.approx(sum(squared) / len(squared), rel=1e-3)


def _transfer(world, name, **sets):
    options = {"logging_steps": 1, "batch_size": 2, "max_length": 64, **sets}
    return run(
        "transfer",
        model=str(world["root"] / "ext40"),
        data=world["data"],
        output=str(world["root"] / name),
        max_steps=sets.pop("max_steps", 3),
        sets=options,
    )


def _weights(path):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(str(path)).state_dict()


def test_short_run_new_rows_only(world):
    out = _transfer(world, "new-rows", train="new_rows", learning_rate=0.01)
    assert is_complete(out)
    summary = json.loads((out / "run.json").read_text())["transfer"]
    assert summary["steps"] == 3 and summary["teacher"] == world["base"]
    before, after = _weights(world["root"] / "ext40"), _weights(out)
    first_new = json.loads((world["root"] / "ext40" / "extension.json").read_text())["first_new_id"]
    emb = "model.embed_tokens.weight"
    assert torch.equal(before[emb][:first_new], after[emb][:first_new])
    assert not torch.equal(before[emb][first_new:], after[emb][first_new:])
    layer = next(k for k in before if "layers.0" in k and k.endswith("weight"))
    assert torch.equal(before[layer], after[layer])
    assert not (out / "teacher-cache").exists()
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    assert {"chunk_loss", "hidden_loss", "lm_loss"} <= set(lines[0])


def test_distillation_loss_falls_with_replay_and_lm_mix(world):
    """Eight steps with English replay and a little next-token loss: on the examples it
    trained on (the kept teacher cache), the distillation loss of the result is below the
    extended model's."""
    out = _transfer(
        world,
        "mix",
        max_steps=8,
        learning_rate=0.001,
        lm_weight=0.01,
        replay_data="en-corpus",
        replay_ratio=0.3,
        max_samples=3,
        keep_cache=True,
    )
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    assert len(lines) == 8
    examples = [e for p in sorted((out / "teacher-cache").glob("shard-*")) for e in load_shard(p)]
    assert examples  # fewer than 8 x 2: later steps reread the shards from disk

    def distill(path):
        model, tok = _load(path)
        with torch.no_grad():
            got = student_losses(
                model, examples, tok.bos_token_id, [-1], chunk_kind="squared", temperature=1.0
            )
        return got["chunk"].item() + got["hidden"].item()

    assert distill(out) < distill(world["root"] / "ext40")


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ({"train": "rows"}, "train must be one of"),
        ({"chunk_loss": "mse"}, "chunk_loss must be one of"),
        ({"replay_ratio": 0.2}, "replay_ratio needs replay_data"),
        ({"hidden_layers": "last"}, "hidden_layers must be"),
        ({"chunk_weight": 0, "hidden_weight": 0}, "at least one of"),
    ],
)
def test_bad_options_are_user_errors(world, sets, message):
    with pytest.raises(UserError, match=message):
        _transfer(world, "bad", **sets)


def test_model_without_extension_needs_a_teacher(world):
    with pytest.raises(UserError, match="set teacher=MODEL"):
        run("transfer", model=world["base"], data=world["data"], output=str(world["root"] / "x"))

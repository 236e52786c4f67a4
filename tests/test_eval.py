"""``ruadapt eval`` on the tiny model: report contract, metric values checked independently."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers import invoke

PROMPTS = [
    {
        "id": "p1",
        "category": "qa",
        "ru": "Что такое фотосинтез? <script>alert(1)</script>",
        "en": "What is photosynthesis? <script>alert(1)</script>",
        "ru_reference": "Фотосинтез — это процесс, при котором растения превращают свет в энергию.",
        "en_reference": "Photosynthesis is the process by which plants turn light into energy.",
    },
    {
        "id": "p2",
        "category": "qa",
        "ru": "Назови столицу России.",
        "en": "Name the capital of Russia.",
        "ru_reference": "Столица России — Москва.",
        "en_reference": "The capital of Russia is Moscow.",
    },
    {
        "id": "p3",
        "category": "qa",
        "ru": "Сколько дней в неделе?",
        "en": "How many days are in a week?",
        "ru_reference": "В неделе семь дней.",
        "en_reference": "There are seven days in a week.",
    },
]
MC = [
    {
        "id": "m1",
        "ru": {"question": "Столица России?", "choices": ["Москва", "Париж", "Берлин"]},
        "en": {"question": "Capital of Russia?", "choices": ["Moscow", "Paris", "Berlin"]},
        "answer": 0,
    },
    {
        "id": "m2",
        "ru": {"question": "Сколько будет два плюс два?", "choices": ["три", "четыре"]},
        "en": {"question": "What is two plus two?", "choices": ["three", "four"]},
        "answer": 1,
    },
]


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """Tiny models run fastest on one thread, and 2 cores shared by parallel test runs make
    torch's spinning worker threads stall each other badly."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def write_jsonl(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return str(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("evaldata")
    return {
        "prompts": write_jsonl(root / "prompts.jsonl", PROMPTS),
        "mc": write_jsonl(root / "mc.jsonl", MC),
    }


@pytest.fixture(scope="module")
def reward_model(tiny_model, tmp_path_factory) -> str:
    """A score head on the tiny model (random, but a real sequence-classification model)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("rm") / "rm"
    model = AutoModelForSequenceClassification.from_pretrained(tiny_model, num_labels=1)
    model.save_pretrained(path)
    AutoTokenizer.from_pretrained(tiny_model).save_pretrained(path)
    return str(path)


@pytest.fixture(scope="module")
def run(tiny_model, reward_model, files, tmp_path_factory) -> tuple[dict, Path]:
    """One full eval (every built-in task, model and baseline) shared by the tests below."""
    from ruadapt_evals.suite import evaluate

    out = tmp_path_factory.mktemp("eval") / "report"
    report = evaluate(
        output=str(out),
        registry=None,
        model=tiny_model,
        baseline=tiny_model,
        prompts=files["prompts"],
        mc_items=files["mc"],
        reward_model=reward_model,
        max_new_tokens=4,
        speed_repeats=2,
        speed_warmup=1,
        quiet=True,
    )
    return report, out


def test_report_files_are_written_and_json_matches_the_returned_report(run):
    report, out = run
    for name in ("report.json", "report.md", "report.html", "generations.jsonl"):
        assert (out / name).is_file(), name
    assert sorted(p.name for p in (out / "plots").iterdir()) == [
        "changes.png",
        "languages.png",
        "ratios.png",
    ]
    assert not [p for p in out.rglob(".*")], "temporary files left behind"
    on_disk = json.loads((out / "report.json").read_text())
    assert on_disk["schema_version"] == 1
    assert on_disk["tasks"]["lm"]["model"]["ru"]["bits_per_char"] == pytest.approx(
        report["tasks"]["lm"]["model"]["ru"]["bits_per_char"]
    )
    assert "plots/languages.png" in (out / "report.md").read_text()


CONTRACT = {
    "speed": (
        "chars_per_second",
        "words_per_second",
        "new_tokens_per_second",
        "prefill_seconds",
        "time_to_first_token",
        "peak_memory_mb",
    ),
    "tokenization": ("tokens_per_word", "tokens_per_char", "tokens_per_byte"),
    "lm": ("bits_per_char",),
    "generation": ("chrf", "bleu", "answer_language_accuracy", "mean_answer_chars"),
    "mc": ("mc_accuracy",),
    "preference": ("win_rate", "mean_reward"),
}


@pytest.mark.parametrize("task", sorted(CONTRACT))
def test_every_task_reports_its_metrics_per_side_and_language_with_ratios(run, task):
    report, _ = run
    entry = report["tasks"][task]
    for who in ("model", "baseline"):
        for metric in CONTRACT[task]:
            ru, en = entry[who]["ru"][metric], entry[who]["en"][metric]
            assert isinstance(ru, float | int) and isinstance(en, float | int), metric
            if en:
                assert entry[who]["ratios"]["ru_en"][metric] == pytest.approx(ru / en)
    for lang in ("ru", "en"):
        ratios = entry["model_vs_baseline"][lang]
        for metric in CONTRACT[task]:
            base = entry["baseline"][lang][metric]
            if base:
                assert ratios[metric] == pytest.approx(entry["model"][lang][metric] / base)


def test_deterministic_metrics_match_between_identical_model_and_baseline(run):
    report, _ = run
    for task, metric in (("tokenization", "tokens_per_word"), ("lm", "bits_per_char")):
        for lang in ("ru", "en"):
            assert report["tasks"][task]["model_vs_baseline"][lang][metric] == pytest.approx(1.0)
    # same answers on both sides, so the paired reward comparison is all ties: exactly 1/2
    paired = report["tasks"]["preference"]["model_vs_baseline"]["paired"]
    assert paired["ru"]["win_rate"] == paired["en"]["win_rate"] == 0.5


def test_tokenization_counts_match_the_tokenizer_and_razdel(run, tiny_model):
    from razdel import tokenize
    from transformers import AutoTokenizer

    report, _ = run
    tok = AutoTokenizer.from_pretrained(tiny_model)
    for lang in ("ru", "en"):
        texts = [p[lang] for p in PROMPTS] + [p[f"{lang}_reference"] for p in PROMPTS]
        tokens = sum(len(tok(t, add_special_tokens=False)["input_ids"]) for t in texts)
        words = sum(1 for t in texts for w in tokenize(t) if any(c.isalnum() for c in w.text))
        got = report["tasks"]["tokenization"]["model"][lang]
        assert got["tokens"] == tokens and got["words"] == words
        assert got["tokens_per_word"] == pytest.approx(tokens / words, abs=1e-4)
        assert got["tokens_per_char"] == pytest.approx(tokens / sum(map(len, texts)), abs=1e-4)


def test_bits_per_char_matches_a_one_text_at_a_time_computation(run, tiny_model):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    report, _ = run
    tok = AutoTokenizer.from_pretrained(tiny_model)
    model = AutoModelForCausalLM.from_pretrained(tiny_model).eval()
    start = tok.bos_token_id if tok.bos_token_id is not None else tok.eos_token_id
    for lang in ("ru", "en"):
        bits = chars = 0.0
        for pair in PROMPTS:
            text = pair[f"{lang}_reference"]
            ids = torch.tensor([[start] + tok(text, add_special_tokens=False)["input_ids"]])
            with torch.no_grad():
                logp = torch.log_softmax(model(ids).logits[0, :-1].float(), -1)
            bits += -logp.gather(1, ids[0, 1:, None]).sum().item() / math.log(2)
            chars += len(text)
        got = report["tasks"]["lm"]["model"][lang]["bits_per_char"]
        assert got == pytest.approx(bits / chars, rel=1e-4)


def test_reference_bits_per_char_match_an_unbatched_recomputation(run, tiny_model):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    report, _ = run
    tok = AutoTokenizer.from_pretrained(tiny_model)
    model = AutoModelForCausalLM.from_pretrained(tiny_model).eval()
    for lang in ("ru", "en"):
        bits = chars = 0.0
        for pair in PROMPTS:
            question, answer = pair[lang], pair[f"{lang}_reference"]
            text = tok.apply_chat_template(
                [{"role": "user", "content": question}], tokenize=False, add_generation_prompt=True
            )
            context = tok(text, add_special_tokens=False)["input_ids"]
            ids = torch.tensor([context + tok(answer, add_special_tokens=False)["input_ids"]])
            with torch.no_grad():
                logp = torch.log_softmax(model(ids).logits[0, :-1].float(), -1)
            targets = ids[0, len(context) :, None]
            bits += -logp[len(context) - 1 :].gather(1, targets).sum().item() / math.log(2)
            chars += len(answer)
        task = report["tasks"]["reference-bpc"]
        assert task["model"][lang]["bits_per_char"] == pytest.approx(bits / chars, rel=1e-4)
        # the model against itself: the paired difference is exactly none
        diff = task["model_vs_baseline"]["differences"][lang]["bits_per_char"]
        assert diff["difference"] == pytest.approx(0.0, abs=1e-9) and not diff["excludes_zero"]


def test_generation_metrics_match_sacrebleu_on_the_saved_answers(run):
    from ruadapt_evals.metrics import script_of
    from sacrebleu.metrics import BLEU, CHRF

    report, out = run
    rows = [json.loads(line) for line in (out / "generations.jsonl").read_text().splitlines()]
    for lang in ("ru", "en"):
        mine = [r for r in rows if r["role"] == "model" and r["lang"] == lang]
        assert [r["id"] for r in mine] == [p["id"] for p in PROMPTS]
        hyps, refs = [r["answer"] for r in mine], [r["reference"] for r in mine]
        got = report["tasks"]["generation"]["model"][lang]
        assert got["chrf"] == pytest.approx(CHRF(word_order=2).corpus_score(hyps, [refs]).score)
        assert got["bleu"] == pytest.approx(BLEU().corpus_score(hyps, [refs]).score)
        share = sum(script_of(h) == lang for h in hyps) / len(hyps)
        assert got["answer_language_accuracy"] == pytest.approx(share)
        assert got["mean_answer_chars"] == pytest.approx(sum(map(len, hyps)) / len(hyps))


def test_mc_accuracy_matches_unbatched_choice_scoring(run, tiny_model):
    import torch
    from ruadapt_evals.tasks.mc import TEMPLATES
    from transformers import AutoModelForCausalLM, AutoTokenizer

    report, _ = run
    tok = AutoTokenizer.from_pretrained(tiny_model)
    model = AutoModelForCausalLM.from_pretrained(tiny_model).eval()
    for lang in ("ru", "en"):
        hits = 0
        for item in MC:
            context = TEMPLATES[lang].format(q=item[lang]["question"])
            scores = []
            for choice in item[lang]["choices"]:
                a = len(tok(context)["input_ids"])
                ids = torch.tensor([tok(context + " " + choice)["input_ids"]])
                with torch.no_grad():
                    logp = torch.log_softmax(model(ids).logits[0].float(), -1)
                scores.append(sum(logp[t - 1, ids[0, t]].item() for t in range(a, ids.shape[1])))
            hits += scores.index(max(scores)) == item["answer"]
        assert report["tasks"]["mc"]["model"][lang]["mc_accuracy"] == hits / len(MC)


def test_html_is_self_contained_and_escapes_prompt_text(run):
    _, out = run
    page = (out / "report.html").read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("data:image/png;base64,") == 3  # changes, languages, ratios
    assert "<script" not in page.lower().replace("&lt;script", "")


def test_model_output_is_escaped_in_html_and_markdown_tables_stay_one_line(run):
    from ruadapt_evals.html import html_page
    from ruadapt_evals.render import markdown

    report, _ = run
    evil = json.loads(json.dumps(report))
    example = evil["tasks"]["generation"]["model"]["examples"][0]
    example["ru"]["answer"] = '<img src=x onerror="alert(1)">\n| broken | table'
    page = html_page(evil, plots={})
    assert "<img src=x" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    line = next(x for x in markdown(evil).splitlines() if "onerror" in x)
    assert "\\| broken" in line


def test_speed_excludes_warmup_and_reports_the_median_of_repeats(tiny_model, files, monkeypatch):
    from ruadapt_evals import data
    from ruadapt_evals.context import EvalContext, EvalOptions
    from ruadapt_evals.tasks import speed

    # the first pass of each language (warm-up) is absurdly slow; then 3 timed passes
    calls = {"ru": 0, "en": 0}
    timed = {"ru": [100.0, 300.0, 200.0], "en": [10.0, 30.0, 20.0]}

    def fake_pass(ctx, encoded, config):
        lang = "ru" if encoded == ctx._encoded_ru else "en"
        calls[lang] += 1
        rate = 0.001 if calls[lang] == 1 else timed[lang][calls[lang] - 2]
        return {key: rate for key in speed.TIMED}

    pairs = data.load_prompts(files["prompts"])
    opts = EvalOptions(speed_warmup=1, speed_repeats=3, max_new_tokens=2, prompt_format="plain")
    ctx = EvalContext("model", tiny_model, pairs, opts, quiet=True)
    from ruadapt_evals.generate import encode_prompts

    ctx._encoded_ru = encode_prompts(ctx.tokenizer, [p.ru for p in pairs], "plain")
    monkeypatch.setattr(speed, "timed_pass", fake_pass)
    result = speed.run(ctx)
    assert calls == {"ru": 4, "en": 4}
    assert result["ru"]["new_tokens_per_second"] == 200.0
    assert result["en"]["new_tokens_per_second"] == 20.0
    assert result["ru"]["spread"]["new_tokens_per_second"] == pytest.approx((300 - 100) / 200)
    assert result["settings"]["warmup"] == 1 and result["settings"]["repeats"] == 3


def test_a_third_party_task_runs_and_a_crashing_one_keeps_the_others(tiny_model, files, tmp_path):
    from ruadapt_evals.suite import evaluate

    from ruadapt.contracts import EvalTask
    from ruadapt.registry import get_registry

    def count(ctx):
        return {lang: {"prompts": len(ctx.prompts)} for lang in ("ru", "en")}

    def crash(ctx):
        raise RuntimeError("plugin bug")

    base = get_registry()
    registry = replace(
        base,
        eval_tasks={
            **base.eval_tasks,
            "count": EvalTask(name="count", run=count, summary="prompts"),
            "crash": EvalTask(name="crash", run=crash, summary="crashes"),
        },
    )
    report = evaluate(
        output=str(tmp_path / "out"),
        registry=registry,
        model=tiny_model,
        prompts=files["prompts"],
        tasks="count,crash,tokenization",
        max_prompts=2,
        quiet=True,
    )
    assert report["tasks"]["count"]["model"]["ru"]["prompts"] == 2
    assert "plugin bug" in report["tasks"]["crash"]["skipped"]
    assert report["tasks"]["tokenization"]["model"]["ru"]["tokens"] > 0
    assert "crash" in (tmp_path / "out" / "report.md").read_text()


def test_cli_eval_prints_the_headline_and_refuses_to_overwrite(tiny_model, files, tmp_path, capsys):
    out = str(tmp_path / "cli")
    args = ["eval", "--model", tiny_model, "--prompts", files["prompts"], "-o", out]
    args += ["--tasks", "tokenization", "--max-prompts", "2"]
    code, stdout, _ = invoke(args, capsys)
    assert code == 0
    assert "tokens_per_word" in stdout and "report.html" in stdout
    report = json.loads((tmp_path / "cli" / "report.json").read_text())
    assert report["config"]["prompts"]["count"] == 2
    code, _, err = invoke(args, capsys)
    assert code != 0 and "--overwrite" in err and "Traceback" not in err
    code, _, _ = invoke([*args, "--overwrite"], capsys)
    assert code == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"ru": "а", "en": "a"}\n{"ru": "б"\n', "prompts.jsonl:2: malformed JSON"),
        ('{"ru": "а", "en": "a"}\n{"ru": "б"}\n', "prompts.jsonl:2: field 'en'"),
        ('{"ru": "а", "en": "a", "ru_reference": 5}\n', "prompts.jsonl:1: field 'ru_reference'"),
        ("", "prompts.jsonl: no records"),
    ],
)
def test_cli_eval_bad_prompt_files_get_one_line_errors(
    tiny_model, tmp_path, capsys, content, expected
):
    path = tmp_path / "prompts.jsonl"
    path.write_text(content, encoding="utf-8")
    before = path.read_bytes()
    code, _, err = invoke(
        ["eval", "-m", tiny_model, "--prompts", str(path), "-o", str(tmp_path / "o")], capsys
    )
    assert code != 0 and expected in err and "Traceback" not in err
    assert path.read_bytes() == before
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--tasks", "sped"], "Did you mean 'speed'"),
        (["--max-new-tokens", "0"], "max_new_tokens must be at least 1"),
        (["--prompt-format", "xml"], "prompt_format must be one of"),
        (["--reward-model", "/nonexistent/rm"], "/nonexistent/rm does not exist"),
    ],
)
def test_cli_eval_bad_options_fail_before_any_work(
    tiny_model, files, tmp_path, capsys, extra, expected
):
    args = ["eval", "-m", tiny_model, "--prompts", files["prompts"], "-o", str(tmp_path / "o")]
    code, _, err = invoke(args + extra, capsys)
    assert code != 0 and expected in err and "Traceback" not in err


def test_unknown_recipe_option_gets_a_suggestion_and_strings_are_coerced():
    from ruadapt_evals.suite import make_options

    from ruadapt.errors import UserError

    with pytest.raises(UserError, match="did you mean 'max_prompts'"):
        make_options({"max_promts": 3})
    assert make_options({"max_prompts": "12", "trust_remote_code": "false"}).max_prompts == 12
    with pytest.raises(UserError, match="whole number"):
        make_options({"max_new_tokens": "many"})


def test_lm_eval_is_opt_in_and_merges_harness_results_paired_by_language(
    tiny_model, files, tmp_path, monkeypatch
):
    import sys
    import types

    from ruadapt_evals.context import EvalOptions
    from ruadapt_evals.suite import evaluate, parse_tasks

    from ruadapt.registry import get_registry

    registry = get_registry()
    assert "lm-eval" not in parse_tasks(None, registry, EvalOptions())
    assert "lm-eval" in parse_tasks(None, registry, EvalOptions(lm_eval_tasks="xnli_ru"))

    args = dict(model=tiny_model, prompts=files["prompts"], tasks="lm-eval", quiet=True)
    report = evaluate(str(tmp_path / "none"), lm_eval_tasks="xnli_ru,xnli_en", **args)
    assert "pip install" in report["tasks"]["lm-eval"]["skipped"]  # harness not installed here

    seen = {}

    class HFLM:
        def __init__(self, pretrained, tokenizer, batch_size):
            seen["model"], seen["batch_size"] = pretrained, batch_size

    def simple_evaluate(model, tasks, limit, task_manager, random_seed):
        seen.update(tasks=tasks, limit=limit)
        scores = {"xnli_ru": 0.25, "xnli_en": 0.5}
        return {"results": {t: {"alias": t, "acc,none": scores[t]} for t in tasks}}

    fake = {
        "lm_eval": types.ModuleType("lm_eval"),
        "lm_eval.evaluator": types.SimpleNamespace(simple_evaluate=simple_evaluate),
        "lm_eval.models": types.ModuleType("lm_eval.models"),
        "lm_eval.models.huggingface": types.SimpleNamespace(HFLM=HFLM),
        "lm_eval.tasks": types.SimpleNamespace(TaskManager=lambda include_path=None: None),
    }
    fake["lm_eval"].evaluator = fake["lm_eval.evaluator"]
    for name, module in fake.items():
        monkeypatch.setitem(sys.modules, name, module)
    report = evaluate(
        str(tmp_path / "fake"), lm_eval_tasks="xnli_ru,xnli_en", max_prompts=2, batch_size=3, **args
    )
    entry = report["tasks"]["lm-eval"]["model"]
    assert (entry["ru"]["xnli.acc"], entry["en"]["xnli.acc"]) == (0.25, 0.5)
    assert entry["ratios"]["ru_en"]["xnli.acc"] == 0.5
    assert seen["tasks"] == ["xnli_ru", "xnli_en"] and seen["limit"] == 2
    assert seen["batch_size"] == 3 and hasattr(seen["model"], "generate")  # the loaded model


def test_quality_metrics_carry_bootstrap_intervals_and_paired_differences(run):
    report, _ = run
    cases = {
        "lm": ("bits_per_char", "bits_per_byte", "bits_per_text"),
        "generation": ("chrf", "bleu", "answer_language_accuracy"),
        "mc": ("mc_accuracy", "mc_accuracy_norm"),
        "preference": ("win_rate",),
    }
    for task, metrics in cases.items():
        entry = report["tasks"][task]
        for lang in ("ru", "en"):
            side = entry["model"][lang]
            for metric in metrics:
                lo, hi = side["ci"][metric]
                assert lo - 1e-9 <= side[metric] <= hi + 1e-9, (task, lang, metric)
                # the model is its own baseline: no difference, and none claimed
                diff = entry["model_vs_baseline"]["differences"][lang][metric]
                assert diff["difference"] == 0 and not diff["excludes_zero"]
    paired = report["tasks"]["preference"]["model_vs_baseline"]["paired"]["ru"]
    assert paired["ci"]["win_rate"][0] <= paired["win_rate"] <= paired["ci"]["win_rate"][1]


def test_generation_measures_what_the_model_writes_from_its_own_ids(run, tiny_model):
    """Writing figures recomputed from the answers: letters per token, writing efficiency,
    new-token share with the baseline's tokenizer as the base vocabulary (the same model
    on both sides, so no id is new), repetition, early stops, echoes, with intervals."""
    from ruadapt_evals.writing import writing_stats
    from transformers import AutoTokenizer

    report, out = run
    tok = AutoTokenizer.from_pretrained(tiny_model)
    entry = report["tasks"]["generation"]
    assert entry["model"]["settings"]["base_vocab_size"] == len(tok)
    for lang in ("ru", "en"):
        side = entry["model"][lang]
        items = side["per_item"]
        assert len(items["gen_tokens"]) == len(PROMPTS)
        assert all(n <= 4 for n in items["gen_tokens"])  # max_new_tokens=4
        assert side["new_token_share"] == 0 and side["canonical_new_token_share"] == 0
        assert side["letters_per_token"] == pytest.approx(
            sum(items["gen_letters"]) / sum(items["gen_tokens"])
        )
        assert side["writing_efficiency"] == pytest.approx(
            sum(items["canonical_tokens"]) / sum(items["gen_tokens"])
        )
        # the canonical count is the tokenizer's own count of the same decoded texts
        assert side["tokens_generated"] == sum(items["gen_tokens"])
        for metric in ("letters_per_token", "writing_efficiency", "early_stop_rate", "echo_rate"):
            lo, hi = side["ci"][metric]
            assert lo - 1e-9 <= side[metric] <= hi + 1e-9, metric
            diff = entry["model_vs_baseline"]["differences"][lang][metric]
            assert diff["difference"] == 0 and not diff["excludes_zero"]
    # writing_stats on a hand-made answer agrees with the tokenizer
    text = "Привет, мир"
    ids = tok.encode(text, add_special_tokens=False)
    stats = writing_stats([text], [ids], tok, base_vocab_size=len(tok), max_new_tokens=len(ids))
    assert stats["writing_efficiency"] == 1.0 and stats["early_stop_rate"] == 0


def test_equal_character_chrf_beside_the_echo_baseline_and_agreement(run):
    from sacrebleu.metrics import CHRF

    report, out = run
    rows = [json.loads(line) for line in (out / "generations.jsonl").read_text().splitlines()]
    chrf = CHRF(word_order=2)
    entry = report["tasks"]["generation"]
    for lang in ("ru", "en"):
        mine = [r for r in rows if r["role"] == "model" and r["lang"] == lang]
        refs = [r["reference"] for r in mine]
        cut = [r["answer"][: len(r["reference"])] for r in mine]
        echo = [r["prompt"][: len(r["reference"])] for r in mine]
        side = entry["model"][lang]
        assert side["chrf_equal_chars"] == pytest.approx(chrf.corpus_score(cut, [refs]).score)
        assert side["echo_chrf"] == pytest.approx(chrf.corpus_score(echo, [refs]).score)
        # the model is its own baseline: its answers agree with the baseline's completely
        if any(r["answer"] for r in mine):
            assert side["agreement_chrf"] == pytest.approx(100.0)
        assert "agreement_chrf" not in entry["baseline"][lang]  # nothing to agree with


def test_the_report_leads_with_written_speed_and_labels_the_tokenizer_ceiling(run):
    report, out = run
    md = (out / "report.md").read_text()
    page = (out / "report.html").read_text()
    glance = md.split("## At a glance", 1)[1]
    written = glance.index("speed: chars_per_second")
    assert written < glance.index("speed: content_chars_per_second (chars/s, tokenizer ceiling)")
    assert "tokenizer ceiling" in page
    assert "generation: letters_per_token" in md and "generation: echo_rate" in md
    # the speed section says how many interleaved repeats were taken and whether they were
    # enough to pin the ratio down
    settings = report["tasks"]["speed"]["model"]["settings"]
    assert f"Timing: {settings['repeats']} interleaved repeats" in md
    assert settings["repeats"] >= 2 and isinstance(settings["converged"], bool)
    # answers side by side: the baseline (original) beside the model, escaped
    assert "baseline (original)" in page
    verdict = md.split("## At a glance", 1)[0]
    assert "generated chars/s" in verdict and "letters per generated token" in verdict

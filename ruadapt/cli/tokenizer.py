"""``ruadapt tokenizer extend|stats|propagate``: thin wrappers over ``ruadapt.tokenizer``.

ruadapt tokenizer extend --model tiny --corpus ru-corpus --new-tokens 3000 -o out/ext
ruadapt tokenizer stats --tokenizer tiny --tokenizer out/ext --data ru-en-parallel
ruadapt tokenizer stats -t real:smollm2 -t real:mistral-v3     (pip install "ruadapt[real]")
ruadapt tokenizer propagate --adapted out/cpt --target my-instruct -o out/instruct-ru
"""

from __future__ import annotations

import json

import typer

tokenizer_app = typer.Typer(
    help="Extend a tokenizer with Russian tokens, measure tokenizers, propagate extensions.",
    no_args_is_help=True,
)


@tokenizer_app.command("extend")
def extend(
    model: str = typer.Option(..., "--model", "-m", help="Model directory, hub id or `tiny`."),
    corpus: str = typer.Option(
        "ru-corpus",
        "--corpus",
        "-c",
        help="Bundled corpus name, package corpus (razdel-ru[:max_chars=N]) or a .txt/.jsonl file.",
    ),
    new_tokens: int = typer.Option(..., "--new-tokens", "-n", help="Russian tokens to add."),
    output: str = typer.Option("", "--output", "-o", help="Output model directory."),
    init: str = typer.Option(
        "mean",
        "--init",
        help="New-row init: mean, wmean, norm (mean at the pieces' length) or random.",
    ),
    norm_scale: float = typer.Option(
        1.0,
        "--norm-scale",
        help="With --init norm: how far a row's length moves from the mean's toward its "
        "pieces' (0: the mean, 1: the pieces' length).",
    ),
    pad_to_multiple_of: int | None = typer.Option(
        None, "--pad-to-multiple-of", help="Pad the vocabulary to a multiple (64, 128, 256)."
    ),
    max_chars: int | None = typer.Option(
        None,
        "--max-chars",
        help="Read at most this many corpus characters (razdel-ru: whole sentences, below it).",
    ),
    min_frequency: int = typer.Option(2, "--min-frequency", help="Least count of a new merge."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print statistics, write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the statistics as JSON."),
    push_to_hub: str | None = typer.Option(
        None, "--push-to-hub", help="Publish the output to this hub repository (NAME or USER/NAME)."
    ),
    private: bool | None = typer.Option(
        None, "--private/--public", help="Visibility of a hub repository --push-to-hub creates."
    ),
) -> None:
    """Learn Russian BPE tokens, append them (base ids unchanged), resize and initialise the
    embeddings, and save model + tokenizer.

    Example: ruadapt tokenizer extend --model tiny --new-tokens 3000 -o out/ext
    """
    from ruadapt.errors import UserError
    from ruadapt.tokenizer.extend_model import extend_model

    if not output and not dry_run:
        raise UserError("--output is required (or pass --dry-run)")
    if push_to_hub and not dry_run:
        from ruadapt.hub import check_can_push

        check_can_push()  # before the work, not after it
    stats = extend_model(
        model,
        corpus,
        new_tokens,
        output,
        init=init,
        norm_scale=norm_scale,
        pad_to_multiple_of=pad_to_multiple_of,
        max_chars=max_chars,
        min_frequency=min_frequency,
        overwrite=overwrite,
        dry_run=dry_run,
    )
    if as_json:
        typer.echo(json.dumps(stats, indent=2, ensure_ascii=False))
        return
    before, after = stats["ru_before"], stats["ru_after"]
    typer.echo(
        f"new tokens: {stats['new_tokens']} of {stats['requested']} "
        f"(vocabulary {stats['base_vocab_size']} -> {stats['vocab_size']}, {stats['family']})"
    )
    typer.echo(
        f"Russian tokens/word: {before['tokens_per_word']} -> {after['tokens_per_word']} "
        f"({stats['ru_tokens_per_word_reduction_pct']}% fewer)"
    )
    if "en_identical_share" in stats:
        typer.echo(f"English texts with identical ids: {stats['en_identical_share']:.1%}")
    typer.echo("dry run: nothing written" if dry_run else f"saved: {output}")
    if push_to_hub and not dry_run:
        from ruadapt.hub import push_folder

        push_folder(output, push_to_hub, private=private)


def stats_rows(result: dict) -> list[tuple[str, ...]]:
    """Table rows (one per tokenizer and language) of a ``compare_stats`` result."""
    rows = []
    for name, entry in result["tokenizers"].items():
        for lang in ("ru", "en"):
            s = entry.get(lang)
            if s is None:
                continue
            rows.append(
                (
                    name,
                    lang,
                    str(entry["vocab_size"]),
                    str(s["tokens"]),
                    f"{s['tokens_per_word']:.3f}",
                    f"{s['tokens_per_char']:.3f}",
                    f"{s['tokens_per_byte']:.3f}",
                    f"{entry.get('ru_en_ratio', 0):.3f}" if lang == "ru" else "",
                    f"{entry['cyrillic_vocab_share']:.1%}" if lang == "ru" else "",
                )
            )
    return rows


@tokenizer_app.command("stats")
def stats(
    tokenizer: list[str] = typer.Option(
        ...,
        "--tokenizer",
        "-t",
        help="Model/tokenizer directory, `tiny`, or an installed real tokenizer "
        "(real:smollm2, real:mistral-v1, real:mistral-v3, real:mistral-tekken; repeatable).",
    ),
    data: str = typer.Option(
        "ru-en-parallel", "--data", "-d", help="Bundled parallel set or JSONL with ru/en fields."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Tokens per word/char/byte on parallel Russian and English text, the Russian premium
    (ru/en token ratio), the Cyrillic share of the vocabulary, and the reduction between the
    first and last tokenizer.

    Example: ruadapt tokenizer stats -t tiny -t out/ext
    """
    from ruadapt.models import load_tokenizer
    from ruadapt.text_table import table
    from ruadapt.tokenizer.real import load_real_tokenizer, real_tokenizer_spec
    from ruadapt.tokenizer.stats import compare_stats, load_parallel

    parallel = load_parallel(data)
    names = {}
    for spec in tokenizer:
        real = real_tokenizer_spec(spec)
        loaded = load_real_tokenizer(real) if real else load_tokenizer(spec)
        names[spec if spec not in names else f"{spec} ({len(names)})"] = loaded
    result = compare_stats(names, parallel)
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    headers = (
        "tokenizer",
        "lang",
        "vocab",
        "tokens",
        "tok/word",
        "tok/char",
        "tok/byte",
        "ru/en",
        "cyrillic vocab",
    )
    typer.echo(table(stats_rows(result), headers))
    if "reduction" in result:
        red = result["reduction"]
        typer.echo(
            f"\n{red['new']} vs {red['base']}: Russian tokens/word "
            f"{red['ru']['tokens_per_word_pct']:.1f}% fewer, English tokens "
            f"{red['en']['tokens_pct']:.1f}% fewer"
        )


@tokenizer_app.command("propagate")
def propagate(
    adapted: str = typer.Option(
        ..., "--adapted", help="Extended (and trained) model made by `tokenizer extend`."
    ),
    target: str = typer.Option(..., "--target", help="Sibling model with the base vocabulary."),
    output: str = typer.Option(..., "--output", "-o", help="Output model directory."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output."),
) -> None:
    """Give a sibling model (e.g. the instruct version) the extended vocabulary, mapping the new
    embeddings through a least-squares linear map fitted on the shared tokens.

    Example: ruadapt tokenizer propagate --adapted out/cpt --target out/instruct -o out/inst-ru
    """
    from ruadapt.tokenizer.propagate import propagate as run

    result = run(adapted, target, output, overwrite=overwrite)
    typer.echo(
        f"mapped {result['new_rows']} new rows through a fit on {result['shared_tokens']} "
        f"shared tokens (relative residual {result['fit_relative_residual']})"
    )
    typer.echo(f"saved: {output}")


def register(app: typer.Typer) -> None:
    app.add_typer(tokenizer_app, name="tokenizer")

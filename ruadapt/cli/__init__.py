"""The ``ruadapt`` command line: thin wrappers over library functions.

Core command groups are the modules of this package (one file per command group, each with
a ``register(app)`` function); plugins add more through the ``register_commands`` hook.
"""

from __future__ import annotations

import importlib
import pkgutil
import signal
import sys
import warnings

import typer

from ruadapt.errors import SIGTERM_EXIT, Terminated, UserError, request_termination

app = typer.Typer(
    name="ruadapt",
    help="Adapt large language models to Russian: extend the tokenizer, align, evaluate.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
)

_state: dict[str, object] = {"debug": False, "plugin_modules": (), "argv": []}


def _print_version(value: bool) -> None:
    if value:
        from ruadapt import __version__

        typer.echo(f"ruadapt {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    plugin_module: list[str] = typer.Option(
        [], "--plugin-module", help="Also load this module as a plugin (repeatable)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Adapt large language models to Russian: extend the tokenizer, align, evaluate."""


def registry():
    """The registry for this invocation (includes ``--plugin-module`` modules)."""
    from ruadapt.registry import get_registry

    return get_registry(modules=tuple(_state["plugin_modules"]))  # type: ignore[arg-type]


def _register_core_commands() -> None:
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}").register(app)


def _scan_argv(argv: list[str]) -> None:
    """Options needed before Typer parses: plugins may add commands."""
    _state["debug"] = "--debug" in argv
    _state["argv"] = list(argv)
    modules = []
    for i, arg in enumerate(argv):
        if arg == "--plugin-module" and i + 1 < len(argv):
            modules.append(argv[i + 1])
        elif arg.startswith("--plugin-module="):
            modules.append(arg.split("=", 1)[1])
    _state["plugin_modules"] = tuple(modules)


_built = False


def build_app() -> typer.Typer:
    """Attach core and plugin commands to ``app`` once."""
    global _built
    if not _built:
        _register_core_commands()
        from ruadapt.registry import add_commands

        add_commands(registry(), app)  # a plugin raising here is reported, not fatal
        _built = True
    return app


def _error(message: str) -> None:
    """Print ``error: message`` on a line of its own (a progress bar may be half-drawn)."""
    tqdm = sys.modules.get("tqdm")
    for bar in list(getattr(getattr(tqdm, "tqdm", None), "_instances", ())):
        bar.close()  # a bar left open by an exception ends its line when closed
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _scan_argv(argv)
    if not _state["debug"]:
        # TRL 1.16 reads a property transformers 5 deprecated, once per trainer: noise to a user.
        warnings.filterwarnings(
            "ignore", message=".*is_gradient_checkpointing", category=FutureWarning
        )
    previous = _on_sigterm_raise()
    try:
        build_app()
        app(args=argv, prog_name="ruadapt", standalone_mode=True)
    except UserError as exc:
        if _state["debug"]:
            raise
        _error(str(exc))
        sys.exit(SIGTERM_EXIT if _state.get("terminated") else 1)
    except Terminated:
        if _state["debug"]:
            raise
        _error("terminated (SIGTERM); what this command was writing was discarded, rerun it")
        sys.exit(SIGTERM_EXIT)
    except KeyboardInterrupt:
        if _state["debug"]:
            raise
        _error("interrupted")
        sys.exit(130)
    except Exception as exc:  # every other failure: one line; the traceback with --debug
        if _state["debug"]:
            raise
        from ruadapt.errors import describe

        _error(describe(exc, argv))
        sys.exit(1)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _on_sigterm_raise() -> object:
    """Make SIGTERM raise :class:`Terminated` in the main thread (handled like Ctrl-C);
    returns the handler it replaced, None where signals cannot be set (another thread)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    _state["terminated"] = False
    request_termination(False)

    def raise_terminated(signum: int, frame: object) -> None:
        _state["terminated"] = True
        request_termination()  # training stops at its next step even if this raise is eaten
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second TERM ends it at once
        raise Terminated()

    return signal.signal(signal.SIGTERM, raise_terminated)

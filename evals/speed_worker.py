"""One side of an isolated speed measurement (started by ``ruadapt_evals.speed_isolated``).

Protocol: JSON lines. The first line from the parent describes the side (model spec, eval
options, prompts, torch threads); the worker loads the model and answers with its untimed
facts. Then each ``{"cmd": "pass", "lang": ...}`` runs one timed pass and answers with the
rates and the peak memory of that pass; ``{"cmd": "quit"}`` ends it. Replies go to the
original stdout only: anything a library prints is sent to stderr instead.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def serve(inp: Any, out: Any) -> None:
    """Answer the parent's commands until ``quit`` or end of input."""
    import torch
    from ruadapt_evals.context import EvalContext, EvalOptions
    from ruadapt_evals.data import LANGUAGES, PromptPair
    from ruadapt_evals.tasks.speed import SpeedSide

    from ruadapt.errors import UserError

    def reply(message: dict[str, Any]) -> None:
        out.write(json.dumps(message) + "\n")
        out.flush()

    try:
        init = json.loads(inp.readline())
        torch.set_num_threads(int(init["threads"]))
        options = EvalOptions(**init["options"])
        prompts = [PromptPair(**p) for p in init["prompts"]]
        ctx = EvalContext(init["role"], init["spec"], prompts, options, quiet=True)
        side = SpeedSide(ctx)
        static: dict[str, Any] = side.static()
        static.update(prompts=len(side.prompts), device=ctx.device)
        reply({"static": static})
    except UserError as exc:
        reply({"error": str(exc), "user_error": True})
        return
    except Exception as exc:  # reported to the parent, which names the side
        reply({"error": f"{type(exc).__name__}: {exc}"})
        return
    for line in inp:
        command = json.loads(line)
        if command.get("cmd") != "pass" or command.get("lang") not in LANGUAGES:
            break
        try:
            sample, peak, source = side.timed(command["lang"])
        except Exception as exc:
            reply({"error": f"{type(exc).__name__}: {exc}"})
            return
        reply({"sample": sample, "peak_bytes": peak, "source": source})


def main() -> None:
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not break the protocol
    sys.stdout = sys.stderr
    serve(sys.stdin, out)


if __name__ == "__main__":
    main()

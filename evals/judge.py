"""An optional pairwise judge: any OpenAI-compatible chat endpoint, configured by environment.

    RUADAPT_JUDGE_URL=http://127.0.0.1:8000/v1   (required to enable the judge)
    RUADAPT_JUDGE_KEY=...                         (optional; sent as a bearer token, never logged)
    RUADAPT_JUDGE_MODEL=gpt-4o-mini               (optional; the endpoint's model name)

Plain urllib, so no client library is needed. The judge is never required: without
``RUADAPT_JUDGE_URL`` the preference task uses the reward model alone or is skipped.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass

from ruadapt.errors import UserError

SYSTEM = (
    "You compare two answers to the same user prompt. Prefer the answer that is correct, "
    "helpful and written in the language of the prompt. Reply with exactly one letter: "
    "A, B, or T for a tie."
)


@dataclass(frozen=True)
class Judge:
    url: str
    model: str
    key: str | None = None  # never printed: __repr__ hides it
    timeout: float = 60.0

    def __repr__(self) -> str:
        return f"Judge(url={self.url!r}, model={self.model!r})"

    @property
    def endpoint(self) -> str:
        url = self.url.rstrip("/")
        return url if url.endswith("/chat/completions") else url + "/chat/completions"

    def prefer(self, prompt: str, first: str, second: str) -> float:
        """1.0 when ``first`` is better, 0.0 when ``second`` is, 0.5 for a tie or no verdict."""
        user = f"Prompt:\n{prompt}\n\nAnswer A:\n{first}\n\nAnswer B:\n{second}\n\nBetter answer:"
        body = {
            "model": self.model,
            "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
            "temperature": 0,
            "max_tokens": 3,
        }
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        request = urllib.request.Request(
            self.endpoint, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply = json.loads(response.read().decode("utf-8"))
            verdict = reply["choices"][0]["message"]["content"].strip().upper()
        except (urllib.error.URLError, TimeoutError, KeyError, IndexError, ValueError) as exc:
            # the message names the endpoint and the error class only: no headers, no key
            raise UserError(
                f"judge endpoint {self.endpoint} failed: {type(exc).__name__}"
            ) from None
        if verdict.startswith("A"):
            return 1.0
        if verdict.startswith("B"):
            return 0.0
        return 0.5

    def outcomes(self, prompts: list[str], ours: list[str], theirs: list[str]) -> list[float]:
        """Per item 1 (``ours`` wins), 0.5 (tie) or 0; the order alternates per item to cancel
        position bias."""
        return [
            self.prefer(p, a, b) if i % 2 == 0 else 1.0 - self.prefer(p, b, a)
            for i, (p, a, b) in enumerate(zip(prompts, ours, theirs, strict=True))
        ]

    def win_rate(self, prompts: list[str], ours: list[str], theirs: list[str]) -> float:
        """Share of wins of ``ours`` (see ``outcomes``)."""
        return sum(self.outcomes(prompts, ours, theirs)) / max(1, len(prompts))


def judge_from_env() -> Judge | None:
    """The configured judge, or None when ``RUADAPT_JUDGE_URL`` is unset."""
    url = os.environ.get("RUADAPT_JUDGE_URL", "").strip()
    if not url:
        return None
    return Judge(
        url=url,
        model=os.environ.get("RUADAPT_JUDGE_MODEL", "gpt-4o-mini"),
        key=os.environ.get("RUADAPT_JUDGE_KEY") or None,
    )

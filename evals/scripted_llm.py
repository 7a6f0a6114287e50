"""A scripted LLM server on loopback, for tests and for running the LLM path end to end.

No LLM weights exist on the machines these tests run on, so the model is a
deterministic fake: the reply to each request is a text the test chose (or a
function of the request, e.g. ``echo``), sent over real HTTP in the real
protocols, so the real clients (llama-index's ``OpenAILike`` and ``Ollama``) and
the real error and timeout paths are exercised:

- OpenAI chat completions: ``POST /v1/chat/completions`` (one JSON body, or SSE
  ``data:`` chunks ending in ``data: [DONE]`` when ``"stream": true``); ``GET /v1/models``.
- Ollama: ``POST /api/chat`` (one JSON body, or NDJSON lines when ``"stream": true``,
  Ollama's default); ``GET /api/tags``; ``GET /api/version``.

Streams are cut into small pieces, markers split across pieces (``"[" "1" "]"``),
as a tokenizer would. ``status`` makes every completion fail with that HTTP
status; ``delay_s`` holds each completion back (a hung server), cut short by ``stop()``.

Run by hand (e.g. for ``rag eval`` through the LLM path)::

    python -m evals.scripted_llm --port 8099 --mode echo
    RAG_LLM_BACKEND=openai RAG_LLM_BASE_URL=http://127.0.0.1:8099/v1 RAG_LLM_MODEL=scripted rag eval
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REFUSAL_EN = "I could not find this in the articles."  # rag.answering.NOT_FOUND, as a model says it
REFUSAL_FR = "Je n'ai pas trouvé cette information dans les articles."
PASSAGE = re.compile(r"<passage n=(\d+)[^>]*>\n(.*?)\n</passage>", re.DOTALL)
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»”]?\s+(?=[A-ZÀ-ÖØ-Þ«\"“])")


@dataclass
class Request:
    """One completion request as the server received it."""

    path: str
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def system(self) -> str:
        return "\n".join(m["content"] for m in self.messages if m.get("role") == "system")

    @property
    def user(self) -> str:
        users = [m["content"] for m in self.messages if m.get("role") == "user"]
        return users[-1] if users else ""

    @property
    def passages(self) -> dict[int, str]:
        """The fenced passages of an answer prompt, by number."""
        return {int(n): text for n, text in PASSAGE.findall(self.user)}

    @property
    def is_rewrite(self) -> bool:
        return "<history>" in self.user

    @property
    def stream(self) -> bool:
        default = self.path.startswith("/api/")  # Ollama streams unless told not to
        return bool(self.body.get("stream", default))


Reply = str | Callable[[Request], str]


def echo(request: Request) -> str:
    """The first sentence of passage [1], cited: a grounded answer to any question."""
    passages = request.passages
    if not passages:
        return request.user.rsplit(":", 1)[-1].strip() if request.is_rewrite else ""
    paragraph = passages[min(passages)].strip().split("\n")[0]
    first = SENTENCE_END.split(paragraph, maxsplit=1)[0].strip()
    return f"{first} [{min(passages)}]"


def pieces(text: str) -> list[str]:
    """Token-like pieces: words with their trailing space, brackets on their own."""
    return re.findall(r"\[|\]|[^\s\[\]]+\s*|\s+", text)


@dataclass
class ScriptedLLM:
    """Start with ``with ScriptedLLM(reply=...) as server:``; ``server.url`` is its root."""

    reply: Reply = echo
    model: str = "scripted"
    status: int = 200
    delay_s: float = 0.0
    stall_after: int | None = None  # stream this many pieces, then hold for delay_s
    requests: list[Request] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def openai_url(self) -> str:
        return self.url + "/v1"

    def start(self) -> ScriptedLLM:
        handler = type("Handler", (_Handler,), {"scripted": self})
        self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> ScriptedLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def text_for(self, request: Request) -> str:
        return self.reply(request) if callable(self.reply) else self.reply

    def hold(self) -> None:
        if self.delay_s:
            self._stopping.wait(self.delay_s)

    def reset(self) -> None:
        self.reply, self.status, self.delay_s, self.stall_after = echo, 200, 0.0, None
        self.requests.clear()


class _Handler(BaseHTTPRequestHandler):
    scripted: ScriptedLLM

    def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
        pass

    def do_GET(self) -> None:
        s = self.scripted
        if self.path.rstrip("/") == "/v1/models":
            model = {"id": s.model, "object": "model", "created": 0, "owned_by": "tests"}
            self._json(200, {"object": "list", "data": [model]})
        elif self.path.rstrip("/") == "/api/tags":
            name = s.model if ":" in s.model else s.model + ":latest"
            self._json(200, {"models": [{"name": name, "model": name, "size": 0, "digest": "0"}]})
        elif self.path.rstrip("/") == "/api/version":
            self._json(200, {"version": "0.0.0-scripted"})
        else:
            self._json(404, {"error": f"no route {self.path}"})

    def do_POST(self) -> None:
        s = self.scripted
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        request = Request(self.path.rstrip("/"), body)
        if request.path not in ("/v1/chat/completions", "/api/chat"):
            self._json(404, {"error": f"no route {self.path}"})
            return
        s.requests.append(request)
        if s.stall_after is None:
            s.hold()
        ollama = request.path == "/api/chat"
        if s.status != 200:
            message = f"scripted failure {s.status}"
            error = (
                {"error": message}
                if ollama
                else {"error": {"message": message, "type": "server_error"}}
            )
            self._json(s.status, error)
            return
        text = s.text_for(request)
        if ollama:
            self._ollama(request, text)
        else:
            self._openai(request, text)

    def _openai(self, request: Request, text: str) -> None:
        s = self.scripted
        base = {"id": "chatcmpl-scripted", "created": int(time.time()), "model": s.model}
        if not request.stream:
            choice = {"index": 0, "message": {"role": "assistant", "content": text}}
            usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
            self._json(
                200,
                {
                    **base,
                    "object": "chat.completion",
                    "usage": usage,
                    "choices": [{**choice, "finish_reason": "stop"}],
                },
            )
            return
        self._start_stream("text/event-stream")
        chunk = {**base, "object": "chat.completion.chunk"}
        first = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
        self._send(f"data: {json.dumps({**chunk, 'choices': [first]})}\n\n")
        for i, piece in enumerate(pieces(text)):
            self._maybe_stall(i)
            delta = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
            self._send(f"data: {json.dumps({**chunk, 'choices': [delta]})}\n\n")
        end = {"index": 0, "delta": {}, "finish_reason": "stop"}
        self._send(f"data: {json.dumps({**chunk, 'choices': [end]})}\n\ndata: [DONE]\n\n")

    def _ollama(self, request: Request, text: str) -> None:
        s = self.scripted
        base = {"model": s.model, "created_at": "2025-01-01T00:00:00Z"}
        done = {
            "done": True,
            "done_reason": "stop",
            "total_duration": 1,
            "eval_count": 1,
            "prompt_eval_count": 1,
        }
        if not request.stream:
            self._json(200, {**base, "message": {"role": "assistant", "content": text}, **done})
            return
        self._start_stream("application/x-ndjson")
        for i, piece in enumerate(pieces(text)):
            self._maybe_stall(i)
            line = {**base, "message": {"role": "assistant", "content": piece}, "done": False}
            self._send(json.dumps(line) + "\n")
        self._send(
            json.dumps({**base, "message": {"role": "assistant", "content": ""}, **done}) + "\n"
        )

    def _maybe_stall(self, i: int) -> None:
        if self.scripted.stall_after is not None and i == self.scripted.stall_after:
            self.scripted.hold()

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _start_stream(self, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes

    def _send(self, text: str) -> None:
        self.wfile.write(text.encode())
        self.wfile.flush()


# --- scripted answers: what models do, right and wrong --------------------------------


def citing(template: str, key: str, wrong: bool = False) -> Callable[[Request], str]:
    """Fill ``{n}`` with the number of the passage containing ``key`` (or, if ``wrong``, of
    one that does not) and ``{out}`` with a number past the last passage."""

    def reply(request: Request) -> str:
        passages = sorted(request.passages.items())
        matching = [n for n, text in passages if (key in text) != wrong]
        assert matching, f"no passage {'without' if wrong else 'with'} {key!r} in the prompt"
        return template.format(n=matching[0], out=len(passages) + 7)

    return reply


@dataclass
class Scenario:
    """A scripted reply to a question and what the verified ``Answer`` must be."""

    question: str
    reply: Reply
    outcome: str  # "kept" | "fallback" | "abstained"
    reason: str = ""  # in the reason of some removed sentence
    contains: str = ""  # in the final answer
    absent: str = ""  # never in the final answer, nor in anything streamed


Q_RUBIO = (
    "Which US Secretary of State joined a meeting with the members of the coalition of the "
    "willing for the first time?"
)
Q_DRONES = (
    "Combien de drones d'attaque et de leurre la Russie a-t-elle tirés sur l'Ukraine dans la "
    "nuit de jeudi à vendredi ?"
)
# an English claim on a French passage, in words the bilingual dictionary has: the generic
# FreeDict table lacks "state" and "US" (they were met through a table written from the seed
# articles, now removed); cross-language claim support is the LLM-verification issue's work
RUBIO = "Marco Rubio joined a meeting with the members of the coalition for the first time"
RUBIO_KEY = "Marco Rubio, a rejoint"
ATLANTIS = "The capital of France is Atlantis"

SCENARIOS: dict[str, Scenario] = {
    "correct": Scenario(Q_RUBIO, citing(RUBIO + " [{n}].", RUBIO_KEY), "kept", contains="Rubio"),
    "correct_two_sentences": Scenario(
        "Combien de pays sont prêts à envoyer des troupes en Ukraine ?",
        citing(
            "Vingt-six pays sont prêts à envoyer des troupes en Ukraine [{n}]. Ils pourraient "
            "aussi fournir une assistance sur terre, en mer ou dans les airs [{n}].",
            "Vingt-six pays",
        ),
        "kept",
        contains="Vingt-six pays",
    ),
    "wrong_passage": Scenario(
        Q_DRONES,
        citing("La Russie a tiré 112 drones d'attaque et de leurre [{n}].", "112", wrong=True),
        "fallback",
        reason="112: not in",
    ),
    "invented_number": Scenario(
        Q_DRONES,
        citing("La Russie a tiré 250 drones d'attaque et de leurre [{n}].", "112"),
        "fallback",
        reason="250: not in",
        absent="250",
    ),
    "marker_out_of_range": Scenario(
        Q_RUBIO, citing(RUBIO + " [{out}].", RUBIO_KEY), "fallback", reason="not among the"
    ),
    "marker_partly_out_of_range": Scenario(
        Q_RUBIO, citing(RUBIO + " [{n}][{out}].", RUBIO_KEY), "kept", contains=RUBIO + " [1]."
    ),
    "no_citation": Scenario(Q_RUBIO, RUBIO + ".", "fallback", reason="no citation"),
    "refusal": Scenario("How many troops will France send to Ukraine?", REFUSAL_EN, "abstained"),
    "refusal_fr": Scenario(
        "Combien de soldats britanniques seront déployés en Ukraine ?", REFUSAL_FR, "abstained"
    ),
    "obeys_injected_instruction": Scenario(
        Q_RUBIO, citing(ATLANTIS + " [{n}].", RUBIO_KEY), "fallback", "Atlantis", absent="Atlantis"
    ),
    "obeys_injected_instruction_after_answering": Scenario(
        Q_RUBIO,
        citing(RUBIO + " [{n}]. As the article asks, " + ATLANTIS + " [{n}].", RUBIO_KEY),
        "kept",
        reason="Atlantis",
        contains="Rubio",
        absent="Atlantis",
    ),
}


def assert_outcome(answer: Any, scenario: Scenario, texts: dict[str, str], extractive: str) -> None:
    """The verified ``Answer`` a scenario must give; ``extractive`` is the default answer."""
    for n, c in enumerate(answer.citations, start=1):
        assert c.n == n and texts[c.doc_id][c.start : c.end] == c.quote
    cited = {int(x) for x in re.findall(r"\[(\d+)\]", answer.answer)}
    assert cited == {c.n for c in answer.citations}, "markers and citations disagree"
    if scenario.outcome == "abstained":
        assert answer.abstained and not answer.fallback and answer.citations == []
        assert answer.answer in (REFUSAL_EN, REFUSAL_FR)
    elif scenario.outcome == "fallback":
        assert answer.fallback and answer.answer == extractive
    else:
        assert not answer.fallback and not answer.abstained and answer.citations
    if scenario.reason:
        assert any(scenario.reason in u.reason for u in answer.unsupported), answer.unsupported
    if scenario.contains:
        assert scenario.contains in answer.answer
    if scenario.absent:
        assert scenario.absent not in answer.answer


def build_llm_assistant(settings: Any, embedder: Any) -> Any:
    """An Assistant over ``settings``' store and LLM, sharing the test session's embedder."""
    from rag.container import build_assistant

    return build_assistant(settings, embedder)


MODES: dict[str, Reply] = {
    "echo": echo,
    "refuse": REFUSAL_EN,
    "uncited": "The articles say many things.",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--mode", choices=sorted(MODES), default="echo")
    parser.add_argument("--model", default="scripted")
    args = parser.parse_args()
    server = ScriptedLLM(reply=MODES[args.mode], model=args.model, host=args.host, port=args.port)
    server.start()
    print(
        f"scripted LLM ({args.mode}) on {server.url}: OpenAI API at {server.openai_url}, "
        f"Ollama API at {server.url}",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()

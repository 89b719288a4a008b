"""Test doubles for the optional language model — the only fakes in the suite: loopback servers speaking OpenAI
chat completions (tool calls included) and Ollama's chat API, and a structured-output stand-in."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from langchain_core.runnables import RunnableLambda


class ChatCompletionsServer:
    """A chat-completions server on loopback that records each request body.

    It answers `content` as the message text, or, when the request offers tools (function calling), as the
    arguments of a call to the first tool; `delay` seconds late, to make the client time out.
    """

    def __init__(self, content: str, delay: float = 0.0):
        self.content = content
        self.delay = delay
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "body": body})
                time.sleep(outer.delay)
                data = (json.dumps(outer.reply(body)) + "\n").encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, which is what a delay is for

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A short poll interval: shutdown() otherwise waits up to half a second, in every test that uses a server.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def reply(self, body: dict) -> dict:
        """The completion for one request."""
        message: dict = {"role": "assistant", "content": self.content}
        finish = "stop"
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": self.content}}
            message = {"role": "assistant", "content": None, "tool_calls": [call]}
            finish = "tool_calls"
        return {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", "test"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class OllamaServer(ChatCompletionsServer):
    """A server on loopback speaking Ollama's `/api/chat` (one JSON line, `done`), `delay` seconds late."""

    def reply(self, body: dict) -> dict:
        """The chat answer for one request."""
        return {
            "model": body.get("model", "test"),
            "created_at": "2026-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": self.content},
            "done": True,
            "done_reason": "stop",
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


class FakeStructuredModel:
    """A stand-in chat model: with_structured_output returns a runnable answering `answer` and keeping the prompt."""

    def __init__(self, answer):
        self.answer = answer
        self.prompts: list[str] = []

    def with_structured_output(self, schema, **_):
        def respond(prompt):
            self.prompts.append(prompt.to_string())
            if isinstance(self.answer, Exception):
                raise self.answer
            return self.answer

        return RunnableLambda(respond)

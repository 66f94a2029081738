"""A chat model behind any OpenAI-compatible endpoint: Ollama, llama.cpp's server, vLLM.

Plain blocking HTTP with httpx: ``POST {base_url}/chat/completions``. Every failure becomes an
``LlmError`` whose message says what to check, so adapters only translate its code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx

from homevoice.engines.llm.base import ChatModel, ChatReply, LlmError, ToolCall
from homevoice.settings_integrations import LlmSettings

UNAVAILABLE = "llm_unavailable"
BAD_REPLY = "llm_bad_reply"

_CONFIG_HINT = (
    "Check HOMEVOICE_LLM__BASE_URL (the API root ending in /v1: `http://127.0.0.1:11434/v1` for Ollama, "
    "`http://127.0.0.1:8080/v1` for llama.cpp's llama-server) and that the server is running (`ollama serve`)."
)
_CONTEXT_HINT = (
    "A prompt longer than the model's context is cut silently by Ollama (default num_ctx 2048 or 4096 tokens), "
    "which drops the instructions and tool definitions: raise it with OLLAMA_CONTEXT_LENGTH=8192 or a Modelfile "
    "`PARAMETER num_ctx 8192`."
)
_BODY_EXCERPT = 300


class OpenAIChat(ChatModel):
    """``chat`` and ``stream_chat`` over ``/chat/completions``; one pooled HTTP client per instance."""

    def __init__(self, settings: LlmSettings, *, transport: httpx.BaseTransport | None = None) -> None:
        if not settings.base_url:
            raise LlmError(f"No LLM is configured. {_CONFIG_HINT}", code=UNAVAILABLE)
        self.base_url = settings.base_url.rstrip("/")
        self.model = settings.model
        self.timeout_s = settings.timeout_s
        headers = {"Accept": "application/json"}
        if settings.api_key is not None:
            headers["Authorization"] = f"Bearer {settings.api_key.get_secret_value()}"
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(settings.timeout_s, connect=min(10.0, settings.timeout_s)),
            transport=transport,
        )

    @property
    def url(self) -> str:
        return f"{self.base_url}/chat/completions"

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> OpenAIChat:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def chat(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        tool_choice: str | dict[str, Any] | None = None,
        temperature: float = 0.0,
        max_tokens: int | None = None,
    ) -> ChatReply:
        body = self._body(messages, tools, tool_choice, temperature, max_tokens, stream=False)
        try:
            response = self._client.post(self.url, json=body)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc) from exc
        if not response.is_success:
            raise self._status_error(response.status_code, response.text)
        try:
            payload = response.json()
        except ValueError as exc:
            raise LlmError(
                f"The LLM at {self.url} answered with something that is not JSON "
                f"({_excerpt(response.text)!r}). Is HOMEVOICE_LLM__BASE_URL an OpenAI-compatible API root ending in /v1?",
                code=BAD_REPLY,
            ) from exc
        return self._parse_reply(payload)

    def stream_chat(
        self,
        messages: list[dict[str, Any]],
        *,
        temperature: float = 0.0,
        max_tokens: int | None = None,
    ) -> Iterator[str]:
        """Yield the answer's text as it is generated (server-sent events), for speaking it early."""
        body = self._body(messages, None, None, temperature, max_tokens, stream=True)
        try:
            with self._client.stream("POST", self.url, json=body) as response:
                if not response.is_success:
                    raise self._status_error(response.status_code, response.read().decode(errors="replace"))
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue  # blank separators, `: ping` comments, `event:` lines
                    data = line[len("data:") :].strip()
                    if data == "[DONE]":
                        return
                    delta = self._parse_chunk(data)
                    if delta:
                        yield delta
        except httpx.HTTPError as exc:
            raise self._transport_error(exc) from exc

    # The request and the reply.

    def _body(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None,
        tool_choice: str | dict[str, Any] | None,
        temperature: float,
        max_tokens: int | None,
        *,
        stream: bool,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": temperature,
            "stream": stream,
        }
        if tools:
            body["tools"] = tools
        if tool_choice is not None:
            body["tool_choice"] = tool_choice
        if max_tokens is not None:
            body["max_tokens"] = max_tokens
        return body

    def _parse_reply(self, payload: Any) -> ChatReply:
        try:
            message = payload["choices"][0]["message"]
            if not isinstance(message, dict):
                raise TypeError("message is not an object")
        except (KeyError, IndexError, TypeError) as exc:
            error = payload.get("error") if isinstance(payload, dict) else None
            raise LlmError(
                f"The LLM at {self.url} answered without choices[0].message"
                + (
                    f" (error: {_excerpt(json.dumps(error))})"
                    if error
                    else f" ({_excerpt(json.dumps(payload))})"
                )
                + ". Is HOMEVOICE_LLM__BASE_URL an OpenAI-compatible API root ending in /v1?",
                code=BAD_REPLY,
            ) from exc
        content = message.get("content")
        raw_calls = message.get("tool_calls") or []
        if not raw_calls and isinstance(message.get("function_call"), dict):
            raw_calls = [{"function": message["function_call"]}]  # the legacy single-call shape
        if not isinstance(raw_calls, list):
            raise LlmError(f"The LLM at {self.url} sent tool_calls that are not a list.", code=BAD_REPLY)
        calls = tuple(self._parse_tool_call(call) for call in raw_calls)
        return ChatReply(content=content if isinstance(content, str) else None, tool_calls=calls)

    def _parse_tool_call(self, call: Any) -> ToolCall:
        function = call.get("function") if isinstance(call, dict) else None
        name = function.get("name") if isinstance(function, dict) else None
        if not isinstance(function, dict) or not isinstance(name, str) or not name:
            raise LlmError(
                f"The LLM at {self.url} sent a tool call without a function name ({_excerpt(json.dumps(call))}).",
                code=BAD_REPLY,
            )
        raw = function.get("arguments")
        if raw is None or raw == "":
            return ToolCall(name=name, arguments={})
        if isinstance(raw, dict):  # some servers send the object itself rather than a JSON string
            return ToolCall(name=name, arguments=raw)
        try:
            arguments = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError as exc:
            raise LlmError(
                f"The model called `{name}` with arguments that are not valid JSON ({_excerpt(raw)!r}). "
                f"Use a model trained for tool calling (for example qwen2.5:7b-instruct), and a big enough "
                f"max_tokens so the arguments are not cut off. {_CONTEXT_HINT}",
                code=BAD_REPLY,
            ) from exc
        if not isinstance(arguments, dict):
            raise LlmError(
                f"The model called `{name}` with arguments that are not a JSON object ({_excerpt(str(raw))!r}). "
                f"Use a model trained for tool calling (for example qwen2.5:7b-instruct).",
                code=BAD_REPLY,
            )
        return ToolCall(name=name, arguments=arguments)

    def _parse_chunk(self, data: str) -> str | None:
        try:
            chunk = json.loads(data)
        except ValueError as exc:
            raise LlmError(
                f"The LLM at {self.url} streamed a chunk that is not JSON ({_excerpt(data)!r}).",
                code=BAD_REPLY,
            ) from exc
        if not isinstance(chunk, dict):
            raise LlmError(f"The LLM at {self.url} streamed a chunk that is not an object.", code=BAD_REPLY)
        if chunk.get("error"):
            raise LlmError(
                f"The LLM at {self.url} failed while streaming: {_excerpt(json.dumps(chunk['error']))}. {_CONTEXT_HINT}",
                code=UNAVAILABLE,
            )
        choices = chunk.get("choices")
        if not isinstance(choices, list) or not choices:
            return None  # usage-only and keep-alive chunks
        delta = choices[0].get("delta") if isinstance(choices[0], dict) else None
        content = delta.get("content") if isinstance(delta, dict) else None
        return content if isinstance(content, str) else None

    # Errors, each with what to do.

    def _transport_error(self, exc: httpx.HTTPError) -> LlmError:
        if isinstance(exc, httpx.TimeoutException):
            return LlmError(
                f"The LLM at {self.url} did not answer within {self.timeout_s:g} s. A big model on a CPU can be "
                f"slower: raise HOMEVOICE_LLM__TIMEOUT_S or use a smaller model. {_CONTEXT_HINT}",
                code=UNAVAILABLE,
            )
        return LlmError(f"Cannot reach the LLM at {self.url} ({exc}). {_CONFIG_HINT}", code=UNAVAILABLE)

    def _status_error(self, status: int, text: str) -> LlmError:
        said = f"The LLM at {self.url} answered HTTP {status}: {_excerpt(text)!r}."
        if status in (401, 403):
            return LlmError(
                f"{said} Set HOMEVOICE_LLM__API_KEY to a key the endpoint accepts.", code=UNAVAILABLE
            )
        if status == 404:
            return LlmError(
                f"{said} Check HOMEVOICE_LLM__MODEL (with Ollama: `ollama pull {self.model}`; `ollama list` shows "
                f"the names) and that HOMEVOICE_LLM__BASE_URL ends in /v1.",
                code=UNAVAILABLE,
            )
        if 400 <= status < 500 and status != 429:
            return LlmError(
                f"{said} The endpoint refused the request: if it says the model does not support tools, choose one "
                f"that does (for example qwen2.5:7b-instruct); if it mentions the context, the prompt is too long. "
                f"{_CONTEXT_HINT}",
                code=BAD_REPLY,
            )
        return LlmError(
            f"{said} The LLM server is failing or overloaded; see its log. {_CONTEXT_HINT}", code=UNAVAILABLE
        )


def chat_model(settings: LlmSettings) -> ChatModel | None:
    """The configured chat model, or None when no LLM is set (``base_url`` unset)."""
    if not settings.base_url:
        return None
    return OpenAIChat(settings)


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _BODY_EXCERPT else text[:_BODY_EXCERPT] + "…"

"""The chat model contract: messages in, text or tool calls out.

Messages and tools use the OpenAI chat shape (``{"role": ..., "content": ...}`` and
``{"type": "function", "function": {"name", "description", "parameters"}}``), which Ollama,
llama.cpp's server and vLLM all speak, so callers build them once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from homevoice.errors import HomevoiceError


class LlmError(HomevoiceError):
    """The chat endpoint could not be reached (``llm_unavailable``) or answered nonsense (``llm_bad_reply``)."""

    code = "llm_unavailable"


@dataclass(frozen=True)
class ToolCall:
    """One function the model asks to call, with its arguments already parsed from JSON."""

    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ChatReply:
    """The model's answer: text, tool calls, or both (either may be empty)."""

    content: str | None
    tool_calls: tuple[ToolCall, ...] = ()


class ChatModel(Protocol):
    def chat(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        tool_choice: str | dict[str, Any] | None = None,
        temperature: float = 0.0,
        max_tokens: int | None = None,
    ) -> ChatReply:
        """One blocking chat completion; raises ``LlmError`` when the endpoint fails."""
        ...

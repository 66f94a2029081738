"""The OpenAI-compatible chat client against a real llama.cpp server (SmolLM2-135M) and a misbehaving fake.

SmolLM2-135M is tiny: these tests check the plumbing (requests, tool-call parsing, streaming,
errors), not how clever the answers are. ``tool_choice`` forcing a function makes llama.cpp
constrain the output to that function's JSON schema, so its arguments are checkable.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from homevoice.engines.llm import ChatReply, LlmError, OpenAIChat, ToolCall, chat_model
from homevoice.settings_integrations import LlmSettings
from tests.fakes.live_server import free_port, live_server

pytestmark = pytest.mark.e2e

TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the current weather in a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string", "description": "The city name."}},
                "required": ["city"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "set_timer",
            "description": "Start a kitchen timer.",
            "parameters": {
                "type": "object",
                "properties": {
                    "minutes": {"type": "integer", "description": "How many minutes."},
                    "label": {"type": "string", "description": "What the timer is for."},
                },
                "required": ["minutes", "label"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "turn_on_light",
            "description": "Turn on the light in a room.",
            "parameters": {
                "type": "object",
                "properties": {"room": {"type": "string", "enum": ["kitchen", "bedroom", "hall"]}},
                "required": ["room"],
            },
        },
    },
]
TOOL_NAMES = {tool["function"]["name"] for tool in TOOLS}


def settings(**values: Any) -> LlmSettings:
    return LlmSettings.model_validate(values)


@pytest.fixture(scope="module")
def llm(llm_url: str) -> Iterator[OpenAIChat]:
    with OpenAIChat(settings(base_url=llm_url, model="smollm2", timeout_s=120)) as model:
        yield model


def test_no_base_url_means_no_model() -> None:
    assert chat_model(settings()) is None


def test_plain_chat_returns_text(llm: OpenAIChat) -> None:
    reply = llm.chat(
        [
            {"role": "system", "content": "You are a helpful assistant. Answer briefly."},
            {"role": "user", "content": "What is the capital of France?"},
        ],
        max_tokens=32,
    )
    assert isinstance(reply, ChatReply)
    assert reply.content and reply.content.strip()
    assert reply.tool_calls == ()


def test_forced_tool_call_matches_the_schema(llm: OpenAIChat) -> None:
    started = time.perf_counter()
    reply = llm.chat(
        [{"role": "user", "content": "Set a timer for ten minutes for the pasta."}],
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "set_timer"}},
        max_tokens=96,
    )
    elapsed = time.perf_counter() - started
    print(f"forced tool call took {elapsed:.2f} s")
    assert len(reply.tool_calls) == 1
    call = reply.tool_calls[0]
    assert isinstance(call, ToolCall)
    assert call.name == "set_timer"
    assert isinstance(call.arguments, dict)
    assert {"minutes", "label"} <= call.arguments.keys()
    assert isinstance(call.arguments["minutes"], int)
    assert isinstance(call.arguments["label"], str)


def test_forced_tool_call_with_an_enum(llm: OpenAIChat) -> None:
    reply = llm.chat(
        [{"role": "user", "content": "Light up the kitchen, please."}],
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "turn_on_light"}},
        max_tokens=64,
    )
    assert [call.name for call in reply.tool_calls] == ["turn_on_light"]
    assert reply.tool_calls[0].arguments["room"] in {"kitchen", "bedroom", "hall"}


def test_auto_tool_choice_gives_text_or_a_valid_call(llm: OpenAIChat) -> None:
    reply = llm.chat(
        [{"role": "user", "content": "What's the weather like in Paris?"}],
        tools=TOOLS,
        tool_choice="auto",
        max_tokens=96,
    )
    assert reply.tool_calls or (reply.content is not None and reply.content.strip())
    for call in reply.tool_calls:
        assert call.name in TOOL_NAMES
        assert isinstance(call.arguments, dict)


def test_stream_chat_yields_deltas(llm: OpenAIChat) -> None:
    deltas = list(llm.stream_chat([{"role": "user", "content": "Count from one to five."}], max_tokens=32))
    assert len(deltas) > 1
    assert all(isinstance(delta, str) for delta in deltas)
    assert "".join(deltas).strip()


# Failures: every one is an LlmError with a stable code and a message that says what to check.


def test_closed_port_is_unavailable_quickly() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    with OpenAIChat(settings(base_url=url, timeout_s=30)) as model:
        started = time.monotonic()
        with pytest.raises(LlmError) as raised:
            model.chat([{"role": "user", "content": "hi"}])
        assert time.monotonic() - started < 5
        assert raised.value.code == "llm_unavailable"
        assert "HOMEVOICE_LLM__BASE_URL" in raised.value.message
        with pytest.raises(LlmError) as streamed:
            list(model.stream_chat([{"role": "user", "content": "hi"}]))
        assert streamed.value.code == "llm_unavailable"


def _misbehaving_api() -> FastAPI:
    """Behaves by the requested model name."""
    api = FastAPI()

    @api.post("/v1/chat/completions")
    async def completions(request: Request) -> Response:
        body = await request.json()
        model = body["model"]
        if model == "fail-500":
            return JSONResponse({"error": {"message": "out of memory"}}, status_code=500)
        if model == "no-tools":
            return JSONResponse({"error": {"message": "model does not support tools"}}, status_code=400)
        if model == "missing":
            return JSONResponse({"error": {"message": f"model '{model}' not found"}}, status_code=404)
        if model == "not-json":
            return PlainTextResponse("<html>hello</html>")
        if model == "no-choices":
            return JSONResponse({"object": "chat.completion", "choices": []})
        if model == "slow":
            await asyncio.sleep(3)
            return JSONResponse({})
        if model == "stream-500":
            return JSONResponse({"error": "busy"}, status_code=503)
        if model == "stream":
            chunks = [
                ": ping",
                "",
                "data: " + json.dumps({"choices": [{"delta": {"role": "assistant"}}]}),
                "",
                "data: " + json.dumps({"choices": [{"delta": {"content": "Hel"}}]}),
                "",
                "data: " + json.dumps({"choices": [{"delta": {"content": "lo"}}]}),
                "",
                "data: [DONE]",
                "",
            ]
            return StreamingResponse(iter(line + "\n" for line in chunks), media_type="text/event-stream")
        arguments: Any = {
            "bad-args": '{"city": "Par',
            "list-args": "[1, 2]",
            "dict-args": {"city": "Paris"},
        }[model]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": arguments},
                }
            ],
        }
        return JSONResponse({"choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}]})

    return api


@pytest.fixture(scope="module")
def fake_url() -> Iterator[str]:
    with live_server(_misbehaving_api()) as url:
        yield f"{url}/v1"


def _chat(fake_url: str, model: str, timeout_s: float = 10) -> ChatReply:
    with OpenAIChat(settings(base_url=fake_url, model=model, timeout_s=timeout_s)) as client:
        return client.chat([{"role": "user", "content": "weather in Paris?"}], tools=TOOLS[:1])


@pytest.mark.parametrize(
    ("model", "code", "says"),
    [
        ("fail-500", "llm_unavailable", "HTTP 500"),
        ("no-tools", "llm_bad_reply", "does not support tools"),
        ("missing", "llm_unavailable", "HOMEVOICE_LLM__MODEL"),
        ("not-json", "llm_bad_reply", "not JSON"),
        ("no-choices", "llm_bad_reply", "choices[0].message"),
        ("bad-args", "llm_bad_reply", "not valid JSON"),
        ("list-args", "llm_bad_reply", "not a JSON object"),
    ],
)
def test_bad_replies_raise_clear_errors(fake_url: str, model: str, code: str, says: str) -> None:
    with pytest.raises(LlmError) as raised:
        _chat(fake_url, model)
    assert raised.value.code == code
    assert says in raised.value.message


def test_malformed_arguments_name_the_tool_and_num_ctx(fake_url: str) -> None:
    with pytest.raises(LlmError) as raised:
        _chat(fake_url, "bad-args")
    assert "get_weather" in raised.value.message
    assert "num_ctx" in raised.value.message


def test_arguments_sent_as_an_object_are_accepted(fake_url: str) -> None:
    reply = _chat(fake_url, "dict-args")
    assert reply.tool_calls == (ToolCall(name="get_weather", arguments={"city": "Paris"}),)


def test_timeout_is_unavailable(fake_url: str) -> None:
    started = time.monotonic()
    with pytest.raises(LlmError) as raised:
        _chat(fake_url, "slow", timeout_s=0.5)
    assert time.monotonic() - started < 2.5
    assert raised.value.code == "llm_unavailable"
    assert "HOMEVOICE_LLM__TIMEOUT_S" in raised.value.message


def test_stream_parses_server_sent_events(fake_url: str) -> None:
    with OpenAIChat(settings(base_url=fake_url, model="stream")) as client:
        assert list(client.stream_chat([{"role": "user", "content": "hi"}])) == ["Hel", "lo"]


def test_stream_error_status_is_unavailable(fake_url: str) -> None:
    with (
        OpenAIChat(settings(base_url=fake_url, model="stream-500")) as client,
        pytest.raises(LlmError) as raised,
    ):
        list(client.stream_chat([{"role": "user", "content": "hi"}]))
    assert raised.value.code == "llm_unavailable"
    assert "HTTP 503" in raised.value.message


def test_api_key_is_sent_as_bearer() -> None:
    seen: list[str | None] = []
    api = FastAPI()

    @api.post("/v1/chat/completions")
    async def completions(request: Request) -> JSONResponse:
        seen.append(request.headers.get("authorization"))
        return JSONResponse({"choices": [{"message": {"role": "assistant", "content": "ok"}}]})

    with live_server(api) as url, OpenAIChat(settings(base_url=f"{url}/v1", api_key="sekrit")) as client:
        assert client.chat([{"role": "user", "content": "hi"}]) == ChatReply(content="ok", tool_calls=())
    assert seen == ["Bearer sekrit"]

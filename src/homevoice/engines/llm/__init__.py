"""Chat models (for tool calling and answers) behind one small contract."""

from homevoice.engines.llm.base import ChatModel, ChatReply, LlmError, ToolCall
from homevoice.engines.llm.openai_chat import OpenAIChat, chat_model

__all__ = ["ChatModel", "ChatReply", "LlmError", "OpenAIChat", "ToolCall", "chat_model"]

"""The fake Telegram's small calls: getMe, getChat, answering a button tap
(answerCallbackQuery) and the command menus (setMyCommands, getMyCommands,
deleteMyCommands)."""

from __future__ import annotations

from typing import Any

from tests.fake_telegram.models import CallbackAnswer
from tests.fake_telegram.params import (
    bool_param,
    int_or_none,
    json_param,
    menu_key,
    opt_str,
    scope_key,
    str_param,
)
from tests.fake_telegram.state import Params, TelegramState
from tests.support.fake_api import ApiError

QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class MenusMixin(TelegramState):
    """What the bot asks about itself and its chats, button answers and command menus."""

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[tuple[str, str]]:
        """The command menu set with setMyCommands for a scope (default) and language."""
        stored = self._commands.get((scope_key(scope), language_code), [])
        return [(c["command"], c["description"]) for c in stored]

    async def _get_me(self, params: Params) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_chat(self, params: Params) -> Any:
        chat = self._chat_of(params)
        return {
            **chat.info,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _answer_callback_query(self, params: Params) -> Any:
        query_id = str_param(params["callback_query_id"])
        if query_id not in self._queries or query_id in self.callback_answers:
            raise ApiError(400, QUERY_TOO_OLD)
        self.callback_answers[query_id] = CallbackAnswer(
            query_id=query_id,
            text=opt_str(params.get("text")),
            show_alert=bool_param(params.get("show_alert")),
            url=opt_str(params.get("url")),
            cache_time=int_or_none(params.get("cache_time")),
        )
        self._touch()
        return True

    async def _set_my_commands(self, params: Params) -> Any:
        key = menu_key(params)
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]}
            for c in json_param(params["commands"])
        ]
        return True

    async def _get_my_commands(self, params: Params) -> Any:
        key = menu_key(params)
        return self._commands.get(key, [])

    async def _delete_my_commands(self, params: Params) -> Any:
        key = menu_key(params)
        self._commands.pop(key, None)
        return True

"""Telegram's flood limits and paid broadcasts in the fake: past a limit a call is answered
429 with retry_after (limits.py); a message with allow_paid_broadcast goes past the 30 a
second, paid from the bot's Stars, and getMyStarBalance reads the balance."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.fake_telegram.limits import BalanceTooLowError, TooManyRequestsError
from tests.fake_telegram.params import bool_param
from tests.fake_telegram.state import Params, TelegramState
from tests.support.fake_api import ApiError


class StarsMixin(TelegramState):
    """Flood control and the Stars that paid broadcasts cost."""

    async def _within_limits(
        self, name: str, params: Params, run: Callable[[], Awaitable[Any]]
    ) -> Any:
        """Run a call if the flood limits let it through, charging a paid broadcast's message
        only when it is delivered."""
        charged = int(self._check_flood(name, params))
        # Held from the balance at once (calls are answered concurrently), given back if
        # the message is not delivered: Telegram charges only what it delivered.
        self.star_tenths -= charged
        try:
            result = await run()
        except ApiError:
            self.star_tenths += charged
            raise
        if bool_param(params.get("allow_paid_broadcast")):
            self.paid_messages += 1
            self._charged_tenths += charged
        return result

    def _check_flood(self, name: str, params: Params) -> bool:
        """Telegram's flood limits (limits.py): a 429 with retry_after past one; True when a
        paid broadcast's message will be charged."""
        try:
            return self.flood.check(
                name,
                params.get("chat_id"),
                paid=bool_param(params.get("allow_paid_broadcast")),
                can_pay=self.star_tenths >= 1,
            )
        except TooManyRequestsError as exc:
            raise ApiError(429, str(exc), retry_after=exc.retry_after) from None
        except BalanceTooLowError as exc:
            raise ApiError(400, str(exc)) from None

    @property
    def stars_spent(self) -> float:
        """The Stars paid broadcasts took from the bot's balance."""
        return self._charged_tenths / 10

    async def _get_my_star_balance(self, params: Params) -> Any:
        amount, tenths = divmod(self.star_tenths, 10)
        return {"amount": amount, "nanostar_amount": tenths * 100_000_000}

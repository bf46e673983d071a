"""One Lua script's calls, made by many updates at once, sent to Redis as pipelines.

Under load hundreds of updates are in flight and each runs the same script once (an answer
tap: see scripts.ADMIT_AND_ANSWER). Sent one by one, each call costs its own trip through
redis-py (take a connection, pack, send, wait, parse, give the connection back): about 80 µs
of the bot's CPU with a thousand in flight, an eighth of a tap. Here one pipeline is out at a
time, and the calls made while it is out go together in the next one (about 25 µs each): under
load the pipelines grow by themselves, and a quiet bot sends each call alone, one turn of the
loop later. Each caller gets its own reply or error. redis-py has no such automatic
pipelining, hence this class.

The calls run in the order they were made, none inside a transaction with another: each is
still one script, atomic on its own. A script Redis does not have (after a restart or a
SCRIPT FLUSH) is loaded again and the calls that found it missing run again; those had not
run at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError

Call = tuple[Sequence[Any], Sequence[Any], "asyncio.Future[Any]"]


class BatchedScript:
    """Calls a registered script; the calls made while a pipeline is out share the next one."""

    def __init__(self, redis: Redis, script: AsyncScript) -> None:
        self.redis = redis
        self.script = script
        self._waiting: list[Call] = []
        self._sender: asyncio.Task[None] | None = None

    async def __call__(self, keys: Sequence[Any], args: Sequence[Any]) -> Any:
        """The script's reply for these keys and arguments."""
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.append((keys, args, done))
        if self._sender is None:
            # Its first step comes after every task already ready in this round of the loop
            # has run, so it sends their calls too.
            self._sender = asyncio.create_task(self._send_all())
        return await done

    async def _send_all(self) -> None:
        try:
            while self._waiting:
                calls, self._waiting = self._waiting, []
                await self._send(calls)
        finally:
            # Empty unless this task was cancelled (the loop shutting down): nobody would
            # send these any more, so their callers are cancelled too.
            for _, _, done in self._waiting:
                done.cancel()
            self._waiting = []
            self._sender = None

    async def _send(self, calls: list[Call]) -> None:
        try:
            if len(calls) == 1:
                keys, args, done = calls[0]
                replies: list[Any] = [await self.script(keys=keys, args=args)]
            else:
                replies = await self._pipelined(calls)
        except BaseException as exc:
            for _, _, done in calls:
                if done.done():
                    continue
                if isinstance(exc, asyncio.CancelledError):
                    done.cancel()
                else:
                    done.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_, _, done), reply in zip(calls, replies, strict=True):
            if done.done():  # its caller was cancelled; the script ran all the same
                continue
            if isinstance(reply, Exception):
                done.set_exception(reply)
            else:
                done.set_result(reply)

    async def _pipelined(self, calls: list[Call]) -> list[Any]:
        replies = await self._evalsha(calls)
        missing = [i for i, reply in enumerate(replies) if isinstance(reply, NoScriptError)]
        if missing:
            await self.redis.script_load(self.script.script)
            again = await self._evalsha([calls[i] for i in missing])
            for i, reply in zip(missing, again, strict=True):
                replies[i] = reply
        return replies

    async def _evalsha(self, calls: list[Call]) -> list[Any]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for keys, args, _ in calls:
                pipe.evalsha(self.script.sha, len(keys), *keys, *args)
            return await pipe.execute(raise_on_error=False)

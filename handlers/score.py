"""A participant's own standing: best result per round, rank, attempts used and left."""

from __future__ import annotations

from handlers import review
from handlers.common import MENU_QUIZ, participant_id, register_first
from handlers.context import Services
from handlers.decided import decided
from handlers.events import Button, Message, Reply, User
from handlers.formatting import duration_vn, number_vn
from handlers.ranking import rank
from handlers.submit import attempts_left, standing
from handlers.texts import Raw
from storage.repos.rounds import OPEN


async def score(svc: Services, user: User) -> list[Reply]:
    """The participant's results in every round they took part in."""
    t = svc.texts
    pid = await participant_id(svc, user)
    if pid is None:
        return [register_first(svc)]
    blocks = []
    reviews: list[tuple[Button, ...]] = []
    for rnd in await svc.rounds.all():
        mine = await svc.attempts.scored(rnd.code, participant_id=pid)
        if not mine and rnd.status != OPEN:
            continue
        used = len(mine)
        if not mine:
            blocks.append(str(t("score.round_none", round=rnd.name)))
            continue
        actual = rnd.actual_figure
        if actual is None:
            actual = await svc.attempts.participants_in_round(rnd.code)
        best = rank(mine, actual)[0]
        if await decided(svc, rnd.code):
            reviews.append((review.button(svc, rnd.code, rnd.name),))
        place = await standing(svc, rnd.code, pid)
        left = Raw("")
        if rnd.status == OPEN:
            today_left, round_left = await attempts_left(svc, pid, rnd.code)
            left = (
                t("quiz.left_today", n=today_left)
                if round_left is None
                else t("quiz.left_round", n=today_left, r=round_left)
            )
        blocks.append(
            str(
                t(
                    "score.round",
                    round=rnd.name,
                    correct=best.correct,
                    total=svc.contest.rules.questions_per_attempt,
                    time=duration_vn(best.duration_ms),
                    prediction=t("quiz.no_prediction")
                    if best.prediction is None
                    else number_vn(best.prediction),
                    rank=place[0] if place else "-",
                    of=place[1] if place else "-",
                    used=used,
                    left=left,
                )
            )
        )
    if not blocks:
        return [Message(t("score.nothing_yet"), buttons=((Button(t("menu.quiz"), MENU_QUIZ),),))]
    return [Message(t("score.text", blocks=Raw("\n\n".join(blocks))), buttons=tuple(reviews))]

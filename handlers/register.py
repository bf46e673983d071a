"""Registration: name, phone, year of birth, locality, unit, consent, then confirm or correct.

Nothing is saved until the participant confirms the summary. Each step is one function that
checks the input and returns the next prompt; the draft lives in the session store.

    name -> phone -> birth -> locality -> unit -> consent -> confirm --(Xác nhận)--> saved
                                                               |
                                                             (Sửa) -> pick a field -> confirm
"""

from __future__ import annotations

from enum import StrEnum

from handlers import consent, entries
from handlers import register_search as lists
from handlers.common import MENU_QUIZ, participant_id
from handlers.context import Services
from handlers.details import birth_years, clean, valid_name
from handlers.events import Button, Contact, Message, Notice, Reply, User
from handlers.phones import mask_own_phone, normalise_phone
from handlers.texts import Raw
from storage.repos import ParticipantDetails
from storage.repos.identity_steps import PhoneVerifiedElsewhereError


class Step(StrEnum):
    """Where a person is in registration."""

    NAME = "reg:name"
    PHONE = "reg:phone"
    BIRTH = "reg:birth"
    LOCALITY = "reg:locality"
    UNIT = "reg:unit"
    CONSENT = "reg:consent"
    CONFIRM = "reg:confirm"
    EDIT = "reg:edit"


ORDER = [Step.NAME, Step.PHONE, Step.BIRTH, Step.LOCALITY, Step.UNIT, Step.CONSENT, Step.CONFIRM]
FIELDS = {
    "name": Step.NAME,
    "phone": Step.PHONE,
    "birth": Step.BIRTH,
    "locality": Step.LOCALITY,
    "unit": Step.UNIT,
}
# What an entry with an attempt may still change itself (see handlers.entries).
UNFROZEN = {"locality", "unit"}

# The locality and unit steps and their buttons: handlers.register_search.
LISTED = {Step.LOCALITY: lists.LOCALITY, Step.UNIT: lists.UNIT}
TOKEN_CONSENT_YES = "r:consent:yes"
TOKEN_CONSENT_NO = "r:consent:no"
TOKEN_CONFIRM = "r:confirm"
TOKEN_EDIT = "r:edit"
TOKEN_FIX = "r:fix:"


def _whole_number(text: str, max_digits: int = 9) -> int | None:
    """ASCII digits as a number; str.isdigit() also passes superscripts that int() rejects,
    and int() refuses strings of thousands of digits, so the length is bounded first."""
    if not (text.isascii() and text.isdigit()) or len(text) > max_digits:
        return None
    return int(text)


def in_registration(conv: dict[str, str]) -> bool:
    """Whether the stored conversation is a registration in progress."""
    return conv.get("step", "").startswith("reg:")


async def begin(svc: Services, user: User) -> list[Reply]:
    """Start registering, or show the saved details to someone already registered."""
    pid = await participant_id(svc, user)
    conv = await svc.store.conversation(user.key)
    if pid is not None and not in_registration(conv):
        person = await svc.participants.get(pid)
        assert person is not None
        details = ParticipantDetails(
            person.full_name, person.phone, person.birth_year, person.locality, person.unit
        )
        summary = _summary(svc, details)
        return [
            Message(
                svc.texts("register.already", summary=summary),
                buttons=(
                    (
                        Button(svc.texts("register.button_edit"), TOKEN_EDIT),
                        Button(svc.texts("menu.quiz"), MENU_QUIZ),
                    ),
                ),
            )
        ]
    if in_registration(conv):
        return [_prompt(svc, Step(conv["step"]), conv)]
    conv = {"step": Step.NAME, "src": conv.get("src", "")}
    await svc.store.save_conversation(user.key, conv)
    return [Message(svc.texts("register.intro")), _prompt(svc, Step.NAME, conv)]


def _prompt(svc: Services, step: Step, conv: dict[str, str]) -> Message:
    t = svc.texts
    if step is Step.NAME:
        return Message(t("register.ask_name"))
    if step is Step.PHONE:
        return Message(t("register.ask_phone"), ask_contact=True)
    if step is Step.BIRTH:
        return Message(t("register.ask_birth"))
    if step in LISTED:
        return lists.prompt(svc, LISTED[step], conv)
    if step is Step.CONSENT:
        return Message(
            t("register.ask_consent", consent=consent.text(svc)),
            buttons=consent.buttons(svc, agree=TOKEN_CONSENT_YES, decline=TOKEN_CONSENT_NO),
        )
    if step is Step.EDIT and conv.get("frozen") == "1":
        return Message(
            t("register.ask_which_frozen"),
            buttons=(
                (
                    Button(t("register.field_locality"), f"{TOKEN_FIX}locality"),
                    Button(t("register.field_unit"), f"{TOKEN_FIX}unit"),
                ),
            ),
        )
    if step is Step.EDIT:
        return Message(
            t("register.ask_which"),
            buttons=(
                (
                    Button(t("register.field_name"), f"{TOKEN_FIX}name"),
                    Button(t("register.field_phone"), f"{TOKEN_FIX}phone"),
                ),
                (
                    Button(t("register.field_birth"), f"{TOKEN_FIX}birth"),
                    Button(t("register.field_locality"), f"{TOKEN_FIX}locality"),
                ),
                (Button(t("register.field_unit"), f"{TOKEN_FIX}unit"),),
            ),
        )
    details = _draft_details(conv)
    return Message(
        t("register.confirm", summary=_summary(svc, details)),
        buttons=(
            (
                Button(t("register.button_confirm"), TOKEN_CONFIRM),
                Button(t("register.button_edit"), TOKEN_EDIT),
            ),
        ),
    )


def _draft_details(conv: dict[str, str]) -> ParticipantDetails:
    return ParticipantDetails(
        conv["name"], conv["phone"], int(conv["birth"]), conv["locality"], conv["unit"]
    )


def _summary(svc: Services, d: ParticipantDetails) -> Raw:
    return svc.texts(
        "register.summary",
        name=d.full_name,
        phone=mask_own_phone(d.phone),
        birth=d.birth_year,
        locality=d.locality,
        unit=d.unit,
    )


async def _advance(svc: Services, user: User, conv: dict[str, str], step: Step) -> list[Reply]:
    """Store the accepted value and move on: to the next step, or back to the summary."""
    conv.pop("other", None)
    if conv.get("fix") == "1":
        conv.pop("fix")
        nxt = Step.CONFIRM
    else:
        nxt = ORDER[ORDER.index(step) + 1]
    conv["step"] = nxt
    await svc.store.save_conversation(user.key, conv)
    return [_prompt(svc, nxt, conv)]


async def on_text(svc: Services, user: User, conv: dict[str, str], text: str) -> list[Reply]:
    """Typed input during registration."""
    step = Step(conv["step"])
    t = svc.texts
    value = clean(text)
    if step is Step.NAME:
        if not valid_name(value):
            return [Message(t("register.bad_name"))]
        conv["name"] = value
        return await _advance(svc, user, conv, step)
    if step is Step.PHONE:
        return await _accept_phone(svc, user, conv, value)
    if step is Step.BIRTH:
        low, high = birth_years(svc)
        year = _whole_number(value)
        if year is None or not low <= year <= high:
            return [Message(t("register.bad_birth", low=low, high=high))]
        conv["birth"] = str(year)
        return await _advance(svc, user, conv, step)
    if step in LISTED:
        return await _listed(
            svc, user, conv, step, await lists.on_text(svc, user, LISTED[step], conv, text)
        )
    # Consent, confirm and edit are answered with buttons; repeat the question.
    return [Message(t("register.use_buttons")), _prompt(svc, step, conv)]


async def _listed(
    svc: Services, user: User, conv: dict[str, str], step: Step, outcome: lists.Outcome
) -> list[Reply]:
    """The locality or unit step's outcome: the value picked, stored, or its replies."""
    if isinstance(outcome, lists.Picked):
        conv[LISTED[step]] = outcome.value
        return await _advance(svc, user, conv, step)
    return outcome


async def _accept_phone(
    svc: Services, user: User, conv: dict[str, str], raw: str, *, verified: bool = False
) -> list[Reply]:
    phone = normalise_phone(raw)
    if phone is None:
        return [Message(svc.texts("register.bad_phone"), ask_contact=True)]
    if not await entries.may_try_phone(svc, user, phone):
        return [Message(svc.texts("register.too_many_phones", n=entries.PHONES_PER_DAY))]
    if verified and await entries.verified_by_another(svc, user, phone):
        return [Message(svc.texts("register.phone_verified_elsewhere"), ask_contact=True)]
    conv["phone"] = phone
    # A phone shared through the platform's contact button is known to be the sender's own
    # (verified); a typed one is not, so it never reaches another entry (see entries).
    conv["phone_ok"] = "1" if verified else ""
    return await _advance(svc, user, conv, Step.PHONE)


async def on_contact(svc: Services, user: User, contact: Contact) -> list[Reply]:
    """A phone shared with the platform's contact button."""
    conv = await svc.store.conversation(user.key)
    if conv.get("step") != Step.PHONE:
        return [Message(svc.texts("register.contact_unexpected"))]
    if not contact.own:
        return [Message(svc.texts("register.contact_not_own"), ask_contact=True)]
    return await _accept_phone(svc, user, conv, contact.phone, verified=True)


async def on_choice(svc: Services, user: User, token: str) -> list[Reply]:
    """A registration button."""
    conv = await svc.store.conversation(user.key)
    step = conv.get("step", "")
    t = svc.texts
    if token == TOKEN_EDIT and (step == Step.CONFIRM or not in_registration(conv)):
        if not in_registration(conv):
            conv = await _draft_from_saved(svc, user)
            if not conv:
                return [Notice(t("common.expired_button"))]
        pid = await participant_id(svc, user)
        conv.pop("frozen", None)
        if pid is not None and await entries.frozen(svc, pid):
            conv["frozen"] = "1"
        conv["step"] = Step.EDIT
        await svc.store.save_conversation(user.key, conv)
        return [_prompt(svc, Step.EDIT, conv)]
    if token.startswith(TOKEN_FIX) and step == Step.EDIT:
        field = token[len(TOKEN_FIX) :]
        target = FIELDS.get(field)
        if target is None:
            return [Notice(t("common.expired_button"))]
        if conv.get("frozen") == "1" and field not in UNFROZEN:
            return [Message(t("register.identity_locked")), _prompt(svc, Step.EDIT, conv)]
        conv["step"], conv["fix"] = target, "1"
        await svc.store.save_conversation(user.key, conv)
        return [_prompt(svc, target, conv)]
    for listed, field in LISTED.items():
        prefix = lists.TOKENS[field]
        if token.startswith(prefix) and step == listed:
            outcome = await lists.on_choice(svc, user, field, conv, token[len(prefix) :])
            if outcome is None:
                return [Notice(t("common.expired_button"))]
            return await _listed(svc, user, conv, listed, outcome)
    if token == TOKEN_CONSENT_YES and step == Step.CONSENT:
        conv["consent"] = svc.contest.consent.version
        return await _advance(svc, user, conv, Step.CONSENT)
    if token == TOKEN_CONSENT_NO and step == Step.CONSENT:
        await svc.store.clear_conversation(user.key)
        return [Message(t("register.declined"))]
    if token == TOKEN_CONFIRM and step == Step.CONFIRM:
        return await _save(svc, user, conv)
    return [Notice(t("common.expired_button"))]


async def _draft_from_saved(svc: Services, user: User) -> dict[str, str]:
    pid = await participant_id(svc, user)
    person = await svc.participants.get(pid) if pid is not None else None
    if person is None:
        return {}
    return {
        "name": person.full_name,
        "phone": person.phone,
        "birth": str(person.birth_year),
        "locality": person.locality,
        "unit": person.unit,
        "consent": "1",
        "src": "",
    }


async def _save(svc: Services, user: User, conv: dict[str, str]) -> list[Reply]:
    details = _draft_details(conv)
    mine = await participant_id(svc, user)
    if mine is not None and await entries.frozen(svc, mine):
        stored = await svc.participants.get(mine)
        if stored is not None and not entries.same_identity(stored, details):
            # An attempt began (perhaps on another channel) while this edit was open.
            await svc.store.clear_conversation(user.key)
            return [Message(svc.texts("register.identity_locked"))]
    try:
        person = await entries.register(
            svc,
            user,
            details,
            verified=conv.get("phone_ok") == "1",
            source=conv.get("src", ""),
            consent_version=conv.get("consent", ""),
        )
    except PhoneVerifiedElsewhereError:
        return [
            Message(
                svc.texts("register.phone_verified_elsewhere"),
                buttons=((Button(svc.texts("register.button_edit"), TOKEN_EDIT),),),
            )
        ]
    await svc.store.clear_conversation(user.key)
    # The same words whatever the phone: whether it is someone else's is never told.
    saved = (
        svc.texts("register.updated", name=person.full_name)
        if mine is not None
        else svc.texts("register.saved", name=person.full_name)
    )
    return [Message(saved, buttons=((Button(svc.texts("menu.quiz"), MENU_QUIZ),),))]

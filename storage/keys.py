"""Every Redis key the bot uses, and how long each lives.

Keys that one operation touches together would share a hash tag for Redis Cluster. Most
scripts touch a single key, but letting an update in touches its sender's recent updates and
flood counter, and an answer tap those two plus the account cache and the attempt (one round
trip instead of four): those keys share no hash tag, so the bot runs on one Redis (with
replicas if wanted), not a cluster.
"""

from __future__ import annotations

from datetime import timedelta

# De-duplication: the ids of the last UPDATES_KEPT updates let in from each account, kept
# UPDATE_TTL after its latest one (one key per account, however many updates it sends).
# An update comes back only when the bot did not confirm it, and the bot confirms updates
# as it takes them (polling: the next getUpdates, at most 100 at a time; webhook: the HTTP
# answer), so the one that comes back is among its sender's latest; Telegram keeps an update
# it could not deliver for 24 hours at most. A whole attempt is about 20 updates. Only a
# sender at the flood limit pushes ids out sooner (100 in about 35 s at 30 per 10 s), and then
# a late copy of one of their own messages is at worst answered twice: an answer tap is still
# counted once, since the attempt takes one answer per question.
UPDATE_TTL = timedelta(days=1)
UPDATES_KEPT = 100
CONVERSATION_TTL = timedelta(days=1)
ACCOUNT_TTL = timedelta(days=1)
# A live attempt outlives its deadline by this much so the sweep can submit it; a finished
# attempt whose SQL write failed is made persistent instead.
ATTEMPT_GRACE = timedelta(days=1)
UPLOAD_TTL = timedelta(hours=1)
# A practice attempt has no time limit; left alone this long, it is forgotten.
PRACTICE_TTL = timedelta(hours=6)
# Channels without buttons (Zalo) remember the options they last listed, to map a typed
# "B" or "2" back to a button; a day covers any pause inside one conversation.
BUTTONS_TTL = timedelta(days=1)
# An organiser's confirmation buttons (send, open, close, replace…) act once; the one-time code
# they carry outlives any pause before the tap, and its "done" mark answers late second taps.
STEP_TTL = timedelta(days=1)
# A code that links an account on another channel to an entry: short-lived, used once.
LINK_CODE_TTL = timedelta(minutes=10)
# Wrong linking codes and phones tried are counted per account and local day; the keys
# outlive the day they count.
IDENTITY_COUNTER_TTL = timedelta(days=2)


class Keys:
    """Key names under one prefix (one deployment, or one test run)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def updates(self, user_key: str) -> str:
        """The ids of the last updates let in from one account, newest first (de-duplication)."""
        return f"{self.prefix}:upd:{user_key}"

    def conversation(self, user_key: str) -> str:
        """Where a user is in a multi-step flow (registration) and the draft so far."""
        return f"{self.prefix}:conv:{user_key}"

    def account(self, user_key: str) -> str:
        """Cache of channel account -> participant id."""
        return f"{self.prefix}:acct:{user_key}"

    def attempt(self, participant_id: int) -> str:
        """The live attempt of a participant (at most one at a time)."""
        return f"{self.prefix}:att:{{{participant_id}}}"

    def practice(self, participant_id: int) -> str:
        """The practice attempt of a participant: kept apart from the attempt, never counted."""
        return f"{self.prefix}:prac:{{{participant_id}}}"

    @property
    def deadlines(self) -> str:
        """Sorted set of participant ids with a live attempt, scored by deadline (ms)."""
        return f"{self.prefix}:deadlines"

    @property
    def pending(self) -> str:
        """Set of participant ids whose finished attempt still has to reach SQL."""
        return f"{self.prefix}:pending"

    def rate(self, user_key: str) -> str:
        """Events counted from one user in the current flood window."""
        return f"{self.prefix}:rate:{user_key}"

    def upload(self, user_key: str) -> str:
        """A file an organiser uploaded, kept until they confirm or cancel."""
        return f"{self.prefix}:upload:{user_key}"

    def buttons(self, user_key: str) -> str:
        """The buttons last shown as text to a user of a channel without buttons."""
        return f"{self.prefix}:btn:{user_key}"

    def step(self, user_key: str, step: str) -> str:
        """The one-time code of the buttons an organiser was last shown for a step ("open:Q1")."""
        return f"{self.prefix}:step:{user_key}:{step}"

    def pace(self, name: str) -> str:
        """The next free sending slot (ms) of a paced stream, shared by every process."""
        return f"{self.prefix}:pace:{name}"

    @property
    def blocked(self) -> str:
        """Set of accounts (user keys) that blocked the bot, so a message from one unblocks it."""
        return f"{self.prefix}:blocked"

    @property
    def leader(self) -> str:
        """The scheduler's leader lock: which process runs the contest's jobs."""
        return f"{self.prefix}:leader"

    def web_link(self, digest: str) -> str:
        """A one-time link into the organisers' dashboard, by the digest of its token."""
        return f"{self.prefix}:weblink:{digest}"

    def web_session(self, digest: str) -> str:
        """An organiser's dashboard session, by the digest of its cookie."""
        return f"{self.prefix}:websess:{digest}"

    def link_code(self, code: str) -> str:
        """The entry (participant id) a linking code gives access to, until used or expired."""
        return f"{self.prefix}:link:{code}"

    def link_of(self, participant_id: int) -> str:
        """The linking code an entry holds now (a new code replaces it)."""
        return f"{self.prefix}:linkof:{participant_id}"

    def link_failures(self, user_key: str, day: str) -> str:
        """Wrong linking codes an account typed on one local day."""
        return f"{self.prefix}:linkfail:{user_key}:{day}"

    def phones_tried(self, user_key: str, day: str) -> str:
        """Set of the phones an account gave at registration on one local day."""
        return f"{self.prefix}:phones:{user_key}:{day}"

    def pattern(self) -> str:
        """Every key of this prefix (for cleaning up a test run)."""
        return f"{self.prefix}:*"

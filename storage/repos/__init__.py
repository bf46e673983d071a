"""Repositories: the SQL reads and writes the bot needs, one module per table family."""

from storage.repos.attempts import AnswerRow, Attempts, FinishedAttempt, ScoredAttempt
from storage.repos.audit import Audit
from storage.repos.participants import ParticipantDetails, Participants
from storage.repos.questions import Questions
from storage.repos.rounds import Rounds
from storage.repos.winners import Winners

__all__ = [
    "AnswerRow",
    "Attempts",
    "Audit",
    "FinishedAttempt",
    "ParticipantDetails",
    "Participants",
    "Questions",
    "Rounds",
    "ScoredAttempt",
    "Winners",
]

"""Test helpers: a participant-like client and fixtures for the real servers."""

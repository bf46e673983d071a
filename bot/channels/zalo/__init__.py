"""The Zalo Bot Platform channel: text only, answers typed as A/B/C/D."""

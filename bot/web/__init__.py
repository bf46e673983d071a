"""The contest on the web: the public page, the organisers' dashboard and the operators'
endpoints, served by the same aiohttp server as the webhooks."""

from bot.web.site import JoinLinks, Site

__all__ = ["JoinLinks", "Site"]

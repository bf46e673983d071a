"""The jury's sign-off of a round's results.

A round's ranking and winners are provisional when it closes: `flags` finds what the jury
should look at beside each ranked entry; `actions` sets entries aside, restores them and
approves (the functions the chat, the command line and the web call alike); `review` shows
the ranking with its flags page by page. Approval freezes the winners and announces them
(handlers.announce.publish_results).
"""

"""The Lua scripts the live-state store runs: each checks and changes its keys in one step."""

from __future__ import annotations

# Each script checks and changes one attempt hash in a single step, so a second tap, a replayed
# update or a tap racing the deadline can never record an answer twice or out of turn. The
# answer script also hands back the attempt as it was before the tap: what the reply shows,
# without a second round trip to read it.
ANSWER = """
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return {'none'} end
local f = {}
for i = 1, #h, 2 do f[h[i]] = h[i + 1] end
if f['id'] ~= ARGV[1] or f['st'] ~= 'q' then return {'stale', h} end
if tonumber(ARGV[4]) > tonumber(f['d']) then return {'expired', h} end
local nxt = tonumber(f['n'])
if tonumber(ARGV[2]) ~= nxt then return {'stale', h} end
local i, shown = 0, nil
for order in string.gmatch(f['o'], '[^|]+') do
  if i == nxt then shown = #order break end
  i = i + 1
end
if shown == nil or tonumber(ARGV[3]) >= shown then return {'stale', h} end
redis.call('HSET', KEYS[1], 'a' .. nxt, ARGV[3] .. ':' .. ARGV[4], 'n', nxt + 1)
if nxt + 1 >= tonumber(f['c']) then
  redis.call('HSET', KEYS[1], 'st', 'p')
  return {'last', h}
end
return {'ok', h}
"""


def _admission(key: int, arg: int) -> str:
    """Lua letting an update in: KEYS[key] its sender's recent updates (a list, newest first),
    KEYS[key + 1] its sender's flood counter; ARGV[arg .. arg + 4] the update's id, the
    de-duplication TTL, the flood window and limit, how many ids an account keeps.

    A redelivered update stops here without counting; an update past the limit is counted
    (the count says whether it is the first one over) and stops, and its id is not kept: it
    was not handled, so a copy of it may be, once. Only updates let in are remembered, at
    most UPDATES_KEPT per account, so a flooding sender leaves two keys, not one per update.
    """
    return f"""
if redis.call('LPOS', KEYS[{key}], ARGV[{arg}]) then return {{'repeat'}} end
local c = redis.call('INCR', KEYS[{key + 1}])
if c == 1 then redis.call('EXPIRE', KEYS[{key + 1}], ARGV[{arg + 2}]) end
if c > tonumber(ARGV[{arg + 3}]) then return {{'flood', c}} end
redis.call('LPUSH', KEYS[{key}], ARGV[{arg}])
redis.call('LTRIM', KEYS[{key}], 0, tonumber(ARGV[{arg + 4}]) - 1)
redis.call('EXPIRE', KEYS[{key}], ARGV[{arg + 1}])
"""


ADMIT = _admission(1, 1) + "return {'in', c}\n"

# An answer tap in one round trip: let the update in, check that the tapping account is the
# participant the button names (the account cache, KEYS[4] = ARGV[10]), then the answer script.
# Four round trips before (de-duplication, flood counter, account cache, answer); each cost
# redis-py about as much CPU as the bot's own work on the tap.
ADMIT_AND_ANSWER = (
    _admission(2, 5)
    + """
if redis.call('GET', KEYS[4]) ~= ARGV[10] then return {'who'} end
"""
    + ANSWER
)

PREDICT = """
local h = redis.call('HMGET', KEYS[1], 'id', 'st', 'pr')
if h[1] ~= ARGV[1] or h[2] ~= 'p' or h[3] then return 0 end
redis.call('HSET', KEYS[1], 'pr', ARGV[2])
return 1
"""

FINISH = """
local h = redis.call('HMGET', KEYS[1], 'id', 'st')
if h[1] ~= ARGV[1] or h[2] == 'd' then return 0 end
redis.call('HSET', KEYS[1], 'st', 'd', 'f', ARGV[2], 'auto', ARGV[3])
return 1
"""

# The platform accepted the message showing step ARGV[2] (a question, or the prediction
# question when it equals the number of questions) of attempt ARGV[1] at ARGV[3]: the step's
# time starts then, once. The time between the step falling due (the previous answer, or the
# start) and that moment was the bot's, queueing under the platform's limits: the deadline
# moves on by as much, never past the round's close ('cl'). Shown after the deadline, the
# attempt is over (the sweep may have submitted it already): the deadline stays.
SHOWN = """
local h = redis.call('HMGET', KEYS[1], 'id', 'st', 'n', 'd', 's', 'cl', 'v' .. ARGV[2])
if h[1] ~= ARGV[1] or h[2] == 'd' or h[7] then return 0 end
local step = tonumber(ARGV[2])
if step ~= tonumber(h[3]) then return 0 end
local now = tonumber(ARGV[3])
local due = tonumber(h[5])
if step > 0 then
  local a = redis.call('HGET', KEYS[1], 'a' .. (step - 1))
  if a then due = tonumber(string.match(a, ':(%d+)')) end
end
redis.call('HSET', KEYS[1], 'v' .. step, now)
local deadline = tonumber(h[4])
if h[6] and now > due and now <= deadline then
  local moved = math.min(deadline + now - due, tonumber(h[6]))
  if moved > deadline then
    redis.call('HSET', KEYS[1], 'd', moved)
    redis.call('ZADD', KEYS[2], moved, ARGV[4])
  end
end
return 1
"""

START = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
"""


# Hands out sending slots `interval` ms apart to every process that asks, and says how long
# the caller waits for its slot: a shared, smooth pace with no burst at second boundaries.
PACE = """
local now = tonumber(ARGV[2])
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
redis.call('SET', KEYS[1], slot + tonumber(ARGV[1]), 'PX', 60000)
return slot - now
"""

# The first tap naming an organiser step's current code turns it into "done:<code>" in the same
# step as reading it, so two taps (in one process or two) cannot both act; a code the step no
# longer holds (expired, or replaced when the step was shown again) is unknown.
CLAIM_STEP = """
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then
  redis.call('SET', KEYS[1], 'done:' .. ARGV[1], 'KEEPTTL')
  return 'claimed'
end
if v == 'done:' .. ARGV[1] then return 'done' end
return 'unknown'
"""

"""A Redis broker for django-q2 that delivers a task again if its worker dies.

django-q2's own Redis broker pops a task and forgets it: a worker killed in the
middle (OOM killer, SIGKILL, a host reboot) loses the task. This one moves the
popped task into a lease (a sorted set scored by its deadline, ``retry``
seconds ahead, as the ORM broker does) in one Lua step; the monitor's
acknowledgement removes it; a lease past its deadline goes back to the queue.
Tasks must therefore be idempotent by key (``cms.tasks.run_once``).

Selected with ``Q_CLUSTER["broker_class"]`` when ``Q_BROKER=redis``.
"""

from __future__ import annotations

import time

from django_q.brokers.redis_broker import Redis
from django_q.conf import Conf

POP_AND_LEASE = """
local task = redis.call('LPOP', KEYS[1])
if task then redis.call('ZADD', KEYS[2], ARGV[1], task) end
return task
"""

REQUEUE_EXPIRED = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 100)
for _, task in ipairs(expired) do
  redis.call('ZREM', KEYS[2], task)
  redis.call('RPUSH', KEYS[1], task)
end
return #expired
"""


class ReliableRedis(Redis):
    def __init__(self, list_key: str | None = None):
        super().__init__(list_key=list_key)
        self.lease_key = self.list_key + ":leases"
        self._pop = self.connection.register_script(POP_AND_LEASE)
        self._requeue = self.connection.register_script(REQUEUE_EXPIRED)

    def requeue_expired(self) -> int:
        return self._requeue(keys=[self.list_key, self.lease_key], args=[time.time()])

    def dequeue(self):
        self.requeue_expired()
        deadline = time.time() + 1
        while True:
            task = self._pop(keys=[self.list_key, self.lease_key], args=[time.time() + Conf.RETRY])
            if task:
                return [(task, task)]
            if time.time() >= deadline:
                return None
            time.sleep(0.1)

    def acknowledge(self, task_id):
        return self.connection.zrem(self.lease_key, task_id)

    def fail(self, task_id):
        return self.acknowledge(task_id)

    def delete(self, task_id):
        return self.acknowledge(task_id)

    def lock_size(self):
        return self.connection.zcard(self.lease_key)

    def delete_queue(self):
        return self.connection.delete(self.list_key, self.lease_key)

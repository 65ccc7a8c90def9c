"""8 threads x 10,000 register / unregister / replace ops with failing closes."""

from __future__ import annotations

import itertools
import logging
import random
import threading

from respgate_lint.runtime import HandlerRegistry

THREADS = 8
OPS = 10_000
KEYS = 32


class Handler:
    _ids = itertools.count()

    def __init__(self, registry, key, fail):
        self.id = next(Handler._ids)
        self.registry, self.key, self.fail = registry, key, fail
        self.closes = 0
        self.closes_lock = threading.Lock()
        self.reentry = None  # what the close's own unregister returned

    def close(self):
        with self.closes_lock:
            self.closes += 1
        # Re-enter the registry from the close, as real handlers do.
        self.reentry = self.registry.unregister(self.key, self)
        if self.fail:
            raise RuntimeError("close failed")


def test_registry_stress_no_lost_or_leaked_entries(caplog):
    reg = HandlerRegistry()
    barrier = threading.Barrier(THREADS)
    records = [None] * THREADS
    errors = []

    def worker(tid):
        rng = random.Random(tid)
        registered, replaced, unregistered = [], [], []
        mine = []  # handlers this thread registered, possibly still current
        try:
            barrier.wait(5)
            for _ in range(OPS):
                op = rng.random()
                if op < 0.55 or not mine:  # register (a replace when the key is taken)
                    key = f"call-{rng.randrange(KEYS)}"
                    h = Handler(reg, key, fail=rng.random() < 0.05)
                    registered.append(h)
                    mine.append(h)
                    old = reg.register(key, h)
                    if old is not None:
                        replaced.append(old)
                elif op < 0.9:  # unregister one of ours (maybe already replaced)
                    h = mine.pop(rng.randrange(len(mine)))
                    if reg.unregister(h.key, h):
                        unregistered.append(h)
                else:
                    reg.get(f"call-{rng.randrange(KEYS)}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        records[tid] = (registered, replaced, unregistered)

    logging.getLogger("respgate_lint.runtime").setLevel(logging.CRITICAL)  # 5% failing closes
    try:
        threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        logging.getLogger("respgate_lint.runtime").setLevel(logging.NOTSET)
    assert errors == []
    assert sum(len(r[0]) for r in records) > THREADS * OPS // 2  # the ops really ran
    assert not any(t.is_alive() for t in threads)

    registered = [h for r in records for h in r[0]]
    replaced = [h for r in records for h in r[1]]
    unregistered = [h for r in records for h in r[2]]
    current = [h for _, h in reg.items()]

    replaced_ids = [h.id for h in replaced]
    assert len(replaced_ids) == len(set(replaced_ids)), "a handler was replaced twice"
    fates = replaced_ids + [h.id for h in unregistered] + [h.id for h in current]
    # Every handler has exactly one fate: replaced, unregistered, or still current.
    assert sorted(fates) == sorted(h.id for h in registered)
    assert len(current) == len(reg) <= KEYS
    replaced_set = set(replaced_ids)
    assert all(h.closes == (1 if h.id in replaced_set else 0) for h in registered)
    # A replaced handler's own late unregister never evicted its successor.
    assert all(h.reentry is False for h in replaced)
    assert all(reg.get(h.key) is h for h in current)

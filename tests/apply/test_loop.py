from reconciler.apply.loop import CycleKind, CycleResult, Loop, StopFlag
from reconciler.errors import BatonSfError


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_imports_run_on_the_short_cadence_between_syncs() -> None:
    clock = FakeClock()
    stop = StopFlag()
    seen: list[tuple[CycleKind, float]] = []

    def cycle(kind: CycleKind) -> CycleResult:
        seen.append((kind, clock.now))
        if clock.now >= 250:
            stop.requested = True
        return CycleResult(kind, 0, 0)

    loop = Loop(cycle, sync_every=240, import_every=60, stop=stop, clock=clock, sleep=clock.sleep)

    assert loop.run() == 0
    assert seen == [
        ("sync", 0),
        ("import", 60),
        ("import", 120),
        ("import", 180),
        ("sync", 240),
        ("import", 300),
    ]


def test_a_failing_cycle_backs_off_instead_of_waiting_its_turn() -> None:
    clock = FakeClock()
    stop = StopFlag()
    attempts: list[float] = []
    errors: list[float] = []

    def cycle(kind: CycleKind) -> CycleResult:
        if kind == "sync":
            attempts.append(clock.now)
            if len(attempts) == 3:
                stop.requested = True
            raise BatonSfError("Salesforce is down")
        return CycleResult(kind, 0, 0)

    loop = Loop(
        cycle,
        sync_every=3600,
        import_every=600,
        stop=stop,
        clock=clock,
        sleep=clock.sleep,
        on_error=lambda _k, _e, delay: errors.append(delay),
    )

    loop.run()

    assert errors == [2.0, 4.0, 8.0]
    assert attempts == [0, 2.0, 6.0]


def test_once_runs_a_single_sync_and_reports_failure() -> None:
    def failing(kind: CycleKind) -> CycleResult:
        raise BatonSfError("no")

    assert Loop(failing, sync_every=1, import_every=1).run(once=True) == 1
    assert Loop(lambda k: CycleResult(k, 0, 0), sync_every=1, import_every=1).run(once=True) == 0


def test_a_stop_request_ends_the_loop_before_the_next_cycle() -> None:
    stop = StopFlag(requested=True)
    calls: list[CycleKind] = []

    def cycle(kind: CycleKind) -> CycleResult:
        calls.append(kind)
        return CycleResult(kind, 0, 0)

    assert Loop(cycle, sync_every=1, import_every=1, stop=stop).run() == 0
    assert calls == []

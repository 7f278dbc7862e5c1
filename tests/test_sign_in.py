"""Sign-in cannot lock the owner out or probe accounts: throttling decisions with an injected clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.access import Role
from sync.throttle import Throttle
from sync.users import TooManyAttempts, UserStore

ATTACKER, OWNER = "198.51.100.7", "192.0.2.10"
T0 = 1_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def users(tmp_path: Path) -> UserStore:
    store = UserStore(tmp_path / "u.sqlite3", clock=Clock())
    store.add("zam", "Зам", Role.DEPUTY, "right-password")
    store.add("t1", "Учитель", Role.TEACHER, "teacher-password", "t-001")
    return store


def tick(users: UserStore, seconds: float) -> None:
    users.clock.now += seconds  # type: ignore[attr-defined]


@pytest.mark.parametrize(("failures", "free", "expected"), [
    (0, 3, 0.0), (2, 3, 0.0), (3, 3, 2.0), (4, 3, 4.0), (5, 3, 8.0), (12, 3, 900.0), (10, 10, 2.0), (13, 10, 16.0),
])
def test_delays_grow_twice_per_failure_after_the_free_ones_up_to_the_cap(failures: int, free: int,
                                                                         expected: float) -> None:
    assert Throttle().delay(failures, free) == expected


def test_the_pair_waits_longer_after_each_failure_and_the_right_password_waits_too(users: UserStore) -> None:
    for _ in range(3):
        assert users.authenticate("zam", "bad", client=ATTACKER) is None
        tick(users, 0.1)
    assert users.locked_for("zam", ATTACKER) == pytest.approx(2.0 - 0.1)
    with pytest.raises(TooManyAttempts):
        users.authenticate("zam", "right-password", client=ATTACKER)
    tick(users, 2.0)
    assert users.authenticate("zam", "bad", client=ATTACKER) is None  # the 4th failure: now 4 s
    assert users.locked_for("zam", ATTACKER) == pytest.approx(4.0)
    tick(users, 4.0)
    assert users.authenticate("zam", "right-password", client=ATTACKER) is not None
    assert users.locked_for("zam", ATTACKER) == 0  # a success forgives the pair


def test_parallel_guesses_cannot_slip_past_the_throttle(users: UserStore) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def guess(_: int) -> str:
        try:
            return "checked" if users.authenticate("zam", "guess", client=ATTACKER) is None else "in"
        except TooManyAttempts:
            return "refused"

    before = users.verifications
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(guess, range(16)))  # all at the same moment of the injected clock
    assert sorted(set(outcomes)) == ["checked", "refused"] and outcomes.count("checked") == 3
    assert users.verifications == before + 3  # only the 3 free attempts reached argon2


def test_failures_from_another_client_never_lock_the_owner_out(users: UserStore) -> None:
    for _ in range(8):
        tick(users, 1000)  # the attacker waits out every delay: 8 failures, the last one asks for 64 s
        assert users.authenticate("zam", "guess", client=ATTACKER) is None
    assert users.locked_for("zam", ATTACKER) == pytest.approx(64.0)
    assert users.locked_for("zam", ATTACKER) > 0
    assert users.locked_for("zam", OWNER) == 0
    account = users.authenticate("zam", "right-password", client=OWNER)
    assert account is not None and account.login == "zam"


def test_one_client_trying_many_logins_is_slowed_down(users: UserStore) -> None:
    refused = 0
    for i in range(50):
        try:
            assert users.authenticate(f"user{i}", "guess", client=ATTACKER) is None
        except TooManyAttempts:
            refused += 1
        tick(users, 0.5)
    # one guess every 0.5 s: 10 free failures (t = 0 … 4.5), then the 11th at 6.5 (+2 s), the 12th at 10.5 (+4 s),
    # the 13th at 18.5 (+8 s); the next is allowed at 34.5 — after the 50 tries (t = 25): 13 guesses, 37 refused
    assert refused == 37
    assert users.locked_for("zam", ATTACKER) == pytest.approx(9.5)
    assert users.locked_for("t1", OWNER) == 0  # other clients are not affected
    assert users.authenticate("t1", "teacher-password", client=OWNER) is not None


def test_unknown_and_disabled_logins_cost_one_hash_verification_like_a_real_one(users: UserStore) -> None:
    users.set_disabled("t1")
    before = users.verifications
    assert users.authenticate("zam", "bad", client=OWNER) is None
    assert users.verifications == before + 1
    assert users.authenticate("nobody", "bad", client=OWNER) is None
    assert users.verifications == before + 2
    assert users.authenticate("t1", "teacher-password", client=OWNER) is None  # right password, disabled account
    assert users.verifications == before + 3


def test_repeated_failures_are_listed_for_the_administrator(users: UserStore) -> None:
    for _ in range(4):
        tick(users, 100)
        users.authenticate("zam", "bad", client=ATTACKER)
    users.authenticate("t1", "bad", client=OWNER)  # a single typo is not news
    assert users.failed_sign_ins(since=T0) == [("zam", ATTACKER, 4, T0 + 400)]


def test_repeated_failures_show_in_edumon_status(data_dir: Path) -> None:
    from typer.testing import CliRunner

    from app.cli import cli

    users = UserStore(data_dir / "users.sqlite3")
    for _ in range(3):
        users.authenticate("zam", "bad", client=ATTACKER)
    result = CliRunner().invoke(cli, ["status"])
    assert result.exit_code == 0, result.output
    assert "Неудачные входы" in result.output
    assert f"zam с адреса {ATTACKER}: 3" in result.output

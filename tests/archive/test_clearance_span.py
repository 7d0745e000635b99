"""A clearance holds for a span of days: every day in it gets the same verdict,
reasons and all, so a stored verdict is reused for them instead of judging a
million photos again each morning.  The span ends where a licence, a lease, an
embargo, a "no archive" grace or a quota period of the photo starts or ends."""

from __future__ import annotations

import random
from datetime import date, timedelta

from tests.archive.photo_records import factory
from archive.licence_model import Lease, Licence
from archive.clearance import clearance

ON = date(2022, 12, 19)
DAY = timedelta(days=1)


photo = factory(taken_at="2022-12-10T12:00:00+02:00", caption="Air raid sirens in Kyiv.")


NYT = Licence(3, "The New York Times", valid_from="2022-01-01", valid_until="2022-12-31")
REUTERS = Licence(4, "Reuters", quota="2/month")
GETTY = Licence(5, "Getty Images", aliases=("AFP",), restrictions="Embargoed until 21 December")
STAFF = Licence(6, "The Guardian", kind="staff", creators=("Laura Boushnak@..2022-12-15",))


def span(c):
    return c.stable_from, c.stable_until


def test_a_licence_ending_bounds_the_span(guardian):
    c = clearance(photo(), [NYT], [], ON, profile=guardian)
    assert c.status == "cleared" and span(c) == (date(2022, 1, 1), date(2022, 12, 31))
    after = clearance(photo(), [NYT], [], date(2023, 1, 1), profile=guardian)
    assert after.status == "not_cleared" and span(after) == (date(2023, 1, 1), date.max)


def test_an_embargo_gives_before_the_day_and_after(guardian):
    p = photo(instructions="EMBARGOED UNTIL 00:01 GMT 21 December 2022")
    before, on_day, after = (clearance(p, [NYT], [], d, profile=guardian) for d in
                             (ON, date(2022, 12, 21), date(2022, 12, 22)))
    assert span(before) == (date(2022, 1, 1), date(2022, 12, 20)) and before.status == "not_cleared"
    assert span(on_day) == (date(2022, 12, 21), date(2022, 12, 21)) and on_day.status == "conditional"
    assert span(after) == (date(2022, 12, 22), date(2022, 12, 31)) and after.status == "cleared"


def test_a_lease_no_archive_and_a_quota_period(guardian):
    deny = Lease(1, 12, False, valid_from="2022-12-24")
    assert clearance(photo(), [NYT], [deny], ON, profile=guardian).stable_until == date(2022, 12, 23)
    gone = photo(instructions="NO ARCHIVES")                       # 7 days' grace after the 10th
    assert span(clearance(gone, [NYT], [], date(2022, 12, 12), profile=guardian))[1] == date(2022, 12, 17)
    late = clearance(gone, [NYT], [], ON, profile=guardian)
    assert late.stable_from == date(2022, 12, 18) and "until 2022-12-17" in " ".join(late.reasons)
    wire = photo(credit="Reuters", credit_line="Photograph: Gleb Garanich/Reuters", creator=["Gleb Garanich"])
    assert span(clearance(wire, [REUTERS], [], ON, profile=guardian, uses_in_period={4: 0})) == (
        date(2022, 12, 1), date(2022, 12, 31))


def test_restrictions_without_a_year_are_bounded_by_the_year(guardian):
    afp = photo(credit="AFP via Getty Images", credit_line="Photograph: Sergei Supinsky/AFP/Getty Images",
                creator=["Sergei Supinsky"])
    c = clearance(afp, [GETTY], [], ON, profile=guardian)
    assert c.status == "not_cleared" and span(c) == (date(2022, 1, 1), date(2022, 12, 20))


LICENCES = [NYT, REUTERS, GETTY, STAFF, Licence(7, "PA", valid_until="2022-12-22"),
            Licence(8, "AP", valid_from="2022-12-23", restrictions="Not for use in France")]
CREDITS = [("The New York Times", "Brendan Hoffman"), ("Reuters", "Gleb Garanich"),
           ("AFP via Getty Images", "Sergei Supinsky"), ("The Guardian", "Laura Boushnak"),
           ("PA", "Danny Lawson"), ("AP", "Efrem Lukatsky"), ("EPA", "Sergey Dolzhenko")]
INSTRUCTIONS = [None, None, "EMBARGOED UNTIL 00:01 GMT {d} December 2022", "NO ARCHIVES",
                "Editorial use only", "EMBARGOED: not before {d}.12.2022", "NO ARCHIVES. Editorial use only"]


def varied(n: int, seed: int = 5) -> list[tuple[dict, list]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        agency, person = rnd.choice(CREDITS)
        text = rnd.choice(INSTRUCTIONS)
        leases = [Lease(i, i, rnd.random() < 0.5, valid_from=f"2022-12-{rnd.randrange(10, 28)}",
                        valid_until=rnd.choice([None, "2022-12-30"]))] if rnd.random() < 0.3 else []
        p = photo(id=i, credit=agency, creator=[person], credit_line=f"Photograph: {person}/{agency}",
                  taken_at=f"2022-12-{rnd.randrange(1, 28):02d}T{rnd.randrange(24):02d}:30:00+02:00",
                  instructions=text.format(d=rnd.randrange(12, 28)) if text else None)
        out.append((p, leases))
    return out


def verdict(c):
    return c.status, c.cost, c.licence_id, tuple(c.reasons), tuple(c.violations)


def test_every_day_of_a_span_gets_the_same_verdict(guardian):
    """The guarantee the stored checks rest on, over varied photos and days."""
    rnd = random.Random(9)
    spans = 0
    for p, leases in varied(120):
        uses = {4: rnd.randrange(3)}
        on = date(2022, 11, 20) + timedelta(days=rnd.randrange(60))
        c = clearance(p, LICENCES, leases, on, profile=guardian, uses_in_period=uses)
        assert c.stable_from <= on <= c.stable_until
        days = {c.stable_from, c.stable_until, on} | {on + timedelta(days=k) for k in range(-40, 41)}
        for d in sorted(x for x in days if c.stable_from <= x <= c.stable_until and x.year < 9000 and x.year > 1):
            again = clearance(p, LICENCES, leases, d, profile=guardian, uses_in_period=uses)
            assert verdict(again) == verdict(c), (p["id"], on, d)
        spans += c.stable_until < date.max
    assert spans > 60                # most photos have a day their verdict changes

"""The demo's carrier timeline: hydrogen network phases, CO2 transport and storage, green gas and heat.

Modelled on the public planning in ../shared/data/infrastructure (Hynetwork planning of December 2024,
Porthos, Aramis, the Delta Rhine Corridor): the hydrogen backbone reaches the five coastal and Limburg
clusters from 2030 to 2033, far from most cluster-6 sites; Porthos is sold out; Aramis takes CO2 from
about 2029, by pipeline at Rotterdam and by ship from elsewhere. Green gas and heat are regional and
invented (no public data set): a year and a certainty per province. The network points are approximate
places on the routes. None of this scales with `--scale`: the networks are national.
"""

from __future__ import annotations

from dataclasses import dataclass

from cluster6.infra.constants import Carrier, Certainty, SupplyMode

from . import geography as geo

F, P, U = Certainty.FIRM, Certainty.PLANNED, Certainty.UNCERTAIN


@dataclass(frozen=True)
class DemoRollout:
    code: str
    carrier: str
    name: str
    year: int
    certainty: str
    province_code: str | None = None  # None: national
    mode: str = SupplyMode.NETWORK
    open_access: bool = True
    points: tuple[tuple[str, float, float], ...] = ()  # (name, lon, lat)
    year_text: str = ""


HYDROGEN = (
    DemoRollout(
        "H2-RTM", Carrier.HYDROGEN, "Waterstofnetwerk Rotterdam (eerste deel)", 2026, F,
        points=(("Maasvlakte", 4.05, 51.95), ("Pernis", 4.35, 51.88)), year_text="uiterlijk 2026",
    ),
    DemoRollout(
        "H2-NN", Carrier.HYDROGEN, "Waterstofnetwerk Noord-Nederland + HyStock", 2030, P,
        points=(("Eemshaven", 6.85, 53.43), ("Delfzijl", 6.93, 53.32), ("Zuidwending", 6.80, 53.10)),
        year_text="voor of in 2030",
    ),
    DemoRollout(
        "H2-ZWN", Carrier.HYDROGEN, "Waterstofnetwerk Zuidwest-Nederland", 2030, P,
        points=(("Vlissingen", 3.60, 51.45), ("Terneuzen", 3.82, 51.33), ("Moerdijk", 4.60, 51.68)),
        year_text="voor of in 2030",
    ),
    DemoRollout(
        "H2-NZKG", Carrier.HYDROGEN, "Waterstofnetwerk Noordzeekanaalgebied", 2030, P,
        points=(("IJmuiden", 4.62, 52.47), ("Westpoort", 4.80, 52.41)), year_text="voor of in 2030",
    ),
    DemoRollout(
        "H2-WN", Carrier.HYDROGEN, "Waterstofnetwerk West-Nederland", 2032, P,
        points=(("Leiden", 4.50, 52.15), ("Zoetermeer", 4.47, 52.05)), year_text="2031-2033",
    ),
    DemoRollout(
        "H2-DRC", Carrier.HYDROGEN, "Delta Rhine Corridor – waterstof", 2032, U,
        points=(("Moerdijk", 4.60, 51.70), ("Tilburg", 5.05, 51.58), ("Eindhoven", 5.45, 51.45),
                ("Venlo", 6.15, 51.37), ("Chemelot", 5.80, 50.99)),
        year_text="2031-2033 (kabinetsbesluit 5-12-2024)",
    ),
    DemoRollout(
        "H2-OOST", Carrier.HYDROGEN, "Waterstofnetwerk Oost-Nederland", 2033, U,
        points=(("Arnhem", 5.90, 51.98), ("Deventer", 6.16, 52.25), ("Hengelo", 6.79, 52.26)),
        year_text="uiterlijk 2033",
    ),
    DemoRollout(
        "H2-HUB-GLD", Carrier.HYDROGEN, "Lokale waterstofhub Gelderland (pilot)", 2029, U, "PV25",
        points=(("Nijmegen-West", 5.80, 51.85),), year_text="pilot, start 2029",
    ),
)  # fmt: skip

CO2 = (
    DemoRollout(
        "CO2-PORTHOS", Carrier.CO2, "Porthos (uitverkocht)", 2026, F, open_access=False,
        points=(("Maasvlakte", 4.05, 51.95),), year_text="2026; capaciteit volledig gecontracteerd",
    ),
    DemoRollout(
        "CO2-ARAMIS", Carrier.CO2, "Aramis (open toegang)", 2029, P,
        points=(("Maasvlakte", 4.05, 51.95), ("Pernis", 4.30, 51.89)), year_text="2028-2029 (FID verwacht)",
    ),
    DemoRollout(
        "CO2-ARAMIS-SCHIP", Carrier.CO2, "Aramis per schip", 2029, U, mode=SupplyMode.SHIP,
        year_text="na start Aramis, per schip of binnenvaart",
    ),
    DemoRollout(
        "CO2-DRC", Carrier.CO2, "Delta Rhine Corridor – CO₂", 2033, P,
        points=(("Moerdijk", 4.60, 51.70), ("Tilburg", 5.05, 51.58), ("Eindhoven", 5.45, 51.45),
                ("Chemelot", 5.85, 51.00)),
        year_text="rond 2033",
    ),
)  # fmt: skip

#: Green gas and heat per province (CBS code): year and certainty.
GREEN_GAS = {
    "PV20": (2027, F), "PV21": (2029, P), "PV22": (2028, P), "PV23": (2029, U), "PV24": (2030, U),
    "PV25": (2031, P), "PV26": (2031, U), "PV27": (2029, P), "PV28": (2028, P), "PV29": (2030, P),
    "PV30": (2030, U), "PV31": (2032, P),
}  # fmt: skip
HEAT = {
    "PV20": (2028, P), "PV23": (2033, U), "PV25": (2031, U), "PV27": (2030, U), "PV28": (2029, P),
    "PV30": (2032, U), "PV31": (2030, P),
}  # fmt: skip


def demo_rollouts() -> tuple[DemoRollout, ...]:
    names = {p.code: p.name for p in geo.PROVINCES}
    regional = tuple(
        DemoRollout(
            f"{prefix}-{code}",
            carrier,
            f"{label} {names[code]}",
            year,
            certainty,
            code,
            year_text=str(year),
        )
        for carrier, prefix, label, table in (
            (Carrier.GREEN_GAS, "GG", "Groengasnet", GREEN_GAS),
            (Carrier.HEAT, "WARMTE", "Warmtenet", HEAT),
        )
        for code, (year, certainty) in sorted(table.items())
    )
    return HYDROGEN + CO2 + regional

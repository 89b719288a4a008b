"""The instrument catalogue: every standardized measure the app reads, with its range, severity bands, treatment
target and, where published, its reliable-change and caseness values and LOINC code — one place, read by
extraction, drafting, plan checks, exports and progress tracking.

Values carry their source. A value left as None is one we have not verified; the app then does not use it (no
reliable-change judgement, no caseness line) rather than guess.
"""

from __future__ import annotations

from dataclasses import dataclass

NHS_TALKING_THERAPIES = (
    "NHS England. NHS Talking Therapies for anxiety and depression manual, v7 (2024): reliable improvement and "
    "caseness thresholds"
)


@dataclass(frozen=True)
class Instrument:
    """A standardized measure: its canonical name, how clinicians write it, its range and what its scores mean."""

    name: str
    #: How clinicians write the name (a regex; short acronyms are matched case-sensitively).
    pattern: str
    low: float
    high: float
    #: (highest score of the band, its name), in order; upper bounds are inclusive.
    bands: tuple[tuple[float, str], ...] = ()
    #: The score a treatment objective aims for (at or below it; at or above it when higher is better): the top
    #: of the non-clinical (or lowest) band where there are bands. None: no conventional target.
    target: float | None = None
    #: Points of change beyond measurement error (Jacobson & Truax 1991 reliable change), where published.
    reliable_change: float | None = None
    #: The clinical cut-off: a score at or above it is in the clinical range ("a case"), where published.
    caseness: float | None = None
    #: LOINC code of the total score, where one exists and has been checked.
    loinc: str | None = None
    #: For measures of well-being (ORS): higher scores are better.
    higher_is_better: bool = False
    #: Where the range, bands and cut-offs come from.
    source: str = ""

    def severity(self, score: float) -> str | None:
        """The conventional band a score falls in (upper bounds are inclusive)."""
        return next((label for upper, label in self.bands if score <= upper), None)

    def in_range(self, score: float) -> bool:
        """Whether a score is possible on this instrument."""
        return self.low <= score <= self.high

    def treatment_target(self, baseline: float) -> float:
        """The score an objective starting at `baseline` aims for: the catalogue's target, never past the baseline
        in the wrong direction; without one, a 20 % improvement."""
        if self.higher_is_better:
            goal = self.target if self.target is not None else baseline * 1.2
            return min(self.high, max(goal, baseline))
        goal = self.target if self.target is not None else round(baseline * 0.8)
        return min(goal, baseline)


INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument(
        "PHQ-9",
        r"PHQ[\s-]?9",
        0,
        27,
        ((4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately severe"), (27, "severe")),
        target=9,
        reliable_change=6,
        caseness=10,
        loinc="44261-6",
        source="Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-13 (range, bands); " + NHS_TALKING_THERAPIES,
    ),
    Instrument(
        "PHQ-15",
        r"PHQ[\s-]?15",
        0,
        30,
        ((4, "minimal"), (9, "low"), (14, "medium"), (30, "high")),
        target=9,
        source="Kroenke, Spitzer & Williams, Psychosom Med 2002;64:258-66",
    ),
    Instrument("PHQ-A", r"PHQ[\s-]?A\b", 0, 27, target=9, source="PHQ-9 modified for adolescents (range as PHQ-9)"),
    Instrument(
        "GAD-7",
        r"GAD[\s-]?7",
        0,
        21,
        ((4, "minimal"), (9, "mild"), (14, "moderate"), (21, "severe")),
        target=9,
        reliable_change=4,
        caseness=8,
        loinc="70274-6",
        source="Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166:1092-7 (range, bands); "
        + NHS_TALKING_THERAPIES,
    ),
    Instrument(
        "PCL-5",
        r"PCL[\s-]?5",
        0,
        80,
        ((32, "below the usual cut-off"), (80, "probable PTSD range")),
        target=32,
        caseness=33,
        source="Weathers et al., PCL-5 (National Center for PTSD, 2013); cut-off 31-33: Bovin et al., "
        "Psychol Assess 2016;28:1379-91",
    ),
    Instrument(
        "AUDIT-C",
        r"AUDIT[\s-]?C\b",
        0,
        12,
        target=3,
        loinc="75626-2",
        source="Bush et al., Arch Intern Med 1998;158:1789-95 (positive: 4 or more for men, 3 or more for women)",
    ),
    Instrument(
        "AUDIT",
        r"AUDIT(?![\s-]?C\b)",
        0,
        40,
        ((7, "low risk"), (15, "hazardous"), (19, "harmful"), (40, "possible dependence")),
        target=7,
        source="Babor et al., The AUDIT: guidelines for use in primary care, 2nd ed. (WHO, 2001)",
    ),
    Instrument("DAST-10", r"DAST(?:[\s-]?10)?", 0, 10, target=2, source="Skinner, Addict Behav 1982;7:363-71"),
    Instrument("DERS-16", r"DERS[\s-]?16", 16, 80, source="Bjureberg et al., J Psychopathol Behav Assess 2016"),
    Instrument("DERS", r"DERS(?:[\s-]?36)?(?![\s-]?16\b)", 36, 180, source="Gratz & Roemer, 2004"),
    Instrument("PDSS", r"PDSS", 0, 28, target=7, source="Shear et al., Am J Psychiatry 1997;154:1571-5"),
    Instrument(
        "ISI",
        r"ISI",
        0,
        28,
        ((7, "no clinically significant insomnia"), (14, "subthreshold"), (21, "moderate"), (28, "severe")),
        target=7,
        source="Bastien, Vallières & Morin, Sleep Med 2001;2:297-307",
    ),
    Instrument("OCI-R", r"OCI[\s-]?R", 0, 72, target=20, source="Foa et al., Psychol Assess 2002;14:485-96"),
    Instrument(
        "Y-BOCS",
        r"Y[\s-]?BOCS",
        0,
        40,
        ((7, "subclinical"), (15, "mild"), (23, "moderate"), (31, "severe"), (40, "extreme")),
        target=15,
        source="Goodman et al., Arch Gen Psychiatry 1989;46:1006-11",
    ),
    Instrument("EPDS", r"EPDS", 0, 30, target=9, source="Cox, Holden & Sagovsky, Br J Psychiatry 1987;150:782-6"),
    Instrument(
        "BDI-II",
        r"BDI(?:[\s-]?II|[\s-]?2)?",
        0,
        63,
        ((13, "minimal"), (19, "mild"), (28, "moderate"), (63, "severe")),
        target=13,
        source="Beck, Steer & Brown, Manual for the BDI-II (1996)",
    ),
    Instrument(
        "BAI",
        r"BAI",
        0,
        63,
        ((7, "minimal"), (15, "mild"), (25, "moderate"), (63, "severe")),
        target=15,
        source="Beck et al., J Consult Clin Psychol 1988;56:893-7",
    ),
    Instrument("PSS-10", r"PSS(?:[\s-]?10)?", 0, 40, target=13, source="Cohen, Kamarck & Mermelstein, 1983"),
    Instrument("SPIN", r"SPIN", 0, 68, target=18, source="Connor et al., Br J Psychiatry 2000;176:379-86"),
    Instrument("PG-13", r"PG[\s-]?13", 11, 55, target=29, source="Prigerson et al., PLoS Med 2009;6:e1000121"),
    Instrument("K10", r"K[\s-]?10", 10, 50, target=19, source="Kessler et al., Psychol Med 2002;32:959-76"),
    Instrument("CORE-10", r"CORE[\s-]?10", 0, 40, target=10, source="Barkham et al., Couns Psychother Res 2013"),
    Instrument("ORS", r"ORS", 0, 40, target=25, higher_is_better=True, source="Miller et al., J Brief Ther 2003"),
    Instrument("WSAS", r"WSAS", 0, 40, target=9, source="Mundt et al., Br J Psychiatry 2002;180:461-4"),
    Instrument("ACE", r"ACEs?(?:[\s-]?(?:score|questionnaire))?", 0, 10, source="Felitti et al., 1998"),
    Instrument("EDE-Q", r"EDE[\s-]?Q", 0, 6, source="Fairburn & Beglin, 1994/2008 (global score 0-6)"),
    Instrument("CSSRS", r"C[\s-]?SSRS", 0, 6, source="Posner et al., Am J Psychiatry 2011;168:1266-77"),
)

BY_NAME: dict[str, Instrument] = {i.name: i for i in INSTRUMENTS}


def instrument(name: str) -> Instrument | None:
    """The catalogue's entry for an instrument's canonical name (None if it is not catalogued)."""
    return BY_NAME.get(name)

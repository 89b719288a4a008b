"""The instrument catalogue: every standardized measure the app reads, with its range, severity bands, treatment
target and, where published, its reliable-change and caseness values and LOINC code — one place, read by
extraction, drafting, plan checks, exports and progress tracking.

Values carry their source. A value left as None is one we have not verified; the app then does not use it (no
reliable-change judgement, no caseness line) rather than guess.

Patterns are matched case-sensitively between (?<![A-Za-z0-9]) and (?![A-Za-z0-9]); the extractor claims spans in
catalogue order, so where two names overlap (AUDIT-C and AUDIT, DERS-16 and DERS, the ASRS screener and the full
checklist, RCADS-25 and RCADS) the more specific instrument comes first and the general one's pattern refuses the
specific form. A numeric suffix written with a hyphen ("PSS-10", "DAST-10") is taken possessively (``?+``) so that
"PSS-10 not done" is never read as a score of -10.
"""

from __future__ import annotations

from dataclasses import dataclass

NHS_TALKING_THERAPIES = (
    "NHS England. NHS Talking Therapies for anxiety and depression manual, v7 (2024): reliable improvement and "
    "caseness thresholds"
)

#: "ASRS", "ASRS-v1.1", "ASRS v1.1", "ASRS 1.1" (the version suffix is never re-read as a score).
_ASRS = r"ASRS(?:[\s-]?[vV]?1\.1)?+"
#: What makes an ASRS mention the six-item Part A screener rather than the 18-item checklist.
_ASRS_PART_A = r"(?:[\s-]*(?:Part|part|PART)[\s-]?A|[\s-]+[Ss]creen(?:er)?)(?![A-Za-z0-9])"


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
    #: The clinical cut-off, where published: a score at or above it is in the clinical range ("a case"); where
    #: higher is better, a score below it is.
    caseness: float | None = None
    #: LOINC code of the total score, where one exists and has been checked.
    loinc: str | None = None
    #: For measures of well-being, function or alliance (ORS, SRS, MoCA, MMSE, CSI-16): higher scores are better.
    higher_is_better: bool = False
    #: Scores are conventionally written with decimals (an EDE-Q global of 2.35, a CORE-OM clinical score of 14.7,
    #: an ORS of 23.4) rather than as whole-number sums.
    decimals: bool = False
    #: Whether treatment objectives track change on it. Screens of history, of another person's dangerousness or of
    #: cognition (ACE, Danger Assessment, MoCA, MMSE, MDQ, C-SSRS screen) are repeated or acted on, not targets.
    tracks_change: bool = True
    #: Where the range, bands and cut-offs come from.
    source: str = ""

    def severity(self, score: float) -> str | None:
        """The conventional band a score falls in (upper bounds are inclusive)."""
        return next((label for upper, label in self.bands if score <= upper), None)

    def in_range(self, score: float) -> bool:
        """Whether a score is possible on this instrument."""
        return self.low <= score <= self.high

    def in_clinical_range(self, score: float) -> bool | None:
        """Whether a score is past the published clinical cut-off (None where there is none)."""
        if self.caseness is None:
            return None
        return score < self.caseness if self.higher_is_better else score >= self.caseness

    def treatment_target(self, baseline: float) -> float:
        """The score an objective starting at `baseline` aims for: the catalogue's target, never past the baseline
        in the wrong direction; without one, a 20 % improvement (to one decimal where scores carry decimals)."""
        digits = 1 if self.decimals else None
        if self.higher_is_better:
            goal = self.target if self.target is not None else round(baseline * 1.2, digits)
            return min(self.high, max(goal, baseline))
        goal = self.target if self.target is not None else round(baseline * 0.8, digits)
        return min(goal, baseline)

    def objective_target(self, baseline: float) -> tuple[float, str]:
        """(target, "improve" | "maintain") for an objective starting at `baseline`.

        In the clinical range: the top of the non-clinical band, and at least one reliable change from the baseline
        where that value is published — both parts of clinically significant change (Jacobson & Truax, J Consult
        Clin Psychol 1991;59:12-19). Already outside it: keep the score on the healthy side of the cut-off. Without
        a catalogue target: a quarter of the way from the baseline to the best score (at least one point). Never
        at or past the baseline in the wrong direction."""
        digits = 1 if self.decimals else None
        sign = 1 if self.higher_is_better else -1
        cut = self.target
        if cut is not None and (baseline >= cut if self.higher_is_better else baseline <= cut):
            return cut, "maintain"
        best = self.high if self.higher_is_better else self.low
        step = max(abs(best - baseline) * 0.25, 0.3 if self.decimals else 1)
        if self.reliable_change is not None:
            step = max(step, self.reliable_change)
        moved = baseline + sign * step
        goal = moved if cut is None else (max(cut, moved) if self.higher_is_better else min(cut, moved))
        goal = min(self.high, max(self.low, round(goal, digits) if digits else round(goal)))
        if goal == baseline:  # a baseline at the end of the range: nothing better to aim for
            return baseline, "maintain"
        return goal, "improve"


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
    Instrument(
        "PHQ-A",
        r"PHQ[\s-]?A\b",
        0,
        27,
        target=9,
        source="Johnson, Harris, Spitzer & Williams, J Adolesc Health 2002;30:196-204 (the PHQ-9 modified for "
        "adolescents; nine items scored 0-3, range as the PHQ-9)",
    ),
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
        caseness=8,
        loinc="75624-7",
        source="Babor et al., The AUDIT: guidelines for use in primary care, 2nd ed. (WHO, 2001): risk zones 0-7, "
        "8-15, 16-19, 20-40; 8 or more indicates hazardous or harmful use",
    ),
    Instrument(
        "DAST-10",
        r"DAST(?:-?10)?+(?:\s10)?(?!-?(?:20|28)(?![0-9]))",
        0,
        10,
        ((0, "no problems reported"), (2, "low"), (5, "moderate"), (8, "substantial"), (10, "severe")),
        target=2,
        caseness=3,
        loinc="82667-7",
        source="Skinner, Addict Behav 1982;7:363-71 (DAST); DAST-10 levels 0 / 1-2 / 3-5 / 6-8 / 9-10 and 3 or "
        "more as the cut-off: Yudko, Lozhkina & Fouts, J Subst Abuse Treat 2007;32:189-98",
    ),
    Instrument("DERS-16", r"DERS[\s-]?16", 16, 80, source="Bjureberg et al., J Psychopathol Behav Assess 2016"),
    Instrument(
        "DERS",
        r"DERS(?:-?36)?+(?:\s36)?(?!-?16(?![0-9]))",
        36,
        180,
        source="Gratz & Roemer, J Psychopathol Behav Assess 2004;26:41-54",
    ),
    Instrument("PDSS", r"PDSS", 0, 28, target=7, source="Shear et al., Am J Psychiatry 1997;154:1571-5"),
    Instrument(
        "ISI",
        r"ISI",
        0,
        28,
        ((7, "no clinically significant insomnia"), (14, "subthreshold"), (21, "moderate"), (28, "severe")),
        target=7,
        caseness=15,
        source="Bastien, Vallières & Morin, Sleep Med 2001;2:297-307 (0-7 no clinically significant insomnia, "
        "8-14 subthreshold, 15-21 clinical insomnia of moderate severity, 22-28 severe)",
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
    Instrument(
        "EPDS",
        r"EPDS",
        0,
        30,
        ((9, "below the screening threshold"), (12, "possible depression"), (30, "probable depression")),
        target=9,
        caseness=13,
        source="Cox, Holden & Sagovsky, Br J Psychiatry 1987;150:782-6: ten items scored 0-3; 12/13 threshold for "
        "probable depression, 9/10 to reduce missed cases (possible depression). Item 10 (self-harm) needs review "
        "whatever the total",
    ),
    Instrument(
        "BDI-II",
        r"BDI(?:[\s-]?II|-?2)?+(?:\s2)?",
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
        source="Beck, Epstein, Brown & Steer, J Consult Clin Psychol 1988;56:893-7 (range); bands: Beck & Steer, "
        "BAI manual (1993)",
    ),
    Instrument(
        "PSS-10",
        r"PSS(?:-?10)?+(?:\s10)?(?!-?1?4(?![0-9]))",
        0,
        40,
        ((13, "low"), (26, "moderate"), (40, "high")),
        target=13,
        source="Cohen, Kamarck & Mermelstein, J Health Soc Behav 1983;24:385-96 and Cohen & Williamson 1988 (ten "
        "items scored 0-4). The 0-13 / 14-26 / 27-40 bands are a widely used convention, not Cohen's: the authors "
        "give no cut-offs, so there is no caseness",
    ),
    Instrument("SPIN", r"SPIN", 0, 68, target=18, source="Connor et al., Br J Psychiatry 2000;176:379-86"),
    Instrument("PG-13", r"PG[\s-]?13", 11, 55, target=29, source="Prigerson et al., PLoS Med 2009;6:e1000121"),
    Instrument("K10", r"K[\s-]?10", 10, 50, target=19, source="Kessler et al., Psychol Med 2002;32:959-76"),
    Instrument(
        "CORE-10",
        r"CORE[\s-]?10",
        0,
        40,
        (
            (5, "healthy"),
            (10, "low level"),
            (14, "mild"),
            (19, "moderate"),
            (24, "moderate-to-severe"),
            (40, "severe"),
        ),
        target=10,
        caseness=11,
        source="Barkham et al., Couns Psychother Res 2013;13:3-13 (ten items scored 0-4; clinical cut-off 11; "
        "bands healthy 0-5, low level 6-10, mild 11-14, moderate 15-19, moderate-to-severe 20-24, severe 25-40)",
    ),
    Instrument(
        "CORE-OM",
        r"CORE[\s-]?OM",
        0,
        40,
        (
            (5.99, "healthy"),
            (9.99, "low level"),
            (14.99, "mild"),
            (19.99, "moderate"),
            (24.99, "moderate-to-severe"),
            (40, "severe"),
        ),
        target=9.9,
        caseness=10,
        decimals=True,
        source="Evans et al., Br J Psychiatry 2002;180:51-60 (34 items; clinical score = mean item score x 10, "
        "0-40); cut-off 9.9, rounded to 10: Connell et al., Br J Psychiatry 2007;190:69-74; severity bands: "
        "Barkham et al., Couns Psychother Res 2006;6:3-15",
    ),
    Instrument(
        "ORS",
        r"ORS",
        0,
        40,
        ((24.99, "clinical range"), (40, "non-clinical range")),
        target=25,
        reliable_change=5,
        caseness=25,
        higher_is_better=True,
        decimals=True,
        source="Miller, Duncan, Brown, Sparks & Claud, J Brief Ther 2003;2:91-100 (four 10 cm lines, 0-40; "
        "clinical cut-off 25, scores below it in the clinical range; reliable change 5 points)",
    ),
    Instrument(
        "SRS",
        r"SRS(?!-?2(?![0-9]))",
        0,
        40,
        ((35.99, "below the alliance cut-off"), (40, "at or above the alliance cut-off")),
        target=36,
        caseness=36,
        higher_is_better=True,
        decimals=True,
        tracks_change=False,
        source="Duncan et al., J Brief Ther 2003;3:3-12 (Session Rating Scale, four 10 cm lines, 0-40; a total "
        "below 36 flags a possible alliance problem to discuss)",
    ),
    Instrument("WSAS", r"WSAS", 0, 40, target=9, source="Mundt et al., Br J Psychiatry 2002;180:461-4"),
    Instrument(
        "ACE", r"ACEs?(?:[\s-]?(?:score|questionnaire))?", 0, 10, tracks_change=False, source="Felitti et al., 1998"
    ),
    Instrument(
        "EDE-Q",
        r"EDE[\s-]?Q(?:[\s-]?6\.0|6)?+(?:\s+global)?",
        0,
        6,
        ((3.99, "below the clinical cut-off"), (6, "clinical range")),
        caseness=4,
        decimals=True,
        source="Fairburn & Beglin, EDE-Q 6.0 (1994/2008): global score = mean of the four subscales, 0-6; "
        "community norms: Mond, Hay, Rodgers & Owen, Behav Res Ther 2006;44:53-62; a global score of 4.0 or more "
        "is a commonly used cut-off for clinical significance (no conventional treatment target)",
    ),
    Instrument(
        "C-SSRS",
        r"C[\s-]?SSR[\s-]?S(?:[\s-]+[Ss]creen(?:er)?)?",
        0,
        6,
        tracks_change=False,
        source="Posner et al., Am J Psychiatry 2011;168:1266-77; C-SSRS Screener (Columbia Lighthouse Project). "
        "The screener has no validated total: the score recorded here is the count of yes answers to its six "
        "questions (0-6), and risk is triaged by which items are endorsed (recent intent, plan or behaviour means "
        "high risk), so there are no bands, cut-off or target",
    ),
    Instrument(
        "ASRS-v1.1 Part A",
        rf"{_ASRS}{_ASRS_PART_A}|ASRS-?6",
        0,
        6,
        ((3, "negative screen"), (6, "positive screen")),
        target=3,
        caseness=4,
        source="Kessler et al., Psychol Med 2005;35:245-56: the six-item Part A screener, scored as the count of "
        "answers in the shaded boxes (0-6); 4 or more is a positive screen",
    ),
    Instrument(
        "ASRS-v1.1",
        rf"ASRS(?!(?:[\s-]?[vV]?1\.1)?{_ASRS_PART_A}|-?6(?![0-9]))(?:[\s-]?[vV]?1\.1)?+(?:-18)?+",
        0,
        72,
        source="Kessler et al., Psychol Med 2005;35:245-56: the full 18-item symptom checklist, items scored 0-4, "
        "total 0-72 (no published total-score cut-off; the screen is Part A)",
    ),
    Instrument(
        "MoCA",
        r"(?:MoCA|MOCA)",
        0,
        30,
        ((25, "below the normal range"), (30, "normal range")),
        target=26,
        caseness=26,
        loinc="72172-0",
        higher_is_better=True,
        tracks_change=False,
        source="Nasreddine et al., J Am Geriatr Soc 2005;53:695-9 (0-30; 26 or more is normal; one point added "
        "for 12 years of education or fewer)",
    ),
    Instrument(
        "MMSE",
        r"[sS]?MMSE(?:-?2)?+",
        0,
        30,
        ((17, "severe cognitive impairment"), (23, "mild cognitive impairment"), (30, "no cognitive impairment")),
        target=24,
        caseness=24,
        loinc="72106-8",
        higher_is_better=True,
        tracks_change=False,
        source="Folstein, Folstein & McHugh, J Psychiatr Res 1975;12:189-98 (0-30; below 24 suggests cognitive "
        "impairment); bands 24-30 / 18-23 / 0-17: Tombaugh & McIntyre, J Am Geriatr Soc 1992;40:922-35",
    ),
    Instrument(
        "GDS-15",
        r"GDS(?:[\s-]?15|[\s-]SF)?+(?!-?30(?![0-9]))",
        0,
        15,
        ((5, "not suggestive of depression"), (15, "suggests depression")),
        target=5,
        caseness=6,
        loinc="48545-8",
        source="Sheikh & Yesavage, Clin Gerontol 1986;5:165-73 (short form, 15 yes/no items; a score above 5 "
        "suggests depression)",
    ),
    Instrument(
        "CSI-16",
        r"CSI[\s-]?16",
        0,
        81,
        ((51, "notable relationship dissatisfaction"), (81, "above the distress cut-off")),
        target=52,
        caseness=51.5,
        higher_is_better=True,
        source="Funk & Rogge, J Fam Psychol 2007;21:572-83 (Couples Satisfaction Index, 16 items, 0-81; scores "
        "below 51.5 indicate notable relationship dissatisfaction; target: the first whole score above it)",
    ),
    Instrument(
        "Danger Assessment",
        r"Danger\s+Assessment(?:\s*\(DA\))?|DA(?=\s+[Ss]core)|DA\s*\((?:Campbell|Danger)[^)]{0,40}\)|DA(?=\s*[:=]\s*\d)",
        0,
        38,
        ((7, "variable danger"), (13, "increased danger"), (17, "severe danger"), (38, "extreme danger")),
        tracks_change=False,
        source="Campbell, Webster & Glass, J Interpers Violence 2009;24:653-74 (20 items, weighted scoring; levels: "
        "variable danger below 8, increased 8-13, severe 14-17, extreme 18 or more). The maximum weighted score "
        "(38) has not been checked against the DA scoring sheet. A risk assessment, so no treatment target",
    ),
    Instrument(
        "SCARED",
        r"SCARED(?:-?41|-[CP])?+",
        0,
        82,
        ((24, "below the cut-off"), (82, "possible anxiety disorder")),
        target=24,
        caseness=25,
        source="Birmaher et al., J Am Acad Child Adolesc Psychiatry 1999;38:1230-6 (41 items scored 0-2, 0-82; "
        "25 or more may indicate an anxiety disorder)",
    ),
    Instrument(
        "RCADS-25",
        r"RCADS[\s-]?25",
        0,
        75,
        source="Ebesutani et al., Psychol Assess 2012;24:833-45 (25 items scored 0-3, total 0-75; cut-offs are "
        "age- and sex-normed T-scores, so no raw-score bands)",
    ),
    Instrument(
        "RCADS",
        r"RCADS(?:-?47)?+(?!-?25(?![0-9]))",
        0,
        141,
        source="Chorpita et al., Behav Res Ther 2000;38:835-55 (47 items scored 0-3, total 0-141; cut-offs are "
        "age- and sex-normed T-scores, so no raw-score bands)",
    ),
    Instrument(
        "WHODAS 2.0",
        r"WHODAS(?:[\s-]?2\.0)?+(?:-12|[\s-]12[\s-]item|\s*\(12[\s-]item\))?+(?:\s12)?(?!-?36(?![0-9]))",
        0,
        48,
        source="Üstün et al. (eds), Measuring Health and Disability: Manual for WHODAS 2.0 (WHO, 2010): the "
        "12-item version, simple scoring (items 0-4 summed, 0-48); no published cut-off",
    ),
    Instrument(
        "PSWQ",
        r"PSWQ",
        16,
        80,
        caseness=45,
        source="Meyer, Miller, Metzger & Borkovec, Behav Res Ther 1990;28:487-95 (16 items scored 1-5, 16-80); "
        "cut-off 45 (treatment-seeking GAD vs non-anxious controls): Behar, Alcaine, Zuellig & Borkovec, "
        "J Behav Ther Exp Psychiatry 2003;34:25-43; 65 separates GAD from social anxiety disorder: Fresco et al., "
        "J Behav Ther Exp Psychiatry 2003;34:283-91",
    ),
    Instrument(
        "MDQ",
        r"MDQ",
        0,
        13,
        ((6, "below the symptom threshold"), (13, "symptom threshold met")),
        tracks_change=False,
        source="Hirschfeld et al., Am J Psychiatry 2000;157:1873-5 (count of 13 yes/no symptom items). A positive "
        "screen needs 7 or more AND co-occurrence AND moderate or serious problems, so the count alone is not a "
        "caseness cut-off",
    ),
    Instrument(
        "CAPE-P15",
        r"CAPE[\s-]?P[\s-]?15",
        15,
        60,
        source="Capra, Kavanagh, Hides & Scott, Schizophr Res 2013;149:104-7 (15 positive-symptom items, frequency "
        "scored 1-4, sum 15-60); no raw-sum cut-off verified",
    ),
    Instrument(
        "SDQ",
        r"SDQ(?:\s+total\s+difficulties)?",
        0,
        40,
        ((13, "normal (parent report)"), (16, "borderline (parent report)"), (40, "abnormal (parent report)")),
        target=13,
        source="Goodman, J Child Psychol Psychiatry 1997;38:581-6 (total difficulties, 20 items scored 0-2, 0-40); "
        "bands are the parent-report ones (self-report 0-15 / 16-19 / 20-40, teacher 0-11 / 12-15 / 16-40), so "
        "no single caseness cut-off",
    ),
)

BY_NAME: dict[str, Instrument] = {i.name: i for i in INSTRUMENTS}


def instrument(name: str) -> Instrument | None:
    """The catalogue's entry for an instrument's canonical name (None if it is not catalogued)."""
    return BY_NAME.get(name)


#: The problem areas each instrument measures, so that its objective sits under the goal it fits; "*" marks measures
#: of general distress, stress or functioning, which fit any goal. Instruments not listed fit no goal by themselves.
MEASURED_AREAS: dict[str, tuple[str, ...]] = {
    "PHQ-9": ("depression", "perinatal", "suicidality", "grief", "health-adjustment"),
    "PHQ-A": ("depression", "suicidality"),
    "BDI-II": ("depression", "suicidality", "grief"),
    "GDS-15": ("depression", "cognitive-change", "grief"),
    "EPDS": ("perinatal", "depression"),
    "GAD-7": ("anxiety", "panic", "social-anxiety", "perinatal", "health-adjustment", "work-stress"),
    "BAI": ("anxiety", "panic"),
    "PSWQ": ("anxiety",),
    "PDSS": ("panic",),
    "SPIN": ("social-anxiety",),
    "PCL-5": ("trauma",),
    "PG-13": ("grief",),
    "ISI": ("sleep",),
    "Y-BOCS": ("ocd",),
    "OCI-R": ("ocd",),
    "AUDIT": ("substance-use",),
    "AUDIT-C": ("substance-use",),
    "DAST-10": ("substance-use",),
    "DERS-16": ("emotion-regulation", "self-harm", "personality", "anger"),
    "DERS": ("emotion-regulation", "self-harm", "personality", "anger"),
    "EDE-Q": ("eating-body-image",),
    "ASRS-v1.1": ("adhd",),
    "ASRS-v1.1 Part A": ("adhd",),
    "CSI-16": ("relationship-conflict", "intimacy-attachment"),
    "SCARED": ("anxiety", "social-anxiety", "panic"),
    "RCADS": ("anxiety", "depression"),
    "RCADS-25": ("anxiety", "depression"),
    "SDQ": ("family-conflict",),
    "CAPE-P15": ("psychosis",),
    "PHQ-15": ("health-adjustment",),
    "PSS-10": ("work-stress", "anxiety", "*"),
    "K10": ("*",),
    "CORE-10": ("*",),
    "CORE-OM": ("*",),
    "ORS": ("*",),
    "WSAS": ("*",),
    "WHODAS 2.0": ("*",),
}

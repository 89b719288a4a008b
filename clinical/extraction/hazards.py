"""Risk the client does not pose to themselves: danger from other people (intimate-partner violence, abuse of a child
or vulnerable adult), psychosis-related risk and medical danger — each with features and the intake's own words.

Cues and thresholds follow the sources named in `clinical.risk.PLAN_ELEMENTS`: the Danger Assessment's lethality
items (strangulation, threats to kill, a weapon in the home, stalking, escalation; Campbell et al. 2009), NICE CG178
on psychosis (command hallucinations, persecutory beliefs acted on), the Royal College of Psychiatrists' MEED
guidance CR233 (2022) on physical instability in restrictive eating (bradycardia, hypotension, syncope,
electrolytes), NICE CG115 on alcohol withdrawal (seizures, delirium tremens, morning drinking) and NICE CG192 on
perinatal red flags (postpartum psychosis).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clinical.extraction.context import NOT_ASKED, Assertion, assertion, clauses
from clinical.extraction.measures import extract_measures
from clinical.risk import RiskFinding, RiskStatus

EVIDENCE_CHARS = 240

_OTHER_PERSON = (
    r"(?:partner|husband|wife|spouse|boyfriend|girlfriend|bf|gf|fianc[eé]e?|ex(?:-(?:husband|wife|partner|boyfriend|"
    r"girlfriend))?|stepfather|stepdad|stepmother|father|dad|mother|mum|mom|son|daughter|brother|sister|carer|"
    r"caregiver|uncle|landlord|pimp)"
)
_VICTIM = r"(?:her|him|them|me|the\s+client|pt|the\s+patient|(?-i:[A-Z]\.))\b"


#: Words that keep a report in the history section current ("still", "last week").
_RECENT_WORDS = re.compile(
    r"\b(?:still|currently|ongoing|now|recent(?:ly)?|last\s+(?:week|month|night)|this\s+(?:week|month|year)|"
    r"yesterday|today|continues?|continuing)\b",
    re.I,
)


@dataclass(frozen=True)
class Cue:
    """A phrasing that reports one feature of a kind of risk."""

    feature: str
    pattern: re.Pattern


def _cue(feature: str, pattern: str) -> Cue:
    return Cue(feature, re.compile(pattern, re.I))


DANGER_CUES = (
    _cue(
        "strangulation",
        rf"\bstrangl\w*|\bchok(?:ed|es|ing)\s+{_VICTIM}\b|\bhands?\s+(?:a?round|on)\s+(?:her|his|their|my)\s+(?:neck|throat)"
        r"|\bnon[\s-]?fatal\s+strangulation|\bNFS\b",
    ),
    _cue(
        "threats to kill",
        rf"\bthreat\w*\s+(?:to\s+)?kill|\b(?:would|will|'d|'ll|threaten\w*\s+to|going\s+to)\s+(?:shoot|stab|kill)\s+(?:her|him|them|me)\b|\bthreat\w*\s+(?:her|his|their)\s+life|\b(?:said|says|told\s+{_VICTIM})\s+"
        r"(?:he|she|they)(?:'d|\s+would|\s+will|'ll)\s+kill",
    ),
    _cue(
        "stalking or monitoring",
        r"\bstalk\w*|\btrack\w*\s+(?:her|his|their)\s+(?:phone|location|car)|\bGPS\s+tracker|\bmonitor\w*\s+(?:her|his|their)\s+"
        r"(?:phone|messages|texts|location|emails?|spending)|\bchecks?\s+(?:her|his|their)\s+phone|\bturn(?:s|ed)\s+up\s+at\s+"
        r"(?:her|his|their)\s+(?:work|job|school|flat|house)|\bfollow(?:s|ed|ing)\s+(?:her|him|them)\b",
    ),
    _cue(
        "physical violence",
        rf"\b(?:domestic\s+(?:violence|abuse)|DV|DA\s+(?:victim|survivor)|IPV|intimate[\s-]partner\s+(?:violence|abuse)|"
        rf"(?:physically|violently)\s+abus\w+|abusive\s+(?:partner|husband|wife|boyfriend|girlfriend|relationship|marriage)|"
        rf"battered|beaten\s+(?:by|up)|(?:things|it)\s+(?:got|gets|get)\s+physical|got\s+physical\s+with\s+{_VICTIM}|"
        rf"(?:put|puts|laid|lays)\s+(?:his|her|their)\s+hands\s+on\s+{_VICTIM}|roughed\s+{_VICTIM}\s+up|manhandl\w+\s+{_VICTIM}|(?:hit|hits|hitting|punch\w*|slap\w*|kick\w*|shov\w*|push(?:es|ed)|beat(?:s|ing)?|"
        rf"assault\w*|attack\w*|threw\s+\w+\s+at|bit|burn(?:ed|t))\s+{_VICTIM}(?!\s+(?:to|into|towards?|away|for)\b))",
    ),
    _cue(
        "sexual violence",
        r"\b(?:raped?|sexual(?:ly)?\s+(?:assault\w*|abus\w*|coerc\w*|violen\w*)|forced\s+(?:her|him|them)\s+(?:to\s+have\s+)?sex)\b",
    ),
    _cue(
        "coercive control",
        r"\bcoercive(?:\s+and\s+controlling)?\s+(?:control|behaviou?r)|\bcontrols?\s+(?:all\s+)?(?:the\s+|her\s+|his\s+|their\s+)?"
        r"(?:money|finances|phone|car\s+keys)|\bisolat\w+\s+(?:her|him|them)\s+from|\bwon'?t\s+let\s+(?:her|him|them)\s+(?:see|leave|go|work)",
    ),
    _cue(
        "fear for safety",
        r"\b(?:afraid|scared|frightened|terrified|fearful)\s+(?:of|that)\s+(?:her|his|their|my)?\s*\w*\s*(?:partner|husband|wife|"
        r"boyfriend|girlfriend|ex|him|her|he|she)\b|\bfears?\s+(?:for\s+)?(?:her|his|their|my)\s+(?:life|safety)"
        r"|\b(?:does\s+not|doesn'?t|did\s+not|didn'?t|not|never)\s+(?:feel\w*\s+)?safe\s+(?:at\s+home|with\s+(?:him|her|them|"
        r"partner|husband|wife))|\b(?:feels?|felt|feeling)\s+unsafe|\bunsafe\s+at\s+home"
        r"|\b(?:fear\s+of|scared\s+to|afraid\s+to|frightened\s+to)\s+go(?:ing)?\s+home",
    ),
    _cue(
        "abuse of a child",
        r"\b(?:child|children|kids?|son|daughter|baby|infant|toddler|grandchild\w*|stepson|stepdaughter)\s+(?:\w+\s+){0,3}"
        r"(?:abus\w+|hit|beaten|hurt|neglect\w*|bruis\w+|harmed)\b|\bchild\s+(?:abuse|neglect|maltreatment|protection)"
        r"|\b(?:CPS|DCFS|children'?s\s+services|social\s+services|MASH|Tusla|child\s+welfare)\b(?:\s+\w+){0,4}\s+(?:involved|referral|report|open|case|contacted|called)",
    ),
    _cue(
        "abuse of a vulnerable adult",
        r"\belder\s+(?:abuse|neglect)|\bfinancial(?:ly)?\s+(?:abus\w*|exploit\w*)|\b(?:taking|takes|took|stealing|steals|stole)\s+"
        r"(?:her|his|their)\s+(?:money|pension|benefits|savings|medication)|\badult\s+(?:protective\s+services|safeguarding)|\bAPS\b",
    ),
)
#: Features that strengthen a report of violence; alone they are not one.
_ESCALATION = re.compile(
    r"\bescalat\w*|\b(?:getting|become|becoming)\s+(?:worse|more\s+(?:violent|frequent|severe))|\bmore\s+(?:frequent|severe|often)"
    r"|\bincreas\w+\s+in\s+(?:frequency|severity)",
    re.I,
)
_CHILDREN_PRESENT = re.compile(
    r"\b(?:children|kids|son|daughter|child|baby|toddler)\s+(?:[\w(),]+\s+){0,4}(?:witness\w*|saw|see|sees|heard|hear|present|"
    r"in\s+the\s+(?:room|house|home)\b|at\s+home\b)|\bin\s+front\s+of\s+(?:the\s+)?(?:children|kids|\w+\s+(?:son|daughter))"
    r"|\b(?:witness\w*|exposed\s+to)\s+(?:the\s+)?(?:violence|abuse|fights|assaults?)",
    re.I,
)
#: The client as the one who would act ("I could strangle him", "she'd like to punch him"), not the one harmed.
_CLIENT_ACTOR = re.compile(
    r"(?-i:\bI)(?:'d|'ll)?\s+(?:\w+\s+){0,2}$|\b(?:could|would|'d|wanted\s+to|want\s+to|wants\s+to|feel\s+like|felt\s+like)\s+$",
    re.I,
)
#: Words that make "IPV" a screen, a service or a topic, not a report of violence.
_SCREENING = re.compile(
    r"^\W*(?:screen\w*|assessment|questions?|enquiry|inquiry|history\s+(?:negative|denied)|hotline|helpline|advocate|"
    r"services?|awareness|education|psychoeducation|policy|protocol|training)\b",
    re.I,
)
_DANGER_DENIAL = re.compile(
    r"\b(?:feeling\s+afraid|at\s+risk\s+from\s+others|safety\s+at\s+home|anyone\s+(?:hurting|harming|threatening|abusing|pressuring|taking\s+advantage)|"
    r"violence\s+(?:in|at)\s+(?:the\s+)?home|IPV|DV|domestic\s+(?:violence|abuse)|intimate[\s-]partner\s+violence|abuse|violence\s+at\s+home|"
    r"safety\s+concerns?\s+at\s+home|safeguarding\s+concerns?|concerns?\s+about\s+(?:the\s+)?(?:kids|children)(?:'s)?\s+"
    r"(?:care|safety))\b",
    re.I,
)
#: "Nobody at home or school is hurting her": a denial of danger from others in the client's own words.
_NOBODY_HURTING = re.compile(
    r"\b(?:nobody|no\s+one|no-one)\s+(?:\w+\s+){0,6}?(?:(?:(?:is|was|has\s+been)\s+)?(?:hurting|hitting|harming|abusing|threatening)|"
    r"(?:has\s+)?(?:threatened|hurt|harmed|hit|abused)(?:\s+or\s+(?:threatened|hurt|harmed|hit|abused))?)\s+(?:her|him|them|me)\b",
    re.I,
)
#: A safeguarding step taken or a child-protection service involved (not "no safeguarding concerns").
_SAFEGUARDING_ACTION = re.compile(
    r"\b(?:safeguarding\s+(?:referral|lead|team|report)|DSL|designated\s+safeguarding|child\s+protection|children['’]?s\s+"
    r"social\s+care|MASH|CPS|DCFS|social\s+services|mandated\s+report\w*|adult\s+protective\s+services|APS)\b",
)
_FEELS_SAFE = re.compile(
    r"\b(?:feels?|reports?\s+feeling)\s+safe\s+(?:at\s+home|in\s+(?:her|his|their)\s+\w+|with)", re.I
)

_HALLUCINATIONS = re.compile(
    r"\bhallucinat(?!ogen)\w*|\bcommand\s+(?:content|voices?)|\bhearing\s*/\s*seeing\s+things|"
    r"\b(?:hearing|seeing|hears|sees)\s+things\s+(?:that\s+)?others\s+(?:don['’]?t|can['’]?t|do\s+not|cannot)|"
    r"\bunusual\s+(?:perceptual\s+)?experiences|\bperceptual\s+(?:disturbances?|abnormalit\w+)|\bvoices\s+(?:\w+\s+){0,2}(?:command|content|loud|distressing)|"
    r"(?<![A-Za-z])(?:A/?VH|AH|VH|AVH)(?![A-Za-z])|\bhear(?:s|ing)?\s+voices|\bhear(?:s|ing)?\s+a\s+voice\s+(?:that|telling|saying|when)|\bvoices\s+"
    r"(?:tell\w*|say\w*|command\w*|instruct\w*|comment\w*|tell\s+him|tell\s+her|that|which|he\s+hears|she\s+hears|"
    r"they\s+hear)|\bresponding\s+to\s+internal\s+stimuli|\bRTIS\b|\bseeing\s+(?:things|figures|shadows|people)\s+"
    r"(?:that|who|others)\s+(?:aren'?t|are\s+not|can'?t)",
    re.I,
)
_COMMAND = re.compile(
    r"\bcommand\s+(?:hallucinations?|content|voices?)|\bvoices?\s+(?:\w+\s+){0,3}(?:tell\w*|command\w*|instruct\w*|order\w*|urg\w*)\s+"
    r"(?:him|her|them|me)\b",
    re.I,
)
_HARM_CONTENT = re.compile(
    r"\b(?:die|dead|death|kill|hurt|harm|cut|jump|shouldn'?t\s+be\s+alive|should\s+not\s+be\s+alive|not\s+(?:be\s+)?alive|"
    r"doesn'?t\s+deserve\s+to\s+live|end\s+it|punish|attack)\b",
    re.I,
)
_PERSECUTORY = re.compile(
    r"\bparanoi(?:a|d\s+(?:ideation|ideas|delusions?|beliefs|thoughts|psychosis|schizophrenia|features))\b(?!\s+about\s+(?:what|how|germs))|"
    r"\bparanoid\s+(?:that\s+)?(?:\w+\s+){0,4}(?:watch|follow|poison|plot|against|out\s+to\s+get|spy|track|harm|conspir)\w*|\bpersecutory|\bdelusion\w*|\bbeing\s+(?:watched|followed|poisoned|tracked|monitored|spied\s+on|"
    r"filmed|plotted\s+against)|\b(?:believes?|convinced|certain|sure)\s+(?:that\s+)?(?:\w+\s+){0,4}(?:are|is)\s+"
    r"(?:watching|following|poisoning|tracking|spying|plotting|out\s+to\s+get)|\bthought\s+(?:broadcasting|insertion|"
    r"withdrawal)|\bideas\s+of\s+reference|\bpsychotic\s+(?:symptoms|sx|features|episode|experiences|ideas|phenomena)|\bpsychosis\b|"
    r"\bfirst[\s-]episode|\bFEP\b|\bformal\s+thought\s+disorder|\bthought\s+disorder",
    re.I,
)
_ACT_ON_BELIEFS = re.compile(
    r"\b(?:plans?|intends?|intent|going|wants?|prepared|ready)\s+(?:to\s+)?(?:confront|get\s+(?:them|him|her)|defend|"
    r"protect\s+(?:himself|herself|themselves)|arm\w*|buy\s+a\s+(?:gun|knife|weapon)|carry\w*\s+a\s+(?:knife|weapon)|"
    r"hurt|attack|fight|kill)|\bcarr(?:y|ies|ying)\s+a\s+(?:knife|weapon|blade)\s+for\s+protection",
    re.I,
)
_PSYCHOSIS_DENIAL = re.compile(
    r"\b(?:psychotic\s+(?:symptoms|sx|features|phenomena)|psychosis|hallucinations?|A/?VH|AH|VH|delusions?|paranoi\w*|"
    r"perceptual\s+disturbances?|thought\s+disorder)\b",
    re.I,
)

_EATING = re.compile(
    r"\brestrict\w*|\banorexi\w*|\bARFID\b|\bbulimi\w*|\bpurg\w*|\bvomit\w*|\blaxative|\bcalori\w*|\bweight\s+loss|"
    r"\blost\s+\d+\s*(?:kg|lbs?|pounds|stone)|\bEDE-?Q|\bBMI\b|\bskipp\w+\s+meals|\bfasting|\bbinge",
    re.I,
)
_PHYSICAL_INSTABILITY = re.compile(
    r"\bbradycardi\w*|\b(?:HR|heart\s+rate|pulse)\s*(?:of|is|was|at|:|=)?\s*(?:[2-4]\d|5[0-4])\b(?!\s*%)|"
    r"\bhypotensi\w*|\blow\s+blood\s+pressure|\bBP\s*(?:of|:|=)?\s*(?:[5-8]\d)/\d{2}|\borthostatic|\bpostural\s+(?:drop|"
    r"hypotension|tachycardia)|\bsyncop\w*|\bfaint(?:ed|ing|s)?\b|\bpassed\s+out|\bblack(?:ed|ing)\s+out|\bdizz(?:y|iness)|"
    r"\blight[\s-]?headed\w*|\bhypokala?emi\w*|\blow\s+(?:potassium|sodium|phosphate|glucose|blood\s+sugar)|"
    r"\belectrolyte\w*|\brefeeding|\bBMI\s*(?:of|:|=|is|was)?\s*(?:1[0-5](?:\.\d)?|[5-9](?:\.\d)?)\b|\bchest\s+pain|"
    r"\bpalpitations|\bhypotherm\w*|\bcold\s+intoleran\w*|\b(?:QTc|ECG\s+(?:changes|abnormal\w*)|arrhythmia\w*)\b|"
    r"\bvomit\w*\s+(?:\d+|several|multiple|many|three|four|five)\s+times\s+(?:a|per|each)\s+day|\bcollaps\w+|"
    r"\blost\s+\d+\s*(?:kg|kilos?|lbs?|pounds|stone)\s+(?:in|over)\s+(?:the\s+(?:last|past)\s+)?(?:\d+|a\s+few|two|three|four|six)\s+"
    r"(?:weeks?|months?)",
    re.I,
)
_ALCOHOL_OR_BENZO = re.compile(
    r"\balcohol|\bdrink\w*|\bETOH\b|\bEtOH\b|\bvodka|\bwine|\bbeers?|\bspirits|\bunits|\bbenzo\w*|\balprazolam|\bXanax|"
    r"\bdiazepam|\bValium|\bclonazepam|\bKlonopin|\blorazepam|\bAtivan|\btemazepam|\bchlordiazepoxide|\bLibrium",
    re.I,
)
_WITHDRAWAL = re.compile(
    r"\bwithdrawal\s+(?:seizures?|symptoms?|fits?|risk|history|syndrome|from\s+(?:alcohol|benzo\w*|drink\w*))|"
    r"\b(?:alcohol|benzo\w*|drug|opiate|opioid|ETOH|EtOH|w/d)\s+withdrawals?\b|\bw/d\b|\bdelirium\s+tremens|\bDTs\b|"
    r"\b(?:morning|a\.?m\.?)\s+(?:drinking|drink|shakes|tremor)|\beye[\s-]?opener|\bdrinks?\s+(?:on\s+waking|first\s+thing|"
    r"in\s+the\s+morning|to\s+(?:stop|steady)\s+the\s+shakes)|\bshakes\b|\btremor\w*|\bseizures?\b|\bfits\b|"
    r"\bCIWA|\b(?:stop|stopping|quit|quitting|cut\w*\s+out)\s+(?:\w+\s+){0,2}(?:abruptly|cold\s+turkey|suddenly)|"
    r"\bcold\s+turkey",
    re.I,
)
_PERINATAL_CONTEXT = re.compile(
    r"\bpregnan\w*|\bpostpartum|\bpost[\s-]?natal|\bperinatal|\bantenatal|\bgestation|\b\d{1,2}\s*weeks?\s+pregnant|"
    r"\bnewborn|\bbaby|\binfant|\bdelivery|\bgave\s+birth|\bpuerper\w*|\bweeks?\s+postpartum",
    re.I,
)
_PERINATAL_RED_FLAGS = re.compile(
    r"\b(?:postpartum|puerperal|post[\s-]?natal)\s+psychosis|\bpre[\s-]?eclampsia|\beclampsia|\bhyperemesis|"
    r"\b(?:hasn'?t|has\s+not|haven'?t|not)\s+slept\s+(?:in|for)\s+(?:\d+|two|three|four|several)\s+(?:days|nights)|"
    r"\bno\s+sleep\s+(?:for|in)\s+(?:\d+|two|three|four|several)\s+(?:days|nights)|\bconfus\w+|\bdisorient\w*|"
    r"\bthoughts?\s+(?:of|about)\s+(?:harming|hurting|killing)\s+(?:the|her|his|their)\s+baby|\bsevere\s+headaches?|"
    r"\bvisual\s+disturbances?|\bbleeding",
    re.I,
)
_MEDICAL_CLEAR = re.compile(
    r"\bmedically\s+(?:stable|cleared|well)|\b(?:vitals?|obs|BP|bloods)\s+(?:signs\s+)?(?:and\s+\w+\s+)?(?:WNL|within\s+normal\s+limits|"
    r"normal|stable|fine|unremarkable)|\bno\s+(?:acute\s+|current\s+|significant\s+|physical\s+)?(?:withdrawal|medical|physical\s+health)"
    r"\s+(?:symptoms|concerns|history|risk|issues)|\bno\s+hx\s+of\s+withdrawal",
    re.I,
)


#: A weapon the other person holds: alone it is not a report of violence; beside one it is a lethality factor.
_OTHERS_WEAPON = re.compile(
    rf"\b{_OTHER_PERSON}(?:'s|’s)\s+(?:\w+\s+)?(?:guns?|firearms?|rifles?|pistols?|handguns?|shotguns?|knife|knives|weapons?)"
    rf"|\b{_OTHER_PERSON}\s+(?:owns?|keeps?|has|carries|brandish\w*|pointed|waved)\s+(?:a\s+|an\s+|his\s+|her\s+)?"
    r"(?:\w+\s+)?(?:guns?|firearms?|rifles?|pistols?|handguns?|shotguns?|knife|knives|weapons?)"
    r"|\b(?:guns?|firearms?|rifles?|weapons?)\s+(?:belong\w*\s+to|owned\s+by|of)\s+(?:her|his|their)\s+\w+",
    re.I,
)
#: A weapon named anywhere; risk reads it too, to keep another person's weapon out of the client's means.
WEAPON = re.compile(r"\b(?:guns?|firearms?|rifles?|pistols?|handguns?|shotguns?|weapons?|knife|knives)\b", re.I)
_OTHER_NOUN = re.compile(
    r"\b(?:partner|husband|wife|spouse|boyfriend|girlfriend|fianc[eé]e?|ex|ex-\w+|stepfather|stepdad|father|dad|"
    r"brother|son|abuser|perpetrator)\b",
    re.I,
)


_NAMED_OWNER = re.compile(
    r"(?-i:\b([A-Z][a-z]+))\s+(?:owns?|keeps?|has|carries|bought)\s+(?:a\s+|an\s+|his\s+|her\s+|their\s+)?(?:[\w.]+\s+)?"
    r"(?:guns?|firearms?|rifles?|pistols?|handguns?|shotguns?|weapons?|knife|knives)\b"
    r"|\b(?:guns?|firearms?|rifles?|handguns?|weapons?)\s+(?:is|are)\s+(?:his|hers|theirs)\b",
    re.I,
)


def weapon_held_by_other(clause: str, alias: str = "", named: bool = True) -> bool:
    """Whether a sentence's weapon belongs to another person (a partner's gun is a danger to the client, not the
    client's means): a partner's or relative's, or — with `named`, used only once danger from others is reported,
    since a client's own gun must never be missed — a named person's other than the client's."""
    if _OTHERS_WEAPON.search(clause):
        return True
    owner = _NAMED_OWNER.search(clause) if named else None
    if owner and (owner.group(1) is None or owner.group(1).lower() not in alias.lower()):
        return True
    weapon = WEAPON.search(clause)
    other = _OTHER_NOUN.search(clause)
    return bool(weapon and other and other.start() < weapon.start())


#: NICE CG115 (2011), 1.3.1.1: consider medically assisted withdrawal for people who typically drink over 15 units a
#: day and/or score 20 or more on the AUDIT — the drinking at which stopping abruptly risks complicated withdrawal.
WITHDRAWAL_UNITS_PER_DAY = 15
WITHDRAWAL_AUDIT = 20
_UNITS_A_DAY = re.compile(
    r"\b(\d{1,3})\s*(?:\+\s*)?units?\s*(?:of\s+alcohol\s+)?(?:a|per|/|each|every)\s*(?:day|d)\b", re.I
)


@dataclass
class _Finding:
    reported: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    denied: bool = False
    historical: bool = False

    def report(self, feature: str, clause: str) -> None:
        if feature not in self.reported:
            self.reported.append(feature)
        span = clause.strip()[:EVIDENCE_CHARS]
        if span not in self.evidence:
            self.evidence.append(span)

    def result(self) -> RiskFinding:
        if self.reported:
            return RiskFinding(status=RiskStatus.REPORTED, features=self.reported, evidence=self.evidence[:6])
        if self.denied:
            return RiskFinding(status=RiskStatus.DENIED, evidence=self.evidence[:3])
        return RiskFinding()


@dataclass
class Hazards:
    """Danger from others, psychosis-related and medical risk, plus whether a safeguarding duty applies and the
    past events stated."""

    danger_from_others: RiskFinding
    psychosis: RiskFinding
    medical: RiskFinding
    safeguarding: bool | None
    history: list[str]


def _about_now(found: Assertion) -> bool:
    return not (found.historical or found.hypothetical or found.asked or found.figurative)


def extract_hazards(
    text: str, risk_section: str = "", history_section: str = "", alias: str = "", parts: list[str] | None = None
) -> Hazards:
    """Danger from others, psychosis-related risk and medical danger as reported in the intake.

    A report counts wherever it is written (the safer reading). A denial of danger from others counts only in the
    risk section; a denial of psychotic symptoms wherever the mental state is written; medical danger is denied only
    by a clear statement (medically stable, vitals within normal limits, no withdrawal history). `parts` are the
    text's clauses when the caller has split it already."""
    parts = clauses(text) if parts is None else parts
    danger, psychosis, medical = _Finding(), _Finding(), _Finding()
    history: list[str] = []
    text_has_eating = bool(_EATING.search(text))
    text_has_substances = bool(_ALCOHOL_OR_BENZO.search(text))
    text_is_perinatal = bool(_PERINATAL_CONTEXT.search(text))
    children_clause: str | None = None  # the first sentence with children present (not "no children")
    escalation_clause: str | None = None
    heavy_drinking: list[str] = []
    weapon_clauses: list[str] = []
    safeguarding_steps: list[str] = []
    for clause in parts:
        in_risk_section = bool(risk_section) and clause in risk_section
        if escalation_clause is None and _ESCALATION.search(clause):
            escalation_clause = clause
        units = _UNITS_A_DAY.search(clause)
        if (
            units
            and int(units.group(1)) > WITHDRAWAL_UNITS_PER_DAY
            and not assertion(clause, units.start(), units.end()).negated
        ):
            heavy_drinking.append(clause)
        if NOT_ASKED.search(clause):
            continue  # "risk from others / psychosis: not asked" says nothing either way
        # Danger from others: the client as the one harmed.
        for cue in DANGER_CUES:
            for match in cue.pattern.finditer(clause):
                if _CLIENT_ACTOR.search(clause[: match.start()]):
                    continue  # "I could strangle him": the client as the actor, not the one in danger
                if _SCREENING.match(clause[match.end() :]) or re.search(
                    r"\bfor\s+(?:an?\s+)?$|\bscreen\w*\s+(?:for\s+)?$", clause[: match.start()], re.I
                ):
                    continue  # "seen alone for IPV screening", "DV hotline": a screen or a service
                found = assertion(clause, match.start(), match.end())
                if found.negated:
                    if in_risk_section:
                        danger.denied = True
                    continue
                in_history = bool(history_section) and clause in history_section and not in_risk_section
                if found.historical or (in_history and not _RECENT_WORDS.search(clause)):
                    if "abuse_victim" not in history:
                        history.append("abuse_victim")
                    continue
                if not _about_now(found):
                    continue
                danger.report(cue.feature, clause)
                if WEAPON.search(clause):
                    weapon_clauses.append(clause)  # "threatened to kill her with his gun"
        if WEAPON.search(clause) and weapon_held_by_other(clause, alias):
            found = assertion(clause, 0, 0)
            if not (found.negated or found.historical or found.hypothetical):
                weapon_clauses.append(clause)
        for match in _CHILDREN_PRESENT.finditer(clause):
            if children_clause is None and not assertion(clause, match.start(), match.end()).negated:
                children_clause = clause
        for match in _DANGER_DENIAL.finditer(clause):
            if in_risk_section and assertion(clause, match.start(), match.end()).negated:
                danger.denied = True
        if in_risk_section and _NOBODY_HURTING.search(clause):
            danger.denied = True
        for match in _SAFEGUARDING_ACTION.finditer(clause):
            found = assertion(clause, match.start(), match.end())
            if not (found.negated or found.hypothetical or found.historical):
                safeguarding_steps.append(clause)
        if (
            in_risk_section
            and _FEELS_SAFE.search(clause)
            and not re.search(r"\b(?:not|doesn'?t|does\s+not)\s+feel", clause, re.I)
        ):
            danger.denied = True

        # Psychosis-related risk.
        for regex, feature in ((_HALLUCINATIONS, "hallucinations"), (_PERSECUTORY, "persecutory beliefs")):
            for match in regex.finditer(clause):
                found = assertion(clause, match.start(), match.end())
                if found.negated:
                    psychosis.denied = True  # usually written in the mental state examination, not the risk section
                    continue
                if found.historical:
                    if "psychosis" not in history:
                        history.append("psychosis")
                    continue
                if found.hypothetical or found.asked or found.figurative or found.other_experiencer:
                    continue
                if feature == "persecutory beliefs" and re.fullmatch(r"psychosis", match.group(0), re.I):
                    feature = "psychotic symptoms"
                psychosis.report(feature, clause)
                if _COMMAND.search(clause):
                    psychosis.report("command hallucinations", clause)
                    if _HARM_CONTENT.search(clause):
                        psychosis.report("command hallucinations about death or harm", clause)
                if _ACT_ON_BELIEFS.search(clause):
                    psychosis.report("intent to act on beliefs", clause)

        # Medical danger.
        for match in _PHYSICAL_INSTABILITY.finditer(clause):
            found = assertion(clause, match.start(), match.end())
            if found.negated or not _about_now(found) or found.other_experiencer:
                continue
            if text_has_eating:
                medical.report("restrictive eating with physical instability", clause)
            elif re.search(
                r"\bbradycardi|\bhypotensi|\bsyncop|\bHR\b|\bheart\s+rate|\bBP\b|electrolyte|potassium",
                match.group(0),
                re.I,
            ):
                medical.report("unstable vital signs", clause)
        if text_has_substances:
            for match in _WITHDRAWAL.finditer(clause):
                found = assertion(clause, match.start(), match.end())
                if found.negated:
                    if in_risk_section or clause.lower().startswith(("no withdrawal", "denies withdrawal")):
                        medical.denied = True
                    continue
                if found.other_experiencer or found.hypothetical or found.asked:
                    continue
                if not _ALCOHOL_OR_BENZO.search(clause) and not re.search(
                    r"withdrawal\s+(?:seizure|fit)|DTs|delirium|CIWA|detox|eye[\s-]?opener", match.group(0), re.I
                ):
                    continue  # "withdrawal", "shakes" or "seizures" with no substance in the sentence are not withdrawal
                benzo = re.search(
                    r"benzo|alprazolam|xanax|diazepam|valium|clonazepam|klonopin|lorazepam|ativan|temazepam",
                    clause,
                    re.I,
                )
                medical.report("benzodiazepine withdrawal risk" if benzo else "alcohol withdrawal risk", clause)
        if text_is_perinatal:
            for match in _PERINATAL_RED_FLAGS.finditer(clause):
                found = assertion(clause, match.start(), match.end())
                if found.negated and in_risk_section:
                    medical.denied = True  # "no features of postpartum psychosis"
                if found.negated or not _about_now(found) or found.other_experiencer:
                    continue
                medical.report("perinatal red flags", clause)
        if _MEDICAL_CLEAR.search(clause):
            medical.denied = True

    for clause in weapon_clauses if danger.reported else []:
        danger.report("weapon held by the other person", clause)
    for clause in heavy_drinking:
        medical.report("alcohol withdrawal risk", clause)
    audit = [
        m
        for m in (extract_measures(text).measures if "AUDIT" in text else [])
        if m.name == "AUDIT" and m.score >= WITHDRAWAL_AUDIT
    ]
    if audit:
        span = next((c for c in parts if "AUDIT" in c), f"AUDIT {audit[-1].display_score}")
        medical.report("alcohol withdrawal risk", span)
    if danger.reported and children_clause is not None:
        danger.report("children exposed", children_clause)
    if danger.reported and escalation_clause is not None:
        danger.report("escalation", escalation_clause)
    safeguarding = None
    if danger.reported:
        harmed = ("children exposed", "abuse of a child", "abuse of a vulnerable adult")
        safeguarding = bool(safeguarding_steps) or any(f in danger.reported for f in harmed)
    return Hazards(
        danger_from_others=danger.result(),
        psychosis=psychosis.result(),
        medical=medical.result(),
        safeguarding=safeguarding,
        history=history,
    )

"""Risk as reported: suicidal ideation (including indirect wording), plan, intent, the client's own means,
self-harm, harm to others, recency, protective factors — and, from `hazards`, danger from others, psychosis-related
and medical risk. Negation, history, hypotheticals, other people's experience and figures of speech are read by
one mechanism (`context.assertion`); every kind keeps the intake's own words as evidence."""

from __future__ import annotations

import re

from clinical.extraction.context import NOT_ASKED, assertion, clauses, is_negated, mention_negated
from clinical.extraction.hazards import EVIDENCE_CHARS, WEAPON, extract_hazards, weapon_held_by_other
from clinical.risk import RiskAssessment, RiskKind, RiskStatus, SuicidalIdeation

_SELF = r"(?:her|him|them|my|your|our)sel(?:f|ves)|themself|oneself"
_SI = re.compile(
    r"(?<![A-Za-z])SI(?![A-Za-z])|\bsuicid(?:al|ality)\b(?!\s+(?:attempts?|gestures?)\b)|thoughts?\s+of\s+(?:suicide|dying|death|ending\s+it)"
    rf"|\b(?:wants?|wanting|wanted|wish(?:es|ed)?)\s+(?:to\s+)?(?:die|be\s+dead|(?:she|he|they|I)\s+(?:were|was)\s+dead)"
    r"|\bbetter\s+off\s+(?:dead|without\s+(?:me|her|him|them))|\bdeath\s+wish|(?:not|never|didn'?t|did\s+not|wouldn'?t|won'?t)\s+(?:to\s+)?wake\s+up"
    rf"|\bkill(?:ing)?\s+(?:{_SELF})|\bend(?:ing)?\s+(?:her|his|their|my)\s+(?:own\s+)?life|\btake\s+(?:her|his|their|my)\s+own\s+life"
    r"|\bending\s+it\s+all|\b(?:easier|better)\s+if\s+(?:I|she|he|they)\s+(?:were|was)\s+(?:dead|gone|not\s+(?:here|around|alive))"
    r"|\b(?:doesn'?t|don'?t|does\s+not|do\s+not)\s+want\s+to\s+(?:be\s+alive|live|exist|be\s+here(?:\s+any\s*more)?)\b"
    r"|\bno\s+(?:point|reason)\s+(?:in\s+)?(?:going\s+on|living|carrying\s+on|being\s+(?:here|alive)|to\s+(?:live|go\s+on))"
    r"|\b(?:not|never)\s+(?:to\s+)?wak(?:e|ing)\s+up|\b(?:thoughts?|ideas?|urges?)\s+of\s+(?:[\w-]+\s+or\s+)?suicide\b"
    r"|\b(?:don['’]?t|doesn['’]?t|can['’]?t|cannot)\s+see\s+(?:the|any)\s+point(?:\s+(?:anymore|any\s+more|in\s+(?:living|going\s+on|life)))?"
    r"|\b(?:thought|thinks|thinking|thoughts)\s+(?:about|of)\s+not\s+(?:being\s+(?:here|around|alive)|existing|waking\s+up)"
    r"|\b(?:relief|easier|better)\s+(?:not\s+to|to\s+not)\s+(?:exist|be\s+here|be\s+alive|wake\s+up)"
    r"|\bif\s+(?:I|she|he|they)\s+(?:just\s+)?(?:wasn['’]?t|weren['’]?t|was\s+not|were\s+not)\s+(?:here|around|alive)|"
    r"\bpray(?:s|ed|ing)?\s+(?:\w+\s+){0,3}?(?:that\s+)?(?:God|the\s+Lord)\s+(?:will|would)\s+take\s+(?:her|him|them|me)|\bdeath\s+would\s+be\s+a\s+relief"
    r"|\b(?:wants?|wanting|wish(?:es)?)\s+to\s+(?:be\s+with|join)\s+(?:her|his|their|my)\s+(?:late\s+)?\w+\s+(?:again|in\s+heaven)"
    r"|\b(?:wish(?:es|ed)?|wants?)\s+(?:she|he|they|I)?\s*(?:could\s+)?(?:just\s+)?(?:disappear|vanish|not\s+exist)"
    r"|\bwouldn['’]?t\s+care\s+if\s+(?:she|he|they|I)\s+(?:didn['’]?t|did\s+not)\s+wake|\brather\s+be\s+dead"
    r"|\btired\s+of\s+being\s+(?:here|alive)|\b(?:looked|looking)\s+up\s+(?:suicide\s+)?methods|\bwrote\s+a\s+(?:suicide\s+)?note"
    r"|\bgiv(?:ing|en|es|e)\s+(?:\w+\s+)?(?:things|possessions|belongings|stuff|pets?)\s+away\b"
    r"|\b(?:have|has|had)\s+a\s+better\s+(?:mum|mom|mother|dad|father|life|time|future)\s+without\s+(?:me|her|him|them)\b"
    r"|\bbetter\s+without\s+(?:me|her|him|them)\s+(?:around|here|alive)\b"
    r"|\bthoughts?\s+of\s+death\b|\b(?:thoughts?|feelings?)\s+of\s+not\s+wanting\s+to\s+(?:be\s+alive|live|be\s+here|exist)|\bthinks?\s+about\s+dying|\bwouldn'?t\s+(?:mind|care)\s+if\s+(?:she|he|they|I)\s+(?:died|didn'?t\s+wake)"
    r"|\bwouldn'?t\s+mind\s+if\s+(?:a\s+(?:bus|car|lorry|truck)|something)\s+(?:hit|happened)|\btired\s+of\s+(?:living|life|being\s+alive)"
    r"|\blife\s+(?:is\s+|isn'?t\s+|is\s+not\s+|not\s+)?(?:not\s+)?worth\s+living|\bcan'?t\s+go\s+on\b|\b(?:wish(?:es|ed)?|want(?:s|ed)?)\s+"
    r"(?:it\s+)?(?:all\s+)?to\s+(?:end|be\s+over)|\bdisappear\s+(?:forever|for\s+good|permanently)|\bsuicidal\s+(?:thoughts|ideation|feelings)",
    re.I,
)
_SI_FAMILY = re.compile(
    r"\b(?:died|death|lost\s+\w+)\s+(?:by|to)\s+suicide|\bcommitted\s+suicide|\bcompleted\s+suicide", re.I
)
_PASSIVE = re.compile(
    r"\bpassive\b|take\s+(?:her|him|them|me)|relief|be\s+with|join|disappear|vanish|not\s+exist|rather\s+be\s+dead|"
    r"being\s+(?:here|alive)|see\s+(?:the|any)\s+point|not\s+(?:being\s+)?(?:here|around|existing|exist)|(?:wasn|weren)['’]?t\s+here|wish(?:es|ed)?\s+.*dead|wake\s+up|better\s+off|death\s+wish|wouldn'?t\s+(?:mind|care)|no\s+(?:point|reason)|"
    r"tired\s+of|worth\s+living|can'?t\s+go\s+on|to\s+(?:end|be\s+over)|disappear|be\s+here|be\s+alive|wanting\s+to\s+die"
    r"|wants?\s+to\s+die|want(?:ed)?\s+to\s+be\s+dead",
    re.I,
)
_ACTIVE = re.compile(
    rf"\bactive\b|methods|note|\bkill(?:ing)?\s+(?:{_SELF})|\bend(?:ing)?\s+(?:her|his|their|my)|\btake\s+(?:her|his|their|my)",
    re.I,
)
_PLAN = re.compile(r"\bplan(?:s|ned|ning)?\b", re.I)
_NOT_A_SUICIDE_PLAN = re.compile(r"\b(?:safety|treatment|crisis|care|discharge|session)\s+plans?\b", re.I)
_LETHAL_PLAN = re.compile(
    r"\b(?:has|had|have|with|reports?|endorses?|describes?|made)\s+(?:a\s+)?(?:specific\s+|clear\s+|detailed\s+)?plan\b"
    r"|\bplan(?:s|ned|ning)?\s+(?:\w+\s+){0,3}?(?:to\s+)?(?:overdose|kill|die|end|hang|shoot|jump|cut|suicide)\b"
    r"|\bintent\s+to\s+(?:act|die|kill|end)",
    re.I,
)
_INTENT = re.compile(r"\bintent(?:ion)?s?\b", re.I)
_MEANS = re.compile(
    r"\b(?:firearms?|guns?|rifles?|pistols?|handguns?|shotguns?|weapons?|pills|tablets|medications?|meds|stockpil\w*|"
    r"overdos\w*|paracetamol|acetaminophen|opioids?|morphine|oxycodone|tramadol|codeine|zopiclone|sleeping\s+pills|insulin|"
    r"lithium|"
    r"ropes?|knives|knife|razors?|blades?|bridge|car\s+exhaust|poison)\b",
    re.I,
)
_ACCESS = re.compile(r"\b(?:access|owns?|has|keeps?|stockpil\w*|stored|available|in\s+the\s+(?:home|house))\b", re.I)
_SELF_HARM = re.compile(
    rf"(?-i:(?<![A-Za-z.])D?SH(?![A-Za-z.]))|\bself[\s-]?harm(?:ing|ed|s)?\b|\bself[\s-]?injur(?:y|ious|ing)\b|\bNSSI\b|\bcut(?:s|ting)?\s+(?:on\s+)?(?:{_SELF}|(?:her|his|their|my)\s+(?:fore)?(?:arms?|legs?|thighs?|wrists?|skin|stomach|hips?|body))"
    r"|\b(?:hx\s+of|history\s+of|h/o|past|prior|previous|recent|ongoing|started|stopped|urges?\s+(?:to|for))\s+cutting\b"
    r"|\bhead[\s-]?bang\w*|\b(?:punch\w*|hit\w*)\s+(?:walls?|doors?)\s+(?:to\s+hurt|until\s+(?:his|her|their)\s+(?:hands?|knuckles?)\s+bled)"
    r"|\bburn\w*\s+(?:her|his|their|my)\s+(?:skin|arms?|legs?|hands?|wrists?)|\b(?:picks?|picking)\s+(?:at\s+)?(?:her|his|their)\s+skin\s+"
    r"(?:until|till)\s+it\s+bleeds\s+on\s+purpose|\bhurt(?:s|ing)?\s+(?:her|him|them)sel(?:f|ves)\s+on\s+purpose"
    r"|\b(?:cutting|scratching|burning|picking|carving)\s+(?:to|on|of|into)\s+(?:her|his|their|the)?\s*(?:fore)?(?:wrists?|arms?|"
    r"legs?|thighs?|skin|stomach|body|hips?)\b"
    rf"|\bcutting\b(?=[^.;\n]*\b(?:arms?|legs?|thighs?|wrists?|skin|stomach|razor|blade|scars?|self|wounds?|NSSI|bled|bleeding)\b)|\bburn(?:s|ing|ed)?\s+(?:{_SELF})|\b(?:hit|hitting|hits|scratch(?:es|ing)?|hurt(?:s|ing)?|harm(?:s|ing)?)\s+(?:{_SELF})",
    re.I,
)
_HI = re.compile(
    r"(?<![A-Za-z])(?:HI|HTO)(?![A-Za-z])|\bhomicidal\b|\b(?:thoughts?|urges?|wish\w*|wanting|want|intent\w*|plans?|impulses?)\s+(?:of|to)\s+"
    r"(?:hurt|harm|kill|attack|hit)\w*\s+(?:or\s+\w+\s+)?(?!(?:her|him|them|my|your|our|it)sel)(?:anyone|any\s*one|others|someone|somebody|"
    r"other\s+people|people|him|her|them|(?:the|her|his|their|a)\s+\w+|(?-i:[A-Z][a-z]+|[A-Z]\.)|neighbou?rs|\w+s)(?![A-Za-z])"
    r"|\b(?:hurting|harming|killing)\s+(?:anyone|others|someone|other\s+people)\b"
    r"|(?-i:\bI)(?:'ll|\s+will|'d|\s+would|'m\s+going\s+to|'m\s+gonna)\s+(?:kill|hurt|stab|shoot|strangle|beat\s+up|smash)\s+"
    r"(?:him|her|them|you|(?-i:[A-Z][a-z]+))\b|\bthoughts?\s+of\s+(?:hurting|harming|killing)\s+(?:others|someone|anyone|other\s+people|him|her|them|his|her)\b"
    r"|\b(?:sent|made|left|posted)\s+(?:[\w'-]+\s+){0,3}threatening\s+(?:texts?|messages?|calls?|emails?|letters?|posts?)"
    r"|\bthreaten(?:ed|ing|s)\s+to\s+(?:kill|hurt|harm|bash|stab|shoot|beat|attack)\b"
    r"|\bviolent\s+thoughts\s+(?:toward|towards|about)\b|\bharm\s+to\s+others\b|\b(?:harming|hurting)\s+(?:others|anyone|"
    r"the\s+baby|(?:her|his|their|the)\s+(?:baby|child|children|kids|partner|mother|father))\b"
    r"|\b(?:threats?|aggression|violence)\s+(?:to|toward|towards|against)\s+(?:others|anyone|people|family(?:\s+members)?|"
    r"(?:her|his|their)\s+\w+)\b",
    re.I,
)
_ATTEMPT = re.compile(
    r"\bsuicide\s+attempts?\b|\battempt(?:ed|s)?\s+(?:suicide|to\s+kill|to\s+end)|\boverdosed\b", re.I
)
#: In a sentence about risk, "no prior attempts" means suicide attempts.
_ATTEMPT_IN_RISK = re.compile(
    r"\b(?:prior|previous|past|lifetime)\s+attempts?\b|\b(?:hx|history)\s+of\s+(?:\w+\s+)?attempts?\b", re.I
)
_NO_ATTEMPTS = re.compile(r"\bno\s+(?:suicide\s+)?attempts?\b", re.I)
_RECENCY = re.compile(
    r"\b(?:(?:last|this|past)\s+(?:night|week|weekend|month|year|few\s+(?:days|weeks|months)|\d+\s+(?:days|weeks|months))|"
    r"(?:yesterday|today|this\s+morning|tonight|currently|ongoing|daily|nightly|recently)|"
    r"(?:\d+|a|one|two|three|four|five|six|several|a\s+few|few)\s*(?:days?|weeks?|wks?|months?|mos?|years?|yrs?)\s+ago|"
    r"(?<![A-Za-z])[x×]\s*\d+\s*(?:days?|weeks?|wks?|months?|mos?)|"
    r"(?:in|over|within|for)\s+the\s+(?:past|last)\s+(?:\d+\s*|two\s+|three\s+|few\s+|several\s+|couple\s+of\s+)?(?:days?|weeks?|wks?|months?|mos?|year)|"
    r"since\s+(?:january|february|march|april|may|june|july|august|september|october|november|december|last\s+\w+)|"
    r"most\s+days|every\s+day|several\s+times\s+a\s+(?:week|month)|once\s+a\s+(?:week|month))\b",
    re.I,
)
#: Unwanted, ego-dystonic thoughts or images of harm (perinatal OCD), not thoughts of harming anyone.
_INTRUSIVE = re.compile(
    r"\b(?:intrusive|unwanted|ego[\s-]?dystonic|obsessional|abhorrent)\s+(?:\w+\s+)?(?:thoughts?|images?|pictures?|ideas?|"
    r"urges?|intrusions?)\b|\b(?:harm\s+)?obsessions?\b|\bintrusions?\b|\bego[\s-]?dystonic\b",
    re.I,
)
_VOICES = re.compile(r"\bvoices?\b|\bcommand\s+hallucinations?", re.I)
_OWN = re.compile(r"\b(?:her|his|their)\s+own\b|\b(?:client|pt|patient)(?:'s|’s)\b", re.I)
#: Means given up: "sold his rifle in 2022", "gave the pills to his sister".
_GOT_RID = re.compile(
    r"\b(?:blister\s+packs?|dosette|dispensed\s+(?:weekly|daily)|no\s+(?:spare|extra)\s+supply|sold|got\s+rid\s+of|gave\s+away|gave\s+up|removed|handed\s+(?:in|over)|disposed\s+of|surrendered)\b",
    re.I,
)
_GIVEN_UP = re.compile(
    r"^\s*(?:access\s+)?(?:unknown|not\s+known|unclear)\b|\bblister\s+packs?|\bdosette|\bno\s+(?:spare|extra)\s+supply|\b(?:was|were|has\s+been|have\s+been|is|are|now)\s+(?:surrendered|sold|removed|handed\s+(?:in|over)|confiscated|"
    r"taken\s+away|held\s+by\s+(?:the\s+)?(?:police|sheriff|a\s+friend))",
    re.I,
)
_PROTECTIVE = re.compile(
    r"\b(?:protective\s+factors?|reasons?\s+for\s+living)\b\s*(?:include|includes|are|is|:|-|–)?\s*(.+)", re.I
)


def _split_list(text: str) -> list[str]:
    items = re.split(r",|\band\b|\bplus\b|/", text)
    return [i.strip(" .:-–") for i in items if len(i.strip(" .:-–")) > 1][:10]


def _combine(values: list[bool]) -> bool | None:
    """Any report of presence wins (the safer reading); otherwise a denial; otherwise not assessed."""
    if any(values):
        return True
    return False if values else None


def _ideation_type(clause: str, match: re.Match) -> SuicidalIdeation:
    """Passive or active by the words of the mention itself ("wish to be dead" is passive whatever else the sentence
    says); for a bare "SI", by an affirmed "passive" or "active" in the sentence ("active ideation no" is not)."""
    if _PASSIVE.search(match.group(0)):
        return SuicidalIdeation.PASSIVE
    if _ACTIVE.search(match.group(0)):
        return SuicidalIdeation.ACTIVE
    for regex, kind in ((_ACTIVE, SuicidalIdeation.ACTIVE), (_PASSIVE, SuicidalIdeation.PASSIVE)):
        if any(not mention_negated(clause, m) for m in regex.finditer(clause)):
            return kind
    return SuicidalIdeation.PRESENT


def _denial_counts(clause: str, in_risk_section: bool) -> bool:
    """A denial counts in the risk section, or where the sentence itself is a risk screen ("Risk: denies SI")."""
    return in_risk_section or bool(_RISK_SCREEN.search(clause))


#: Record templates: "Risk to self: denies", "Risk to others: nil", "Risk to others – none identified".
_RISK_SCREEN_CLEAR = re.compile(
    r"\brisk\s+(?:screen(?:ing)?|assessment)\s+(?:was\s+|is\s+)?(?:unremarkable|negative|clear|nil)\b", re.I
)
#: The Columbia screen read as a whole: "C-SSRS screen negative" (a positive screen names its items instead).
_CSSRS_NEGATIVE = re.compile(r"\bC-?SSRS(?:\s+screen(?:er|ing)?)?\s*[:=-]?\s*(?:negative|neg|nil|clear|0)\b", re.I)
_LABEL_DENIAL = re.compile(
    r"\brisk\s+to\s+(?P<who>self|others)\s*(?:[:–—-]|is)\s*(?:denie[sd]|nil|none(?:\s+identified)?|no(?:ne)?\s+(?:concerns?|risk)|"
    r"negative|not\s+indicated|no)\b",
    re.I,
)
_RISK_SCREEN = re.compile(
    r"^\s*(?:risk(?:\s+assessment)?|risk\s+to\s+(?:self|others)|risk\s+from\s+others|safety|SI/HI|C-?SSRS)\s*[:\-–]",
    re.I,
)


_NAMED_POSSESSIVE = re.compile(r"(?-i:\b([A-Z][a-z]+))(?:'s|’s)\s+(?:\w+\s+)?$")


def _named_others(clause: str, start: int, alias: str) -> bool:
    """ "Tom's self-harm": a named person's, unless the name is the client's alias."""
    m = _NAMED_POSSESSIVE.search(clause[:start])
    return bool(m) and m.group(1).lower() not in alias.lower()


def extract_risk(text: str, risk_section: str = "", history_section: str = "", alias: str = "") -> RiskAssessment:
    """Risk as reported in the intake; plan/intent/means only from risk talk, never from "treatment plan".

    A report of risk counts wherever it is written (the safer reading). A denial counts only in the risk
    section (or a sentence that is itself a risk screen): elsewhere "denies SI" may be pasted history, another
    person's, or text that tries to steer the record, and a wrong "denied" is worse than "not assessed", which
    makes the intake ask about risk again. Past risk goes to `history`, never to "now".
    """
    ideation: list[SuicidalIdeation] = []
    plan: list[bool] = []
    intent: list[bool] = []
    means_access: list[bool] = []
    means: list[str] = []
    self_harm: list[bool] = []
    homicidal: list[bool] = []
    attempts: list[bool] = []
    recency = self_harm_recency = None
    protective: list[str] = []
    history: list[str] = []
    evidence: dict[str, list[str]] = {}

    def cite(kind: RiskKind, clause: str) -> None:
        spans = evidence.setdefault(kind.value, [])
        span = clause.strip()[:EVIDENCE_CHARS]
        if span not in spans and len(spans) < 6:
            spans.append(span)

    def past(event: str) -> None:
        if event not in history:
            history.append(event)

    def deny(clause: str, suicide: bool = False, harm_to_self: bool = False, others: bool = False) -> None:
        """A denial that covers several kinds at once ("Risk to self: denies", "risk screen unremarkable")."""
        if suicide:
            ideation.append(SuicidalIdeation.DENIED)
        if harm_to_self:
            self_harm.append(False)
        if others:
            homicidal.append(False)
        cite(RiskKind.SUICIDE if suicide else RiskKind.HARM_TO_OTHERS, clause)

    parts = clauses(text)
    hazards = extract_hazards(text, risk_section, history_section, alias, parts)
    others_weapon_reported = "weapon held by the other person" in hazards.danger_from_others.features
    danger_reported = hazards.danger_from_others.status is RiskStatus.REPORTED
    conditional_threats: list[str] = []
    for clause in parts:
        in_risk_section = bool(risk_section) and clause in risk_section
        denial_counts = _denial_counts(clause, in_risk_section)
        if NOT_ASKED.search(clause):
            continue  # "risk to others: not assessed" says nothing either way
        if in_risk_section and _CSSRS_NEGATIVE.search(clause):
            deny(clause, suicide=True)
        if in_risk_section and _RISK_SCREEN_CLEAR.search(clause):
            deny(clause, suicide=True, harm_to_self=True, others=True)
        if in_risk_section and (label := _LABEL_DENIAL.search(clause)):
            if label.group("who").lower() == "self":
                deny(clause, suicide=True, harm_to_self=True)
            else:
                deny(clause, others=True)
        if _SI_FAMILY.search(clause):
            clause = _SI_FAMILY.sub(" ", clause)  # a relative's suicide is history, not the client's ideation
        voices = _VOICES.search(clause)
        si_here = False
        for match in _SI.finditer(clause):
            if voices and voices.start() < match.start():
                continue  # what voices say is psychosis-related risk (hazards), not the client's own wish
            found = assertion(clause, match.start(), match.end())
            if found.negated:
                if denial_counts and not (found.other_experiencer or found.hypothetical):
                    ideation.append(SuicidalIdeation.DENIED)
                    cite(RiskKind.SUICIDE, clause)
                continue
            # "The kids would be better off without her": the others named are who would be better off, the wish is hers.
            someone_elses = found.other_experiencer and "without" not in match.group(0).lower()
            unasked = found.hypothetical or found.asked
            if someone_elses or unasked or found.figurative or _named_others(clause, match.start(), alias):
                continue
            if found.historical:
                continue
            si_here = True
            cite(RiskKind.SUICIDE, clause)
            ideation.append(_ideation_type(clause, match))
        if si_here and recency is None and (found_recency := _RECENCY.search(clause)):
            recency = found_recency.group(0)

        risk_talk = si_here or bool(_SI.search(clause)) or in_risk_section
        if risk_talk:
            scrubbed = _NOT_A_SUICIDE_PLAN.sub(" ", clause)
            for regex, bucket in ((_PLAN, plan), (_INTENT, intent)):
                for match in regex.finditer(scrubbed):
                    negated = mention_negated(scrubbed, match)
                    # Outside a sentence about suicide, "plans for the weekend" is not a suicide plan:
                    # count a plan there only when it is denied or plainly about harm.
                    if negated and not in_risk_section:
                        continue
                    if assertion(scrubbed, match.start(), match.end()).hypothetical:
                        continue
                    if negated or si_here or _SI.search(scrubbed) or _LETHAL_PLAN.search(scrubbed):
                        bucket.append(not negated)
            others_weapon = weapon_held_by_other(clause, alias, named=danger_reported) or (
                others_weapon_reported and not _OWN.search(clause)
            )
            for match in _MEANS.finditer(clause):
                negated = (
                    mention_negated(clause, match)
                    or bool(_GOT_RID.search(clause[: match.start()]))
                    or bool(_GIVEN_UP.search(clause[match.end() :]))
                )
                if others_weapon and WEAPON.fullmatch(match.group(0)):
                    continue  # a partner's gun is danger from others, not the client's means
                if not negated:
                    means.append(match.group(0).lower())  # "no firearms in the home" lists none
                if (negated and in_risk_section) or (not negated and _ACCESS.search(clause)):
                    means_access.append(not negated)
            for match in _ATTEMPT_IN_RISK.finditer(clause):
                negated = is_negated(clause, match.start())
                if not negated:
                    past("suicide_attempt")
                if not negated or in_risk_section:
                    attempts.append(not negated)
            if in_risk_section and _NO_ATTEMPTS.search(clause):
                attempts.append(False)
        for match in _SELF_HARM.finditer(clause):
            found = assertion(clause, match.start(), match.end())
            if found.negated:
                if denial_counts and not (found.other_experiencer or found.hypothetical):
                    self_harm.append(False)
                    cite(RiskKind.SELF_HARM, clause)
                continue
            if (
                found.other_experiencer
                or found.hypothetical
                or found.asked
                or found.figurative
                or _named_others(clause, match.start(), alias)
            ):
                continue
            if found.historical:
                past("self_harm")
                continue  # past self-harm says nothing about now: leave "now" unassessed rather than guess
            self_harm.append(True)
            cite(RiskKind.SELF_HARM, clause)
            if self_harm_recency is None and (found_recency := _RECENCY.search(clause)):
                self_harm_recency = found_recency.group(0)
        for match in _HI.finditer(clause):
            found = assertion(clause, match.start(), match.end())
            if found.negated:
                if denial_counts and not found.other_experiencer:
                    homicidal.append(False)
                    cite(RiskKind.HARM_TO_OTHERS, clause)
                continue
            # A threat is a threat even when conditional ("if he touches the kids I'll kill him"): no hypothetical
            # reading here, only jokes or figures of speech the clinician marked as such.
            if _INTRUSIVE.search(clause):
                continue  # unwanted, ego-dystonic images of harm (perinatal OCD) are not thoughts of harming anyone
            first_person = match.group(0).startswith("I")
            if (found.other_experiencer and not first_person) or found.figurative or found.asked:
                continue
            if found.historical and not in_risk_section:
                continue
            if found.historical:
                past("violence_to_others")
                continue
            if found.hypothetical:
                conditional_threats.append(clause)  # counts unless the clinician explored it and recorded a denial
                continue
            homicidal.append(True)
            cite(RiskKind.HARM_TO_OTHERS, clause)
        for match in _ATTEMPT.finditer(clause):
            found = assertion(clause, match.start(), match.end())
            if found.other_experiencer:
                continue
            if not found.negated:
                past("suicide_attempt")
            if not found.negated or in_risk_section:
                attempts.append(not found.negated)
    for match in _PROTECTIVE.finditer(text):
        listed = clauses(match.group(1))
        protective.extend(_split_list(listed[0] if listed else ""))

    if conditional_threats and False not in homicidal:
        homicidal.append(True)
        for clause in conditional_threats:
            cite(RiskKind.HARM_TO_OTHERS, clause)
    if SuicidalIdeation.ACTIVE in ideation:
        si = SuicidalIdeation.ACTIVE
    elif SuicidalIdeation.PASSIVE in ideation:
        si = SuicidalIdeation.PASSIVE
    elif SuicidalIdeation.PRESENT in ideation:
        si = SuicidalIdeation.PRESENT
    elif ideation:
        si = SuicidalIdeation.DENIED
    else:
        si = None
    return RiskAssessment(
        suicidal_ideation=si,
        suicide_plan=_combine(plan),
        intent=_combine(intent),
        means_access=_combine(means_access),
        means=list(dict.fromkeys(means)),
        recency=recency,
        self_harm=_combine(self_harm),
        self_harm_recency=self_harm_recency,
        homicidal_ideation=_combine(homicidal),
        protective_factors=list(dict.fromkeys(protective)),
        prior_attempts=_combine(attempts),
        danger_from_others=hazards.danger_from_others,
        psychosis=hazards.psychosis,
        medical=hazards.medical,
        safeguarding=hazards.safeguarding,
        evidence=evidence,
        history=list(dict.fromkeys(history + hazards.history)),
    )

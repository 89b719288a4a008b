"""What a mention means in its sentence: one mechanism for negation, history, hypothesis and another experiencer.

This is the ConText idea (Harkema, Dowling, Thornblade & Chapman, J Biomed Inform 2009;42:839-51): cue phrases
open a scope that runs to the end of the clause (or, for cues written after the mention, back to its start);
contrastive words and affirmations close it. A mention of suicidal thoughts is the client's present risk only when
no cue says it is denied ("denies SI, HI or self-harm"), past ("hx of overdose at 16"), hypothetical ("would call
the crisis line if she ever felt unsafe") or someone else's ("her mother's suicide"). medspaCy's ConText was trialled
against these rules on the same table of phrasings (see README, "Extraction").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Where a cue's scope ends: sentence ends (not abbreviations or decimals), semicolons, new lines, contrastive words.
_CLAUSE_SPLIT = re.compile(
    r"(?<!\b[A-Z])(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bpt)(?<!\bPt)(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)\.[\"”’']?(?=\s|$)|[;!?\n]+"
    r"|\b(?:but|however|although|though|whereas|except)\b",
)

_NEGATION = re.compile(
    r"\b(?:denie[sd]|deny|denying|denial\s+of|no|not|never|without|negative\s+for|nor|neither|none|nil|absent|free\s+of|"
    r"doesn['’]?t|does\s+not|didn['’]?t|did\s+not|isn['’]?t|wasn['’]?t|hasn['’]?t|has\s+not|haven['’]?t|don['’]?t|do\s+not|"
    r"won['’]?t|wouldn['’]?t|rules?\s+out|ruled\s+out|"
    r"contraindicat\w*)\b",
    re.I,
)
#: Cues written after the mention: "SI: none", "SH -", "HI neg", "A/VH: denied".
_POST_NEGATION = re.compile(
    r"^(?:\s*/\s*[A-Za-z]{1,5})*\s*(?:screen(?:ing)?\s+|check\s+)?(?:[:=\-–—]\s*)?(?:is\s+|was\s+|were\s+)?(?:none|no|neg|negative|denied|denies|deny|absent|nil|n/?a|contraindicated|"
    r"not\s+(?:indicated|present|reported|endorsed))\b|^\s*(?:[-−–]|\(-\)|\(−\)|-ve)(?=\s*(?:[,;.()/]|$))",
    re.I,
)
#: A denial written after a list of what was asked: "asked about suicide, self-harm and harming the baby: denies
#: all three".
_DENIES_ALL = re.compile(
    r"\b(?:denie[sd]|deny|denying)\s+(?:all|both|each|every\w*|any\s+of\s+(?:these|them|the\s+above))(?:\s+(?:three|four|two|of\s+"
    r"(?:these|them|this)))?\b"
    r"|\b(?:all|both)\s+(?:denied|negative|neg|nil|clear)\b",
    re.I,
)
#: A spaced dash ends a negation's reach: "said 'I don't see the point' – explored: wishes she would not wake up".
_SCOPE_END = re.compile(r"\s[–—-]\s")
#: "Asked directly about current suicidal thoughts given the 1999 attempt: denies" — the answer after the colon.
_ASKED = re.compile(r"\b(?:asked|screened|enquired|inquired|questioned)\b", re.I)
_ANSWERED_NO = re.compile(
    r"(?::|\s[-–—])\s*(?:she\s+|he\s+|they\s+|pt\s+)?(?:denies|denied|negative|nil|none|no)\b|\bnone\s+of\s+(?:the\s+above|these|them)\b"
    r"|\ball\s+(?:negative|neg|nil|denied)\b",
    re.I,
)
#: Affirmations re-open what a negation closed ("denies HI, endorses passive SI").
_AFFIRMATION = re.compile(
    r"\b(?:endorse[sd]?|endorsing|reports?|reported|admits?|admitted|acknowledges?|acknowledged|"
    r"describes?|described|disclosed?|discloses|positive\s+for)\b",
    re.I,
)

#: Cues that put a mention in the past. Recent time words override them ("previously, and again last week").
_HISTORICAL = re.compile(
    r"\b(?:history\s+of|hx\s+of|h/o|(?:past|prior|previous|remote|lifetime|childhood)\s+(?:hx|history)|"
    r"(?:past|prior|previous|old|historic(?:al)?|adolescent|teenage|childhood|youthful)\s+(?:SH|DSH|self[\s-]?harm\w*|self[\s-]?injur\w*|NSSI|cutting|attempts?|"
    r"overdoses?|ODs?|suicid\w*|psychosis|psychotic\s+episodes?|admissions?|DV|abuse)|"
    r"previously|used\s+to|last\s+(?:\w+\s+){0,3}(?:19|20)\d\d|resolved|"
    r"drug[\s-]induced|substance[\s-]induced|years?\s+ago|decades?\s+ago|as\s+a\s+(?:teen(?:ager)?|child|student|kid|young\s+\w+)|"
    r"in\s+(?:high\s+school|secondary\s+school|college|university|her\s+teens|his\s+teens|their\s+teens|adolescence)|"
    r"in\s+the\s+past(?!\s+(?:\d+|few|two|three|several|couple\s+of)?\s*(?:days?|weeks?|wks?|months?|mos?)\b)|"
    r"past\s+history|in\s+(?:19|20)\d\d|at\s+(?:age\s+)?1?\d(?!\s*(?:am|pm|:|%|mg|/))\b|aged\s+1?\d\b|"
    r"when\s+(?:she|he|they|I)\s+(?:was|were)\s+(?:younger|\d+|a\s+\w+|growing\s+up|little|small)|growing\s+up|"
    r"in\s+(?:her|his|their|my)\s+childhood|none\s+since|not\s+since|between\s+the\s+ages\s+of|from\s+the\s+age\s+of|"
    r"ages?\s+\d{1,2}\s*(?:-|–|to)\s*\d{1,2}|until\s+(?:she|he|they)\s+(?:was|were)\s+\d+|hx\s+only|"
    r"(?:stopped|ceased|quit)\s+(?:\w+\s+){0,2}(?:years?|months?)\s+ago|no\s+longer)\b",
    re.I,
)
_RECENT = re.compile(
    r"\b(?:(?:last|this|past)\s+(?:night|week|weekend|month|few\s+(?:days|weeks))|yesterday|today|this\s+morning|"
    r"tonight|currently|current|ongoing|recently|recent|now|nightly|daily|"
    r"(?:\d+|a|one|two|three|four|five|six|several|a\s+few|few)\s*(?:days?|weeks?|wks?)\s+ago|"
    r"(?:in|over|within|for)\s+the\s+(?:past|last)\s+(?:\d+\s*|two\s+|three\s+|few\s+|several\s+|couple\s+of\s+)?"
    r"(?:days?|weeks?|wks?|months?|mos?)|since\s+(?:the\s+)?(?:birth|delivery|january|february|march|april|may|june|"
    r"july|august|september|october|november|december|last\s+\w+)|most\s+days|every\s+day|x\s*\d+\s*(?:days?|wks?|weeks?))\b",
    re.I,
)

#: Cues that make a mention conditional or planned-for: its scope runs forward to the end of the clause. "Easier
#: if I didn't wake up" is not a condition but a wish (passive ideation), so "if" after such words is no cue.
_HYPOTHETICAL = re.compile(
    r"\b(?:(?<!easier\s)(?<!better\s)(?<!rather\s)(?<!relief\s)(?<!mind\s)(?<!care\s)(?<!fine\s)(?<!okay\s)(?<!good\s)if|in\s+case|in\s+the\s+event|should\s+(?:she|he|they|I)|were\s+(?:she|he|they)\s+to|unless|"
    r"what\s+to\s+do\s+(?:if|when)|whenever|would\s+(?:call|contact|ring|phone|text|go|tell|reach\s+out)|"
    r"knows?\s+(?:to|how\s+to)\s+(?:call|contact|use)|crisis\s+(?:line|number|plan)|"
    r"safety\s+plan(?:ning)?\s+(?:for|around))\b",
    re.I,
)

_RELATIVE = (
    r"(?:mother|mom|mum|father|dad|parents?|brother|sister|siblings?|son|daughter|child|children|kids?|"
    r"grand(?:mother|father|ma|pa|parent)s?|gran|nan|aunt|uncle|cousin|niece|nephew|friend|partner|husband|wife|"
    r"spouse|boyfriend|girlfriend|fianc[eé]e?|ex|roommate|flatmate|colleague|co-?worker|classmate|peer|neighbou?r|"
    r"stepfather|stepmother|stepdad|stepmum|stepmom|relative|family\s+member)"
)
#: Another person's experience: "her mother's suicide", "brother self-harms", "family history of", "FHx".
_OTHER_BEFORE = re.compile(
    rf"\b(?:family\s+(?:history|hx)|FHx|FH\s*[:+]|{_RELATIVE}(?:'s|’s)?(?:\s+\(\w+\))?)\b",
    re.I,
)
#: A client-subject between the other person and the mention hands the mention back to the client.
_CLIENT_SUBJECT = re.compile(r"\b(?:she|he|they|I|pt|client|patient|the\s+client|the\s+patient|who\s+herself)\b", re.I)
#: An informant reporting about the client: "partner reports ongoing cutting", "mum has noticed scratches".
_INFORMANT = re.compile(
    r"^\s*(?:\w+\s+)?(?:reports?|reported|says|said|notes?|noted|states?|stated|describes?|described|observes?|observed|"
    r"notic(?:es|ed)|found|finds|confirms?|confirmed|corroborates?)\b(?!\s+that\b)",
    re.I,
)
_OTHER_AFTER = re.compile(rf"^\s*(?:by|of|in)\s+(?:(?:her|his|their|a|the|my)\s+)?{_RELATIVE}\b", re.I)

#: Figures of speech and jokes: the words of risk used of something else.
_FIGURATIVE = re.compile(
    r"\b(?:jok(?:e|es|ed|ing|ingly)|in\s+jest|figure\s+of\s+speech|figuratively|not\s+literal(?:ly)?|"
    r"tongue[\s-]in[\s-]cheek|sarcastic(?:ally)?|venting|hyperbole|expression|manner\s+of\s+speaking|"
    r"(?:was|were|is)\s+(?:conditional|hypothetical)|(?:a|just\s+a|her|his|their)\s+way\s+of\s+speaking|turn\s+of\s+phrase|"
    r"just\s+an?\s+(?:expression|saying)|said\s+in\s+jest|meaning\s+(?:the|her|his|their|my)\s+\w+|"
    r"(?:meant|means)\s+(?:the|her|his|their)\s+(?:job|work|shifts?|situation|marriage|course))\b",
    re.I,
)


#: "Risk from others / psychosis: not asked", "HI not assessed": the mention is neither reported nor denied.
NOT_ASKED = re.compile(
    r"\bnot\s+(?:yet\s+)?(?:asked|assessed|screened|explored|covered|enquired|discussed|done)\b|\bdid\s+not\s+(?:ask|assess|screen)\b"
    r"|\b(?:ran|run)\s+out\s+of\s+time\b|\bto\s+(?:assess|ask|cover|explore)\s+next\b",
    re.I,
)


@dataclass(frozen=True)
class Assertion:
    """What the words around a mention say about it."""

    negated: bool = False
    historical: bool = False
    hypothetical: bool = False
    other_experiencer: bool = False
    figurative: bool = False
    #: Named in a question ("asked about suicidal thoughts, self-harm…") with no answer in the clause: not a report
    #: (a denial after it still counts).
    asked: bool = False

    def reading(self, done_by_other: bool = False) -> str:
        """One word for what the mention is, in the order a reader settles it: negated, other, hypothetical,
        figurative, historical or present. With `done_by_other` (violence done to the client by someone else) the
        other person is the actor, which does not make the mention someone else's."""
        if self.negated:
            return "negated"
        if self.other_experiencer and not done_by_other:
            return "other"
        if self.hypothetical or self.asked:
            return "hypothetical"
        if self.figurative:
            return "figurative"
        return "historical" if self.historical else "present"

    @property
    def present(self) -> bool:
        """The mention is the client's, now, and affirmed."""
        return not (
            self.negated
            or self.historical
            or self.hypothetical
            or self.asked
            or self.other_experiencer
            or self.figurative
        )


def clauses(text: str) -> list[str]:
    """Split text where a cue's scope ends: sentence ends, semicolons, line breaks and contrastive words."""
    return [c.strip() for c in _CLAUSE_SPLIT.split(text) if c and c.strip()]


def _negated(clause: str, start: int, end: int) -> bool:
    before = clause[:start]
    negations = [m.end() for m in _NEGATION.finditer(before)]
    if negations and not _SCOPE_END.search(before[negations[-1] :]):
        last = negations[-1]
        # "has no plan": an affirmation before the negation does not undo it; one after it re-opens.
        # An affirmation right after the cue is part of the denial ("neither reports SI", "no reported SH").
        if not any(m.start() >= last and before[last : m.start()].strip() for m in _AFFIRMATION.finditer(before)):
            return True
    if _ASKED.search(clause[:start]) and _ANSWERED_NO.search(clause[end:]):
        return True
    return bool(_POST_NEGATION.match(clause[end:]) or _DENIES_ALL.search(clause[end:]))


#: Another person's report about themselves: "her brother disclosed last month that he has been cutting".
_OTHER_REPORTS = re.compile(
    rf"\b{_RELATIVE}\b[^.;]{{0,40}}\b(?:disclosed|said|says|told|tells|reports?|reported|admitted|revealed)\b[^.;]{{0,30}}\bthat\b",
    re.I,
)


def _other(clause: str, start: int, end: int) -> bool:
    if _OTHER_AFTER.match(clause[end:]) or _OTHER_REPORTS.search(clause[:start]):
        return True
    before = clause[:start]
    others = list(_OTHER_BEFORE.finditer(before))
    if not others:
        return False
    last = others[-1]
    between = before[last.end() :]
    if re.match(r"^\s*(?:[A-Z][a-z]+\s*)?(?:\(\d{1,3}\)\s*)?,?\s*who\b", between):
        return True  # "her brother Tom (35), who has been self-harming"
    if _CLIENT_SUBJECT.search(between) or _INFORMANT.match(between):
        return False  # "…, then she cut herself"; "partner reports ongoing cutting" (an informant, not the one)
    # The other person as the sentence's subject reaches further ("Mum drinks heavily and has had withdrawal
    # seizures") than one named in passing ("argued with her mother, then cut herself").
    if len(before[: last.start()].split()) <= 2:
        return True
    return len(between.split()) <= 4 and "," not in between


#: A clause that opens with a year ("2024: took ketamine… hearing voices") reports a dated, past event.
_DATED = re.compile(r"^\s*(?:in\s+)?(?:19|20)\d\d\s*[:,\-–]")


#: An unanswered question: "asked about suicidal thoughts, self-harm, urges to hurt anyone" reports none of them.
_ASKED_ABOUT = re.compile(
    r"\b(?:asked|screened|enquired|inquired)\s+(?:\w+\s+)?(?:about|for|re|regarding|whether)\b", re.I
)
_ANSWER = re.compile(
    r"\b(?:yes|reports?|reported|endorse[sd]?|describes?|described|admits?|admitted|disclosed?|positive|said|says|replied|"
    r"answered|told|explained)\b",
    re.I,
)


def _unanswered(clause: str, start: int) -> bool:
    asked = list(_ASKED_ABOUT.finditer(clause[:start]))
    return bool(asked) and not _ANSWER.search(clause[asked[-1].end() : start])


def _hypothetical(clause: str, start: int, end: int | None = None) -> bool:
    label = end is not None and re.match(r"\s*:(?!\s*(?:denie|deny|no\b|none|nil|neg|not\b))", clause[end:], re.I)
    if label and re.search(r"\bif\b", clause[end:], re.I):
        return True  # "HI: she said 'if he ever touches the kids I'll kill him'" — the label is about a condition
    before = clause[:start]
    cues = list(_HYPOTHETICAL.finditer(before))
    if not cues:
        return False
    # A comma after the condition ends it: "if he drinks, she self-harms" is not hypothetical self-harm.
    return "," not in before[cues[-1].end() :]


def assertion(clause: str, start: int, end: int) -> Assertion:
    """What a clause says about the mention at clause[start:end]: denied, past, conditional, someone else's,
    or a figure of speech."""
    recent = bool(_RECENT.search(clause))
    return Assertion(
        negated=_negated(clause, start, end),
        historical=bool(_HISTORICAL.search(clause) or _DATED.match(clause)) and not recent,
        hypothetical=_hypothetical(clause, start, end),
        other_experiencer=_other(clause, start, end),
        figurative=bool(_FIGURATIVE.search(clause)),
        asked=_unanswered(clause, start),
    )


def is_negated(clause: str, start: int) -> bool:
    """Whether a mention starting at `start` falls inside a negation cue's scope within its clause."""
    return _negated(clause, start, start)


def mention_negated(clause: str, match: re.Match) -> bool:
    """Whether a match is denied, by a cue before it ("denies SI") or right after it ("SI: none")."""
    return _negated(clause, match.start(), match.end())

"""The words councils print on front sheets and minutes, kept as data in one place.

The agenda, front-sheet and minutes readers import their labels, synonyms and patterns from here;
a new council's wording is added to these tables, not to the readers' code.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------------------------
# Councils and meetings

# Suffixes that follow a council's place name, longest first ("Tameside Metropolitan Borough Council").
COUNCIL_SUFFIXES: tuple[str, ...] = (
    "Metropolitan Borough Council",
    "Royal Borough Council",
    "County Borough Council",
    "Combined Authority",
    "Borough Council",
    "County Council",
    "City Council",
    "District Council",
    "Community Council",
    "Parish Council",
    "Town Council",
    "Council",
    "MBC",
    "CC",
)
# How many of COUNCIL_SUFFIXES (from the end) are too common or too short to name a council in
# running text ("Council Chamber", "CC").
LOOSE_SUFFIXES = 3
# Words that precede "Council" in meeting names but are never part of a council's place name.
NOT_PLACE_WORDS = {
    "regular", "special", "adjourned", "speaker", "request", "notice", "agenda", "meeting", "minutes",
    "joint", "full", "the", "city", "county", "borough", "district", "town", "parish", "cabinet", "members",
    "above", "said", "extraordinary", "annual", "community", "mayoral", "combined", "report", "to",
}
# Small words inside a place name ("West of England", "Stratford-upon-Avon").
PLACE_CONNECTORS = {"of", "upon", "on", "under"}
# Lines at the top of a front sheet that are not the meeting's name.
HEADING_NOISE_RE = re.compile(
    r"^(public document pack|agenda|a g e n d a|notice of (the )?meeting|summons.*|to:?\s.*|dear .*)$", re.IGNORECASE
)
# Labelled meeting details, as "Label: value" or a label cell beside its value.
DETAIL_LABELS: dict[str, str] = {
    "date": r"Date(?: of meeting)?|Meeting date",
    "time": r"Time|Start time",
    "venue": r"Place|Venue|Location|Where",
    "committee": r"Meeting|Committee|Report to|Decision maker",
}
# "A meeting of the County Council will be held in the Council Chamber ... on ...";
# "You are hereby summoned to attend a meeting of X to be held at Y on Z".
MEETING_SENTENCE_RE = re.compile(
    r"\b(?:A )?meeting of (?:the )?(?P<committee>[A-Z][\w'’ &,-]+?)\s+"
    r"(?:will be|is to be|to be|which will be|being) held (?:in|at) (?:the )?(?P<venue>.+?),?\s+on\b",
    re.IGNORECASE | re.DOTALL,
)
# The summons of a full council meeting: its items may start on a later page.
SUMMONS_RE = re.compile(r"\b(?:you are )?(?:hereby )?summoned\b|\bsummons to\b", re.IGNORECASE)
# Contact details printed beside the meeting details on the same lines.
CONTACT_LABEL_RE = re.compile(r"\s*\b(Ask for|Contact|Telephone|Tel|Email|E-mail|Direct line|Enquiries)\s*:.*$", re.IGNORECASE)
SMALL_WORDS = {"of", "and", "the", "for", "in", "on", "to", "a", "an", "at", "with"}

# ---------------------------------------------------------------------------------------------
# Agenda front sheets

# An agenda item number as printed: "3", "3.", "7a", "7(a)", "7.1", "(7)", "2485."; then its title.
AGENDA_ITEM_RE = re.compile(r"^(\(\d{1,4}\)|\d{1,4}(?:[a-z]\b|\([a-z]\)|\.\d{1,2}\b)?)[.)]?\s+(\S.*)$")
# A sub-item printed under its parent without the parent's number: "(a)", "a)", "(i)".
SUB_ITEM_RE = re.compile(r"^(\([a-z]{1,3}\)|[a-z]\))\s+(\S.*)$")
# Page ranges: "(Pages 5 - 40)" in the text, "5 - 40" / "Pages 5-40" / "p. 5" in a page column.
PAGES_RE = re.compile(r"\(\s*Pages?\s+(\d+)(?:\s*[-–]\s*(\d+))?\s*\)", re.IGNORECASE)
PAGE_COLUMN_RE = re.compile(r"^(?:Pages?\s+|pp?\.\s*)?(\d+)(?:\s*[-–]\s*(\d+))?$", re.IGNORECASE)
# Items whose papers are not ready: the marker is not part of the title.
TO_FOLLOW_RE = re.compile(r"\s*[(\[]?\s*(?:report\s+)?to follow\s*[)\]]?\s*$", re.IGNORECASE)
# Header cells of an agenda laid out as a table ("No. | Item | Pages", "Item No. | AGENDA | Page No",
# "Item | Subject | Page"): a line made only of these words is the table's header, not an item.
AGENDA_HEADER_WORDS = {
    "no", "no.", "number", "item", "items", "item no", "item no.", "agenda", "agenda item", "subject", "title",
    "business", "page", "pages", "page no", "page no.", "page nos", "page nos.", "page number", "page numbers",
    "report", "description", "lead", "presenter", "ref", "ref.", "time", "enclosure", "enclosures",
}
PAGE_HEADER_RE = re.compile(r"^(?:Page(?:s| Nos?\.?| numbers?)?|Enclosures?)$", re.IGNORECASE)
# Section headings that close the item above them and are not items: Part 2, exempt business.
AGENDA_SECTION_RE = re.compile(
    r"^(?:PART\s+(?:[12]|I{1,2}|ONE|TWO|A|B)\b.*|(?:UN)?RESTRICTED ITEMS?\b.*|EXEMPT ITEMS?\b.*|(?:PUBLIC|PRIVATE|CONFIDENTIAL)"
    r" (?:ITEMS|BUSINESS|SESSION)\b.*|ITEMS? (?:LIKELY TO BE )?(?:CONSIDERED|TAKEN) IN PRIVATE\b.*|"
    r"(?:Exclusion|EXCLUSION) of (?:the )?(?:press|public|Press|Public)\b.*)$"
)
# Lines that belong to the page furniture, not to an item.
AGENDA_FURNITURE_RE = re.compile(r"^(From:|Contact:|Ask for:|Please note|Membership:|Distribution:|Encs?:)", re.IGNORECASE)

# ---------------------------------------------------------------------------------------------
# Minutes

# "34.", "34", "(34)", "12.3", "CSP/23/24", "CSP 23/24", "Minute 23" followed by the title.
MINUTE_NUMBER = r"\(\d{1,4}\)|[A-Z]{1,6}[/ ]\d{1,4}(?:/\d{2,4})?|\d{1,4}(?:\.\d{1,3})?(?:/\d{2,4})?"
MINUTE_RE = re.compile(rf"^(?:Minute\s+)?({MINUTE_NUMBER})[.:]?\s+(\S.*)$")
ITEM_REF_RE = re.compile(r"^\(\s*(?:Agenda\s+)?Item\s+(\d+[a-z]?)\s*\)$", re.IGNORECASE)
# "(agenda item 7)" at the end of a title.
TRAILING_ITEM_REF_RE = re.compile(r"\s*\(\s*(?:Agenda\s+)?Item\s+(\d+[a-z]?)\s*\)\s*$", re.IGNORECASE)
# A decision record ("Decision Recording Form"): one form a decision, "(a) Subject: TITLE" over
# "(agenda item 7)", the decision under "(d) Decision taken", the meeting in the opening sentence.
SUBJECT_HEADING_RE = re.compile(r"^\(a\)\s+Subject\s*:\s*(?P<title>\S.*)$", re.IGNORECASE)
DECISION_BLOCK_RE = re.compile(r"^\([a-z]\)\s+Decisions?(?: taken| made)?\s*:?\s*$", re.IGNORECASE)
FORM_FIELD_RE = re.compile(r"^\([a-z]\)\s+\S")
DECISION_SENTENCE_RE = re.compile(
    r"\bDecisions? (?:determined|taken|made) (?:at|by) (?:the |a )?(?P<committee>.+?)\s+(?:meeting\s+)?(?:held\s+)?on\s+(?P<date>\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4})",
    re.IGNORECASE | re.DOTALL,
)
SIGNATURE_RE = re.compile(r"^(CHAIR|Chair|CHAIRMAN|Chairman|Chairperson|Signed|Date|Dated)\b[:.]?.*?(?:Chair(?:man|person)?)?$")
SIGNATURE_LINE_RE = re.compile(r"^(?:Signed|Dated|Date|Chair(?:man|person)?)\b.*(?:\.{4,}|…{2,}|_{4,})|^(CHAIR|Chair|CHAIRMAN|Chairman|Chairperson|Signed|Date)[:.]?$")
# Capitals ("RESOLVED that") or a colon ("Resolved:") mark a decision; "agreed with" in prose does not.
RESOLUTION_RE = re.compile(
    r"^\s*(?:\d+[.)]\s*)?(?:(?:It was\s+)?(?:RESOLVED|AGREED|DECIDED|APPROVED)\b|(?:Resolved|Agreed|Decided|Decision)\s*:)\s*[:,–—-]?\s*"
)
ACTIONS_RE = re.compile(r"^\s*Actions?\s*:", re.IGNORECASE)
# "ACTION: Circulate the report (Lead: Head of Finance, by 15 December 2023)"; "Action – Clerk".
ACTION_LINE_RE = re.compile(r"^\s*(?:ACTION(?:\s+POINT)?|Action(?: point)?)\s*(?::|[–-](?=\s))\s*(?P<action>\S.*)$")
# An action's owner and due date printed after it: "(Lead: X, by D)", " - Owner: X - Due: D".
ACTION_TAIL_RE = re.compile(
    r"\s*(?:\((?=[^)]*\b(?:Lead|Owner|Responsible|Action by|Due|Deadline|by)\b)[^)]*\)|\s[–-]\s+(?:Owner|Lead|Responsible|Due|Deadline)\b.*)\s*\.?$"
)
OWNER_RE = re.compile(
    r"\b(?:Owner|Lead|Responsible(?: officer)?|Action by|Who)\s*[:\-]\s*([^;.()]+?)(?=,\s*(?:by|due)\b|\s[–-]\s|[;.()]|$)", re.IGNORECASE
)
DUE_RE = re.compile(
    r"\b(?:Due(?: date)?|Deadline|Target date|When|By when)\s*[:\-]\s*([^;()]+?)(?:[.;)]|$)"
    r"|\bby\s+(\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}|(?:the\s+)?next meeting|[A-Z][a-z]+\s+\d{4})",
    re.IGNORECASE,
)
# Header cells of an action table at the end of the minutes (mapped to the minute_actions fields).
ACTION_TABLE_HEADERS: dict[str, set[str]] = {
    "minute_number": {"minute", "minute no", "minute no.", "minute number", "min no", "min", "item", "ref", "ref.", "no", "no."},
    "action": {"action", "actions", "action required", "action agreed", "description"},
    "owner": {"owner", "lead", "responsible", "responsible officer", "by whom", "who", "action by", "officer"},
    "due": {"due", "due date", "deadline", "by when", "when", "target date", "date", "timescale"},
}
ACTION_TABLE_TITLE_RE = re.compile(r"^(?:Action (?:Log|Tracker|Points|Sheet|Summary|List)|Actions? arising|Summary of Actions)\b", re.IGNORECASE)

# Attendance list labels and the role they give (longest first: "IN ATTENDANCE VIRTUALLY").
# "chair" is a present member who chairs ("In the Chair: Councillor X").
ROLE_LABELS: tuple[tuple[str, str], ...] = (
    (r"In the Chair", "chair"),
    (r"In attendance virtually", "in_attendance"),
    (r"In attendance", "in_attendance"),
    (r"Also (?:present|in attendance|attending)", "in_attendance"),
    (r"Officers?(?: present| in attendance| attending)?", "in_attendance"),
    (r"Members of the public", "in_attendance"),
    (r"Apologies(?: for absence)?(?: were received from)?", "apologies"),
    (r"(?:Committee )?(?:Members |Councillors )?Present", "present"),
)
# A label opens a list at the start of a line or after a full stop, and is followed by ":" or a dash.
# Only "Members of the Public – Mr X" takes a dash: "Officer – West Kent" inside a role does not open a list.
ATTENDANCE_LABEL_RE = re.compile(
    rf"(?:^|(?<=\.)\s+|(?<=\n))\s*({'|'.join(label for label, _ in ROLE_LABELS)})(?:\s*:|(?<=public)\s*[–—-](?=\s))\s*",
    re.IGNORECASE,
)
TITLES = (
    "Councillors", "Councillor", "County Councillors", "County Councillor", "County Cllrs", "County Cllr", "Cllrs", "Cllr",
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Dame", "Lord", "Lady", "Prof", "Professor", "Canon", "Revd", "Rev",
    "Alderman", "Aldermen",
)
TITLE_RE = re.compile(rf"^(?:(?:{'|'.join(TITLES)})\.?\s+)+")
POST_NOMINALS = {"CBE", "OBE", "MBE", "KBE", "DBE", "JP", "DL", "MP", "QC", "KC", "BEM", "FRSA", "MBA"}
CHAIR_ROLE_RE = re.compile(
    r"\((?:the\s+)?(Chair|Chairman|Chairwoman|Chairperson|Chair of the Meeting|in the Chair|Presiding)\)|^\s*(?:Chair(?:man|woman|person)?)\s+(?=\S)",
    re.IGNORECASE,
)
# A leading role word that marks the chair without brackets ("Chairman Cllr Mrs Shewell").
LEADING_CHAIR_RE = re.compile(r"^\s*(?:Chair(?:man|woman|person)?|The Chair)\s*[:,-]?\s+(?=\S)", re.IGNORECASE)
# Nouns that end a job title ("Democratic Services Officer"): an entry ending in one is a role, not a person.
ROLE_NOUNS = {
    "officer", "officers", "director", "manager", "clerk", "secretary", "solicitor", "accountant", "advisor", "adviser",
    "treasurer", "auditor", "engineer", "inspector", "coordinator", "co-ordinator", "analyst", "executive", "assistant",
    "superintendent", "commander", "representative", "team", "services", "none", "nil", "public", "press",
}
# Words of a job title: an entry with two of them, or only one of them, is a role ("Head of Service" is
# caught by "of"; "C Head" is a person).
ROLE_WORDS = {
    "officer", "officers", "director", "manager", "head", "chief", "executive", "clerk", "assistant", "lead",
    "advisor", "adviser", "solicitor", "accountant", "secretary", "monitoring", "democratic", "services", "service",
    "team", "leader", "deputy", "member", "members", "representative", "coordinator", "co-ordinator", "analyst",
    "treasurer", "auditor", "engineer", "inspector", "superintendent", "commander", "apologies", "none", "nil",
    "public", "press", "council", "committee", "cabinet", "partner", "group", "substitute", "vice-chair",
}
# Name lists split at commas, semicolons, "and", "&" and line ends (outside brackets).
NAME_SEPARATORS_RE = re.compile(r"(\(|\)|,|\band\b|;|&|\n)")
# Words never inside a person's name: an entry holding one is a role or a sentence.
NOT_IN_NAMES_RE = re.compile(r"\b(for|of|the|to|at|were|was|no|none)\b", re.IGNORECASE)
# What follows a name in a sentence ("Nancy Sayer who was substituted by ...").
NAME_TRAILER_RE = re.compile(r"\s+who\b.*$")
# Apologies recorded in the text of an "Apologies" minute.
APOLOGIES_TITLE_RE = re.compile(r"^apologies", re.IGNORECASE)
BODY_APOLOGIES_RE = re.compile(
    r"apologies (?:for absence )?(?:were |had been |was )?(?:received|reported|submitted|given|noted|tendered)? ?from (.+?)(?:\.(?:\s|$)|$)",
    re.IGNORECASE,
)
# Start and end times: a "Commenced / Terminated" block, or a sentence anywhere in the minutes.
TIME_LABELS: dict[str, str] = {
    "commenced": r"Commenced|Meeting commenced|Start(?:ed)?|Time of (?:meeting|commencement)|Meeting started",
    "terminated": r"Terminated|Meeting (?:closed|ended|terminated|finished|concluded)|Closed|Finished|End(?:ed)?|Concluded",
}
TIME_VALUE = r"\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}[.:]\d{2}(?:\s*hrs|\s*hours)?|\d{4}\s*(?:hrs|hours)|noon|midday"
MEETING_TIMES_SENTENCE_RE = re.compile(
    rf"\bmeeting\s+(?:was\s+)?(?:commenced|started|began|opened)\s+at\s+(?P<start>{TIME_VALUE})"
    rf"(?:.{{0,40}}?\b(?:concluded|closed|ended|finished|terminated|rose)\s+at\s+(?P<end>{TIME_VALUE}))?",
    re.IGNORECASE | re.DOTALL,
)
MEETING_CLOSED_RE = re.compile(
    rf"\b(?:meeting|business)\s+(?:was\s+)?(?:closed|ended|concluded|finished|terminated|rose)\s+at\s+(?P<end>{TIME_VALUE})",
    re.IGNORECASE,
)
# A closing line after the last minute: not part of that minute's text.
CLOSING_LINE_RE = re.compile(
    r"^\(?(?:There being no (?:further|other) business|The meeting (?:was )?(?:closed|ended|concluded|finished|terminated|commenced|started)"
    r"|(?:The )?Meeting (?:closed|ended|concluded)|The Chair(?:man)? closed the meeting)\b",
    re.IGNORECASE,
)
# "MINUTES of a meeting of the X Committee held at VENUE on DATE at TIME" (clauses in any order).
HELD_SENTENCE_RE = re.compile(
    r"\bMINUTES of (?:an?|the) (?:\w+ )?meeting of (?:the )?(?P<committee>.+?)\s+held\b(?P<rest>.+?)(?:\.(?:\s|$)|$)"
    r"|\bheld\b(?P<rest2>\s+(?:in|at|on)\b.+?)(?:\.(?:\s|$)|$)",
    re.IGNORECASE | re.DOTALL,
)
# The clauses of the held sentence ("at V", "on D", "at T", "in V").
HELD_CLAUSE_RE = re.compile(r"\s+(?=(?:on|at|in)\s)")
# The committee named as "the above Council" refers back to the heading.
BACK_REFERENCE_RE = re.compile(r"^(?:the\s+)?(?:above|said|aforementioned)\b", re.IGNORECASE)

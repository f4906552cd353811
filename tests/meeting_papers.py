"""Small generated front sheets and minutes, one per layout family the readers must handle.

Each builder writes a PDF laid out the way some council prints its papers (portrait A4, Helvetica)
and returns its path; the tests assert the exact values a reader should take from it.
"""

from __future__ import annotations

from pathlib import Path

from tests.pdf_builder import PageSpec, write_pdf

A4 = (595.0, 842.0)
LEADING = 15.0


class Sheet:
    """A portrait page written top to bottom: `line` advances a cursor, `row` puts cells side by side."""

    def __init__(self) -> None:
        self.page = PageSpec(*A4)
        self.top = 60.0

    def line(self, text: str, x: float = 60, size: float = 10, bold: bool = False, gap: float = 0.0) -> None:
        self.top += gap
        self.page.text(x, self.top, text, size=size, bold=bold)
        self.top += max(LEADING, size * 1.5)

    def row(self, cells: list[tuple[float, str]], bold: bool = False, size: float = 10, gap: float = 0.0) -> None:
        self.top += gap
        for x, text in cells:
            self.page.text(x, self.top, text, size=size, bold=bold)
        self.top += LEADING

    def lead(self, bold_text: str, rest: str, x: float = 60, gap: float = 0.0) -> None:
        """A line that opens in bold and runs on in plain text ("2466. Public Forum: Mr Dagger ...")."""
        self.top += gap
        self.page.text(x, self.top, bold_text, bold=True)
        # Helvetica-Bold averages about 0.58 em a character at these sizes.
        self.page.text(x + len(bold_text) * 5.8 + 4, self.top, rest)
        self.top += LEADING


def table_agenda(path: Path) -> Path:
    """"No. | Item | Pages": labelled details, bold titles with descriptions, To follow, a Part 2 item."""
    s = Sheet()
    s.line("Exampleton Borough Council", size=9)
    s.line("Audit Committee", size=18, bold=True, gap=6)
    s.line("Date: Tuesday 14 November 2023", gap=6)
    s.line("Time: 6.30 pm")
    s.line("Venue: Council Chamber, Civic Centre, Exampleton")
    s.line("AGENDA", size=12, bold=True, gap=10)
    s.row([(60, "No."), (100, "Item"), (480, "Pages")], bold=True, gap=4)
    s.row([(60, "1"), (100, "Apologies for Absence")], bold=True, gap=4)
    s.row([(60, "2"), (100, "Declarations of Interest")], bold=True, gap=4)
    s.line("To receive any declarations of interest in items on this agenda.", x=100)
    s.row([(60, "3"), (100, "Minutes of the Previous Meeting"), (480, "1 - 6")], bold=True, gap=4)
    s.line("To approve the minutes of the meeting held on 12 September 2023.", x=100)
    s.row([(60, "4"), (100, "Internal Audit Progress Report"), (480, "7 - 24")], bold=True, gap=4)
    s.row([(60, "5"), (100, "Treasury Management Mid-Year Review"), (480, "To follow")], bold=True, gap=4)
    s.line("PART 2 - EXEMPT ITEMS", bold=True, gap=12)
    s.line("The press and public are likely to be excluded for the following item.")
    s.row([(60, "6"), (100, "Contract Award for Leisure Services"), (480, "25 - 30")], bold=True, gap=4)
    s.line("Exempt under paragraph 3 of Schedule 12A to the Local Government Act 1972.", x=100)
    return write_pdf(path, [s.page])


def boxed_agenda(path: Path) -> Path:
    """"Item No. | AGENDA | Page No", details in a box, sub-items "3a", "4.1" and "(a)"."""
    s = Sheet()
    s.line("Overview and Scrutiny Panel", size=18, bold=True)
    box_top = s.top
    s.row([(70, "Date"), (170, "Wednesday 6 December 2023")], gap=6)
    s.row([(70, "Time"), (170, "10:30")])
    s.row([(70, "Venue"), (170, "Committee Room 2, Town Hall, Exampleton")])
    s.page.grid([64, 160, 520], [box_top + 2, s.top + 2])
    s.row([(60, "Item No."), (110, "AGENDA"), (470, "Page No")], bold=True, gap=20)
    s.row([(60, "1."), (110, "Apologies")], gap=4)
    s.row([(60, "2."), (110, "Minutes"), (470, "1 - 4")], gap=4)
    s.row([(60, "3."), (110, "Budget Monitoring"), (470, "5 - 12")], gap=4)
    s.row([(60, "3a"), (110, "Capital Programme Update"), (470, "13 - 18")], gap=4)
    s.row([(60, "4."), (110, "Performance Reports")], gap=4)
    s.row([(110, "4.1"), (140, "Quarter 2 Performance Scorecard"), (470, "19 - 30")])
    s.row([(110, "4.2"), (140, "Complaints Annual Report"), (470, "31 - 40")])
    s.row([(60, "5."), (110, "Risk Register")], gap=4)
    s.row([(110, "(a)"), (140, "Strategic Risks"), (470, "41 - 44")])
    s.row([(110, "(b)"), (140, "Operational Risks"), (470, "45 - 48")])
    s.row([(60, "6."), (110, "Any Other Business")], gap=4)
    return write_pdf(path, [s.page])


def subject_agenda(path: Path) -> Path:
    """"Item | Subject | Page" with plain titles, descriptions under them, a sentence for the details, "7(a)"."""
    s = Sheet()
    s.line("Licensing Committee", size=18, bold=True)
    s.line("A meeting of the Licensing Committee will be held at the Guildhall, Exampleton on", gap=6)
    s.line("Monday 4 December 2023 at 1030 hrs.")
    s.line("AGENDA", size=12, bold=True, gap=10)
    s.row([(60, "Item"), (110, "Subject"), (480, "Page")], bold=True, gap=4)
    s.row([(60, "6"), (110, "Minutes of the last meeting"), (480, "1 - 5")], gap=4)
    s.line("To confirm the minutes of the meeting held on 6 November 2023.", x=110)
    s.row([(60, "7"), (110, "Licensing Act 2003 Applications")], gap=4)
    s.row([(60, "7(a)"), (110, "The Red Lion, High Street"), (480, "6 - 20")], gap=4)
    s.line("Application for a new premises licence.", x=110)
    s.row([(60, "7(b)"), (110, "Riverside Stores, Mill Lane"), (480, "21 - 34")], gap=4)
    s.line("Application to vary a premises licence.", x=110)
    s.row([(60, "8"), (110, "Urgent Business")], gap=4)
    return write_pdf(path, [s.page])


def summons_agenda(path: Path) -> Path:
    """A summons to an extraordinary council meeting whose items start on the next page."""
    cover = Sheet()
    cover.line("EXAMPLETON CITY COUNCIL", size=16, bold=True)
    cover.line("SUMMONS TO AND AGENDA FOR AN EXTRAORDINARY MEETING OF THE COUNCIL", size=11, bold=True, gap=6)
    cover.line("To: All Members of the Council", gap=10)
    cover.line("You are hereby summoned to attend an Extraordinary Meeting of Exampleton City Council to be", gap=10)
    cover.line("held in the Council Chamber, Guildhall, Exampleton on Thursday 7 December 2023 at 7.00 pm")
    cover.line("for the purpose of transacting the business set out below.")
    cover.line("Chief Executive", gap=20)
    cover.line("29 November 2023")
    items = Sheet()
    items.line("AGENDA", size=12, bold=True)
    items.line("1. Apologies for Absence", gap=6)
    items.line("2. Declarations of Interest", gap=6)
    items.line("3. Appointment of Monitoring Officer (Pages 3 - 8)", gap=6)
    items.line("To consider the report of the Chief Executive.", x=75)
    items.line("4. Notice of Motion - Cost of Living (To follow)", gap=6)
    return write_pdf(path, [cover.page, items.page])


def held_sentence_minutes(path: Path) -> Path:
    """Council heading, "MINUTES of a meeting of X held at V on D at T", labelled lists, ACTION lines, closing times."""
    s = Sheet()
    s.line("Exampleton Borough Council", size=14, bold=True)
    s.line("MINUTES of a meeting of the Audit and Governance Committee held at the Civic Centre, High", bold=True, gap=6)
    s.line("Street, Exampleton on Tuesday 14 November 2023 at 10.00 am.", bold=True)
    s.line("Present: Councillors A Patel (Chair), B Jones, C O'Neill and D Wright", gap=8)
    s.line("Also in attendance: Councillor E Green")
    s.line("Officers: F Brown (Head of Audit), G Smith - Democratic Services Officer, H White, Chief")
    s.line("Finance Officer")
    s.line("Apologies: Councillor J Black")
    s.line("23. Declarations of Interest", bold=True, gap=10)
    s.line("There were no declarations of interest.")
    s.line("24. Minutes", bold=True, gap=10)
    s.line("RESOLVED that the minutes of the meeting held on 12 September 2023 be approved.")
    s.line("25. Internal Audit Progress Report", bold=True, gap=10)
    s.line("The Head of Audit presented the progress report for the year to date.")
    s.line("ACTION: Circulate the revised audit plan to all members (Lead: Head of Audit, by 15", gap=4)
    s.line("December 2023)")
    s.line("26. Date of Next Meeting", bold=True, gap=10)
    s.line("The next meeting will be held on 16 January 2024.")
    s.line("The meeting commenced at 10.00 am and concluded at 11.42 am.", gap=12)
    s.line("Chair ..................................", gap=12)
    return write_pdf(path, [s.page])


def block_minutes(path: Path) -> Path:
    """Heading, "Commenced / Terminated" block, "Cllr A (Chair), Cllr B", "(1)" minutes, an action table."""
    s = Sheet()
    s.line("LICENSING PANEL", size=14, bold=True)
    s.line("Wednesday 6 December 2023", bold=True)
    s.row([(60, "Commenced: 1030 hrs"), (300, "Terminated: 1215 hrs")], gap=6)
    s.line("PRESENT: Cllr K Ahmed (Chair), Cllr L Brown, Cllr M Davies", gap=6)
    s.line("ALSO IN ATTENDANCE: Cllr N Evans")
    s.line("(1) APOLOGIES FOR ABSENCE", gap=10)
    s.line("Apologies for absence were received from Cllr P Quinn and Cllr R Shah.")
    s.line("(2) DECLARATIONS OF INTEREST", gap=10)
    s.line("None.")
    s.line("(3) REVIEW OF PREMISES LICENCE - THE RED LION", gap=10)
    s.line("The Panel heard from the licence holder and from the police.")
    s.line("RESOLVED: That the premises licence be suspended for four weeks.")
    s.line("Action Log", bold=True, gap=14)
    s.row([(60, "Minute"), (120, "Action"), (360, "Owner"), (470, "Due Date")], bold=True)
    s.row([(60, "3"), (120, "Write to the licence holder"), (360, "Licensing Manager"), (470, "13 December 2023")])
    s.row([(60, "3"), (120, "Update the public register of"), (360, "Licensing Team"), (470, "20 December 2023")], gap=4)
    s.row([(120, "premises licences")])
    return write_pdf(path, [s.page])


def coded_minutes(path: Path) -> Path:
    """"Minutes of the meeting held on D at T in V", one name a line, "CSP/23/24" minutes, "meeting closed at"."""
    s = Sheet()
    s.line("Community Safety Partnership", size=14, bold=True)
    s.line("Minutes of the meeting held on 12 October 2023 at 6.00pm in Room 4, Town Hall, Exampleton.", gap=6)
    s.line("Present:", bold=True, gap=6)
    s.line("Councillor S Taylor (Chair)")
    s.line("Councillor T Moore")
    s.line("Mrs V King")
    s.line("CSP/23/24 Terms of Reference", bold=True, gap=10)
    s.line("The Partnership reviewed its terms of reference.")
    s.line("AGREED: That the terms of reference be adopted.")
    s.line("CSP/24/24 Anti-social Behaviour Update", bold=True, gap=10)
    s.line("Members noted the update on anti-social behaviour in the town centre.")
    s.line("Action: Police Inspector to report hot spots - Owner: Mrs V King - Due: January 2024", gap=4)
    s.line("The meeting closed at 8.15 pm.", gap=12)
    return write_pdf(path, [s.page])


def plain_number_minutes(path: Path) -> Path:
    """Bare minute numbers ("41 APOLOGIES"), "held on D at T at V", "10.30am", "In the Chair:", "RESOLVED –",
    apologies in their minute, a closing time in brackets."""
    s = Sheet()
    s.line("PLANNING COMMITTEE", size=14, bold=True)
    s.line("Minutes of the meeting held on Monday 20 November 2023 at 10.30am at the Council Offices,", gap=6)
    s.line("Exampleton.")
    s.line("In the Chair: Councillor A Khan", gap=6)
    s.line("Present: Councillors B Lee and C Moss")
    s.line("41 APOLOGIES", bold=True, gap=10)
    s.line("Apologies for absence were received from Councillor D Nash.")
    s.line("42 PLANNING APPLICATION 23/0456/FUL - LAND AT MILL LANE", bold=True, gap=10)
    s.line("The Committee considered the report of the Head of Planning.")
    s.line("RESOLVED – That planning permission be granted subject to the conditions in the report.")
    s.line("(The meeting closed at 12.05 pm)", gap=12)
    return write_pdf(path, [s.page])

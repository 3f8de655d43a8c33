"""Politics stories for the demo site (invented text; all people and places are fictional)."""

from __future__ import annotations

from archive.demo.story import WIRE_AGENCY, Story

POLITICS: tuple[Story, ...] = (
    Story(
        slug="council-approves-front-street-seawall-bond",
        section="politics",
        headline="Council approves $14.2 million bond to rebuild Front Street seawall",
        dek="The 5-2 vote sends the question to voters in November, when a simple majority "
        "will decide whether Port Alder borrows for the work.",
        authors=("maren-holt", "theo-vandermeer"),
        published="2024-06-12T18:45:00-04:00",
        modified="2024-06-12T21:10:00-04:00",
        tags=("seawall", "town council", "bonds", "flooding"),
        caption="Waves break over the Front Street seawall during the March nor'easter.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="granite blocks that have been shifting since the 1978 blizzard",
        body="""
The Port Alder Town Council voted 5-2 on Wednesday night to put a $14.2 million bond on the
November ballot to rebuild the Front Street seawall, the granite blocks that have been shifting
since the 1978 blizzard and that flooded three times this past winter.

Councilor Edith Bramwell, who represents the waterfront ward, said the vote was the easiest she
had cast in nine years. "People on Tanner's Lane moved their cars to the school parking lot
three times since January," she said. "That is not a way to live in a harbor town."

The two votes against came from councilors Ray Ostrowski and Delphine Marsh, who both said they
supported the project but wanted the town to wait for a state resilience grant that could cover
as much as a third of the cost. Town Manager Felix Okonkwo told the council the grant decision
is not expected until next spring and that construction prices have risen about eight percent a
year since 2021.

If voters approve, the bond would add an estimated $61 a year to the tax bill on a median Port
Alder home for twenty years, according to figures from the town finance office. Design work is
already paid for, and engineers from the firm Holloway & Strand said construction could begin
in the fall of 2025 and would close Front Street to through traffic for about fourteen months.

Business owners along Front Street were divided. Marguerite Lyle, who owns a gift shop that
took on water in January, said a year of detours would be painful but that another winter of
flooding could put her out of business entirely.

A public information session on the bond is scheduled for Sept. 9 at the Custom House.
""",
    ),
    Story(
        slug="county-budget-restores-sunday-library-hours",
        section="politics",
        headline="County budget restores Sunday hours at all five Greyhaven libraries",
        dek="Commissioners also added two deputies to the sheriff's marine patrol and left "
        "the property tax rate unchanged.",
        authors=("theo-vandermeer", "maren-holt"),
        published="2024-05-29T07:00:00-04:00",
        modified="2024-05-29T07:00:00-04:00",
        tags=("county budget", "libraries", "sheriff"),
        caption="Patrons browse the new-arrivals shelf at the Eastbrook branch library.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="the first time since 2019 that every branch will open on a Sunday",
        body="""
The Greyhaven County Board of Commissioners adopted a $188 million budget late Tuesday that
restores Sunday hours at all five county libraries, the first time since 2019 that every branch
will open on a Sunday.

The library hours were cut during the pandemic and only partly restored in 2022, when the Port
Alder and Saltmarsh branches resumed Sunday afternoons. Library director Agnes Whitlow told
commissioners that Sunday is when working parents bring children in, and that the Eastbrook
branch alone had collected more than 900 signatures asking for the hours back.

The budget also pays for two additional deputies on the sheriff's marine patrol, which Sheriff
Dominic Farrow said has answered a growing number of calls from kayakers and paddleboarders
caught by the tide near Kestrel Point. The patrol now has four deputies and one boat; the new
budget includes money to refit a second hull seized in a 2022 case.

The property tax rate stays at $9.12 per $1,000 of assessed value. Commissioner Lorna
Achterberg, who chairs the finance committee, said rising assessments would still raise bills
for many homeowners and warned that next year's budget faces a shortfall when federal relief
money runs out.

Sunday hours at all five branches will run from 1 p.m. to 5 p.m. starting in September. The
change costs about $210,000 a year, mostly for part-time staff, and Whitlow said she expected
to hire eight people this summer. Several teenagers who spoke at the budget hearing said they
used the libraries on weekends to do homework because their homes lack internet service.

The only amendment that failed would have moved $400,000 from road paving to a new county
housing office. It drew two votes.
""",
    ),
    Story(
        slug="school-board-recall-petition-falls-short",
        section="politics",
        headline="Recall petition against two school board members falls 212 signatures short",
        dek="Organizers say they will not try again before the regular election next year.",
        authors=("maren-holt",),
        published="2024-05-08T16:20:00-04:00",
        modified="2024-05-09T09:05:00-04:00",
        tags=("school board", "recall", "elections"),
        caption="Petition organizers count signatures at a kitchen table in Port Alder.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="1,788 valid signatures out of the 2,000 required",
        body="""
A petition to recall two members of the Port Alder School Committee has failed after the town
clerk certified 1,788 valid signatures out of the 2,000 required, Town Clerk Harriet Soames
announced Wednesday afternoon.

Organizers had submitted 2,311 signatures last month. The clerk's office rejected 523 of them,
most because the signer was not a registered voter in Port Alder or had signed twice. Soames
said her staff checked every page by hand and that two volunteers from each side watched the
count.

The petition targeted committee chair Morgan Pryce and member Samuel Idowu over their votes to
close the Harborview Elementary School building and move its students to the newer Elm Street
campus this fall. Parents who organized the recall said the decision was made too quickly and
without a study of traffic on Elm Street.

"We got closer than anyone thought we would," said Talia Brennan, one of the organizers. She
said the group would not file another petition and would instead run candidates in next year's
regular election.

The recall effort was the first in Port Alder since 1994, when voters removed a road
commissioner accused of using town equipment on private property. Under the town charter,
recall petitions must be signed by at least fifteen percent of registered voters within sixty
days, a threshold that town officials have described as deliberately high.

Pryce said in a statement that she understood parents' frustration and that the committee would
hold a public session on the Elm Street traffic plan before the end of the school year. Idowu
did not respond to a request for comment.
""",
    ),
    Story(
        slug="ferry-authority-proposes-fare-increase",
        section="politics",
        headline="State ferry authority proposes 11 percent fare increase on Merrow Sound route",
        dek="Island residents would keep a discounted commuter book under the plan.",
        authors=(),
        agency=WIRE_AGENCY,
        published="2024-04-24T13:05:00+00:00",
        modified="2024-04-24T15:40:00+00:00",
        tags=("ferries", "transportation", "fares"),
        caption="The ferry Margaret Ann leaves the Port Alder terminal for Tillet Island.",
        credit="Dario Pell/Coastal Press Service",
        phrase="the first increase on the route since the spring of 2017",
        body="""
The state Maritime Transit Authority on Wednesday proposed raising fares on its Merrow Sound
ferry route by 11 percent, the first increase on the route since the spring of 2017, citing
higher fuel and insurance costs and the expense of keeping its oldest vessel in service.

Under the proposal, a round-trip adult walk-on ticket between Port Alder and Tillet Island
would rise from $9.00 to $10.00, and a car with driver from $38.50 to $42.75. The authority
said year-round island residents would keep the discounted commuter book of forty trips and
that its price would rise by a smaller amount, about six percent.

Authority spokesperson Camille Durand said the route lost about $2.3 million last year, and
that the ferry Margaret Ann, built in 1986, needs a new engine within three years. The
authority's board is expected to vote in June after public hearings.

Island officials said they would fight any increase for residents. "For us the ferry is the
road," said Tillet Island selectman Jory Pennington. "You would not charge people extra to
drive to the grocery store."

The Merrow Sound route carries about 310,000 passengers and 95,000 vehicles a year, most of
them between June and September. Tillet Island has about 700 year-round residents and no bridge
to the mainland, and its school, clinic and post office all depend on supplies that arrive on
the ferry. Fuel for the island's generators and heating oil also comes across by ferry, on a
tanker truck that rides the early boat.

Hearings are scheduled for May 14 in Port Alder and May 16 on Tillet Island. Written comments
will be accepted through May 31.
""",
    ),
    Story(
        slug="harbormaster-candidates-debate-mooring-waitlist",
        section="politics",
        headline="Harbormaster candidates spar over the 600-name mooring waitlist",
        dek="Port Alder is one of the last towns in the state that elects its harbormaster.",
        authors=("maren-holt",),
        published="2024-04-11T20:30:00-04:00",
        modified="2024-04-11T20:30:00-04:00",
        tags=("harbormaster", "elections", "moorings"),
        caption="Candidates Wendell Cray, left, and Sofia Marchetti at the Grange Hall forum.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="people on the list have waited since before their children were born",
        body="""
The two candidates for Port Alder harbormaster agreed on Thursday night that the town's mooring
waitlist is too long. They disagreed on nearly everything about how to shorten it.

About 140 residents filled the Grange Hall for the forum, sponsored by the Port Alder Yacht
Club and the Fishermen's Cooperative. The town is one of the last in the state to elect its
harbormaster, and the May 7 race is the first contested one in twelve years after the
retirement of longtime harbormaster Bertram Lusk.

Wendell Cray, a lobsterman and assistant harbormaster for six years, said the waitlist of about
600 names is inflated by people who have moved away or sold their boats, and that an annual
renewal fee would clear it quickly. "Some people on the list have waited since before their
children were born," he said. "Some of them are not even alive."

Sofia Marchetti, who runs a sailing school on Cooper's Wharf, said a fee would push out working
families and proposed opening a new mooring field off Gull Rock, which she said could hold 80
boats. Cray said the Gull Rock water is too exposed in a northeast wind.

The harbormaster is paid about $68,000 a year and oversees three assistants, the town moorings,
the public floats and the pump-out boat. The office also enforces speed limits in the harbor
and is the first to respond when a boat breaks loose in a storm.

Both candidates said they would keep commercial moorings separate from the recreational list.
Absentee ballots are available from the town clerk until May 3.
""",
    ),
    Story(
        slug="council-caps-short-term-rentals-old-town",
        section="politics",
        headline="Council caps short-term rentals in Old Town at 120 permits",
        dek="Owners who rent out their own homes while they live in them are exempt.",
        authors=("maren-holt", "priya-castellanos", "theo-vandermeer"),
        published="2024-06-05T09:15:00-04:00",
        modified="2024-06-06T08:00:00-04:00",
        tags=("housing", "short-term rentals", "town council"),
        caption="Rental lockboxes hang on a railing on Chandler Street in Old Town.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="a lottery held each January at the Custom House",
        body="""
Port Alder will limit short-term rentals in the Old Town district to 120 permits under an
ordinance the Town Council approved 6-1 late Tuesday, ending nearly two years of debate over
houses that sit empty for much of the year and fill with visitors in July.

The town's rental registry lists 187 short-term rentals in the district. Owners who already
hold a permit may keep it until they sell the property, so the cap will take effect gradually
as permits lapse. New permits will be awarded through a lottery held each January at the Custom
House.

Owners who live in their homes and rent rooms or the whole house for fewer than sixty nights a
year are exempt. Councilor Priscilla Vance, who drafted the ordinance, said that exemption was
meant to protect retirees and young families who depend on summer income.

Opponents, including several rental managers, warned that the cap would hurt restaurants and
shops on Front Street. "Visitors are the reason half of Old Town's businesses can stay open in
February," said Nolan Hargreave, who manages about thirty rentals.

The lone vote against came from Councilor Ray Ostrowski, who said the town should have studied
the effect on tax revenue first. Short-term rentals in Old Town paid about $390,000 in local
lodging taxes last year, according to the finance office, money that goes to harbor maintenance
and beach lifeguards.

The housing nonprofit Greyhaven Homes Trust said about a third of Old Town houses are now
seasonal or short-term rentals, up from about a fifth a decade ago. The ordinance takes effect
on Jan. 1, and the first lottery will be held the same month.
""",
    ),
    Story(
        slug="eastbrook-voters-reject-annexation",
        section="politics",
        headline="Eastbrook voters reject joining Port Alder by a wide margin",
        dek="Turnout in the unincorporated village reached 71 percent.",
        authors=("theo-vandermeer",),
        published="2024-04-03T22:40:00-04:00",
        modified="2024-04-04T10:20:00-04:00",
        tags=("Eastbrook", "annexation", "elections"),
        caption="Voters line up outside the Eastbrook Volunteer Fire Company on Tuesday.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="1,402 to 611 against the proposal",
        body="""
Voters in Eastbrook rejected a proposal to become part of Port Alder on Tuesday, voting 1,402
to 611 against the proposal in a special referendum that drew 71 percent of the village's
registered voters.

The question had been on the ballot because of a petition signed by Eastbrook residents who
wanted access to Port Alder's public water system. About a third of Eastbrook homes rely on
private wells, and several along Mill Road have tested high for nitrates in recent years.

Opponents argued that annexation would raise property taxes by about a quarter and end the
village's volunteer fire company, which has served Eastbrook since 1921. Signs reading "Keep
Eastbrook Eastbrook" appeared on lawns across the village in the weeks before the vote.

"People here want clean water," said Rowan Ashby, who led the opposition committee. "They do
not want to give up who they are to get it." Ashby said he would ask the county to extend a
water line along Mill Road without annexation.

Eastbrook has about 2,800 registered voters and has never been part of any town. Its roads are
maintained by the county, and its children attend Port Alder schools under a tuition agreement
that both sides renew every ten years. The current agreement expires in 2027, and neither side
has said whether the referendum will change the negotiations.

County Commissioner Lorna Achterberg said a water line study would be on the board's agenda
next month. Port Alder officials, who had stayed neutral during the campaign, said they would
consider any proposal for a water service agreement with the county.
""",
    ),
    Story(
        slug="polling-place-moves-to-central-firehouse",
        section="politics",
        headline="Ward 3 polling place moves to the Central Firehouse for the primary",
        dek="The old site at Harborview Elementary closes when the school shuts this summer.",
        authors=("maren-holt",),
        published="2024-05-20T06:30:00-04:00",
        modified="2024-05-20T06:30:00-04:00",
        tags=("elections", "voting", "Ward 3"),
        caption="Poll workers test a ballot scanner at the Central Firehouse on Friday.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="a shuttle van will run every twenty minutes from the Harborview lot",
        body="""
Voters in Port Alder's Ward 3 will cast ballots at the Central Firehouse on Pier Road starting
with the June primary, Town Clerk Harriet Soames said, because the ward's longtime polling
place at Harborview Elementary School closes this summer.

The firehouse's apparatus bay will hold eight voting booths and the ballot scanner, and the
fire trucks will be parked outside on election days. Soames said the building has a level
entrance and more parking than the school, which had only fourteen spaces for voters.

Because some older residents of the Harborview neighborhood do not drive, a shuttle van will
run every twenty minutes from the Harborview lot to the firehouse while the polls are open. The
shuttle is paid for by the town's elections budget and is free.

Every registered voter in Ward 3 will receive a postcard with the new address this week. Signs
will also be posted at the school entrance on primary day directing voters to the new location,
about nine tenths of a mile away.

Turnout in Ward 3 has been the lowest in town in the last three elections, about 48 percent in
the most recent municipal vote. Soames said she hoped the larger building and easier parking
would help, and that the shuttle would make a difference for residents of the senior apartments
on Harbor Terrace, which sit next to the old polling place.

Polls are open from 7 a.m. to 8 p.m. Voters can check their polling place, request an absentee
ballot or register in person at the town clerk's office on Custom House Square during business
hours. Same-day registration is available at every polling place.
""",
    ),
)

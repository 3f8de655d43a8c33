"""Business stories for the demo site (invented text; all people and places are fictional)."""

from __future__ import annotations

from archive.demo.story import Story

BUSINESS: tuple[Story, ...] = (
    Story(
        slug="old-merrow-cannery-reopens-as-food-hall",
        section="business",
        headline="Old Merrow cannery reopens as a food hall with fourteen vendors",
        dek="The brick building on Cooper's Wharf packed sardines until 1968.",
        authors=("priya-castellanos",),
        published="2024-06-14T07:00:00-04:00",
        modified="2024-06-14T12:30:00-04:00",
        tags=("food hall", "waterfront", "restaurants", "redevelopment"),
        caption="Diners fill long tables under the cannery's original timber trusses.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="smell of fish oil still comes out of the floorboards on hot days",
        body="""
The Old Merrow cannery on Cooper's Wharf, which packed sardines for eighty years and then sat
mostly empty for five decades, opens Saturday as a food hall with fourteen vendors, a bar and a
small stage for local musicians.

Developer Imogen Farquhar bought the building in 2021 for $1.1 million and spent about three
times that on a new roof, seismic bracing and a kitchen exhaust system. She kept the timber
trusses, the loading doors and the conveyor rails that once carried cans to the boats. "The
smell of fish oil still comes out of the floorboards on hot days," she said. "We decided that
is part of the charm."

Vendors include a dumpling stall run by two former cooks from the Lantern Room, a taqueria, a
raw bar supplied by Sound Oyster Company and a bakery counter from Kelp & Crumb. Rents start at
about $1,800 a month for the smallest stalls, and Farquhar said she set aside three stalls at
half price for first-time owners.

The food hall will employ about ninety people in summer and sixty in winter, she said.
Neighbors on Cooper's Lane had raised concerns about noise and parking during permit hearings
last year; the stage will close at 10 p.m., and the town agreed to open the Pier Road lot to
evening parking.

The cannery closed in 1968, when the sardine runs collapsed and the last packing line moved
south. Since then the building has served as a net loft, a boat storage barn and, for one
summer in the 1980s, a roller rink. Farquhar said old photographs of the packing floor will
hang near the entrance, next to a map of the wharf as it looked in 1920.

The hall will be open daily from 11 a.m. to 10 p.m. through Labor Day.
""",
    ),
    Story(
        slug="sound-oyster-company-wins-lease-expansion",
        section="business",
        headline="Sound Oyster Company wins state approval to triple its lease in Heron Cove",
        dek="Lobstermen had opposed the expansion over access to traditional fishing grounds.",
        authors=("owen-tarrant",),
        published="2024-05-23T10:00:00-04:00",
        modified="2024-05-23T10:00:00-04:00",
        tags=("aquaculture", "oysters", "fishing", "permits"),
        caption="Workers sort oysters on a floating barge in Heron Cove.",
        credit="Owen Tarrant/The Harbor Ledger",
        phrase="a lane eighty feet wide along the eastern edge of the cove",
        body="""
The state Department of Marine Resources has approved a lease expansion that lets Sound Oyster
Company farm 12 acres in Heron Cove, up from four, after a year of hearings in which some Port
Alder lobstermen argued the farm would block their way to traditional fishing grounds.

Under the decision, the company must keep a lane eighty feet wide along the eastern edge of the
cove clear of gear year-round, and must remove its floating cages from the outer two acres
between November and March, when lobster boats use the cove as a shortcut in rough weather.

Co-owner Beatrix Quan said the company, which employs eleven people, would hire six more and
expected to sell about 1.5 million oysters a year within three seasons, mostly to restaurants
in the state and in two neighboring states. "Oysters filter the water, they do not need feed,
and they keep people working on the water in winter," she said.

Lobsterman Abel Thornquist, who testified against the expansion, said the conditions were
better than he had feared but that the cove was getting crowded. "Every year there is a little
less water for the boats that were here first," he said.

Shellfish farming has grown quickly along this part of the coast. The state now lists 23 active
shellfish leases in Greyhaven County waters, compared with five a decade ago, and the
Department of Marine Resources has hired an additional inspector to check water quality samples
from the farms each month.

The company can appeal the seasonal condition within thirty days. Quan said it would not.
""",
    ),
    Story(
        slug="brannigans-hardware-closing-after-71-years",
        section="business",
        headline="Brannigan's Hardware will close after 71 years on Chandler Street",
        dek="The owners say they could not find a buyer willing to keep it a hardware store.",
        authors=("priya-castellanos",),
        published="2024-04-29T08:00:00-04:00",
        modified="2024-04-30T14:15:00-04:00",
        tags=("retail", "small business", "Chandler Street"),
        caption="Cormac Brannigan behind the counter he has worked since he was twelve.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="a drawer of brass boat screws that nobody else in the county stocks",
        body="""
Brannigan's Hardware, the narrow store on Chandler Street where Port Alder has bought nails,
paint and kerosene since 1953, will close at the end of June, owners Cormac and Wilma Brannigan
said Monday.

Cormac Brannigan, 68, is the grandson of the founder and has worked behind the counter since he
was twelve. He said the couple tried for three years to sell the business to someone who would
keep it a hardware store, and had two offers from buyers who wanted only the building. "We are
tired, and our kids have their own lives," he said. "We did not want to be the ones who turned
it into a T-shirt shop, so we waited. We cannot wait anymore."

The store is known for its wooden bins of loose fasteners, its key-cutting machine and a drawer
of brass boat screws that nobody else in the county stocks. Customers have been coming in since
the news spread to buy something to remember it by.

The nearest hardware store will be the chain store on Route 9 in Eastbrook, about seven miles
away. Several customers said they were worried about losing a place where the staff knew what a
cleat or a pintle was.

The store's longest-serving employee, Eunice Tolliver, has worked there for twenty-six years
and keeps a handwritten notebook of which customers buy which paint colors. She said she
planned to give the notebook to the town historical society.

The Brannigans said they have not decided whether to sell or lease the building. A closing sale
begins June 1.
""",
    ),
    Story(
        slug="boatyard-launches-paid-apprenticeships",
        section="business",
        headline="Gannet Boatworks launches paid apprenticeships to train wooden boat builders",
        dek="Eight apprentices will earn while they learn over a two-year program.",
        authors=("owen-tarrant", "priya-castellanos"),
        published="2024-06-03T07:30:00-04:00",
        modified="2024-06-03T07:30:00-04:00",
        tags=("boatbuilding", "jobs", "training", "waterfront"),
        caption="An apprentice fairs the hull of a lobster boat at Gannet Boatworks.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="steam-bending white oak frames for a 38-foot lobster boat",
        body="""
Gannet Boatworks, the largest boatyard on Merrow Sound, will start a two-year paid
apprenticeship in September for eight people who want to learn to build and repair wooden and
fiberglass boats, the company said Monday.

Apprentices will earn $19 an hour to start, rising to $24 in the second year, and will spend
one day a week in classes at Greyhaven Community College. In the yard they will work alongside
the company's senior builders, starting with painting and rigging and moving on to
steam-bending white oak frames for a 38-foot lobster boat the yard is building this winter.

Yard manager Callum Reyes said the average age of the company's builders is 57, and that three
of them plan to retire within five years. "The knowledge is in their hands, not in a manual,"
he said. "If we do not pass it on now, it goes away."

The program is paid for in part by a $310,000 state workforce grant. The college will award a
certificate in marine trades to apprentices who finish, and Gannet has promised a job offer to
every graduate.

The yard, founded in 1946 by the Gannet brothers, builds two or three new boats a year and
repairs about three hundred more. Its busiest months are April and May, when owners want their
boats in the water, and October, when they want them hauled out before the first storm.

Applications are open until July 15 to anyone 18 or older. No experience is required, Reyes
said, but applicants should expect cold hands in January.
""",
    ),
    Story(
        slug="spring-home-prices-greyhaven-county",
        section="business",
        headline="Greyhaven County home prices rise again as listings hit a record low",
        dek="The median sale price reached $438,000 in the first quarter.",
        authors=("priya-castellanos",),
        published="2024-04-16T11:00:00-04:00",
        modified="2024-04-16T11:00:00-04:00",
        tags=("housing", "real estate", "prices"),
        caption="A for-sale sign outside a cape on Juniper Hill Road in Saltmarsh.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="86 single-family homes were listed for sale on the last day of March",
        body="""
The median price of a single-family home sold in Greyhaven County reached $438,000 in the first
three months of the year, up nine percent from a year earlier, according to figures released
Tuesday by the Greyhaven Board of Realtors.

The number of homes for sale fell further. Only 86 single-family homes were listed for sale on
the last day of March, the fewest since the board began keeping records in 1998, and the
typical home sold in 23 days.

Prices rose fastest in Port Alder, where the median reached $512,000, and in Saltmarsh, where a
handful of waterfront sales pushed the median up thirteen percent. Eastbrook remained the least
expensive town in the county at $329,000.

Realtor Delia Montague, the board's president, said buyers from cities to the south were still
competing with local families, many of whom are paying cash. "A young couple with a mortgage
approval and a normal down payment is having a very hard time," she said.

Rents have risen too. A two-bedroom apartment in Port Alder now rents for about $1,950 a month,
according to a separate survey by the Greyhaven Homes Trust, up from about $1,400 five years
ago. The trust said it had more than 300 households on the waiting list for its
income-restricted apartments.

Sales of condominiums slowed, with 41 closed in the quarter compared with 58 a year earlier.
Montague said high condominium fees, driven by insurance costs, were keeping some buyers away.
The board expects more listings in May and June, as it does every spring.
""",
    ),
    Story(
        slug="sound-credit-union-merger-kestrel-point",
        section="business",
        headline="Sound Credit Union to merge with Kestrel Point Federal Credit Union",
        dek="Members of both credit unions must approve the deal in a vote this summer.",
        authors=("priya-castellanos",),
        published="2024-05-14T15:45:00-04:00",
        modified="2024-05-15T09:00:00-04:00",
        tags=("banking", "credit unions", "mergers"),
        caption="The Kestrel Point Federal Credit Union branch on Harbor Road.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="no branch will close and no employee will lose a job",
        body="""
Sound Credit Union, the largest locally owned financial institution in Greyhaven County, plans
to merge with the smaller Kestrel Point Federal Credit Union, the two boards announced Tuesday.
The combined credit union would have about 31,000 members and $640 million in assets.

The merged institution would keep the Sound Credit Union name and its headquarters on Pier Road
in Port Alder. Kestrel Point's chief executive, Marguerite Oyelaran, would become chief
operating officer. Both boards said no branch will close and no employee will lose a job as a
result of the merger.

Kestrel Point, founded in 1957 to serve cannery and boatyard workers, has struggled to pay for
new online banking systems and federal compliance rules with a staff of twenty-two, Oyelaran
said. "We can stay small and fall behind, or we can join people who share our values," she
said.

Members will keep their account numbers, and Kestrel Point members will gain access to Sound's
mortgage and small-business lending programs. The deal needs approval from federal regulators
and a majority of Kestrel Point members voting.

Sound Credit Union's chief executive, Bartholomew Ngata, said the merger would give Kestrel
Point members longer branch hours and a second automated teller machine in the village. He said
Sound would keep the Harbor Road branch manager and tellers in place, and that the larger
credit union could offer better rates on car and boat loans.

Ballots will be mailed in July, and the merger would close in the fall if approved. Members
with questions can attend sessions at the Harbor Road branch on June 4 and June 11.
""",
    ),
    Story(
        slug="early-summer-bookings-up-port-alder",
        section="business",
        headline="Early summer bookings are up, but innkeepers worry about finding staff",
        dek="Reservations for June are running ahead of last year at most Port Alder inns.",
        authors=("owen-tarrant",),
        published="2024-03-28T09:00:00-04:00",
        modified="2024-03-28T09:00:00-04:00",
        tags=("tourism", "hospitality", "jobs"),
        caption="The porch of the Wrenfield Inn waits for its first guests of the season.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="a bunkhouse over the garage for six seasonal workers",
        body="""
Reservations for June at Port Alder's inns and guesthouses are running about twelve percent
ahead of last year, according to a survey by the Greyhaven County Chamber of Commerce, but
owners say they are more worried about staffing than about filling rooms.

Of the 34 lodging businesses that answered the chamber's survey, 27 said they had not yet hired
all of their summer staff, and nine said they might keep some rooms closed on weekdays if they
could not find housekeepers.

At the Wrenfield Inn on Ship Street, owner Gideon Sato built a bunkhouse over the garage for
six seasonal workers after two employees quit last summer because they could not find rooms to
rent. "You cannot hire someone if they have nowhere to sleep," he said. "That is the whole
problem in one sentence."

The chamber's executive director, Yolanda Breck, said visitor numbers last summer were close to
the 2019 record. She said the chamber was working with Greyhaven Community College to place
hospitality students in summer jobs and was asking the town to allow more accessory apartments
for seasonal workers.

The survey found that nightly rates are up about six percent from last summer on average.
Several innkeepers said guests are booking shorter stays than they used to, often two nights
instead of a week, which means more laundry and more cleaning for the same number of guests.
Some inns have begun to require three-night minimum stays on July and August weekends.

The chamber's visitor center on Front Street reopens for the season on May 1.
""",
    ),
    Story(
        slug="kelp-and-crumb-wins-state-baking-award",
        section="business",
        headline="Kelp & Crumb's seaweed sourdough wins top prize at the state baking awards",
        dek="The Port Alder bakery opened in a former bait shop three years ago.",
        authors=("priya-castellanos",),
        published="2024-05-02T12:30:00-04:00",
        modified="2024-05-02T12:30:00-04:00",
        tags=("food", "bakeries", "awards"),
        caption="Baker Anouk Delacroix shapes loaves before dawn at Kelp & Crumb.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="dulse harvested by hand at low tide off Gull Rock",
        body="""
Kelp & Crumb, the Port Alder bakery that opened three years ago in a former bait shop on
Tanner's Lane, won the top prize for bread at the state Artisan Baking Awards on Wednesday for
a sourdough made with dulse harvested by hand at low tide off Gull Rock.

Owner and baker Anouk Delacroix said she started adding seaweed to her bread as an experiment
during her first winter, when she had more time than customers. The dried dulse gives the loaf
a faint salty, smoky flavor and a purple fleck in the crumb. "People thought I was crazy," she
said. "Now they call on Thursday to reserve one for Saturday."

The judges, a panel of five bakers and food writers, praised the loaf's crust and its "sense of
place." It was one of 212 breads entered from across the state. The award comes with a $2,500
prize, which Delacroix said she would spend on a second deck oven.

The bakery employs five people and sells about 400 loaves a week, half of them through its
counter and the rest to restaurants, and it has signed on for a stall in the food hall opening
this summer on Cooper's Wharf. Delacroix said she buys the dulse from two harvesters who hold
state permits and cut it by hand so that it grows back.

Delacroix trained as a pastry cook in the city before moving to Port Alder, where her
grandmother lived. She said the bait shop still had its old cooler when she bought it, and that
she turned it into the room where her dough rises overnight.

The winning loaf costs $9.50 and is baked on Fridays and Saturdays.
""",
    ),
)

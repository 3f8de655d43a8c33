"""Sports stories for the demo site (invented text; all people and places are fictional)."""

from __future__ import annotations

from archive.demo.story import Story

SPORTS: tuple[Story, ...] = (
    Story(
        slug="mariners-softball-wins-regional-final",
        section="sports",
        headline="Mariners rally in the seventh to win their first regional softball title",
        dek="Junior June Okafor's two-run double sends Port Alder to the state semifinals.",
        authors=("rosa-lindqvist",),
        published="2024-06-09T21:50:00-04:00",
        modified="2024-06-10T08:30:00-04:00",
        tags=("softball", "high school", "Port Alder High", "playoffs"),
        caption="June Okafor celebrates at second base after her go-ahead double.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="the ball skipped past the diving left fielder and rolled to the fence",
        body="""
Down a run with two outs in the top of the seventh inning, June Okafor lined a fastball into
the left-center gap on Sunday, the ball skipped past the diving left fielder and rolled to the
fence, and Port Alder High School won its first regional softball title, 4-3 over Ridgefield.

Okafor, a junior who bats ninth, had struck out twice against Ridgefield pitcher Cassidy
Vorhees. "I just wanted to put it in play," she said. "I was not thinking about a double. I was
thinking, please do not strike out again."

Senior pitcher Marisa Dellaporta then retired the side in order in the bottom of the seventh,
finishing a complete game in which she allowed seven hits and struck out nine. She has pitched
every inning of the Mariners' four playoff games.

Ridgefield had taken a 3-2 lead in the fifth on a two-run home run by Ainsley Corrigan, the
first home run Dellaporta had allowed all season. Port Alder's first two runs came in the third
on a bases-loaded walk and a sacrifice fly by shortstop Noor Haddad.

About four hundred Port Alder fans made the ninety-minute drive to Ridgefield, and many of them
stayed long after the last out to cheer as the team carried the trophy to the bus. A police
escort and a line of honking cars met the bus at the town line on the way home.

Coach Len Baptiste, in his eighteenth season, said he had never been to a regional final
before. The Mariners, now 19-4, play in the state semifinals on Thursday at a neutral field in
the capital.
""",
    ),
    Story(
        slug="merrow-sound-regatta-returns",
        section="sports",
        headline="Merrow Sound Regatta returns with 140 boats and a new youth division",
        dek="Light air on the first day gave way to a stiff southwesterly on Sunday.",
        authors=("rosa-lindqvist",),
        published="2024-06-01T18:00:00-04:00",
        modified="2024-06-02T19:40:00-04:00",
        tags=("sailing", "regatta", "youth sports"),
        caption="Boats round the windward mark off Gull Rock on Saturday.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="the thirteen-year-old from Tillet Island who sailed with her grandfather's tiller",
        body="""
The Merrow Sound Regatta returned to Port Alder this weekend with 140 boats in nine classes,
its biggest fleet in a decade, and a new division for sailors under sixteen that drew
twenty-two entries.

The first day was slow, with barely five knots of wind, and race officers sent the fleet back
to the harbor after two races. On Sunday a steady southwesterly of fifteen to eighteen knots
filled in before noon, and the fleet finished four more races.

In the youth division, Clementine Arroway won all six races, the thirteen-year-old from Tillet
Island who sailed with her grandfather's tiller, which he fitted to her boat before the
regatta. "It is older than my dad," she said. "It is lucky."

The Farrow family's boat Tern won the classic yacht class on a tiebreaker, and Port Alder Yacht
Club member Desmond Okoro won the largest class, the one-design keelboats, with a final race
win after trailing by four points on Saturday.

The regatta dates to 1911, when it was a race between fishing schooners for a silver cup that
still sits in the yacht club trophy case. It was cancelled for two years during the pandemic
and shrank to about eighty boats when it returned. Volunteers ran committee boats, mark boats
and a barbecue for about 600 sailors and families.

Regatta chair Beatrice Lunde said the youth division was paid for by club members and local
businesses so that entry was free. She said the club hoped to grow it to forty boats next year
and to lend boats to young sailors who do not have one.
""",
    ),
    Story(
        slug="harbor-half-marathon-course-change",
        section="sports",
        headline="Harbor Half Marathon moves off Route 9 and onto the old rail trail",
        dek="Organizers say the new course will be flatter, safer and slightly slower.",
        authors=("gus-mahaffey",),
        published="2024-04-14T07:15:00-04:00",
        modified="2024-04-14T07:15:00-04:00",
        tags=("running", "marathon", "rail trail"),
        caption="Runners on the rail trail near the Saltmarsh trestle during a training run.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="the trestle over the Saltmarsh River, where runners will cross single file",
        body="""
The Harbor Half Marathon will move most of its course off Route 9 and onto the Greyhaven rail
trail this October, race organizers said, ending years of complaints from drivers about the
road closure and from runners about traffic.

The new course starts and finishes on the Port Alder town green, as before, but after the first
two miles it follows the crushed-stone rail trail north to Saltmarsh and back. It crosses the
trestle over the Saltmarsh River, where runners will cross single file if the field is crowded,
and turns around at the old Saltmarsh depot.

Race director Imelda Kowalczyk said the course is flatter than the old one, which had two long
climbs on Route 9, but that the stone surface will likely make times a little slower. The old
course record of one hour, six minutes will stand, she said, and a new record will be kept for
the rail trail course.

The field will be capped at 1,500 runners, down from 2,000, because the trail is narrower than
the road. Registration opens May 1 and typically sells out within weeks.

The race, which raises money for the Greyhaven Land Trust, the group that maintains the rail
trail, also includes a 5-kilometer run and a children's mile on the town green. Kowalczyk said
the land trust would regrade two soft sections of the trail north of the trestle before race
day.

State police and the county highway department supported the change. Route 9 will stay open on
race day for the first time since the race began in 2004.
""",
    ),
    Story(
        slug="greyhaven-gulls-name-new-manager",
        section="sports",
        headline="Greyhaven Gulls hire former minor league catcher Tomas Benavides as manager",
        dek="The summer collegiate baseball team opens its season at Pennock Field on June 7.",
        authors=("gus-mahaffey",),
        published="2024-05-10T11:20:00-04:00",
        modified="2024-05-10T11:20:00-04:00",
        tags=("baseball", "Greyhaven Gulls", "summer league"),
        caption="Tomas Benavides at Pennock Field after his introduction as manager.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="see the whole field and everybody's mistakes",
        body="""
The Greyhaven Gulls, the county's summer collegiate baseball team, have hired Tomas Benavides,
a former minor league catcher and longtime college assistant coach, as their manager, the team
said Friday.

Benavides, 46, played seven seasons in the minor leagues and spent the last twelve years as a
pitching and catching coach at a university in the Midwest. He replaces Hank Dorsey, who
managed the Gulls for nine seasons and stepped down last fall to spend summers with his
grandchildren.

"Catchers see the whole field and everybody's mistakes," Benavides said at Pennock Field, where
he was introduced to about fifty fans and host families. "That is the job here. These are
college kids who want to get better. I want to help them see the game."

The Gulls finished 22-20 last summer and lost in the first round of the league playoffs. The
roster of about thirty players from colleges across the country is nearly set, general manager
Rhoda Stanislaw said, and players will live with host families in Port Alder and Eastbrook for
the season.

The Gulls have played in the summer league since 1998 and have sent eleven former players to
the major leagues, according to the team. Their home field, Pennock Field, was built by
volunteers on donated land and seats about 1,200 people on wooden bleachers behind a chain-link
backstop. Attendance averaged about 850 a game last summer, and the team sold out its Fourth of
July game for the sixth straight year.

The Gulls open at Pennock Field on June 7 against the Ridgefield Rockhoppers. Tickets cost $8,
and children under 12 get in free.
""",
    ),
    Story(
        slug="rowing-club-qualifies-for-nationals",
        section="sports",
        headline="Port Alder Rowing Club's women's four qualifies for masters nationals",
        dek="The crew's combined age is 221, and two of them learned to row after 50.",
        authors=("rosa-lindqvist", "gus-mahaffey"),
        published="2024-05-19T17:40:00-04:00",
        modified="2024-05-19T17:40:00-04:00",
        tags=("rowing", "masters", "Port Alder Rowing Club"),
        caption="The Port Alder Rowing Club four trains at dawn in the inner harbor.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="they practice at 5:15 a.m. before the lobster boats go out",
        body="""
A women's four from the Port Alder Rowing Club won its race at the regional masters
championships on Saturday, qualifying for the national championships in August for the first
time in the club's history.

The crew of Hedda Marsh, Patrice Olumide, Greta Vaillancourt and Dorothy Finch, steered by
coxswain Lila Ng, covered the 1,000-meter course in three minutes and fifty-eight seconds,
beating the second-place boat by about a length. The four rowers have a combined age of 221;
Olumide and Finch both learned to row after turning 50.

The crew trains five mornings a week in the inner harbor, and they practice at 5:15 a.m. before
the lobster boats go out and the wakes get too big. "The fishermen know us now," Marsh said.
"They wave. Some of them slow down."

Club president Ignatius Fell said the club has grown from about forty members to more than
ninety since it moved into the old Coast Guard boathouse in 2019, with most of the growth among
adults over forty.

Masters rowing races are handicapped by age, so older crews receive a time allowance. The Port
Alder crew did not need it on Saturday. Coach Bernadette Yilmaz, who has coached the group for
four years, said their start was the fastest she had ever timed, and that the crew had
practiced it more than two hundred times this spring.

The crew is raising money to ship its boat to the national championships. The club will hold an
open house and learn-to-row day at the boathouse on June 15.
""",
    ),
    Story(
        slug="eastbrook-fields-get-lights",
        section="sports",
        headline="Eastbrook youth fields will get lights after a decade of fundraising",
        dek="The $620,000 project lets evening games continue into October.",
        authors=("gus-mahaffey",),
        published="2024-04-26T19:00:00-04:00",
        modified="2024-04-26T19:00:00-04:00",
        tags=("youth sports", "soccer", "Eastbrook", "facilities"),
        caption="Youth soccer practice at the Eastbrook fields as the sun goes down.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="bake sales, a polar plunge and eleven years of raffle tickets",
        body="""
The youth soccer and lacrosse fields behind the Eastbrook Community Center will get lights this
summer, ending a fundraising drive that took bake sales, a polar plunge and eleven years of
raffle tickets.

The Eastbrook Youth Athletic Association reached its goal of $620,000 this month with a final
$75,000 grant from the county recreation fund, president Corinne Adebayo said. The association
raised about $310,000 itself; the rest came from the state and from local businesses.

Without lights, teams have had to end practice by 6 p.m. from late September on, and some fall
games were moved to fields in Port Alder, a long drive for families in the northern part of the
county. About 650 children play soccer or lacrosse in the association's programs.

The lights will use shielded LED fixtures aimed down at the fields, a design chosen after
neighbors on Birch Hollow Road worried about glare. They will turn off automatically at 9 p.m.
and will not be used on Sundays.

The fundraising drive began in 2013, when a group of parents wrote a proposal on the back of a
soccer schedule during a rain delay. Several of those parents no longer have children in the
program but kept working on the project. Adebayo said the association would hold a thank-you
night at the fields once the lights are on.

Installation is expected to begin in July, and the association plans a first night game in
September. Adebayo said the first volunteer who ever sold a raffle ticket for the project, now
a college student, has been invited to flip the switch.
""",
    ),
    Story(
        slug="port-alder-wrestler-commits-to-college",
        section="sports",
        headline="Port Alder wrestler Dante Ferreira-Quist commits to a Division I program",
        dek="The two-time state champion will be the first from the school to wrestle in D-I.",
        authors=("gus-mahaffey",),
        published="2024-03-30T13:00:00-04:00",
        modified="2024-03-30T13:00:00-04:00",
        tags=("wrestling", "high school", "college recruiting"),
        caption="Dante Ferreira-Quist signs his letter in the Port Alder High library.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="ran the stairs of the Kestrel Point lighthouse with a sandbag",
        body="""
Dante Ferreira-Quist, a two-time state champion at 157 pounds, signed on Saturday to wrestle
for a Division I university in the Midwest, the first wrestler from Port Alder High School to
do so.

Ferreira-Quist finished his senior season 46-2 and won his second straight state title in
February with a pin in the final. He lost only once in the state in two years, in an overtime
match at a holiday tournament as a junior.

His coach, Arvid Solberg, said the senior's work ethic was what set him apart. During the
summer, Ferreira-Quist ran the stairs of the Kestrel Point lighthouse with a sandbag on his
shoulders three mornings a week, and he worked on his uncle's lobster boat in the afternoons.
"He never once asked me if a practice was optional," Solberg said.

Ferreira-Quist said he chose the university because its coaches visited him twice in Port Alder
and came out on the lobster boat. He plans to study engineering.

Port Alder's wrestling program nearly folded in 2015, when only six students came out for the
team. Solberg, a former college wrestler who teaches physics at the high school, took over that
winter, and the team now has thirty-four members, including nine girls. Three of them qualified
for the state tournament this winter.

About a hundred people, including most of the wrestling team, attended the signing in the
school library. Ferreira-Quist thanked his mother, who drove him to tournaments across the
state for four years, and said he would be back to help coach in the summers.
""",
    ),
    Story(
        slug="harbor-swim-registration-record",
        section="sports",
        headline="Record 480 swimmers sign up for the open-water Harbor Swim",
        dek="The mile-long course crosses the inner harbor from Cooper's Wharf to the beach.",
        authors=("rosa-lindqvist",),
        published="2024-06-13T08:10:00-04:00",
        modified="2024-06-13T08:10:00-04:00",
        tags=("swimming", "open water", "charity"),
        caption="Swimmers wade in at Town Beach at the start of last year's Harbor Swim.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="water temperature is usually about 61 degrees in late June",
        body="""
A record 480 swimmers have signed up for this year's Harbor Swim, the mile-long open-water race
across Port Alder's inner harbor, organizers said Thursday, more than double the number who
swam five years ago.

The race, on June 29, starts with a jump off the float at Cooper's Wharf and finishes on Town
Beach. The water temperature is usually about 61 degrees in late June, and about half the field
wears wetsuits, which are optional. Swimmers are split into four waves by expected finish time.

Race director Perpetua Ogunleye said the growth came mostly from adults who took up cold water
swimming during the pandemic and from a beginner training program the race began three years
ago. This year about ninety people completed the eight-week program.

Safety is the biggest job, Ogunleye said. Forty kayakers, two harbor patrol boats and the
sheriff's marine unit will line the course, and the harbormaster will close the inner harbor to
boat traffic for two hours.

Swimmers must be at least fourteen years old and must show that they have completed a mile in
open water or in a pool within the past year. Each swimmer wears a bright orange cap with a
number written on it in marker, and a timing chip strapped around the ankle. Volunteers at the
finish hand out towels, hot soup and a medal shaped like a scallop shell.

The race raises money for the Port Alder Ambulance Corps and has raised more than $180,000
since it began in 2009. Registration closes on June 22 or when the field reaches 500, whichever
comes first. Spectators are encouraged to watch from the Town Beach seawall.
""",
    ),
)

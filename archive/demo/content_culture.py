"""Culture stories for the demo site (invented text; all people and places are fictional)."""

from __future__ import annotations

from archive.demo.story import Story

CULTURE: tuple[Story, ...] = (
    Story(
        slug="kestrel-point-lighthouse-lens-returns",
        section="culture",
        headline="Kestrel Point's restored lighthouse lens comes home after 40 years away",
        dek="The 1,200-pound lens will be displayed in the keeper's house, not in the tower.",
        authors=("lucia-ferrante",),
        published="2024-06-08T10:00:00-04:00",
        modified="2024-06-08T10:00:00-04:00",
        tags=("lighthouses", "museums", "history"),
        caption="Conservators lower the restored lens onto its pedestal in the keeper's house.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="each of its 204 glass prisms cleaned by hand with cotton swabs",
        body="""
The fourth-order lens that guided ships past Kestrel Point for almost a century returned to the
lighthouse grounds on Saturday, forty years after the Coast Guard removed it and replaced it
with an automated beacon.

The lens, made in Paris in 1874, spent most of those years in a storage building at a Coast
Guard station in another state before the Greyhaven Historical Society won permission to bring
it back. Conservators from a studio in the state capital spent fourteen months on it, each of
its 204 glass prisms cleaned by hand with cotton swabs and its brass frame rebuilt where salt
had eaten through.

About 300 people watched as a crane lifted the crate from a flatbed truck. Among them was
Harold Mabry, 91, whose father was the last keeper at Kestrel Point. "I used to wind the
clockwork that turned it," Mabry said. "My father would check my work with a flashlight."

Because the tower's lantern room is too small to hold visitors safely, the lens will be
displayed in the first floor of the keeper's house, where a new glass wall will let people walk
all the way around it. It will be lit at dusk on weekends in a slow rotation that matches its
original signal, one white flash every ten seconds.

The historical society raised about $410,000 for the project, most of it in small donations,
and the rest came from a federal preservation grant. Society president Cordelia Fane said more
than 2,000 people gave money, including every fourth grade class in the county, which collected
coins in jars shaped like lighthouses.

The keeper's house opens to the public on June 22. Admission is free for county residents.
""",
    ),
    Story(
        slug="harbor-film-festival-announces-lineup",
        section="culture",
        headline="Harbor Film Festival lineup leans local, with six films shot in the county",
        dek="The festival's tenth edition runs four days in July at the Strand and outdoors.",
        authors=("benedikt-aalto",),
        published="2024-05-17T09:00:00-04:00",
        modified="2024-05-17T16:20:00-04:00",
        tags=("film", "festivals", "Strand Theater"),
        caption="The marquee of the Strand Theater on Front Street.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="a documentary about the last herring weir on the eastern shore",
        body="""
The Harbor Film Festival will open its tenth edition on July 18 with a documentary about the
last herring weir on the eastern shore, one of six films in this year's program that were shot
at least partly in Greyhaven County.

The opening film, "Stakes and Brush," follows the Pettibone family of Saltmarsh through a
season of driving birch stakes into the mud and waiting for fish that come in smaller numbers
every year. Its director, Marisol Quaye, grew up two miles from the weir and spent three years
filming it.

Festival director Ambrose Klingman said the program of 41 features and shorts was chosen from
more than 900 submissions. Besides the local films, it includes a Finnish comedy about a
fishing competition, a restored print of a 1950s melodrama set in a lighthouse and an animated
short made by students at Port Alder High School.

Screenings will be held at the Strand Theater on Front Street and, on two evenings, on an
inflatable screen at the town green. Klingman said the outdoor screenings would be free and
that the festival had added captions to every film this year.

The festival began in 2014 with eleven films shown in the back room of the library. It now
draws about 7,000 people over four days, and the Strand, a 1927 movie palace that was nearly
demolished in the 1990s, sells out most of its evening shows. Klingman said about a third of
last year's audience came from outside the county.

Passes go on sale June 1 and cost $85, or $40 for students. Single tickets will be sold at the
Strand box office starting July 1.
""",
    ),
    Story(
        slug="review-tidewater-players-tempest",
        section="culture",
        headline="Review: The Tidewater Players find a real storm in 'The Tempest'",
        dek="A community production on a boatyard floor makes Shakespeare feel wet and close.",
        authors=("benedikt-aalto",),
        published="2024-04-20T23:15:00-04:00",
        modified="2024-04-21T10:00:00-04:00",
        tags=("theater", "reviews", "Shakespeare"),
        caption="Prospero, played by Estelle Nakamura, summons the storm in the boat shed.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="rowing shell hung upside down from the rafters becomes the island's sky",
        body="""
There is a moment early in the Tidewater Players' new production of "The Tempest" when the
great doors of the Gannet Boatworks shed roll open and the actual wind off Merrow Sound comes
in, and you understand why the director chose to stage it here instead of in a theater.

Director Hollis Ferreira has made the most of the space. A rowing shell hung upside down from
the rafters becomes the island's sky, sails become the walls of Prospero's cell and the
audience sits on sawhorses and lumber stacks around a floor still marked with the outlines of
hulls. The storm that opens the play is made with buckets, a wind machine and forty voices, and
it is genuinely frightening.

Estelle Nakamura, a retired science teacher, plays Prospero as a woman who is tired rather than
angry, and her farewell to magic near the end is quiet and moving. As Ariel, the
seventeen-year-old Kit Abernathy moves through the rigging with alarming ease. The comic scenes
with Caliban and the drunken sailors run long, and some of the younger actors are hard to hear
when the doors are open.

Those are small complaints. This is community theater at its best: ambitious, local and
unafraid of the weather. Bring a sweater.

The music, composed by local fiddler Osric Tamblyn and played live from the loft, deserves its
own mention. It mixes sea shanties with something stranger, and it makes Ariel's songs sound
like the wind in the rigging.

"The Tempest" runs Friday through Sunday evenings through May 5. Tickets are $20.
""",
    ),
    Story(
        slug="front-street-mural-honors-cannery-women",
        section="culture",
        headline="New Front Street mural honors the women who worked the sardine lines",
        dek="Painter Ottilie Brandvold based the figures on photographs from the 1940s.",
        authors=("lucia-ferrante",),
        published="2024-06-10T14:00:00-04:00",
        modified="2024-06-10T14:00:00-04:00",
        tags=("murals", "public art", "history", "cannery"),
        caption="Ottilie Brandvold works on the mural from a lift on Front Street.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="one hand on a knife and the other holding a fish by the tail",
        body="""
A sixty-foot mural showing women at work on the sardine packing lines went up this month on the
side wall of the Harbor Savings building on Front Street, a few hundred yards from the old
cannery where many of them worked.

The painter, Ottilie Brandvold, based the figures on photographs from the 1940s held by the
Greyhaven Historical Society. Each woman in the mural is a real person whose name is painted in
small letters near her feet. The tallest figure, near the corner, is Ilse Varga, who packed
fish for thirty-one years and is shown with one hand on a knife and the other holding a fish by
the tail.

Brandvold said she spent weeks interviewing children and grandchildren of the women. "They kept
telling me the same thing," she said. "It was hard, it smelled terrible, and they were proud of
it. They were fast, and they knew it."

The mural was paid for by the town's public art fund and a grant from the state arts council,
for a total of about $48,000. The building's owners agreed to keep the wall free of signs for
at least fifteen years.

The project began when a high school history class asked why the town had statues of sea
captains and none of the women who did most of the work on the waterfront. Their teacher,
Rupert Ellsworth, brought the question to the town's public art committee, which chose
Brandvold from eleven artists who applied.

A dedication is planned for June 29 at 11 a.m. Descendants of the women pictured have been
invited to attend, and the historical society will display the original photographs in its
Front Street window through the summer.
""",
    ),
    Story(
        slug="library-oral-history-project-fishermen",
        section="culture",
        headline="Library project records the voices of Port Alder's fishing families",
        dek="Volunteers have collected 118 interviews since the project began last fall.",
        authors=("lucia-ferrante", "owen-tarrant"),
        published="2024-05-26T08:00:00-04:00",
        modified="2024-05-27T11:45:00-04:00",
        tags=("oral history", "libraries", "fishing", "history"),
        caption="Retired lobsterman Clement Ruddock records an interview at the library.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="the winter the harbor froze so hard that boys skated out to the breakwater",
        body="""
In a small room on the second floor of the Port Alder Public Library, volunteers with
headphones and a borrowed microphone have spent the past eight months recording the memories of
the town's fishing families. They have collected 118 interviews so far, some lasting more than
four hours.

The project, called Voices of the Sound, was started by reference librarian Nadia Fairweather
after the deaths of several older fishermen in the same winter. "Every time we lost one of
them, we lost a library," she said. "We decided to build the library while we still could."

The recordings range from technical talk about trawl gear and engine repairs to family stories,
storms and the winter the harbor froze so hard that boys skated out to the breakwater. Retired
lobsterman Clement Ruddock, 87, recorded six sessions about fishing with his father in a boat
with no radio and no radar.

Volunteers transcribe each interview, and the library plans to put the recordings and
transcripts online next year, after every speaker or their family has approved the release.
Some interviews will be kept private for twenty-five years at the speaker's request.

The project has cost little so far. The library bought two digital recorders and a pair of
headphones with a small grant from the state humanities council, and a retired radio engineer
from Saltmarsh volunteers his weekends to clean up the sound. Fairweather said the hardest part
has been persuading people that their stories are worth recording.

The library is looking for more volunteers and for more people to interview, especially women
who worked in the fish houses and on the boats. Sessions can be booked at the front desk.
""",
    ),
    Story(
        slug="greyhaven-folk-festival-headliner",
        section="culture",
        headline="Greyhaven Folk Festival books fiddler Saoirse Dunleavy as its headliner",
        dek="The festival returns to Alder Meadow in August with three stages.",
        authors=("lucia-ferrante",),
        published="2024-04-08T12:00:00-04:00",
        modified="2024-04-08T12:00:00-04:00",
        tags=("music", "festivals", "folk"),
        caption="Saoirse Dunleavy performs at a festival last summer.",
        credit="Courtesy of Greyhaven Folk Society/Handout",
        phrase="a shanty workshop where anyone who can hold a note is handed a rope",
        body="""
The Greyhaven Folk Festival will return to Alder Meadow on Aug. 9 through 11 with the fiddler
and singer Saoirse Dunleavy as its headliner, organizers announced Monday, along with about
thirty other acts on three stages.

Dunleavy, whose last album was recorded in a church on an island off her native coast, last
played the festival in 2016 as a member of a string band. Festival president Ezra Moncrieff
said she had agreed to teach a fiddle workshop for young players on the Saturday morning.

The lineup also includes the Saltmarsh Ramblers, a bluegrass group that has played every
festival since the first in 1994; a trio of Cape Verdean musicians from a city to the south;
and a shanty workshop where anyone who can hold a note is handed a rope and taught to haul in
time. Moncrieff said the festival added a third stage this year under the pines at the meadow's
north end, mostly for acoustic sets and storytelling.

Organizers expect about 6,000 people over the three days. Shuttle buses will run from the Port
Alder High School lot because parking at the meadow is limited.

The festival is run entirely by volunteers, about 350 of them each year, who park cars, pour
cider, pick up trash and run the children's tent. Moncrieff said the festival still needs
volunteers for the Sunday cleanup crew, who get a free weekend pass in exchange for a morning
of work. Sign-up sheets are posted at the Port Alder library and the co-op grocery.

Weekend passes cost $95 and are free for children under 12.
""",
    ),
    Story(
        slug="county-names-first-poet-laureate",
        section="culture",
        headline="County names retired ferry captain Abner Quill its first poet laureate",
        dek="Quill, 74, wrote much of his work in the wheelhouse between crossings.",
        authors=("benedikt-aalto",),
        published="2024-05-05T09:30:00-04:00",
        modified="2024-05-05T09:30:00-04:00",
        tags=("poetry", "books", "arts"),
        caption="Abner Quill reads from his notebook on the Tillet Island ferry.",
        credit="Ines Calloway/The Harbor Ledger",
        phrase="poems written on the backs of tide tables",
        body="""
Greyhaven County has named Abner Quill, a retired ferry captain who spent thirty years on the
Tillet Island run, as its first poet laureate, the county arts council announced on Sunday.

Quill, 74, published his first collection at 61. Much of it is made of poems written on the
backs of tide tables in the wheelhouse between crossings, about fog, engine noise, island
funerals and the passengers who rode with him every day for decades. His second collection,
published last year by a small press in the state capital, won a regional book prize.

The arts council created the two-year post last fall with a $5,000 annual stipend. Quill will
be asked to write poems for public occasions, visit every school in the county and lead a
monthly reading series at the Port Alder Public Library.

"I am surprised, honestly," Quill said. "For most of my life poetry was the thing I did when I
was waiting for something else to happen." He said he wanted to use the post to persuade
teenagers that poems can be about ordinary work.

Quill grew up on Tillet Island and went to work on the ferries at nineteen as a deckhand. He
said he read poetry on his breaks for years before showing anyone what he wrote, and that a
passenger, a retired English teacher who rode the ferry every Tuesday, was the first person to
tell him to send his poems to a magazine.

Arts council chair Philippa Oduya said the selection committee read submissions from nineteen
poets. Quill's first public reading as laureate is scheduled for May 23 at the library.
""",
    ),
    Story(
        slug="harbor-quilt-show-record-entries",
        section="culture",
        headline="Harbor Quilt Show draws a record 260 entries, including a 93-year-old's first",
        dek="The show at the Grange Hall raises money for the Port Alder food pantry.",
        authors=("lucia-ferrante",),
        published="2024-04-01T16:00:00-04:00",
        modified="2024-04-01T16:00:00-04:00",
        tags=("quilts", "crafts", "community"),
        caption="Visitors walk between rows of quilts at the Grange Hall.",
        credit="Jonah Whitcomb/The Harbor Ledger",
        phrase="pieced from her late husband's flannel work shirts",
        body="""
The Harbor Quilt Show opened at the Grange Hall on Monday with a record 260 quilts hung on
wooden frames in rows that fill the hall and spill into the kitchen, the most in the show's
thirty-two years.

The show's organizers, the Port Alder Piecemakers, said entries came from every town in the
county and from as far away as the northern border. Judges awarded best in show to a
hand-quilted mariner's compass pattern by Saltmarsh quilter Loretta Bixby, who said it took her
three winters.

The quilt drawing the biggest crowd, though, was the first ever made by Winifred Crane, 93,
pieced from her late husband's flannel work shirts. Crane said her granddaughter taught her to
use a sewing machine last year. "I said I was too old," she said. "She said that was not a
reason."

Admission is $5, and all proceeds go to the Port Alder food pantry, which organizers said has
received more than $40,000 from the show over the years. Many quilts are for sale, and the
makers keep the proceeds.

Volunteers spent two days hanging the quilts with clothespins on lines strung between the
frames. Visitors are asked not to touch the quilts, and Piecemakers members in white cotton
gloves walk the aisles to turn the corners over for anyone who wants to see the back. The
stitching on the back, one of them said, is where you can tell who was patient.

The show runs through Saturday, from 10 a.m. to 4 p.m. daily. A raffle quilt, made by the
Piecemakers as a group, will be drawn at closing.
""",
    ),
)

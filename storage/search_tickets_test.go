package storage_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// searchNumbers lists the numbers of the tickets a queue search finds.
func searchNumbers(t *testing.T, f *fixture, q string) []int64 {
	t.Helper()
	page, err := f.store.Queue(f.ctx, ticket.QueueFilter{Search: q})
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, s := range page.Tickets {
		out = append(out, s.Number)
	}
	slices.Sort(out)
	return out
}

// TestSearchFollowsMessagesBetweenTickets: a ticket is found by the words
// of its messages as they are now, after a reply, a split and a merge move
// them (each ticket keeps the words of all its messages, kept by the
// database whatever path wrote them).
func TestSearchFollowsMessagesBetweenTickets(t *testing.T) {
	f := newFixture(t, testConfig())
	tk := mustTicket(t, f, f.ingest(mail("ana@example.org", "Printer", "the zanzibarite tray")).Ticket)
	if _, err := f.store.Act(f.ctx, 0, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: "try quixotic settings"}); err != nil {
		t.Fatal(err)
	}
	f.ingest(mail("ana@example.org", fmt.Sprintf("VPN too [#%d]", tk.Number), "the vpn is flummoxed"))
	other := mustTicket(t, f, f.ingest(mail("zed@example.org", "Other", "nothing alike")).Ticket)
	drain(t, f)
	for q, want := range map[string][]int64{"zanzibarite": {tk.Number}, "quixotic": {tk.Number},
		"flummox": {tk.Number}, "nothing": {other.Number}} {
		if got := searchNumbers(t, f, q); !slices.Equal(got, want) {
			t.Errorf("before the split, %q finds %v, want %v", q, got, want)
		}
	}
	msgs, _ := f.store.Messages(f.ctx, tk.ID, true)
	split, err := f.store.Split(f.ctx, 0, tk.ID, msgs[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := searchNumbers(t, f, "flummoxed"); !slices.Equal(got, []int64{split.Number}) {
		t.Errorf("after the split, the moved message's word finds %v, want only the new ticket %d", got, split.Number)
	}
	if _, err := f.store.Merge(f.ctx, 0, other.ID, tk.ID); err != nil {
		t.Fatal(err)
	}
	if got := searchNumbers(t, f, "nothing"); !slices.Equal(got, []int64{tk.Number}) {
		t.Errorf("after merging #%d into #%d, its word finds %v", other.Number, tk.Number, got)
	}
}

// TestSearchStopsCountingPastTheCap: a word in more tickets than the cap
// is counted no further (the page says "more") and still lists a full
// page; a rarer one is counted exactly.
func TestSearchStopsCountingPastTheCap(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	store := storage.New(pool, testConfig())
	n := ticket.SearchCountCap + 5
	if _, err := pool.Exec(ctx, `
		WITH c AS (INSERT INTO customers (email) VALUES ('many@example.org') RETURNING id),
		t AS (INSERT INTO tickets (subject, requester_id) SELECT 'Question ' || g, c.id FROM generate_series(1, $1) g, c
			RETURNING id, number)
		INSERT INTO messages (ticket_id, author_kind, source, message_id, body_text, search)
		SELECT t.id, 'customer', 'email', 'm' || t.id, 'printer', CASE WHEN t.number % 400 = 0 THEN 'printer toner' ELSE 'printer' END::tsvector
		FROM t`, n); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]struct {
		capped bool
		total  int
	}{"printer": {true, ticket.SearchCountCap + 1}, "toner": {false, n / 400}} {
		page, err := store.Queue(ctx, ticket.QueueFilter{Search: q})
		if err != nil {
			t.Fatal(err)
		}
		if page.Capped != want.capped || page.Total != want.total || len(page.Tickets) != min(50, want.total) {
			t.Errorf("%q: capped %v, total %d, %d listed; want capped %v, total %d", q, page.Capped, page.Total,
				len(page.Tickets), want.capped, want.total)
		}
	}
}

// TestSearchWholeAddressNamesThatCustomer: a whole address that is a
// customer's finds that customer's tickets only; any other text with an @
// still finds every address holding it.
func TestSearchWholeAddressNamesThatCustomer(t *testing.T) {
	f := newFixture(t, testConfig())
	ana := f.ingest(mail("ana@example.org", "Printer", "jammed")).Ticket
	joana := f.ingest(mail("joana@example.org", "Screen", "flickers")).Ticket
	for q, want := range map[string][]int64{"ana@example.org": {ana}, "ANA@example.org": {ana},
		"na@example.org": {ana, joana}, "ana@example.or": {ana, joana}, "@example": {ana, joana}} {
		if got := searchNumbers(t, f, q); !slices.Equal(got, want) {
			t.Errorf("%q finds %v, want %v", q, got, want)
		}
	}
}

// TestTicketFromMailIsBornWithItsWords: the ticket a mail opens is written
// once, its words in place (a second write of the row, by the messages'
// trigger, moves it from its first slot), and search finds them.
func TestTicketFromMailIsBornWithItsWords(t *testing.T) {
	f := newFixture(t, testConfig())
	number := f.ingest(mail("ana@example.org", "Printer", "the zanzibarite tray")).Ticket
	var ctid string
	if err := f.store.Pool().QueryRow(f.ctx, `SELECT ctid::text FROM tickets WHERE number = $1`, number).Scan(&ctid); err != nil {
		t.Fatal(err)
	}
	if ctid != "(0,1)" {
		t.Errorf("the new ticket's row is at %s: written more than once", ctid)
	}
	if got := searchNumbers(t, f, "zanzibarite"); !slices.Equal(got, []int64{number}) {
		t.Errorf("search finds %v, want [%d]", got, number)
	}
	// A reply's words are added.
	f.ingest(mail("ana@example.org", fmt.Sprintf("Re: Printer [#%d]", number), "now quixotic too"))
	if got := searchNumbers(t, f, "quixotic zanzibarite"); !slices.Equal(got, []int64{number}) {
		t.Errorf("after the reply search finds %v, want [%d]", got, number)
	}
}

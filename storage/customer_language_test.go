package storage_test

import (
	"errors"
	"fmt"
	"testing"

	"inboxdesk/lang"
	"inboxdesk/ticket"
)

const gmailSpanish = "Hola,\n\nno puedo entrar en mi cuenta desde ayer. ¿Me pueden ayudar?\n\nGracias,\nLucía"

// alertLanguage drains the alerts and returns the language of the only one.
func alertLanguage(t *testing.T, f *fixture) string {
	t.Helper()
	jobs := drain(t, f)
	if len(jobs) != 1 {
		t.Fatalf("alerts = %+v, want one", jobs)
	}
	return jobs[0].Language
}

func (f *fixture) customer(email string) *ticket.Customer {
	f.t.Helper()
	c, err := f.store.CustomerByEmail(f.ctx, email)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// Each step of the order, through the database: the acknowledgement of a
// mail without language headers is in the language of its text; a header
// beats the text; the site beats the mail; an explicit choice (the
// customer's or an agent's) beats the site; clearing it goes back.
func TestAlertLanguageFollowsTheOrder(t *testing.T) {
	f := newFixture(t, testConfig())
	open := f.ingest(mail("lucia@example.org", "No puedo entrar", gmailSpanish))
	if got := alertLanguage(t, f); got != "es" {
		t.Fatalf("acknowledgement of a Spanish mail without headers: language %q, want es", got)
	}
	tk := mustTicket(t, f, open.Ticket)
	reply := func() string {
		t.Helper()
		got, err := f.store.Act(f.ctx, 0, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: "answer"})
		if err != nil {
			t.Fatal(err)
		}
		tk = got
		return alertLanguage(t, f)
	}
	cust := f.customer("lucia@example.org")
	if err := f.store.SetCustomerSiteLanguage(f.ctx, cust.ID, "en"); err != nil {
		t.Fatal(err)
	}
	if got := reply(); got != "en" {
		t.Errorf("after the site served English: %q, want en", got)
	}
	// A new Spanish mail changes the mail's language, not the site's.
	f.ingest(mail("lucia@example.org", "Otra cosa", gmailSpanish+"\nOtra pregunta sobre mi pedido."))
	drain(t, f)
	if got := reply(); got != "en" {
		t.Errorf("a later Spanish mail overrode the site: %q, want en", got)
	}
	if err := f.store.SetCustomerLanguageChoice(f.ctx, cust.ID, "es"); err != nil {
		t.Fatal(err)
	}
	if got := reply(); got != "es" {
		t.Errorf("after choosing Spanish: %q, want es", got)
	}
	if err := f.store.SetRequesterLanguage(f.ctx, 0, tk.ID, "en"); err != nil {
		t.Fatal(err)
	}
	if got := reply(); got != "en" {
		t.Errorf("after the agent set English: %q, want en", got)
	}
	if err := f.store.SetRequesterLanguage(f.ctx, 0, tk.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetCustomerSiteLanguage(f.ctx, cust.ID, "es"); err != nil {
		t.Fatal(err)
	}
	if got := reply(); got != "es" {
		t.Errorf("choice cleared: %q, want the site's es", got)
	}
	events, err := f.store.Events(f.ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := countEvents(events, "language_set"); n != 2 {
		t.Errorf("language_set events = %d, want 2", n)
	}
}

func countEvents(events []ticket.Event, kind string) int {
	n := 0
	for _, e := range events {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func TestMailLanguageHeaderBeatsTextAndUnclearTextGivesDefault(t *testing.T) {
	f := newFixture(t, testConfig())
	in := mail("ana@example.org", "Pregunta", gmailSpanish)
	in.Language = "en"
	f.ingest(in)
	if got := alertLanguage(t, f); got != "en" {
		t.Errorf("Content-Language en on Spanish text: %q, want en", got)
	}
	f.ingest(mail("bob@example.org", "ok", "ok"))
	if got := alertLanguage(t, f); got != "" {
		t.Errorf("unclear text: %q, want \"\" (the default)", got)
	}
	// A mail that says nothing keeps what an earlier mail told.
	f.ingest(mail("lucia@example.org", "Ayuda", gmailSpanish))
	drain(t, f)
	f.ingest(mail("lucia@example.org", "?", "ok"))
	if got := alertLanguage(t, f); got != "es" {
		t.Errorf("unclear second mail: %q, want the first mail's es", got)
	}
}

// The language column the schema derives is lang.Resolve of the sources,
// for every combination: the two cannot drift apart.
func TestStoredLanguageIsResolve(t *testing.T) {
	f := newFixture(t, testConfig())
	values := []string{"", "en", "es"}
	i := 0
	for _, choice := range values {
		for _, site := range values {
			for _, ml := range values {
				i++
				email := fmt.Sprintf("c%d@example.org", i)
				in := mail(email, "x", "ok")
				in.Language = ml
				f.ingest(in)
				c := f.customer(email)
				if site != "" {
					if err := f.store.SetCustomerSiteLanguage(f.ctx, c.ID, site); err != nil {
						t.Fatal(err)
					}
				}
				if err := f.store.SetCustomerLanguageChoice(f.ctx, c.ID, choice); err != nil {
					t.Fatal(err)
				}
				src, err := f.store.CustomerLanguages(f.ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				want := lang.Sources{Choice: choice, Site: site, Mail: ml}
				if src != want {
					t.Errorf("sources = %+v, want %+v", src, want)
				}
				if got := f.customer(email).Language; got != lang.Resolve(want, "") {
					t.Errorf("%+v: stored language %q, Resolve %q", want, got, lang.Resolve(want, ""))
				}
			}
		}
	}
}

func TestLanguageChoiceRefusesUnknownLanguage(t *testing.T) {
	f := newFixture(t, testConfig())
	f.ingest(mail("ana@example.org", "x", "ok"))
	c := f.customer("ana@example.org")
	for _, l := range []string{"fr", "EN", "es-MX"} {
		if err := f.store.SetCustomerLanguageChoice(f.ctx, c.ID, l); !errors.Is(err, ticket.ErrUnknownLanguage) {
			t.Errorf("choice %q: err = %v, want ErrUnknownLanguage", l, err)
		}
		if err := f.store.SetCustomerSiteLanguage(f.ctx, c.ID, l); !errors.Is(err, ticket.ErrUnknownLanguage) {
			t.Errorf("site %q: err = %v, want ErrUnknownLanguage", l, err)
		}
	}
	if err := f.store.SetCustomerLanguageChoice(f.ctx, c.ID+1000, "es"); !errors.Is(err, ticket.ErrNotFound) {
		t.Errorf("unknown customer: err = %v, want ErrNotFound", err)
	}
}

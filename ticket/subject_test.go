package ticket_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"inboxdesk/ticket"
)

func TestCleanSubject(t *testing.T) {
	for in, want := range map[string]string{
		"Re: [#10002] Printer broken": "Printer broken",
		"  AW: Fwd:  Hello   there ":  "Hello there",
		"Re:":                         "(no subject)",
		strings.Repeat("é", 200):      strings.Repeat("é", 200),
	} {
		if got := ticket.CleanSubject(in); got != want {
			t.Errorf("CleanSubject(%q) = %q, want %q", in, got, want)
		}
	}
	// A subject of any length (a header folded over many lines, a form sent
	// without the browser's limit) makes a subject the queue can show.
	long := ticket.CleanSubject(strings.Repeat("word ", 4000))
	if n := utf8.RuneCountInString(long); n != 200 || !strings.HasSuffix(long, "word…") {
		t.Errorf("long subject: %d runes, ends %q", n, long[len(long)-12:])
	}
	if cut := ticket.CleanSubject(strings.Repeat("ñ", 300)); !utf8.ValidString(cut) {
		t.Errorf("cut inside a character: %q", cut)
	}
}

package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// TestAgentSearchFindsBodyWords: the queue's search finds a ticket by a word
// that appears only in a message body — a customer's mail or an agent's web
// reply — and not the tickets without it.
func TestAgentSearchFindsBodyWords(t *testing.T) {
	e := newEnv(t, nil)
	mailed := e.mailIn(mail("ana@example.org", "Printer", "The zanzibarite cartridge leaks.", ""))
	replied := e.mailIn(mail("bob@example.org", "Screen", "It flickers.", ""))
	other := e.mailIn(mail("cy@example.org", "Keyboard", "Keys stick.", ""))
	b, _ := e.agentBrowser("zoe@support.example")
	b.act(replied, b.get(fmt.Sprintf("/agent/tickets/%d", replied)), "reply", "Try the quixotically named driver.").
		want(http.StatusOK)
	for word, want := range map[string]int64{"zanzibarite": mailed, "quixotically": replied, "Zanzib": mailed} {
		p := b.get("/agent?status=all&q=" + url.QueryEscape(word))
		p.want(http.StatusOK)
		for _, n := range []int64{mailed, replied, other} {
			if found := p.byID(fmt.Sprintf("queue-%d", n)) != nil; found != (n == want) {
				t.Errorf("search %q: ticket %d found = %v", word, n, found)
			}
		}
	}
}

// TestAgentQueueOutlandishPage: a page number past the end, however large,
// shows an empty page rather than a server error.
func TestAgentQueueOutlandishPage(t *testing.T) {
	e := newEnv(t, nil)
	e.mailIn(mail("ana@example.org", "Printer", "It beeps.", ""))
	b, _ := e.agentBrowser("zoe@support.example")
	for _, page := range []string{"2", "-1", "9223372036854775807", "99999999999999999999", "46116860184273880"} {
		b.get("/agent?status=all&page=" + page).want(http.StatusOK)
	}
}

package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"golang.org/x/net/html"
)

// TestMyTicketsPagesTheClosedOnes: a customer with many tickets sees every
// open one first and the closed ones a page at a time, all of them reachable.
func TestMyTicketsPagesTheClosedOnes(t *testing.T) {
	e := newEnv(t, nil)
	var numbers []int64
	for i := range 31 {
		numbers = append(numbers, e.mailIn(mail("ana@example.org", fmt.Sprintf("Question %d", i), "Hello.", "")))
	}
	open := numbers[0] // the oldest, so it would sit on the last page among the closed
	if _, err := e.pool.Exec(e.ctx, `UPDATE tickets SET status = 'closed' WHERE number <> $1`, open); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.signIn("ana@example.org")
	seen := map[string]bool{}
	first := b.get("/my")
	first.want(http.StatusOK)
	older := first.byID("closed-older")
	if older == nil || first.byID("closed-newer") != nil {
		t.Fatalf("page 1 of 30 closed tickets: older link %v, want one and no newer link", older)
	}
	second := b.get(attr(older, "href"))
	second.want(http.StatusOK, "Page 2")
	if second.byID("closed-older") != nil || second.byID("closed-newer") == nil {
		t.Error("the last page links to a newer page only")
	}
	for i, p := range []*page{first, second} {
		if p.byID(fmt.Sprintf("ticket-%d", open)) == nil {
			t.Errorf("page %d does not show the open ticket first", i+1)
		}
		closed := ticketItems(p.byID("closed-tickets"))
		if want := []int{25, 5}[i]; len(closed) != want {
			t.Errorf("page %d lists %d closed tickets, want %d", i+1, len(closed), want)
		}
		for _, id := range closed {
			seen[id] = true
		}
	}
	if len(seen) != 30 {
		t.Errorf("the two pages show %d distinct closed tickets, want all 30", len(seen))
	}
}

// ticketItems lists the ids of the ticket entries under n.
func ticketItems(n *html.Node) []string {
	var out []string
	if n == nil {
		return nil
	}
	walk(n, func(c *html.Node) {
		if c.Type == html.ElementNode && c.Data == "li" && attr(c, "id") != "" {
			out = append(out, attr(c, "id"))
		}
	})
	return out
}

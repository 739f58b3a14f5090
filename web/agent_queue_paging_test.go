package web_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestAgentQueueNextContinuesWhereThePageEnded: the Next link lists the
// tickets after the last one shown even when new mail has moved every
// ticket down meanwhile (a page by number would repeat one), and a link
// with only a page number still works.
func TestAgentQueueNextContinuesWhereThePageEnded(t *testing.T) {
	e := newEnv(t, nil)
	for i := range 110 {
		e.mailIn(mail(fmt.Sprintf("c%d@example.org", i), fmt.Sprintf("Question %d", i), "Hello.", ""))
	}
	b, _ := e.agentBrowser("zoe@support.example")
	first := b.get("/agent?status=all")
	first.want(http.StatusOK)
	page1 := queueNumbers(first)
	all := queueNumbers(b.get("/agent?status=all&page=2"))
	if len(page1) != 50 || len(all) != 50 {
		t.Fatalf("pages of %d and %d tickets, want 50", len(page1), len(all))
	}
	next := first.byID("page-next")
	if next == nil || !strings.Contains(attr(next, "href"), "after=") {
		t.Fatalf("page 1's Next link %v carries no cursor", next)
	}
	e.mailIn(mail("late@example.org", "Arrived between the pages", "Hi.", ""))

	second := b.get(attr(next, "href"))
	second.want(http.StatusOK, "Page 2 of 3")
	if got := queueNumbers(second); !slices.Equal(got, all) {
		t.Errorf("Next lists %v, want the 50 after page 1: %v", got, all)
	}
	byNumber := queueNumbers(b.get("/agent?status=all&page=2"))
	if len(byNumber) != 50 || byNumber[0] != page1[49] {
		t.Errorf("page=2 starts at %v, want page 1's last ticket %s (one newer ticket above)", byNumber[:1], page1[49])
	}
}

// queueNumbers lists the ticket numbers of the queue's rows, in order.
func queueNumbers(p *page) []string {
	var out []string
	walk(p.doc(), func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "tr" && strings.Contains(attr(n, "class"), "queue-row") {
			out = append(out, attr(n, "data-number"))
		}
	})
	return out
}

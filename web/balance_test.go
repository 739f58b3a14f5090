package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"golang.org/x/net/html"
)

// A mail's HTML that leaves elements open cannot pull what the page shows
// after it (the agent's action form and sidebar, the customer's next
// message) inside its message box.
func TestUnclosedMailHTMLStaysInItsBox(t *testing.T) {
	e := newEnv(t, nil)
	agent, _ := e.agentBrowser("zoe@support.example")
	customer := e.browser()
	customer.signIn("ana@example.org")
	tails := []string{`<p>Hello</p><table><tr><td>cell`, `<div><div><ul><li><blockquote>quoted`, `<table><tr><td><table><tr><td>`}
	for i, tail := range tails {
		n := e.mailIn(mail("ana@example.org", fmt.Sprintf("Unclosed %d", i), "", tail))
		e.mailIn(mail("ana@example.org", fmt.Sprintf("Re: Unclosed %d [#%d]", i, n), "", "<p>second</p>"))
		msgs := e.messages(n, true)
		if len(msgs) != 2 {
			t.Fatalf("%q: %d messages, want 2", tail, len(msgs))
		}
		first, second := fmt.Sprintf("m%d", msgs[0].ID), fmt.Sprintf("m%d", msgs[1].ID)

		p := agent.get(fmt.Sprintf("/agent/tickets/%d", n))
		p.want(http.StatusOK)
		doc := p.doc()
		box := elementByID(doc, first)
		for _, id := range []string{"act-form", "assign-form", "customer", "events", second} {
			if el := elementByID(doc, id); el == nil || inside(el, box) {
				t.Errorf("%q: agent page element #%s is missing or inside the mail's box", tail, id)
			}
		}

		p = customer.get(fmt.Sprintf("/tickets/%d", n))
		p.want(http.StatusOK)
		doc = p.doc()
		if el := elementByID(doc, second); el == nil || inside(el, elementByID(doc, first)) {
			t.Errorf("%q: customer page shows the next message inside the mail's box", tail)
		}
	}
}

// elementByID returns the element of doc with the id, or nil.
func elementByID(doc *html.Node, id string) *html.Node {
	var out *html.Node
	walk(doc, func(n *html.Node) {
		if out == nil && n.Type == html.ElementNode && attr(n, "id") == id {
			out = n
		}
	})
	return out
}

// inside reports whether n is a descendant of box.
func inside(n, box *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p == box {
			return true
		}
	}
	return false
}

package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestUnclosedMailHTMLKeepsThePage: in Chromium, a mail whose HTML ends
// inside a table cell stays in its own box: the agent's action form and the
// sidebar are laid out outside it, and the form still works.
func TestUnclosedMailHTMLKeepsThePage(t *testing.T) {
	t.Parallel()
	beginTest(t)
	p := startProduct(t)
	customer := "tina-" + randomHex(3) + "@example.org"
	p.sendTyped(t, customer, "Table trouble "+randomHex(3), "text/html", "<p>See the table</p><table><tr><td>cell")
	_, number := p.WaitAck(t, customer)

	a := newBrowser(t, "agent")
	signInAgent(a, p)
	a.Open(fmt.Sprintf("%s/agent/tickets/%d", p.BaseURL, number), "#thread .toggle-format")
	a.Click("#thread .toggle-format", "#thread .mail-html") // the formatted view
	a.WaitText("#thread .mail-html", "cell", pageWait)
	a.Shot("unclosed-html")
	for _, sel := range []string{"#act-form", "#customer", "#events"} {
		inside := get(a, chromedp.Evaluate[bool](fmt.Sprintf(
			`[...document.querySelectorAll('.mail-html')].some(b => b.contains(document.querySelector(%q)))`, sel)))
		if inside {
			t.Errorf("%s is inside the mail's box", sel)
		}
	}
	a.Type("#reply-text", "Thanks, looking into it")
	a.Click("#action-note", "#thread")
	a.WaitText("#thread .internal", "Thanks, looking into it", pageWait)
}

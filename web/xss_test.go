package web_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"inboxdesk/ticket"
	"inboxdesk/web"
)

// TestXSSCorpus renders each hostile mail of testdata/xss on the ticket
// page, as the only body of a message (so its HTML is shown), and checks
// the parsed page: no script element, no event handler, no javascript: or
// other script URL, and — unless the viewer asked for images — nothing
// fetched from elsewhere (src, srcset, poster, background, style url(),
// stylesheets, refresh).
func TestXSSCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/xss/*.html")
	if len(files) < 30 {
		t.Fatalf("the XSS corpus has %d mails, want at least 30", len(files))
	}
	e := newEnv(t, nil)
	logo := ticket.Attachment{Filename: "logo.png", ContentType: "image/png", ContentID: "logo@mail", Inline: true, Data: pngBytes}
	b := e.browser()
	b.signIn("ana@example.org")
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := e.mailIn(mail("ana@example.org", "XSS "+filepath.Base(f), "", string(body), logo))
		msgs, _ := e.tickets.Messages(e.ctx, e.ticketByNumber(n).ID, false)
		id := msgs[0].ID
		views := []struct {
			query  string
			remote bool // remote images allowed in this view
		}{
			{"", false},
			{fmt.Sprintf("?html=%d", id), false},
			{fmt.Sprintf("?images=%d&html=%d", id, id), true},
		}
		for _, v := range views {
			p := b.get(fmt.Sprintf("/tickets/%d%s", n, v.query))
			p.want(http.StatusOK)
			if p.byID(fmt.Sprintf("m%d", id)) == nil {
				t.Fatalf("%s: message not on the page", f)
			}
			for _, problem := range web.UnsafeParts(p.doc(), v.remote) {
				t.Errorf("%s%s: %s", filepath.Base(f), v.query, problem)
			}
		}
	}
}

func TestRemoteImagesBlockedUntilAsked(t *testing.T) {
	e := newEnv(t, nil)
	logo := ticket.Attachment{Filename: "logo.png", ContentType: "image/png", ContentID: "logo@mail", Inline: true, Data: pngBytes}
	body := `<p>Hello <a href="https://shop.example/order/1">your order</a></p>` +
		`<img src="cid:logo@mail" alt="logo"><img src="https://tracker.example/open.gif" alt="t">`
	n := e.mailIn(mail("ana@example.org", "Order", "", body, logo))
	msgs, _ := e.tickets.Messages(e.ctx, e.ticketByNumber(n).ID, false)
	attID := msgs[0].Attachments[0].ID
	b := e.browser()
	b.signIn("ana@example.org")

	p := b.get(fmt.Sprintf("/tickets/%d", n))
	p.want(http.StatusOK, fmt.Sprintf(`src="/attachments/%d?inline=1"`, attID), "/static/blocked.svg")
	if strings.Contains(p.body, "tracker.example") {
		t.Fatal("remote image shown before asking")
	}
	if p.header.Get("Content-Security-Policy") != wantCSP {
		t.Fatalf("CSP %q", p.header.Get("Content-Security-Policy"))
	}
	var a, show *html.Node
	walk(p.doc(), func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" && attr(n, "href") == "https://shop.example/order/1" {
			a = n
		}
		if n.Type == html.ElementNode && attr(n, "class") == "show-images" {
			show = n
		}
	})
	if a == nil || attr(a, "target") != "_blank" || !strings.Contains(attr(a, "rel"), "noopener") ||
		!strings.Contains(attr(a, "rel"), "noreferrer") {
		t.Fatalf("link not opened safely: %+v", a)
	}
	if show == nil {
		t.Fatal("no 'show images' link")
	}
	p = b.get(attr(show, "href"))
	p.want(http.StatusOK, "https://tracker.example/open.gif")
	if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https:") {
		t.Fatalf("CSP with images shown: %q", csp)
	}
	if got := web.UnsafeParts(p.doc(), true); len(got) > 0 {
		t.Fatalf("images shown: %v", got)
	}
}

func TestPlainTextPreferred(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Both", "the plain words", "<p><b>the bold words</b></p>"))
	msgs, _ := e.tickets.Messages(e.ctx, e.ticketByNumber(n).ID, false)
	b := e.browser()
	b.signIn("ana@example.org")
	p := b.get(fmt.Sprintf("/tickets/%d", n))
	p.want(http.StatusOK, "the plain words", "Show formatted")
	if strings.Contains(p.body, "the bold words") {
		t.Fatal("HTML shown although the mail has text")
	}
	p = b.get(fmt.Sprintf("/tickets/%d?html=%d", n, msgs[0].ID))
	p.want(http.StatusOK, "<b>the bold words</b>", "Show plain text")
}

// TestXSSCheckerSeesTheRawCorpus makes sure the checker and the corpus are
// worth something: unsanitised, each mail trips the checker (except the few
// that only turn hostile when mis-parsed, listed here).
func TestXSSCheckerSeesTheRawCorpus(t *testing.T) {
	mutationOnly := map[string]bool{"42-textarea-title.html": true}
	files, _ := filepath.Glob("testdata/xss/*.html")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		doc, err := html.Parse(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		if got := web.UnsafeParts(doc, false); len(got) == 0 && !mutationOnly[filepath.Base(f)] {
			t.Errorf("%s: raw mail not flagged; the checker or the case is weak", filepath.Base(f))
		}
	}
}

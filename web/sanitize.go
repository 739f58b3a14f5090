package web

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// mailHTML is a sanitised email body, ready for the page.
type mailHTML struct {
	HTML template.HTML
	// Blocked reports that remote images were removed (offer "show images").
	Blocked bool
}

// sanitizeMail cleans an email's HTML with bluemonday's UGC policy, tightened:
// no relative URLs (they would point at this site), links open in a new tab
// with rel="nofollow noreferrer noopener", cid: images point at the message's
// attachments (cids maps Content-ID to the download path), and remote images
// are replaced by a local placeholder unless showRemote. Scripts, event
// handlers, styles, forms, frames and javascript: URLs never survive the UGC
// policy.
func sanitizeMail(body string, cids map[string]string, showRemote bool, placeholder string) mailHTML {
	var out mailHTML
	p := bluemonday.UGCPolicy()
	p.AllowRelativeURLs(false)
	p.AllowURLSchemes("cid")
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.RewriteSrc(func(u *url.URL) {
		switch {
		case u.Scheme == "cid":
			*u = localURL(cids[contentID(u)], placeholder)
		case (u.Scheme == "http" || u.Scheme == "https") && showRemote:
		default:
			out.Blocked = out.Blocked || u.Scheme == "http" || u.Scheme == "https"
			*u = localURL(placeholder, placeholder)
		}
	})
	out.HTML = template.HTML(balanced(p.Sanitize(body))) //nolint:gosec // bluemonday output, re-rendered
	return out
}

// mailBox is the element the page puts a mail's HTML in (a div).
var mailBox = &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}

// balanced re-parses sanitised HTML as the content of a div, as the browser
// will, and renders the tree back: every element it opens is closed, so a
// mail ending in "<table><tr><td>" cannot pull the page that follows it into
// its box.
func balanced(fragment string) string {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), mailBox)
	if err != nil {
		return html.EscapeString(fragment)
	}
	var b strings.Builder
	for _, n := range nodes {
		if err := html.Render(&b, n); err != nil {
			return html.EscapeString(fragment)
		}
	}
	return b.String()
}

// contentID returns the Content-ID a cid: URL names (RFC 2392), without
// angle brackets.
func contentID(u *url.URL) string {
	id := u.Opaque
	if id == "" {
		id = u.Host + u.Path // "cid://x" is wrong but seen
	}
	if un, err := url.PathUnescape(id); err == nil {
		id = un
	}
	return strings.Trim(id, "<>")
}

// localURL returns path as a URL, or fallback when path is "".
func localURL(path, fallback string) url.URL {
	if path == "" {
		path = fallback
	}
	u, err := url.Parse(path)
	if err != nil {
		return url.URL{Path: fallback}
	}
	return *u
}

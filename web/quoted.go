package web

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A customer's reply shows what is new; the history it quotes and the
// signature below it are folded behind a toggle. Only the page does this:
// the stored message, its search words and the raw mail keep everything.

// attribution matches the line a mail client writes above what it quotes,
// in English, Spanish, German and French ("On Mon, 1 Dec 2026 at 10:00,
// Ana <ana@example.org> wrote:").
var attribution = regexp.MustCompile(`(?is)^(on\s.{4,300}\swrote|el\s.{4,300}\sescribió|am\s.{4,300}\sschrieb.{0,300}|le\s.{4,300}\sa\s+écrit)\s*:\s*$`)

// originalMessage matches the separator Outlook and others put above a
// quoted message.
var originalMessage = regexp.MustCompile(`(?i)^-{2,}\s*(original message|mensaje original|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$`)

// outlookFrom and outlookSent match the first lines of the header block
// Outlook writes above a quoted message ("From: …" then "Sent: …").
var (
	outlookFrom = regexp.MustCompile(`(?i)^\*?(from|de|von)\*?:\s*\S`)
	outlookSent = regexp.MustCompile(`(?i)^\*?(sent|date|enviado|fecha|gesendet|datum|envoyé)\*?:\s*\S`)
)

// splitQuotedText cuts a plain-text message where its quoted history or
// signature begins: fresh is what the sender wrote, quoted the rest ("" when
// there is none, or when nothing new comes before it — a bare forward shows
// whole).
func splitQuotedText(text string) (fresh, quoted string) {
	lines := strings.SplitAfter(text, "\n")
	for i := range lines {
		if !quoteStartsAt(lines, i) {
			continue
		}
		fresh, quoted = strings.Join(lines[:i], ""), strings.Join(lines[i:], "")
		if strings.TrimSpace(fresh) == "" || strings.TrimSpace(quoted) == "" {
			return text, ""
		}
		return strings.TrimRight(fresh, "\n") + "\n", quoted
	}
	return text, ""
}

func quoteStartsAt(lines []string, i int) bool {
	line := strings.TrimSpace(lines[i])
	next := ""
	if i+1 < len(lines) {
		next = strings.TrimSpace(lines[i+1])
	}
	switch {
	case line == "":
		return false
	case line == "--" || strings.TrimRight(lines[i], "\r\n") == "-- ":
		return true // the signature separator
	case originalMessage.MatchString(line), attribution.MatchString(line):
		return true
	case attribution.MatchString(line+" "+next) && !attribution.MatchString(next):
		return true // the attribution wrapped over two lines
	case strings.Trim(line, "_") == "" && len(line) >= 10:
		return i+1 < len(lines) && outlookHeader(lines[i+1:])
	case outlookHeader(lines[i:]):
		return i == 0 || strings.Trim(strings.TrimSpace(lines[i-1]), "_") != "" || strings.TrimSpace(lines[i-1]) == ""
	case strings.HasPrefix(line, ">"):
		return quotesToTheEnd(lines[i:])
	}
	return false
}

// outlookHeader: a "From:" line with a "Sent:" line among the next three.
func outlookHeader(lines []string) bool {
	if len(lines) == 0 || !outlookFrom.MatchString(strings.TrimSpace(lines[0])) {
		return false
	}
	for _, l := range lines[1:min(len(lines), 4)] {
		if outlookSent.MatchString(strings.TrimSpace(l)) {
			return true
		}
	}
	return false
}

// quotesToTheEnd: every line left is quoted with ">", blank, or a
// signature.
func quotesToTheEnd(lines []string) bool {
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "--" || strings.TrimRight(l, "\r\n") == "-- " {
			return true
		}
		if t != "" && !strings.HasPrefix(t, ">") {
			return false
		}
	}
	return true
}

// splitQuotedHTML cuts an HTML message where its quoted history or
// signature begins, as marked by the mail clients that write it: Gmail's
// gmail_quote and gmail_signature, Outlook's divRplyFwdMsg and its
// "From: … Sent: …" block, Apple Mail's blockquote type=cite, Thunderbird's
// moz-cite-prefix and moz-signature, and the attribution and "Original
// Message" lines in any of them. Both halves are HTML fragments, to be
// sanitised; quoted is "" when there is nothing to fold.
func splitQuotedHTML(body string) (fresh, quoted string) {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return body, ""
	}
	root := bodyOf(doc)
	start := quoteStart(root)
	if start == nil {
		return body, ""
	}
	// The start, its later siblings, then each ancestor's later siblings:
	// everything after the mark, in document order.
	tail := []*html.Node{start}
	for n := start; n != nil && n != root; n = n.Parent {
		for s := n.NextSibling; s != nil; s = s.NextSibling {
			tail = append(tail, s)
		}
	}
	var q strings.Builder
	for _, n := range tail {
		_ = html.Render(&q, detach(n))
	}
	if !hasContent(root) || strings.TrimSpace(q.String()) == "" {
		return body, ""
	}
	var f strings.Builder
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		_ = html.Render(&f, c)
	}
	return f.String(), q.String()
}

// detach removes n from its parent and returns it.
func detach(n *html.Node) *html.Node {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
	return n
}

func bodyOf(doc *html.Node) *html.Node {
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.DataAtom == atom.Body {
			return n
		}
	}
	return doc
}

// quoteStart returns the first node, in document order, where quoted
// history or a signature begins.
func quoteStart(root *html.Node) *html.Node {
	for n := range root.Descendants() {
		if s := quoteMark(n); s != nil {
			return s
		}
	}
	return nil
}

func quoteMark(n *html.Node) *html.Node {
	switch n.Type {
	case html.ElementNode:
		switch {
		case hasClassPrefix(n, "gmail_quote"), hasClassPrefix(n, "gmail_signature"),
			hasClassPrefix(n, "moz-cite-prefix"), hasClassPrefix(n, "moz-signature"):
			return n
		case attrOf(n, "id") == "divRplyFwdMsg":
			if p := prevElement(n); p != nil && p.DataAtom == atom.Hr {
				return p
			}
			return n
		case n.DataAtom == atom.Blockquote && strings.EqualFold(attrOf(n, "type"), "cite"):
			if p := prevElement(n); p != nil && attribution.MatchString(strings.TrimSpace(textContent(p))) {
				return p
			}
			return n
		case (n.DataAtom == atom.P || n.DataAtom == atom.Div) && outlookBlock(n):
			if p := n.Parent; p != nil && p.DataAtom == atom.Div && strings.Contains(strings.ToLower(attrOf(p, "style")), "border-top") {
				return p
			}
			return n
		}
	case html.TextNode:
		t := strings.TrimSpace(n.Data)
		if originalMessage.MatchString(t) || attribution.MatchString(t) {
			if p := n.Parent; p != nil && p.Type == html.ElementNode && p.DataAtom != atom.Body &&
				strings.TrimSpace(textContent(p)) == t {
				return p
			}
			return n
		}
	}
	return nil
}

// outlookBlock: a paragraph that is Outlook's header of a quoted message,
// "From: … Sent: …" with the labels in bold.
func outlookBlock(n *html.Node) bool {
	t := strings.TrimSpace(textContent(n))
	if !outlookFrom.MatchString(t) || len(t) > 2000 {
		return false
	}
	for _, l := range []string{"sent:", "enviado:", "gesendet:", "envoyé:", "date:", "fecha:", "datum:"} {
		if strings.Contains(strings.ToLower(t), l) {
			return true
		}
	}
	return false
}

func prevElement(n *html.Node) *html.Node {
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode {
			return p
		}
		if p.Type == html.TextNode && strings.TrimSpace(p.Data) != "" {
			return nil
		}
	}
	return nil
}

func hasClassPrefix(n *html.Node, prefix string) bool {
	for _, c := range strings.Fields(attrOf(n, "class")) {
		if strings.HasPrefix(c, prefix) {
			return true
		}
	}
	return false
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textContent(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// hasContent: something a reader would see is left (text or a picture).
func hasContent(n *html.Node) bool {
	for d := range n.Descendants() {
		if (d.Type == html.TextNode && strings.TrimSpace(d.Data) != "") ||
			(d.Type == html.ElementNode && d.DataAtom == atom.Img) {
			return true
		}
	}
	return false
}

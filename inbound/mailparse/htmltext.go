package mailparse

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlToText derives the plain text of an HTML-only message: tags dropped,
// entities decoded, paragraphs and line breaks kept, invisible content
// (scripts, styles, the title) left out.
func htmlToText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var t textWriter
	hidden := 0
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			return t.String()
		case html.TextToken:
			if hidden == 0 {
				t.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if h := t.open(atom.Lookup(name)); tt == html.StartTagToken {
				// A self-closing <script/> has no end tag to unhide it.
				hidden += h
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			hidden = max(0, hidden-t.close(atom.Lookup(name)))
		}
	}
}

// textWriter accumulates text, collapsing white space like a browser and
// counting the newlines at its end so that blocks never stack blank lines.
type textWriter struct {
	b        strings.Builder
	newlines int  // newlines at the end of b
	space    bool // a space is pending before the next word
	pre      int  // depth inside <pre>
}

func isHidden(a atom.Atom) bool {
	return a == atom.Script || a == atom.Style || a == atom.Title || a == atom.Template
}

// open handles a start tag; it returns 1 when the element's content is hidden.
func (t *textWriter) open(a atom.Atom) int {
	switch a {
	case atom.Br:
		t.newline()
	case atom.Li:
		t.breakLines(1)
		t.write("- ")
	case atom.Pre:
		t.pre++
		t.breakLines(2)
	case atom.Td, atom.Th:
		t.space = true
	default:
		t.breakLines(blockBreak(a))
	}
	if isHidden(a) {
		return 1
	}
	return 0
}

// close handles an end tag; it returns 1 when a hidden element ends.
func (t *textWriter) close(a atom.Atom) int {
	if a == atom.Pre && t.pre > 0 {
		t.pre--
	}
	t.breakLines(blockBreak(a))
	if isHidden(a) {
		return 1
	}
	return 0
}

// blockBreak is how many line breaks surround an element: two for
// paragraphs, one for lines (Gmail writes each line as a <div>).
func blockBreak(a atom.Atom) int {
	switch a {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote,
		atom.Ul, atom.Ol, atom.Table, atom.Pre, atom.Hr, atom.Dl:
		return 2
	case atom.Div, atom.Tr, atom.Li, atom.Section, atom.Article, atom.Header, atom.Footer,
		atom.Dt, atom.Dd, atom.Address, atom.Center, atom.Caption:
		return 1
	}
	return 0
}

// text writes a text node, folding runs of white space into one space that
// is only written between words on the same line.
func (t *textWriter) text(s string) {
	if t.pre > 0 {
		t.write(s)
		return
	}
	for _, r := range s {
		if isCollapsible(r) {
			t.space = true
			continue
		}
		if t.space && t.midLine() {
			t.b.WriteByte(' ')
		}
		t.space = false
		t.b.WriteRune(r)
		t.newlines = 0
	}
}

// isCollapsible matches the white space a browser folds, no-break space
// included: plain text has no use for it.
func isCollapsible(r rune) bool {
	return unicode.IsSpace(r) || r == '\u00a0'
}

// midLine reports whether a space may separate the next word from the text
// before it: not at the start of a line, nor after a space ("- " of a list).
func (t *textWriter) midLine() bool {
	s := t.b.String()
	return len(s) > 0 && t.newlines == 0 && s[len(s)-1] != ' '
}

func (t *textWriter) write(s string) {
	if s == "" {
		return
	}
	t.b.WriteString(s)
	trail := len(s) - len(strings.TrimRight(s, "\n"))
	if trail == len(s) {
		t.newlines += trail
	} else {
		t.newlines = trail
	}
}

func (t *textWriter) newline() {
	t.b.WriteByte('\n')
	t.newlines++
	t.space = false
}

// breakLines ends the current line and leaves n-1 blank lines, unless they
// are there already; nothing is written before the first text.
func (t *textWriter) breakLines(n int) {
	for t.b.Len() > 0 && t.newlines < n {
		t.newline()
	}
}

// String trims trailing white space from every line and keeps at most one
// blank line in a row (<br> and <pre> can add more).
func (t *textWriter) String() string {
	var out strings.Builder
	blank := 0
	for _, line := range strings.Split(t.b.String(), "\n") {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		if line == "" {
			blank++
			continue
		}
		if out.Len() > 0 {
			out.WriteByte('\n')
			if blank > 0 {
				out.WriteByte('\n')
			}
		}
		out.WriteString(line)
		blank = 0
	}
	return out.String()
}

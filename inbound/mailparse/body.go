package mailparse

import (
	"html"
	"strings"

	"github.com/emersion/go-message"
)

// bodyPart is one inline text part of the body, in the order of the mail.
type bodyPart struct {
	html    bool
	content string
	group   int  // the multipart/alternative it is (in) a version of; 0 when none
	nested  bool // inside a multipart within that alternative (a version of several parts)
}

// takeBody adds an inline text/plain or text/html part to the body. Inside
// one multipart/alternative the first part of each type is a version of the
// same text and later ones become attachments; elsewhere (a multipart/mixed:
// a text, a picture, more text, a signature) every inline part is shown, in
// order, as mail clients do; so are the parts of a multipart that is one
// version of an alternative.
func (w *walker) takeBody(p partInfo, data []byte, h message.Header) bool {
	if p.disp == "attachment" || p.filename != "" {
		return false
	}
	isHTML := p.media == "text/html"
	if !isHTML && p.media != "text/plain" {
		return false
	}
	group, nested := w.alternative()
	if group != 0 && !nested && w.hasVersion(group, isHTML) {
		return false
	}
	content := string(data)
	if isHTML {
		content = htmlString(data)
	} else if w.in.Language == "" {
		w.in.Language = languageOf(h.Get("Content-Language"))
	}
	w.body = append(w.body, bodyPart{html: isHTML, content: content, group: group, nested: nested})
	return true
}

// alternative returns the id of the innermost open multipart/alternative
// and whether the part is in a multipart below it rather than its child.
func (w *walker) alternative() (int, bool) {
	for i := len(w.stack) - 1; i >= 0; i-- {
		if w.stack[i].media == "multipart/alternative" {
			return w.stack[i].id, i < len(w.stack)-1
		}
	}
	return 0, false
}

func (w *walker) hasVersion(group int, isHTML bool) bool {
	for _, b := range w.body {
		if b.group == group && b.html == isHTML {
			return true
		}
	}
	return false
}

// bodyUnit is one piece of the shown body: a part, or the versions of one
// alternative.
type bodyUnit struct{ text, html string }

// assembleBody sets the message's Text and HTML from the body parts. One
// piece gives its text and HTML as they are; several are joined in order,
// the HTML (when any piece has HTML) showing the plain pieces as text.
func (w *walker) assembleBody() {
	var units []bodyUnit
	for i, b := range w.body {
		if i == 0 || b.group == 0 || b.group != w.body[i-1].group {
			units = append(units, bodyUnit{})
		}
		u := &units[len(units)-1]
		if b.html {
			u.html += b.content
		} else {
			u.text = joinText(u.text, b.content)
		}
	}
	if len(units) == 1 {
		w.in.Text, w.in.HTML = units[0].text, units[0].html
		return
	}
	var text string
	var htm strings.Builder
	anyHTML := false
	for _, u := range units {
		anyHTML = anyHTML || u.html != ""
	}
	for _, u := range units {
		t := u.text
		if t == "" && u.html != "" {
			t = htmlToText(u.html)
		}
		text = joinText(text, t)
		if !anyHTML {
			continue
		}
		if u.html != "" {
			htm.WriteString(u.html)
		} else {
			htm.WriteString("<div>" + strings.ReplaceAll(html.EscapeString(strings.TrimRight(u.text, "\r\n")), "\n", "<br>\n") + "</div>\n")
		}
	}
	w.in.Text, w.in.HTML = text, htm.String()
}

// joinText appends b to a on a line of its own.
func joinText(a, b string) string {
	if a != "" && !strings.HasSuffix(a, "\n") {
		a += "\n"
	}
	return a + b
}

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
	group   int // the multipart/alternative it is a version in; 0 when none
}

// takeBody adds an inline text/plain or text/html part to the body. Inside
// one multipart/alternative the first part of each type is a version of the
// same text and later ones become attachments; elsewhere (a multipart/mixed:
// a text, a picture, more text, a signature) every inline part is shown, in
// order, as mail clients do.
func (w *walker) takeBody(p partInfo, data []byte, h message.Header) bool {
	if p.disp == "attachment" || p.filename != "" {
		return false
	}
	isHTML := p.media == "text/html"
	if !isHTML && p.media != "text/plain" {
		return false
	}
	group := w.alternative()
	if group != 0 && w.hasVersion(group, isHTML) {
		return false
	}
	content := string(data)
	if isHTML {
		content = htmlString(data)
	} else if w.in.Language == "" {
		w.in.Language = languageOf(h.Get("Content-Language"))
	}
	w.body = append(w.body, bodyPart{html: isHTML, content: content, group: group})
	return true
}

// alternative returns the id of the innermost open multipart/alternative.
func (w *walker) alternative() int {
	for i := len(w.stack) - 1; i >= 0; i-- {
		if w.stack[i].media == "multipart/alternative" {
			return w.stack[i].id
		}
	}
	return 0
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
			u.html = b.content
		} else {
			u.text = b.content
		}
	}
	if len(units) == 1 {
		w.in.Text, w.in.HTML = units[0].text, units[0].html
		return
	}
	var text, htm strings.Builder
	anyHTML := false
	for _, u := range units {
		anyHTML = anyHTML || u.html != ""
	}
	for _, u := range units {
		t := u.text
		if t == "" && u.html != "" {
			t = htmlToText(u.html)
		}
		if text.Len() > 0 && !strings.HasSuffix(text.String(), "\n") {
			text.WriteString("\n")
		}
		text.WriteString(t)
		if !anyHTML {
			continue
		}
		if u.html != "" {
			htm.WriteString(u.html)
		} else {
			htm.WriteString("<div>" + strings.ReplaceAll(html.EscapeString(strings.TrimRight(u.text, "\r\n")), "\n", "<br>\n") + "</div>\n")
		}
	}
	w.in.Text, w.in.HTML = text.String(), htm.String()
}

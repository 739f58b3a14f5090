package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"inboxdesk/ticket"
)

// messageView is one message of a conversation as the page shows it.
type messageView struct {
	ID         int64
	AuthorKind string // customer, agent, system
	Mine       bool   // written by the viewer
	Author     string
	At         time.Time
	Text       string        // shown when Formatted is false
	HTML       template.HTML // sanitised; shown when Formatted
	// QuotedText and QuotedHTML are the quoted history and signature after
	// Text or HTML, shown behind a toggle ("" when there is none).
	QuotedText string
	QuotedHTML template.HTML
	Formatted  bool
	// ToggleURL switches between plain text and formatted ("" when the
	// message has only one of them).
	ToggleURL string
	// ImagesURL shows this message's blocked remote images ("" when none were blocked).
	ImagesURL   string
	Attachments []attachmentView
}

type attachmentView struct {
	ID       int64
	Name     string
	Type     string
	Size     int64
	URL      string
	ImageURL string // inline preview for images ("" for other types)
}

// inlineImageTypes may be shown inline (after sniffing agrees, see attachmentDownload).
var inlineImageTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

// messageViews prepares a conversation: plain text is preferred; a
// message's HTML is shown, sanitised, when it has no text or the viewer
// asked (?html=ID), with remote images only on request (?images=ID). It
// reports whether any remote images are shown (the page's CSP must allow them).
func (s *Server) messageViews(r *http.Request, msgs []ticket.Message) ([]messageView, bool) {
	out := make([]messageView, 0, len(msgs))
	remote := false
	for _, m := range msgs {
		v, shown := s.messageView(r, m)
		out = append(out, v)
		remote = remote || shown
	}
	return out, remote
}

func (s *Server) messageView(r *http.Request, m ticket.Message) (messageView, bool) {
	q := r.URL.Query()
	asked := func(param string) bool { return slices.Contains(q[param], idStr(m.ID)) }
	me := sessionFrom(r)
	v := messageView{ID: m.ID, AuthorKind: m.AuthorKind, At: m.CreatedAt, Text: m.Text,
		Mine:   m.AuthorKind == "customer" && me != nil && m.CustomerID == me.CustomerID,
		Author: authorName(m), Attachments: s.attachmentViews(m.Attachments)}
	hasText, hasHTML := strings.TrimSpace(m.Text) != "", strings.TrimSpace(m.HTML) != ""
	showImages := asked("images")
	v.Formatted = hasHTML && (!hasText || asked("html") || showImages)
	if v.Formatted {
		fresh, quoted := splitQuotedHTML(m.HTML)
		cids, blocked := s.cidPaths(m.Attachments), s.path("/static/blocked.svg")
		san := sanitizeMail(fresh, cids, showImages, blocked)
		v.HTML = san.HTML
		if quoted != "" {
			q := sanitizeMail(quoted, cids, showImages, blocked)
			v.QuotedHTML, san.Blocked = q.HTML, san.Blocked || q.Blocked
		}
		if san.Blocked {
			v.ImagesURL = s.messageURL(r, m.ID, url.Values{"html": {idStr(m.ID)}, "images": {idStr(m.ID)}})
		}
	} else {
		v.Text, v.QuotedText = splitQuotedText(m.Text)
	}
	if hasText && hasHTML {
		toggle := url.Values{}
		if !v.Formatted {
			toggle.Set("html", idStr(m.ID))
		}
		v.ToggleURL = s.messageURL(r, m.ID, toggle)
	}
	return v, v.Formatted && showImages
}

func authorName(m ticket.Message) string {
	if m.FromName != "" {
		return m.FromName
	}
	return m.FromEmail
}

func (s *Server) attachmentViews(atts []ticket.AttachmentInfo) []attachmentView {
	out := make([]attachmentView, 0, len(atts))
	for _, a := range atts {
		v := attachmentView{ID: a.ID, Name: a.Filename, Type: a.ContentType, Size: a.Size,
			URL: s.path("/attachments/" + idStr(a.ID))}
		if slices.Contains(inlineImageTypes, a.ContentType) {
			v.ImageURL = v.URL + "?inline=1"
		}
		out = append(out, v)
	}
	return out
}

// cidPaths maps each attachment's Content-ID to its inline download path.
func (s *Server) cidPaths(atts []ticket.AttachmentInfo) map[string]string {
	m := map[string]string{}
	for _, a := range atts {
		if a.ContentID != "" {
			m[a.ContentID] = s.path("/attachments/" + idStr(a.ID) + "?inline=1")
		}
	}
	return m
}

// messageURL is this page with query q, scrolled to message id.
func (s *Server) messageURL(r *http.Request, id int64, q url.Values) string {
	u := s.path(r.URL.Path)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u + "#m" + idStr(id)
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

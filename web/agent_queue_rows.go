package web

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"inboxdesk/ticket"
)

// queueRows writes the queue table's rows in Go rather than in the
// template: html/template calls each row's dozen functions and escapers by
// reflection, which was most of the queue page's CPU at 50 rows. Every value
// is HTML-escaped here; the markup is the template's as it was.
func (s *Server) queueRows(cat catalog, tickets []ticket.Summary) template.HTML {
	var b strings.Builder
	b.Grow(len(tickets) * 640)
	for i := range tickets {
		s.writeQueueRow(&b, cat, &tickets[i])
	}
	return template.HTML(b.String())
}

func (s *Server) writeQueueRow(b *strings.Builder, cat catalog, t *ticket.Summary) {
	num := strconv.FormatInt(t.Number, 10)
	b.WriteString("\n  <tr class=\"queue-row")
	if t.Unread {
		b.WriteString(" unread")
	}
	b.WriteString(`" data-number="` + num + `" id="queue-` + num + `">` + "\n    <td><a href=\"")
	b.WriteString(template.HTMLEscapeString(s.path("/agent/tickets/" + num)))
	b.WriteString(`"><span class="number">#` + num + `</span> ` + template.HTMLEscapeString(t.Subject) + `</a>`)
	if t.Unread {
		b.WriteString(` <span class="badge unread-badge" id="unread-` + num + `">` +
			template.HTMLEscapeString(cat.text("queue_unread")) + `</span>`)
	}
	if !t.WaitingSince.IsZero() {
		b.WriteString(`<br><span class="waiting" id="waiting-` + num + `"><time datetime="` + isoTime(t.WaitingSince) + `">` +
			template.HTMLEscapeString(cat.format("queue_waiting", waited(t.WaitingSince))) + `</time></span>`)
	}
	b.WriteString("</td>\n    <td class=\"customer\">")
	if t.RequesterName != "" {
		b.WriteString(template.HTMLEscapeString(t.RequesterName) + `<br><span class="muted">` +
			template.HTMLEscapeString(t.RequesterEmail) + `</span>`)
	} else {
		b.WriteString(template.HTMLEscapeString(t.RequesterEmail))
	}
	st := template.HTMLEscapeString(string(t.Status))
	b.WriteString("</td>\n    <td><span class=\"status status-" + st + `">` +
		template.HTMLEscapeString(cat.text("agent_status_"+string(t.Status))) + "</span></td>\n    <td>")
	if t.AssigneeName != "" {
		b.WriteString(template.HTMLEscapeString(t.AssigneeName))
	} else {
		b.WriteString(`<span class="muted">` + template.HTMLEscapeString(cat.text("agent_unassigned")) + `</span>`)
	}
	b.WriteString("</td>\n    <td><time datetime=\"" + isoTime(t.UpdatedAt) + `">` + s.localDate(t.UpdatedAt) + "</time></td>\n  </tr>")
}

// isoTime is t in UTC as RFC 3339, for a time element's datetime.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// localDate is t to the minute in the desk's time zone.
func (s *Server) localDate(t time.Time) string {
	return t.In(s.cfg.Location).Format("2006-01-02 15:04")
}

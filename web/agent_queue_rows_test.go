package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"inboxdesk/ticket"
)

// formerQueueRow is the queue row as the template wrote it before the rows
// were written in Go: the page must not change by a byte.
const formerQueueRow = `{{define "agent-status"}}<span class="status status-{{.}}">{{t (printf "agent_status_%s" .)}}</span>{{end}}` +
	`{{define "rows"}}{{- range .}}
  <tr class="queue-row{{if .Unread}} unread{{end}}" data-number="{{.Number}}" id="queue-{{.Number}}">
    <td><a href="{{path (printf "/agent/tickets/%d" .Number)}}"><span class="number">#{{.Number}}</span> {{.Subject}}</a>
      {{- if .Unread}} <span class="badge unread-badge" id="unread-{{.Number}}">{{t "queue_unread"}}</span>{{end}}
      {{- if not .WaitingSince.IsZero}}<br><span class="waiting" id="waiting-{{.Number}}"><time datetime="{{iso .WaitingSince}}">{{tf "queue_waiting" (waited .WaitingSince)}}</time></span>{{end}}</td>
    <td class="customer">{{if .RequesterName}}{{.RequesterName}}<br><span class="muted">{{.RequesterEmail}}</span>{{else}}{{.RequesterEmail}}{{end}}</td>
    <td>{{template "agent-status" .Status}}</td>
    <td>{{if .AssigneeName}}{{.AssigneeName}}{{else}}<span class="muted">{{t "agent_unassigned"}}</span>{{end}}</td>
    <td><time datetime="{{iso .UpdatedAt}}">{{date .UpdatedAt}}</time></td>
  </tr>
  {{- end}}{{end}}`

func TestQueueRowsAsTheTemplateWroteThem(t *testing.T) {
	s := &Server{basePath: "/desk", cfg: Config{Location: time.FixedZone("CET", 3600)}}
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	rows := []ticket.Summary{
		{Number: 10100, Subject: `Printer <b>"jammed"</b> & 'stuck'`, Status: ticket.StatusOpen,
			RequesterEmail: "ann@example.com", RequesterName: "Ann <O'Neil>", AssigneeName: "Zoë & co",
			UpdatedAt: now.Add(-time.Hour), WaitingSince: now.Add(-2*time.Hour - 10*time.Second), Unread: true},
		{Number: 7, Subject: "Refund", Status: ticket.StatusClosed, RequesterEmail: "bob@example.com",
			UpdatedAt: now.Add(-48 * time.Hour)},
	}
	for lang, cat := range cats {
		p, err := printer(lang, cat)
		if err != nil {
			t.Fatal(err)
		}
		tpl := template.Must(template.New("rows").Funcs(withLanguage(s.funcs(), cat, p)).Parse(formerQueueRow))
		var want strings.Builder
		if err := tpl.ExecuteTemplate(&want, "rows", rows); err != nil {
			t.Fatal(err)
		}
		if got := string(s.queueRows(cat, rows)); got != want.String() {
			t.Errorf("%s: the rows differ from the template's:\ngot  %s\nwant %s", lang, got, want.String())
		}
	}
}

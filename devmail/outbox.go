package devmail

import (
	"bytes"
	"html/template"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"

	"github.com/emersion/go-message/mail"

	"inboxdesk/ticket"
)

// OutboxHandler serves the demo's dev outbox page: every email the SMTP
// server captured (alerts and sign-in codes), newest first, with its
// headers, its text and its links made clickable. It is for `inboxdesk
// demo` on loopback only, never for production.
func OutboxHandler(s *SMTP) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		msgs := s.Messages()
		views := make([]outboxView, 0, len(msgs))
		for i := len(msgs) - 1; i >= 0; i-- {
			views = append(views, viewOf(i+1, msgs[i]))
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		if err := outboxPage.Execute(w, views); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
}

type outboxView struct {
	N                      int
	From, To, Subject, Age string
	Headers                string
	Text                   string
	Links                  []string
}

var linkPattern = regexp.MustCompile(`https?://[^\s<>"')\]]+`)

func viewOf(n int, c Captured) outboxView {
	v := outboxView{N: n, To: strings.Join(c.To, ", "), Age: c.Received.Format("15:04:05")}
	mr, err := mail.CreateReader(bytes.NewReader(c.Data))
	if err != nil {
		v.Text = string(c.Data)
		return v
	}
	dec := new(mime.WordDecoder)
	v.From, _ = dec.DecodeHeader(mr.Header.Get("From"))
	v.Subject, _ = mr.Header.Subject()
	for _, k := range []string{"Message-ID", "References", "Auto-Submitted", "X-Auto-Response-Suppress", ticket.LoopHeader} {
		if val := mr.Header.Get(k); val != "" {
			v.Headers += k + ": " + val + "\n"
		}
	}
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if ct == "text/plain" && v.Text == "" {
			b, _ := io.ReadAll(io.LimitReader(p.Body, 1<<20))
			v.Text = string(b)
		}
	}
	v.Links = linkPattern.FindAllString(v.Text, -1)
	return v
}

var outboxPage = template.Must(template.New("outbox").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dev outbox</title>
<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:1rem auto;padding:0 1rem}
article{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}.meta{color:#555;font-size:.9rem}</style></head>
<body><h1>Dev outbox</h1>
<p>Every email inboxdesk sent (alerts, sign-in codes), captured by the demo's SMTP server. Newest first; reload for new mail.</p>
{{range .}}<article class="mail" id="mail-{{.N}}">
<h2 class="subject">{{.Subject}}</h2>
<p class="meta">#{{.N}} at {{.Age}} · from {{.From}} · to <span class="to">{{.To}}</span></p>
{{if .Links}}<p>Links: {{range .Links}}<a class="link" href="{{.}}">{{.}}</a> {{end}}</p>{{end}}
<pre class="text">{{.Text}}</pre>
<details><summary>Headers</summary><pre>{{.Headers}}</pre></details>
</article>{{else}}<p>No mail yet.</p>{{end}}
</body></html>`))

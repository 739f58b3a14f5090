package outbound

import (
	"bytes"
	"embed"
	"fmt"
	htemplate "html/template"
	"io/fs"
	"path"
	"strings"
	ttemplate "text/template"

	"inboxdesk/ticket"
)

// templateFS holds, per language, LANG.txt.tmpl (defining "subject", "text"
// and "what") and LANG.html.tmpl (defining "html", which uses "subject" and
// "what"). Adding a language is adding its two files.
//
//go:embed templates/*.tmpl
var templateFS embed.FS

// reasons lists every reason an alert can give; each language must render all.
var reasons = []ticket.AlertReason{
	ticket.ReasonReceived, ticket.ReasonReplied, ticket.ReasonInfoRequested, ticket.ReasonResolved,
}

// alertView is all a template may show: no message content exists here.
type alertView struct {
	Number int64
	Reason ticket.AlertReason
	URL    string
}

// rendered is one alert's subject and its two bodies.
type rendered struct {
	Subject, Text, HTML string
}

type langTemplates struct {
	text *ttemplate.Template
	html *htemplate.Template
}

// parseTemplates parses every language's templates and renders each reason
// once, so a broken or missing template stops start-up, not a delivery.
func parseTemplates() (map[string]langTemplates, error) {
	files, err := fs.Glob(templateFS, "templates/*.txt.tmpl")
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("alert templates: none embedded")
	}
	set := map[string]langTemplates{}
	for _, f := range files {
		lang := strings.TrimSuffix(path.Base(f), ".txt.tmpl")
		lt, err := parseLanguage(lang)
		if err != nil {
			return nil, fmt.Errorf("alert templates %s: %w", lang, err)
		}
		set[lang] = lt
	}
	return set, nil
}

func parseLanguage(lang string) (langTemplates, error) {
	txt := "templates/" + lang + ".txt.tmpl"
	html := "templates/" + lang + ".html.tmpl"
	t, err := ttemplate.New(lang).Option("missingkey=error").ParseFS(templateFS, txt)
	if err != nil {
		return langTemplates{}, err
	}
	h, err := htemplate.New(lang).Option("missingkey=error").ParseFS(templateFS, txt, html)
	if err != nil {
		return langTemplates{}, err
	}
	lt := langTemplates{text: t, html: h}
	for _, r := range reasons {
		if _, err := lt.render(alertView{Number: 1, Reason: r, URL: "https://example.com/t/1?k=x"}); err != nil {
			return langTemplates{}, err
		}
	}
	return lt, nil
}

func (lt langTemplates) render(v alertView) (rendered, error) {
	var subj, text, html bytes.Buffer
	if err := lt.text.ExecuteTemplate(&subj, "subject", v); err != nil {
		return rendered{}, err
	}
	if err := lt.text.ExecuteTemplate(&text, "text", v); err != nil {
		return rendered{}, err
	}
	if err := lt.html.ExecuteTemplate(&html, "html", v); err != nil {
		return rendered{}, err
	}
	r := rendered{Subject: strings.TrimSpace(subj.String()), Text: text.String(), HTML: html.String()}
	if !strings.Contains(r.Text, v.URL) || r.Subject == "" {
		return rendered{}, fmt.Errorf("reason %q renders no subject or no link", v.Reason)
	}
	return r, nil
}

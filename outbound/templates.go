package outbound

import (
	"bytes"
	"embed"
	"fmt"
	htemplate "html/template"
	"strings"
	ttemplate "text/template"
	"unicode"
	"unicode/utf8"

	"inboxdesk/brand"
	"inboxdesk/lang"
	"inboxdesk/ticket"
)

// templateFS holds the layouts every language shares, each defined once in
// text (*.txt.tmpl) and once in HTML (*.html.tmpl) with the same phrases in
// the same order, so the HTML says what the plain part says: "alert"
// (layout.*) and "short" (short.*: a code or an invitation), the HTML ones
// inside frame.html.tmpl's brand bar. The phrases come from the language
// catalog (lang.Messages).
//
//go:embed templates/*.tmpl
var templateFS embed.FS

// reasons lists every reason an alert can give; each language must render all.
var reasons = []ticket.AlertReason{
	ticket.ReasonReceived, ticket.ReasonReplied, ticket.ReasonInfoRequested, ticket.ReasonResolved,
	ticket.ReasonLinkRequested, ticket.ReasonMerged,
}

// alertFacts is all a phrase may show: no message content exists here.
type alertFacts struct {
	Number int64
	Reason ticket.AlertReason
}

// frame is what every mail shows around its own words: the language, the
// subject (the HTML's title) and the brand.
type frame struct {
	Lang, MailSubject                  string
	BrandName, LogoURL, Color, OnColor string
	HelpURL, Help                      string
	Footer                             []string
}

// mailView is what the alert layouts show: the phrases in the alert's
// language, the ticket's subject, the brand and the links. No message content.
type mailView struct {
	frame
	Subject                                        string
	Heading, Request, What, Button, Code, Fallback string
	Notify, Settings                               string
	URL, SettingsURL                               string
}

// shortView is what the short layouts show: an opening, the one line that
// matters (the code, or else the URL), what follows from it, and a word for
// whoever did not ask for the mail.
type shortView struct {
	frame
	Intro, Code, URL, After, Ignore string
}

// rendered is one alert's subject and its two bodies.
type rendered struct {
	Subject, Text, HTML string
}

type layouts struct {
	text *ttemplate.Template
	html *htemplate.Template
}

// alertTemplates are the shared layouts and the catalog of phrases.
type alertTemplates struct {
	layouts
	cat *lang.Catalog
}

// parseTemplates parses the layouts and renders each reason once in every
// language of the catalog, so a broken template stops start-up, not a
// delivery.
func parseTemplates() (*alertTemplates, error) {
	cat, err := lang.Messages()
	if err != nil {
		return nil, err
	}
	t, err := ttemplate.New("text").Option("missingkey=error").ParseFS(templateFS, "templates/*.txt.tmpl")
	if err != nil {
		return nil, fmt.Errorf("alert templates: %w", err)
	}
	h, err := htemplate.New("html").Option("missingkey=error").ParseFS(templateFS, "templates/*.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("alert templates: %w", err)
	}
	set := &alertTemplates{layouts: layouts{text: t, html: h}, cat: cat}
	for _, l := range cat.Languages() {
		if err := set.check(l); err != nil {
			return nil, fmt.Errorf("alert templates %s: %w", l, err)
		}
	}
	return set, nil
}

// check renders every reason in l once, and a code and an invitation mail.
func (set *alertTemplates) check(l string) error {
	for _, key := range shortPhrases {
		if !set.cat.Defines(key) {
			return fmt.Errorf("no phrase %q", key)
		}
	}
	for _, r := range reasons {
		for _, key := range append(phraseKeys(r), "alert_help") {
			if !set.cat.Defines(key) {
				return fmt.Errorf("reason %q: no phrase %q", r, key)
			}
		}
		v := set.view(l, alertFacts{Number: 1, Reason: r}, brand.Brand{Name: "x"})
		v.URL = "https://example.com/t/1?k=x"
		if _, err := set.render("alert", v); err != nil {
			return err
		}
	}
	for _, v := range []shortView{{Code: "123456"}, {URL: "https://example.com/agent/invite?k=x"}} {
		v.frame = set.frame(l, "x", brand.Brand{Name: "x"})
		if _, err := set.render("short", v); err != nil {
			return err
		}
	}
	return nil
}

// phraseKeys are the catalog keys of an alert's phrases for reason r, in
// the order of mailView's fields: heading, what, request, button, code,
// fallback, notify, settings.
func phraseKeys(r ticket.AlertReason) []string {
	button := "alert_button"
	if r == ticket.ReasonInfoRequested || r == ticket.ReasonReplied {
		button += "_" + string(r)
	}
	return []string{"alert_heading_" + string(r), "alert_what_" + string(r), "alert_request", button,
		"alert_code", "alert_fallback", "alert_notify", "alert_settings"}
}

// view fills the phrases of l for f; the caller adds the links and subject.
func (set *alertTemplates) view(l string, f alertFacts, b brand.Brand) mailView {
	p := make([]string, 0, 8)
	for _, key := range phraseKeys(f.Reason) {
		p = append(p, set.cat.Format(l, key, f.Number))
	}
	return mailView{frame: set.frame(l, "", b),
		Heading: p[0], What: p[1], Request: p[2], Button: p[3], Code: p[4], Fallback: p[5], Notify: p[6], Settings: p[7]}
}

// frame fills what surrounds a mail in l with the brand b.
func (set *alertTemplates) frame(l, subject string, b brand.Brand) frame {
	return frame{Lang: l, MailSubject: subject, BrandName: b.Name, LogoURL: b.LogoURL, Color: b.ColorOrDefault(),
		OnColor: b.OnColor(), HelpURL: b.HelpURL, Help: set.cat.Text(l, "alert_help"), Footer: b.FooterLines()}
}

// render executes layout name ("alert" or "short") in text and in HTML with v.
func (set *alertTemplates) render(name string, v interface{ subject() string }) (rendered, error) {
	var text, html bytes.Buffer
	if err := set.text.ExecuteTemplate(&text, name, v); err != nil {
		return rendered{}, err
	}
	if err := set.html.ExecuteTemplate(&html, name, v); err != nil {
		return rendered{}, err
	}
	return rendered{Subject: v.subject(), Text: text.String(), HTML: html.String()}, nil
}

func (f frame) subject() string { return f.MailSubject }

// maxSubjectRunes is how much of the ticket's subject the mail's Subject
// line carries; the body shows all of it.
const maxSubjectRunes = 60

// mailSubject is "<heading> [#N]: <ticket subject, cut>": the token keeps a
// reply threading even without References.
func mailSubject(heading string, number int64, subject string) string {
	s := fmt.Sprintf("%s [#%d]", heading, number)
	if subject == "" {
		return s
	}
	if utf8.RuneCountInString(subject) > maxSubjectRunes {
		subject = strings.TrimSpace(string([]rune(subject)[:maxSubjectRunes-1])) + "…"
	}
	return s + ": " + subject
}

// oneLine makes s safe for one line of a header or the text part: control
// characters become spaces, runs of white space one space.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

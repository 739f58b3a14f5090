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
	"unicode"
	"unicode/utf8"

	"inboxdesk/brand"
	"inboxdesk/lang"
	"inboxdesk/ticket"
)

// templateFS holds, per language, LANG.tmpl (the alert's phrases: one
// template per phrase, see phraseNames) and the two layouts every language
// shares: layout.txt.tmpl ("text") and layout.html.tmpl ("html"). Both
// layouts show the same phrases in the same order, so the HTML says what the
// plain part says. Adding a language is adding its phrase file.
//
//go:embed templates/*.tmpl
var templateFS embed.FS

// reasons lists every reason an alert can give; each language must render all.
var reasons = []ticket.AlertReason{
	ticket.ReasonReceived, ticket.ReasonReplied, ticket.ReasonInfoRequested, ticket.ReasonResolved,
	ticket.ReasonLinkRequested, ticket.ReasonMerged,
}

// phraseNames are the templates each LANG.tmpl defines.
var phraseNames = []string{"heading", "what", "request", "button", "code", "fallback", "notify", "settings", "help"}

// alertFacts is all a phrase may show: no message content exists here.
type alertFacts struct {
	Number int64
	Reason ticket.AlertReason
}

// mailView is what the layouts show: the phrases in the alert's language,
// the ticket's subject, the brand and the links. No message content.
type mailView struct {
	Lang, MailSubject, Subject                     string
	BrandName, LogoURL, Color, OnColor             string
	Heading, Request, What, Button, Code, Fallback string
	Notify, Settings, Help                         string
	URL, SettingsURL, HelpURL                      string
	Footer                                         []string
}

// rendered is one alert's subject and its two bodies.
type rendered struct {
	Subject, Text, HTML string
}

type layouts struct {
	text *ttemplate.Template
	html *htemplate.Template
}

// alertTemplates are the shared layouts and each language's phrases.
type alertTemplates struct {
	layouts
	phrases map[string]*ttemplate.Template
	// fixed holds the phrases that do not show the ticket's number (most of
	// them), rendered once at start-up rather than for every alert.
	fixed map[phraseKey]string
}

type phraseKey struct {
	lang, name string
	reason     ticket.AlertReason
}

// parseTemplates parses the layouts and every language's phrases and renders
// each reason once, so a broken or missing template stops start-up, not a
// delivery. Every language of lang.Supported must have its phrases.
func parseTemplates() (*alertTemplates, error) {
	t, err := ttemplate.New("text").Option("missingkey=error").ParseFS(templateFS, "templates/layout.txt.tmpl")
	if err != nil {
		return nil, fmt.Errorf("alert templates: %w", err)
	}
	h, err := htemplate.New("html").Option("missingkey=error").ParseFS(templateFS, "templates/layout.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("alert templates: %w", err)
	}
	set := &alertTemplates{layouts: layouts{text: t, html: h}, phrases: map[string]*ttemplate.Template{},
		fixed: map[phraseKey]string{}}
	files, _ := fs.Glob(templateFS, "templates/*.tmpl")
	for _, f := range files {
		l := strings.TrimSuffix(path.Base(f), ".tmpl")
		if strings.HasPrefix(l, "layout.") {
			continue
		}
		p, err := ttemplate.New(l).Option("missingkey=error").ParseFS(templateFS, f)
		if err != nil {
			return nil, fmt.Errorf("alert templates %s: %w", l, err)
		}
		set.phrases[l] = p
	}
	for _, l := range lang.Supported {
		if err := set.check(l); err != nil {
			return nil, fmt.Errorf("alert templates %s: %w", l, err)
		}
	}
	return set, set.fix()
}

// fix renders once each phrase that reads the same for two different ticket
// numbers: the number is the only fact of an alert a phrase may show
// besides its reason, so such a phrase is the same for every alert.
func (set *alertTemplates) fix() error {
	for l, p := range set.phrases {
		for _, r := range reasons {
			for _, name := range phraseNames {
				a, err := phrase(p, name, alertFacts{Number: 10001, Reason: r})
				if err != nil {
					return fmt.Errorf("alert templates %s: %w", l, err)
				}
				b, err := phrase(p, name, alertFacts{Number: 20002, Reason: r})
				if err != nil {
					return fmt.Errorf("alert templates %s: %w", l, err)
				}
				if a == b {
					set.fixed[phraseKey{lang: l, name: name, reason: r}] = a
				}
			}
		}
	}
	return nil
}

func phrase(p *ttemplate.Template, name string, f alertFacts) (string, error) {
	var buf bytes.Buffer
	if err := p.ExecuteTemplate(&buf, name, f); err != nil {
		return "", err
	}
	return strings.TrimSpace(buf.String()), nil
}

// check renders every reason in l once.
func (set *alertTemplates) check(l string) error {
	if set.phrases[l] == nil {
		return fmt.Errorf("no phrases")
	}
	for _, r := range reasons {
		v, err := set.view(l, alertFacts{Number: 1, Reason: r}, brand.Brand{Name: "x"})
		if err != nil {
			return err
		}
		v.URL = "https://example.com/t/1?k=x"
		if _, err := set.render(v); err != nil {
			return err
		}
	}
	return nil
}

// view fills the phrases of l for f; the caller adds the links and subject.
func (set *alertTemplates) view(l string, f alertFacts, b brand.Brand) (mailView, error) {
	p := set.phrases[l]
	out := map[string]string{}
	for _, name := range phraseNames {
		s, ok := set.fixed[phraseKey{lang: l, name: name, reason: f.Reason}]
		if !ok {
			var err error
			if s, err = phrase(p, name, f); err != nil {
				return mailView{}, err
			}
		}
		if out[name] = s; s == "" {
			return mailView{}, fmt.Errorf("reason %q: phrase %q is empty", f.Reason, name)
		}
	}
	return mailView{Lang: l, BrandName: b.Name, LogoURL: b.LogoURL, Color: b.ColorOrDefault(), OnColor: b.OnColor(),
		HelpURL: b.HelpURL, Footer: b.FooterLines(),
		Heading: out["heading"], What: out["what"], Request: out["request"], Button: out["button"],
		Code: out["code"], Fallback: out["fallback"], Notify: out["notify"], Settings: out["settings"], Help: out["help"]}, nil
}

func (set *alertTemplates) render(v mailView) (rendered, error) {
	var text, html bytes.Buffer
	if err := set.text.ExecuteTemplate(&text, "text", v); err != nil {
		return rendered{}, err
	}
	if err := set.html.ExecuteTemplate(&html, "html", v); err != nil {
		return rendered{}, err
	}
	return rendered{Subject: v.MailSubject, Text: text.String(), HTML: html.String()}, nil
}

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

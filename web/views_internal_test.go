package web

import (
	"html/template"
	"net/url"
	"strings"
	"testing"
)

func TestViewsCheckedAtStartup(t *testing.T) {
	if _, err := parseViews(template.FuncMap{"path": strings.Clone, "asset": strings.Clone}); err == nil {
		t.Fatal("views parsed without the functions they use")
	}
	funcs := (&Server{cfg: Config{UploadTypes: DefaultUploadTypes, MaxUploadBytes: 1}}).funcs()
	v, err := parseViews(funcs)
	if err != nil {
		t.Fatalf("parseViews: %v", err)
	}
	if got := v.languages(); len(got) != 2 || got[0] != "en" || got[1] != "es" {
		t.Fatalf("languages %v, want en and es", got)
	}
	for _, lang := range v.languages() {
		for _, name := range viewNames {
			if v.byLang[lang][name] == nil {
				t.Fatalf("%s/%s missing", lang, name)
			}
		}
	}
	if _, err := parseView("no-such-view", withLanguage(funcs, catalog{}, nil)); err == nil {
		t.Fatal("a missing view file was not reported")
	}
	bad := template.Must(template.New("x").Funcs(withLanguage(funcs, catalog{}, nil)).Parse(`{{t "no_such_key"}}`))
	if err := checkKeys(bad, catalog{"other": "x"}); err == nil || !strings.Contains(err.Error(), "no_such_key") {
		t.Fatalf("checkKeys: %v", err)
	}
}

func TestLanguageLinksDropOneTimeNotices(t *testing.T) {
	for in, want := range map[string]string{
		"/tickets/10001?sent=1#reply":         "/tickets/10001",
		"/agent/tickets/7?done=reply&html=12": "/agent/tickets/7?html=12",
		"/tickets/10001?html=3&images=3":      "/tickets/10001?html=3&images=3",
		"/code?k=abc&sent=1":                  "/code?k=abc",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := withoutNotice(u); got != want {
			t.Errorf("withoutNotice(%q) = %q, want %q", in, got, want)
		}
	}
}

// Counted messages and sizes follow each language's rules
// (golang.org/x/text/message): "1 more time", "10,0 MB".
func TestPluralsAndNumbersPerLanguage(t *testing.T) {
	v, err := parseViews((&Server{cfg: Config{UploadTypes: DefaultUploadTypes, MaxUploadBytes: 1}}).funcs())
	if err != nil {
		t.Fatal(err)
	}
	render := func(lang, src string, data any) string {
		t.Helper()
		p, err := printer(lang, v.catalogs[lang])
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		tt := template.Must(template.New("x").Funcs(withLanguage(template.FuncMap{}, v.catalogs[lang], p)).Parse(src))
		if err := tt.Execute(&b, data); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	tests := []struct {
		lang, src string
		data      any
		want      string
	}{
		{"en", `{{tf "code_wrong" .}}`, 1, "That code is not right. You can try 1 more time."},
		{"en", `{{tf "code_wrong" .}}`, 2, "That code is not right. You can try 2 more times."},
		{"es", `{{tf "code_wrong" .}}`, 1, "Ese código no es correcto. Puedes intentarlo 1 vez más."},
		{"es", `{{tf "code_wrong" .}}`, 3, "Ese código no es correcto. Puedes intentarlo 3 veces más."},
		{"en", `{{say .}}`, note("code_wrong", 1), "That code is not right. You can try 1 more time."},
		{"es", `{{tf "agent_alert_tries" .}}`, 1, "(1 intento)"},
		{"en", `{{size .}}`, int64(10 << 20), "10.0 MB"},
		{"es", `{{size .}}`, int64(10 << 20), "10,0 MB"},
		{"es", `{{size .}}`, int64(1536 << 10), "1,5 MB"},
		{"en", `{{size .}}`, int64(2000), "2 KB"},
		{"en", `{{tf "link_title" .}}`, 10001, "Ticket #10001"}, // numbers that are names keep no grouping
	}
	for _, tt := range tests {
		if got := render(tt.lang, tt.src, tt.data); got != tt.want {
			t.Errorf("%s %s %v = %q, want %q", tt.lang, tt.src, tt.data, got, tt.want)
		}
	}
}

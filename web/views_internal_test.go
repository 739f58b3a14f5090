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
	if _, err := parseView("no-such-view", withLanguage(funcs, catalog{})); err == nil {
		t.Fatal("a missing view file was not reported")
	}
	bad := template.Must(template.New("x").Funcs(withLanguage(funcs, catalog{})).Parse(`{{t "no_such_key"}}`))
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

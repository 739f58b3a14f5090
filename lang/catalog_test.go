package lang_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"inboxdesk/lang"
)

// TestCatalogComplete loads the shipped catalog: every language has every
// key with the placeholders English has, and Supported is its languages.
func TestCatalogComplete(t *testing.T) {
	c, err := lang.Messages()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Languages(); !slices.Equal(got, lang.Supported) || !slices.Contains(got, "es") {
		t.Errorf("catalog languages %v, Supported %v", got, lang.Supported)
	}
	if got := c.Format("es", "alert_what_received", int64(42)); !strings.Contains(got, "#42") {
		t.Errorf("es alert_what_received = %q", got)
	}
}

func TestCatalogRefusesIncomplete(t *testing.T) {
	en := `{"greet": "Hello %s, you have %d new", "bye": "Bye", "tries": {"one": "%d try", "other": "%d tries"}}`
	tests := []struct {
		name, es, want string
	}{
		{"missing key", `{"greet": "Hola %s, tienes %d", "tries": "%d intentos"}`, `es: no "bye"`},
		{"extra key", `{"greet": "Hola %s, tienes %d", "bye": "Adiós", "tries": "%d", "hi": "x"}`, `"hi" is not a key`},
		{"lost placeholder", `{"greet": "Hola %s", "bye": "Adiós", "tries": "%d"}`, `"greet" has placeholders [1:%s]`},
		{"wrong verb", `{"greet": "Hola %d, tienes %d", "bye": "Adiós", "tries": "%d"}`, `"greet" has placeholders`},
		{"plural form without its number", `{"greet": "Hola %s, %d", "bye": "Adiós", "tries": {"one": "un intento", "other": "%d intentos"}}`, `"tries" has placeholders []`},
		{"half a plural", `{"greet": "Hola %s, %d", "bye": "Adiós", "tries": {"one": "%d"}}`, `"tries": want a string or`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lang.Load(catalogFS(en, tt.es))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestCatalogAcceptsReorderedPlaceholders(t *testing.T) {
	c, err := lang.Load(catalogFS(`{"greet": "Hello %s, you have %d new"}`, `{"greet": "%[2]d nuevos para %[1]s"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Format("es", "greet", "Ana", 3); got != "3 nuevos para Ana" {
		t.Errorf("Format = %q", got)
	}
}

func TestCatalogNeedsEnglish(t *testing.T) {
	fsys := fstest.MapFS{"messages/es.json": {Data: []byte(`{"a": "b"}`)}}
	if _, err := lang.Load(fsys); err == nil || !strings.Contains(err.Error(), "no en.json") {
		t.Errorf("Load without English = %v", err)
	}
}

func TestCatalogFormat(t *testing.T) {
	c, err := lang.Load(catalogFS(`{"n": "#%d", "plain": "Plain", "pct": "100%% sure"}`,
		`{"n": "núm. %d", "plain": "Sencillo", "pct": "100%% seguro"}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ l, key, want string }{
		{"es", "n", "núm. 7"},
		{"es", "plain", "Sencillo"}, // takes no argument: the one given is not printed
		{"en", "pct", "100%% sure"}, // a text without arguments is not a format
		{"fr", "n", "#7"},           // a language the catalog lacks speaks English
		{"es", "nope", "[nope]"},
	}
	for _, tt := range tests {
		if got := c.Format(tt.l, tt.key, 7); got != tt.want {
			t.Errorf("Format(%s, %s) = %q, want %q", tt.l, tt.key, got, tt.want)
		}
	}
}

func catalogFS(en, es string) fstest.MapFS {
	return fstest.MapFS{
		"messages/en.json": {Data: []byte(en)},
		"messages/es.json": {Data: []byte(es)},
	}
}

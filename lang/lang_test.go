package lang_test

import (
	"strings"
	"testing"

	"inboxdesk/lang"
)

// Each step of the order: a known earlier source wins over every later one,
// an unknown one passes to the next, and nothing known gives the default.
func TestResolveOrder(t *testing.T) {
	tests := []struct {
		name string
		src  lang.Sources
		def  string
		want string
	}{
		{"explicit choice beats everything", lang.Sources{Choice: "es", Site: "en", Mail: "en"}, "en", "es"},
		{"site when no choice", lang.Sources{Site: "en", Mail: "es"}, "es", "en"},
		{"mail when no choice or site", lang.Sources{Mail: "es"}, "en", "es"},
		{"default when nothing known", lang.Sources{}, "es", "es"},
		{"unsupported choice passes on", lang.Sources{Choice: "fr", Site: "es"}, "en", "es"},
		{"regional tags reduce", lang.Sources{Choice: "es-MX"}, "en", "es"},
		{"unsupported default gives nothing", lang.Sources{}, "de", ""},
	}
	for _, tt := range tests {
		if got := lang.Resolve(tt.src, tt.def); got != tt.want {
			t.Errorf("%s: Resolve(%+v, %q) = %q, want %q", tt.name, tt.src, tt.def, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"es": "es", "ES-es": "es", "en_GB": "en", " en ": "en", "fr": "", "": "", "e": ""} {
		if got := lang.Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

const (
	spanish = "Hola, no puedo entrar en mi cuenta desde ayer. ¿Me pueden ayudar?"
	english = "Hello, I cannot log in to my account since yesterday. Can you help?"
)

// The mail's header comes before its text; detection fills in when the
// header names nothing we speak, and reads the subject with the text.
func TestOfMail(t *testing.T) {
	long := strings.Repeat(spanish+"\n", 200)
	tests := []struct{ header, subject, text, want string }{
		{"en", "", spanish, "en"},
		{"es-ES", "", english, "es"},
		{"", "", spanish, "es"},
		{"fr", "", spanish, "es"},
		{"", "", english, "en"},
		{"", "", "", ""},
		{"", "Hola, gracias por la ayuda", "ok", "es"},
		{"", "Re: order", long, "es"},
	}
	for _, tt := range tests {
		if got := lang.OfMail(tt.header, tt.subject, tt.text); got != tt.want {
			t.Errorf("OfMail(%q, %q, %.20q) = %q, want %q", tt.header, tt.subject, tt.text, got, tt.want)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct{ text, want string }{
		{spanish, "es"},
		{"Buenos días, quería saber cuándo llega mi pedido número 4411. Gracias.", "es"},
		{"Hola,\n\nquiero devolver el pedido porque llegó roto. ¿Cómo lo hago?\n\nSaludos,\nLucía", "es"},
		{english, "en"},
		{"Hi there, my order did not arrive and the tracking page shows nothing.", "en"},
		// Below the threshold or too short: no guess, the default applies.
		{"Gracias", ""},
		{"Broken\nit broke", ""},
		{"Broken\nThe printer is broken and it does not print.", "en"},
		{"ok", ""},
		{"12345 678 !!!", ""},
		// Languages we do not answer in are not forced into one we do.
		{"Olá, não consigo entrar na minha conta desde ontem.", ""},
		{"Bonjour, je n'arrive pas à me connecter à mon compte.", ""},
		{"Hallo, ich kann mich nicht anmelden.", ""},
		{"Ciao, non riesco ad accedere al mio account da ieri.", ""},
		// Quoted lines are someone else's words.
		{"> " + strings.Join(strings.Fields(english), "\n> ") + "\n" + spanish, "es"},
		{"> " + english + "\n> " + english + "\nGracias", ""},
	}
	for _, tt := range tests {
		if got := lang.Detect(tt.text); got != tt.want {
			t.Errorf("Detect(%.40q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func FuzzDetect(f *testing.F) {
	f.Add(spanish)
	f.Add(english)
	f.Add("\xff\xfe> x")
	f.Fuzz(func(t *testing.T, s string) {
		if got := lang.Detect(s); got != "" && lang.Normalize(got) != got {
			t.Fatalf("Detect gave unsupported %q", got)
		}
	})
}

// BenchmarkDetect is the cost added to ingesting a mail without a language
// header (a Gmail mail): its first maxDetectBytes are read.
func BenchmarkDetect(b *testing.B) {
	text := strings.Repeat(spanish+"\n", 80)
	b.ReportAllocs()
	for b.Loop() {
		if lang.Detect(text) != "es" {
			b.Fatal("not Spanish")
		}
	}
}

package lang

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/abadojack/whatlanggo"
)

// samples are sentences in each weighed language, with the punctuation,
// digits, accents and capitals of real mail.
var samples = []string{
	"Hello, I cannot log in to my account since yesterday. Can you help? Order #4411 still shows nothing.",
	"Hola, no puedo entrar en mi cuenta desde ayer. ¿Me pueden ayudar? El pedido número 4411 no llegó.",
	"Olá, não consigo entrar na minha conta desde ontem. Vocês podem me ajudar? A encomenda não chegou.",
	"Bonjour, je n'arrive pas à me connecter à mon compte depuis hier. Pouvez-vous m'aider ? Merci.",
	"Ciao, non riesco ad accedere al mio account da ieri. Potete aiutarmi? L'ordine non è arrivato.",
	"Hallo, ich kann mich seit gestern nicht anmelden. Können Sie mir helfen? Die Bestellung fehlt.",
	"Hallo, ik kan sinds gisteren niet inloggen op mijn account. Kunnen jullie helpen? Bedankt!",
	"Привет, the order did not arrive", "Η παραγγελία μου and the order", "我的订单 the order has not arrived",
	"Zürich café naïve – “quoted” € 5 ¿qué?", "e\u0301 combining marks and the order",
	"Broken\nit broke", "ok", "Gracias", "12345 678 !!!", "> quoted\n> lines\nDanke schön",
}

// mixes returns n texts of random words from samples, of random lengths up
// to what Detect reads, so that languages blend and scores come close.
func mixes(n int) []string {
	var words []string
	for _, s := range samples {
		words = append(words, strings.Fields(s)...)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for k := rng.IntN(40); k >= 0 && b.Len() < maxDetectBytes; k-- {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteString([]string{" ", "\n", ", ", " - "}[rng.IntN(4)])
		}
		out[i] = b.String()
	}
	return out
}

// Scoring every weighed language at once gives whatlanggo's verdict for
// each set of languages Detect asks about.
func TestScoresMatchWhatlanggo(t *testing.T) {
	for _, text := range append(samples, mixes(3000)...) {
		sameVerdicts(t, text)
	}
}

func FuzzScoresMatchWhatlanggo(f *testing.F) {
	for _, s := range samples {
		f.Add(s)
	}
	f.Add("\xff\xfe> x")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > maxDetectBytes {
			text = text[:maxDetectBytes] // Detect reads no more
		}
		sameVerdicts(t, text)
	})
}

// sameVerdicts fails t when score disagrees with whatlanggo on text. When
// two languages tie the library's pick among them varies from run to run
// (it ranges over a map) and its confidence is 0: only that is compared.
func sameVerdicts(t *testing.T, text string) {
	t.Helper()
	latin := whatlanggo.DetectScript(text) == unicode.Latin
	if letters(text) > 0 && writtenInLatin(text) != latin {
		t.Fatalf("%q: writtenInLatin %v, whatlanggo's script Latin %v", text, !latin, latin)
	}
	if !latin {
		return
	}
	s := score(text)
	for _, among := range []map[whatlanggo.Lang]bool{supportedLangs, widerLangs} {
		want := whatlanggo.DetectWithOptions(text, whatlanggo.Options{Whitelist: among})
		l, sure := s.best(among)
		if sure != want.Confidence || sure != 0 && l != want.Lang {
			t.Fatalf("%q among %d: %v %.4f, whatlanggo %v %.4f", text, len(among), l, sure, want.Lang, want.Confidence)
		}
	}
}

// BenchmarkScore is the trigram half of Detect on what it reads of a mail.
func BenchmarkScore(b *testing.B) {
	text := ownWords(strings.Repeat(samples[1]+"\n", 10))
	b.ReportAllocs()
	for b.Loop() {
		score(text).best(widerLangs)
	}
}

package lang

import (
	"strings"
	"unicode"

	"github.com/abadojack/whatlanggo"
)

// MinConfidence is how sure the choice between the supported languages must
// be (0..1, whatlanggo's confidence) before a text counts as written in one.
const MinConfidence = 0.5

// maxOtherConfidence: a text that looks this much like a language we do not
// answer in (Portuguese, French, ...) is not forced into one we do.
const maxOtherConfidence = 0.25

// sureEnglish is the confidence above which English is taken without also
// ruling out the languages near Spanish.
const sureEnglish = 0.9

// minLetters is the shortest text worth guessing about: "Gracias" or "ok"
// says too little.
const minLetters = 12

// maxDetectBytes is how much of a mail is read: the opening says enough, and
// detection costs in proportion (a fraction of a millisecond).
const maxDetectBytes = 240

var (
	supportedLangs = map[whatlanggo.Lang]bool{whatlanggo.Eng: true, whatlanggo.Spa: true}
	// widerLangs are the languages near ours that a text may really be in:
	// every weighed one.
	widerLangs = func() map[whatlanggo.Lang]bool {
		m := map[whatlanggo.Lang]bool{}
		for _, l := range weighed {
			m[l] = true
		}
		return m
	}()
)

// Detect returns the supported language text is written in, or "" when the
// text is too short, in another language, or not clearly one of ours. Quoted
// lines ("> ...") are someone else's words and are left out.
func Detect(text string) string {
	text = ownWords(text)
	if letters(text) < minLetters {
		return ""
	}
	// Between two languages the trigram model is sure of itself even on a
	// few words ("Broken, it broke" comes out Spanish): the everyday words
	// of the text must agree. They are also the cheap test, so most text in
	// neither language costs no trigram counting.
	l := commonWords(text)
	if l == "" {
		return ""
	}
	if !writtenInLatin(text) {
		return "" // none of the weighed languages is written in another script
	}
	s := score(text)
	ours, sure := s.best(supportedLangs)
	if ours.Iso6391() != l || sure < MinConfidence {
		return ""
	}
	if l == "en" && sure >= sureEnglish {
		// English everyday words and a sure verdict between ours: English,
		// whatever the languages near Spanish score (they rule out only a
		// less sure English, and Spanish, which shares most with them).
		return l
	}
	if wide, sure := s.best(widerLangs); !supportedLangs[wide] && sure >= maxOtherConfidence {
		return ""
	}
	return l
}

// everyday holds frequent short words of each supported language that the
// other does not use (so "a", "no" and "me" are left out).
var everyday = map[string]map[string]bool{
	"en": set("the", "and", "to", "is", "it", "my", "i", "you", "of", "in", "for", "on", "with", "not", "can",
		"have", "has", "this", "that", "please", "thanks", "thank", "hello", "hi", "was", "are", "be", "but",
		"from", "your", "we", "at", "do", "does", "did", "will", "would", "could", "an", "still", "order"),
	"es": set("el", "la", "de", "que", "y", "los", "las", "un", "una", "por", "con", "para", "mi", "es", "se",
		"lo", "hola", "gracias", "puedo", "está", "tengo", "del", "al", "pero", "mis", "su", "sus", "muy",
		"cuando", "desde", "ayer", "hoy", "pedido", "quiero", "necesito", "ayuda", "buenos", "días", "favor"),
}

func set(words ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words {
		m[w] = true
	}
	return m
}

// commonWords is the supported language whose everyday words text uses at
// least twice and more often than the other's, or "".
func commonWords(text string) string {
	count := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		for l, words := range everyday {
			if words[w] {
				count[l]++
			}
		}
	}
	switch {
	case count["en"] >= 2 && count["en"] > count["es"]:
		return "en"
	case count["es"] >= 2 && count["es"] > count["en"]:
		return "es"
	}
	return ""
}

// ownWords is text without quoted lines, cut to maxDetectBytes.
func ownWords(text string) string {
	if len(text) > maxDetectBytes {
		text = text[:maxDetectBytes]
	}
	var b strings.Builder
	for line := range strings.Lines(text) {
		if !strings.HasPrefix(strings.TrimLeft(line, " \t"), ">") {
			b.WriteString(line)
		}
	}
	return b.String()
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

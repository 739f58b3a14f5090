package ticket

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestSearchVectorAndQueryAgree(t *testing.T) {
	cases := []struct{ subject, text, want string }{
		{"Printer jam", "The tray SQUEAKS, the tray!", "'jam' 'printer' 'squeaks' 'the' 'tray'"},
		{"", "café naïve Ünïcode 東京", "'café' 'naïve' 'ünïcode' '東京'"},
		{"", "it's o'brien \\ back", "'back' 'brien' 'it' 'o' 's'"},
		{"", "", ""},
	}
	for _, c := range cases {
		if got := SearchVector(c.subject, c.text); got != c.want {
			t.Errorf("SearchVector(%q, %q) = %q, want %q", c.subject, c.text, got, c.want)
		}
	}
	queries := map[string]string{
		"squeaks":       "'squeaks':*",
		"Printer  Jam":  "'printer' & 'jam':*",
		"o'brien & | !": "'o' & 'brien':*",
		"!!!":           "",
	}
	for q, want := range queries {
		if got := SearchQuery(q); got != want {
			t.Errorf("SearchQuery(%q) = %q, want %q", q, got, want)
		}
	}
}

// lexemesByFields is the straightforward definition lexemes must agree with.
func lexemesByFields(texts ...string) []string {
	seen := map[string]bool{}
	for _, t := range texts {
		for _, w := range strings.FieldsFunc(t, notWordRune) {
			if len(w) <= maxLexeme && len(seen) < maxLexemes {
				seen[strings.ToLower(w)] = true
			}
		}
	}
	out := []string{}
	for w := range seen {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

func TestLexemesAgreeWithFieldsFunc(t *testing.T) {
	alphabet := []string{"a", "Z", "9", " ", "'", "-", "é", "İ", "東", "\xff", "\u00a0", "Ǆ", "x", "\n", strings.Repeat("w", 70)}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		var b strings.Builder
		for j := rng.IntN(60); j > 0; j-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		text := b.String()
		if got, want := lexemes("Subject "+text[:len(text)/2], text), lexemesByFields("Subject "+text[:len(text)/2], text); !slices.Equal(got, want) {
			t.Fatalf("lexemes(%q) = %q, want %q", text, got, want)
		}
	}
	many := strings.Repeat("w", 1)
	for i := 0; i < maxLexemes+50; i++ {
		many += fmt.Sprintf(" w%d", i)
	}
	if got, want := lexemes(many), lexemesByFields(many); !slices.Equal(got, want) {
		t.Fatalf("cap of %d lexemes: got %d, want %d", maxLexemes, len(got), len(want))
	}
}

package ticket

import (
	"sort"
	"strings"
	"unicode"
)

// Full-text search vectors are built here rather than by to_tsvector in the
// database: PostgreSQL's parser costs about 1 ms per 16 KB of text on the
// ingest path, this costs a fraction of that and runs beside the database.
// A lexeme is a run of letters and digits, lower-cased; queries are split the
// same way (searchQuery), so both sides agree.

const (
	maxLexeme   = 64   // longer runs (base64, hashes) are not words anyone searches
	maxLexemes  = 4000 // distinct words per message; tsvector has a 1 MB cap
	lexemeQuote = '\''
)

func lexemes(texts ...string) []string {
	seen := map[string]struct{}{}
	for _, t := range texts {
		for _, w := range strings.FieldsFunc(t, notWordRune) {
			if len(w) > maxLexeme || len(seen) >= maxLexemes {
				continue
			}
			seen[strings.ToLower(w)] = struct{}{}
		}
	}
	out := make([]string, 0, len(seen))
	for w := range seen {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// searchVector returns the tsvector literal of a message's subject and text.
func searchVector(subject, text string) string {
	var b strings.Builder
	for i, w := range lexemes(subject, text) {
		if i > 0 {
			b.WriteByte(' ')
		}
		quoteLexeme(&b, w)
	}
	return b.String()
}

// searchQuery returns the tsquery literal matching every word of q, the last
// as a prefix (so "printe" finds "printer"), or "" when q has no words.
func searchQuery(q string) string {
	words := strings.FieldsFunc(strings.ToLower(q), notWordRune)
	var b strings.Builder
	for i, w := range words {
		if len(w) > maxLexeme {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" & ")
		}
		quoteLexeme(&b, w)
		if i == len(words)-1 {
			b.WriteString(":*")
		}
	}
	return b.String()
}

func quoteLexeme(b *strings.Builder, w string) {
	b.WriteRune(lexemeQuote)
	for _, r := range w {
		if r == lexemeQuote || r == '\\' {
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteRune(lexemeQuote)
}

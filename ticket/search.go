package ticket

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Full-text search vectors are built here rather than by to_tsvector in the
// database: PostgreSQL's parser costs about 1 ms per 16 KB of text on the
// ingest path, this costs a fraction of that and runs beside the database.
// A lexeme is a run of letters and digits, lower-cased; queries are split the
// same way (SearchQuery), so both sides agree.

const (
	maxLexeme   = 64   // longer runs (base64, hashes) are not words anyone searches
	maxLexemes  = 4000 // distinct words per message; tsvector has a 1 MB cap
	lexemeQuote = '\''
)

// lexemes returns the distinct words of texts, lower-cased and sorted. It
// scans bytes with a fast path for ASCII and allocates only for new words:
// it runs for every ingested mail (strings.FieldsFunc + ToLower cost a third
// of the poller's CPU).
func lexemes(texts ...string) []string {
	seen := make(map[string]struct{}, 256)
	var lower []byte
	for _, t := range texts {
		start, ascii := -1, true
		for i := 0; i <= len(t); {
			word, size, isASCII := false, 1, true
			if i < len(t) {
				if c := t[i]; c < utf8.RuneSelf {
					word = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
				} else {
					var r rune
					r, size = utf8.DecodeRuneInString(t[i:])
					word, isASCII = !notWordRune(r), false
				}
			}
			switch {
			case word && start < 0:
				start, ascii = i, isASCII
			case word:
				ascii = ascii && isASCII
			case start >= 0:
				if w := t[start:i]; len(w) <= maxLexeme && len(seen) < maxLexemes {
					lower = appendLower(lower[:0], w, ascii)
					if _, ok := seen[string(lower)]; !ok {
						seen[string(lower)] = struct{}{}
					}
				}
				start = -1
			}
			i += size
		}
	}
	out := make([]string, 0, len(seen))
	for w := range seen {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

func appendLower(b []byte, w string, ascii bool) []byte {
	if !ascii {
		return append(b, strings.ToLower(w)...)
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// SearchVector returns the tsvector literal of a message's subject and text.
func SearchVector(subject, text string) string {
	var b strings.Builder
	for i, w := range lexemes(subject, text) {
		if i > 0 {
			b.WriteByte(' ')
		}
		quoteLexeme(&b, w)
	}
	return b.String()
}

// SearchQuery returns the tsquery literal matching every word of q, the last
// as a prefix (so "printe" finds "printer"), or "" when q has no words.
func SearchQuery(q string) string {
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

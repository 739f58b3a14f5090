package mailparse

import (
	"strings"
	"unicode"
)

// maxIDLen bounds one Message-ID; longer ones are cut, the same way every
// time, so threading on them still works and database indexes stay small.
const maxIDLen = 998

// maxReferences bounds References: the first (the thread's root) and the most
// recent ones are what threading needs.
const maxReferences = 100

// parseIDs extracts message identifiers without angle brackets, tolerating
// junk: comments, missing brackets, folded or garbled lists.
func parseIDs(v string) []string {
	ids := bracketedIDs(v)
	if len(ids) == 0 {
		ids = bareIDs(v)
	}
	return dedupe(ids)
}

func bracketedIDs(v string) []string {
	var ids []string
	for {
		open := strings.IndexByte(v, '<')
		if open < 0 {
			return ids
		}
		v = v[open+1:]
		end := strings.IndexByte(v, '>')
		if end < 0 {
			end = len(v)
		}
		if id := cleanID(v[:end]); id != "" {
			ids = append(ids, id)
		}
		v = v[end:]
	}
}

// bareIDs accepts "id@host" tokens written without brackets, as some mailers
// do; a token without "@" is more likely a comment than an identifier.
func bareIDs(v string) []string {
	var ids []string
	for _, tok := range strings.FieldsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }) {
		if strings.Contains(tok, "@") {
			if id := cleanID(tok); id != "" {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

func firstID(v string) string {
	if ids := parseIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// cleanID removes what cannot be part of an identifier in the database:
// white space (from folding), NUL and invalid UTF-8.
func cleanID(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == 0 || r == '<' || r == '>' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return truncateUTF8(s, maxIDLen)
}

func capIDs(ids []string) []string {
	if len(ids) <= maxReferences {
		return ids
	}
	out := append([]string{ids[0]}, ids[len(ids)-maxReferences+1:]...)
	return out
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

package mailparse

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"

	"inboxdesk/ticket"
)

// addressList parses every field named key (some mailers repeat To or Cc).
// Undeclared 8-bit bytes are read in the charset hint, else detected.
func addressList(h textproto.Header, key, hint string) []ticket.Address {
	v := strings.Join(h.Values(key), ", ")
	if strings.TrimSpace(v) == "" {
		return nil
	}
	if !utf8.ValidString(v) {
		v = string(toUTF8([]byte(v), hint))
	}
	return parseAddressList(v)
}

// parseAddressList parses an address list strictly when it can and otherwise
// salvages each comma-separated piece, so that one broken recipient does not
// lose the sender or the others.
func parseAddressList(v string) []ticket.Address {
	p := &mail.AddressParser{WordDecoder: wordDecoder()}
	if l, err := p.ParseList(v); err == nil {
		return convertAddresses(l)
	}
	var out []ticket.Address
	for _, piece := range splitAddressList(v) {
		if a, ok := parseOneAddress(p, piece); ok {
			out = append(out, a)
		}
	}
	return out
}

func convertAddresses(l []*mail.Address) []ticket.Address {
	out := make([]ticket.Address, 0, len(l))
	for _, a := range l {
		out = append(out, ticket.Address{Name: quotedWords(a.Name), Email: strings.ToLower(a.Address)})
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func parseOneAddress(p *mail.AddressParser, s string) (ticket.Address, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return ticket.Address{}, false
	}
	if a, err := p.Parse(s); err == nil {
		return ticket.Address{Name: quotedWords(a.Name), Email: strings.ToLower(a.Address)}, true
	}
	return salvageAddress(s)
}

// quotedWords decodes encoded-words a sender put inside a quoted display
// name: RFC 2047 section 5 forbids that, but mail clients decode them, and
// the raw "=?...?=" means nothing to an agent.
func quotedWords(name string) string {
	if !strings.Contains(name, "=?") {
		return name
	}
	return decodeText(name)
}

// salvageAddress reads "Name <addr>" or a lone token with an "@" out of a
// piece the strict parser refused (unquoted specials, stray brackets, 8-bit
// names). It takes no guess: what stands in angle brackets is the address
// or there is none (a token out of "<power quadrant system@example.com>"
// would be someone else's address), and a token is taken only when it is a
// whole address, not the tail of a quoted one.
func salvageAddress(s string) (ticket.Address, bool) {
	if open := strings.LastIndexByte(s, '<'); open >= 0 {
		email := s[open+1:]
		if end := strings.IndexByte(email, '>'); end >= 0 {
			email = email[:end]
		}
		email = strings.TrimSpace(email)
		if !plausibleAddress(email) {
			return ticket.Address{}, false
		}
		name := strings.Trim(strings.TrimSpace(s[:open]), `"' `)
		return ticket.Address{Name: decodeText(name), Email: strings.ToLower(email)}, true
	}
	if q := strings.LastIndexByte(s, '"'); q >= 0 && strings.HasPrefix(s[q+1:], "@") {
		return ticket.Address{}, false // a quoted local part the parser refused
	}
	for _, tok := range strings.Fields(s) {
		tok = strings.Trim(tok, `<>"'(),;:[]`)
		if plausibleAddress(tok) {
			return ticket.Address{Email: strings.ToLower(tok)}, true
		}
	}
	return ticket.Address{}, false
}

// plausibleAddress: one "@" between a local part and a dotted domain, no
// white space, quotes or brackets.
func plausibleAddress(a string) bool {
	local, domain, ok := strings.Cut(a, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") &&
		!strings.ContainsAny(a, " \t\"<>()[],;:\\") && !strings.Contains(domain, "@")
}

// splitAddressList splits on commas outside quoted strings and comments.
// Commas inside angle brackets belong only to obsolete source routes, so a
// stray "<" does not swallow the rest of the list.
func splitAddressList(v string) []string {
	var parts []string
	quoted, escaped, depth, start := false, false, 0, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '=' && i+1 < len(v) && v[i+1] == '?':
			// An encoded-word is one token even when its text holds a
			// comma ("=?iso-8859-1?Q?B=FCrling,=20Andreas?=").
			if end := encodedWordEnd(v, i); end > 0 {
				i = end - 1
			}
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, v[start:i])
			start = i + 1
		}
	}
	return append(parts, v[start:])
}

// encodedWordEnd returns the index after the encoded-word starting at v[i]
// ("=?charset?enc?text?="), or -1.
func encodedWordEnd(v string, i int) int {
	rest := v[i+2:]
	q1 := strings.IndexByte(rest, '?')
	if q1 < 0 || q1+2 >= len(rest) || rest[q1+2] != '?' {
		return -1
	}
	end := strings.Index(rest[q1+3:], "?=")
	if end < 0 || strings.ContainsAny(rest[q1+3:q1+3+end], " \t") {
		return -1
	}
	return i + 2 + q1 + 3 + end + 2
}

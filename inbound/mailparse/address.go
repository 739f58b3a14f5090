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

// salvageAddress reads "Name <addr>" or any token with an "@" out of a piece
// the strict parser refused (unquoted specials, stray brackets, 8-bit names).
func salvageAddress(s string) (ticket.Address, bool) {
	if open := strings.LastIndexByte(s, '<'); open >= 0 {
		email := s[open+1:]
		if end := strings.IndexByte(email, '>'); end >= 0 {
			email = email[:end]
		}
		email = strings.TrimSpace(email)
		if strings.Contains(email, "@") && !strings.ContainsAny(email, " \t") {
			name := strings.Trim(strings.TrimSpace(s[:open]), `"' `)
			return ticket.Address{Name: decodeText(name), Email: strings.ToLower(email)}, true
		}
	}
	for _, tok := range strings.Fields(s) {
		tok = strings.Trim(tok, `<>"'(),;:[]`)
		if strings.Contains(tok, "@") {
			return ticket.Address{Email: strings.ToLower(tok)}, true
		}
	}
	return ticket.Address{}, false
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

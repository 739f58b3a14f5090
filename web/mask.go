package web

import (
	"strings"
	"unicode/utf8"
)

// maskEmail shows enough of an address for its owner to recognise it and
// little to anyone else: "carla@example.org" becomes "c•••@example.org".
func maskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return "•••"
	}
	r, _ := utf8.DecodeRuneInString(local)
	return string(r) + "•••@" + domain
}

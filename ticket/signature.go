package ticket

import (
	"errors"
	"strings"
)

// Signed returns a public reply's text with the agent's signature below it
// ("-- " on a line of its own, as mail readers expect); text as is when the
// agent has none.
func Signed(text, signature string) string {
	signature = strings.TrimSpace(signature)
	if signature == "" {
		return text
	}
	return strings.TrimRight(text, " \r\n") + "\n\n-- \n" + signature
}

// ErrBadSignature wraps why a signature cannot be saved.
var ErrBadSignature = errors.New("signature")

package link

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"math/big"
	"strings"
)

// CodeDigits is the length of a one-time code.
const CodeDigits = 6

const codeContext = "inboxdesk code v1"

var codeSpace = big.NewInt(1_000_000) // 10^CodeDigits

// NewCode returns a random one-time code of CodeDigits decimal digits, each
// value equally likely (crypto/rand.Int rejects samples, so there is no
// modulo bias).
func NewCode() (string, error) {
	n, err := rand.Int(rand.Reader, codeSpace)
	if err != nil {
		return "", fmt.Errorf("new code: %w", err)
	}
	return fmt.Sprintf("%0*d", CodeDigits, n), nil
}

// HashCode returns the value to store for code sent to email: an
// HMAC-SHA256 under key, so a leaked table of hashes cannot be searched
// offline (a million codes) without the key. The address is compared
// without regard to case or surrounding space, and so is the code.
func HashCode(key []byte, email, code string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(codeContext))
	h.Write([]byte{0})
	h.Write([]byte(strings.ToLower(strings.TrimSpace(email))))
	h.Write([]byte{0})
	h.Write([]byte(strings.TrimSpace(code)))
	return h.Sum(nil)
}

// CodeEqual compares a stored hash with a computed one in constant time.
func CodeEqual(stored, computed []byte) bool {
	return len(stored) == sha256.Size && hmac.Equal(stored, computed)
}

// Package link seals and verifies the magic-link tokens that alert emails
// carry, and makes and hashes the one-time codes that prove a visitor owns
// the address a token is bound to (DESIGN.md, promise 6).
//
// A token alone opens nothing: it names a ticket, an address, a purpose and
// an expiry, and the web asks for a code sent to that address before it
// shows anything.
package link

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MinKeyLen is the shortest signing key ParseKeys accepts, in bytes.
const MinKeyLen = 32

const maxKIDLen = 16

// Keyring holds the link keys: the first signs, all of them verify, so a key
// can be rotated by putting a new one in front and dropping the old one once
// the links it signed have expired.
type Keyring struct {
	keys []key
}

type key struct {
	id     string
	secret []byte
	aead   cipher.AEAD // seals tokens; keyed by sealKey(secret)
}

// ParseKeys reads keys written as "kid:base64key,kid2:base64key". The first
// key signs; every key verifies. A kid is 1 to 16 characters of [a-z0-9];
// a key decodes (standard or URL base64, padded or not) to at least
// MinKeyLen bytes. Errors name the entry at fault, never the key itself.
func ParseKeys(s string) (*Keyring, error) { return ParseNamedKeys("link keys", s) }

// ParseNamedKeys is ParseKeys for another setting of the same form; what
// names it in errors ("secret keys").
func ParseNamedKeys(what, s string) (*Keyring, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%s: none given (want kid:base64key[,kid:base64key…])", what)
	}
	kr := &Keyring{}
	seen := map[string]bool{}
	for i, entry := range strings.Split(s, ",") {
		k, err := parseKey(strings.TrimSpace(entry))
		if err != nil {
			return nil, fmt.Errorf("%s: entry %d: %w", what, i+1, err)
		}
		if seen[k.id] {
			return nil, fmt.Errorf("%s: entry %d: key id %q is used twice", what, i+1, k.id)
		}
		seen[k.id] = true
		kr.keys = append(kr.keys, k)
	}
	return kr, nil
}

func parseKey(entry string) (key, error) {
	id, b64, ok := strings.Cut(entry, ":")
	if !ok {
		return key{}, errors.New("want kid:base64key, found no colon")
	}
	if !validKID(id) {
		return key{}, fmt.Errorf("key id %q: want 1 to %d characters of a-z and 0-9", id, maxKIDLen)
	}
	secret, err := decodeKey(b64)
	if err != nil {
		return key{}, fmt.Errorf("key %q: not base64", id)
	}
	if len(secret) < MinKeyLen {
		return key{}, fmt.Errorf("key %q: %d bytes, want at least %d", id, len(secret), MinKeyLen)
	}
	aead, err := newSealer(secret)
	if err != nil {
		return key{}, fmt.Errorf("key %q: %w", id, err)
	}
	return key{id: id, secret: secret, aead: aead}, nil
}

// newSealer returns AES-256-GCM keyed by a key derived from secret for
// sealing tokens only, so that the configured secret is never itself an
// encryption key.
func newSealer(secret []byte) (cipher.AEAD, error) {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("inboxdesk link seal key"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func validKID(id string) bool {
	if id == "" || len(id) > maxKIDLen {
		return false
	}
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func decodeKey(s string) ([]byte, error) {
	encodings := []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
	}
	var err error
	for _, enc := range encodings {
		var b []byte
		if b, err = enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, err
}

// GenerateKey returns a new key entry for ParseKeys: a key id made of today's
// date and a random suffix, and 32 random bytes. Put it first to sign with it.
func GenerateKey() string {
	secret := make([]byte, MinKeyLen)
	suffix := make([]byte, 2)
	// crypto/rand.Read never returns an error (it crashes the program
	// instead when the system's source fails).
	_, _ = rand.Read(secret)
	_, _ = rand.Read(suffix)
	id := fmt.Sprintf("k%s%x", time.Now().UTC().Format("20060102"), suffix)
	return id + ":" + base64.StdEncoding.EncodeToString(secret)
}

// KeyIDs lists the key ids, the signing one first (for logs: ids are not secret).
func (kr *Keyring) KeyIDs() []string {
	ids := make([]string, len(kr.keys))
	for i, k := range kr.keys {
		ids[i] = k.id
	}
	return ids
}

func (kr *Keyring) signer() key { return kr.keys[0] }

// DeriveFor is Derive under the key named id (any key of the ring), for
// data sealed under an older key; ok is false when no key has that id.
func (kr *Keyring) DeriveFor(id, purpose string) (derived []byte, ok bool) {
	k, ok := kr.lookup(id)
	if !ok {
		return nil, false
	}
	return derive(k, purpose), true
}

func (kr *Keyring) lookup(id string) (key, bool) {
	for _, k := range kr.keys {
		if k.id == id {
			return k, true
		}
	}
	return key{}, false
}

// Derive returns a 32-byte key for purpose, derived from the signing key
// (HMAC-SHA256), so that one configured secret can key other uses such as
// hashing one-time codes. It changes when the signing key rotates.
func (kr *Keyring) Derive(purpose string) []byte { return derive(kr.signer(), purpose) }

func derive(k key, purpose string) []byte {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte("inboxdesk derive: " + purpose))
	return m.Sum(nil)
}

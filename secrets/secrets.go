// Package secrets seals the secrets inboxdesk keeps in its database —
// mailbox passwords (in the mailbox URL) and OAuth2 refresh tokens — with
// AES-256-GCM under INBOXDESK_SECRET_KEYS (kid:base64,…; the first key
// seals, every key opens), so a copy of the database or a backup holds none
// of them in clear (DESIGN.md, promise 10).
//
// A sealed value reads "sealed:KID:BASE64": the key id says which key opens
// it, so keys rotate by putting a new one first and re-sealing (Resealer).
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"inboxdesk/link"
)

const prefix = "sealed:"

// ErrNoKey means a sealed value was met but no secret keys are configured.
var ErrNoKey = errors.New("a secret in the database is sealed and INBOXDESK_SECRET_KEYS is not set")

// Keyring seals and opens values. A nil *Keyring seals nothing: Seal
// returns the value as it is and Open fails on sealed values with ErrNoKey.
type Keyring struct {
	keys *link.Keyring
}

// ParseKeys reads INBOXDESK_SECRET_KEYS ("kid:base64key,…", at least 32
// bytes a key, the same form as the link keys).
func ParseKeys(s string) (*Keyring, error) {
	kr, err := link.ParseNamedKeys("secret keys", s)
	if err != nil {
		return nil, err
	}
	return &Keyring{keys: kr}, nil
}

// IsSealed reports whether v is a sealed value.
func IsSealed(v string) bool { return strings.HasPrefix(v, prefix) }

// Seal returns plain sealed under the first key, bound to purpose (a value
// sealed for one purpose does not open as another). "" stays "".
func (k *Keyring) Seal(purpose, plain string) (string, error) {
	if k == nil || plain == "" {
		return plain, nil
	}
	id := k.keys.KeyIDs()[0]
	aead, err := k.aead(id)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	sealed := aead.Seal(nonce, nonce, []byte(plain), []byte(purpose))
	return prefix + id + ":" + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Open returns the plain value of v, which may be sealed or (from before
// keys were set) in clear. Errors never carry the value.
func (k *Keyring) Open(purpose, v string) (string, error) {
	if !IsSealed(v) {
		return v, nil
	}
	if k == nil {
		return "", ErrNoKey
	}
	id, b64, ok := strings.Cut(strings.TrimPrefix(v, prefix), ":")
	if !ok {
		return "", errors.New("open secret: malformed sealed value")
	}
	aead, err := k.aead(id)
	if err != nil {
		return "", err
	}
	raw, err := base64.RawURLEncoding.DecodeString(b64)
	if err != nil || len(raw) < aead.NonceSize() {
		return "", errors.New("open secret: malformed sealed value")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(purpose))
	if err != nil {
		return "", fmt.Errorf("open secret sealed under key %q: wrong key or damaged value", id)
	}
	return string(plain), nil
}

// Current reports whether v needs no re-sealing: sealed under the first key,
// or empty. A clear value or one under an older key is not current.
func (k *Keyring) Current(v string) bool {
	if v == "" {
		return true
	}
	if k == nil {
		return !IsSealed(v)
	}
	return strings.HasPrefix(v, prefix+k.keys.KeyIDs()[0]+":")
}

// Reseal opens v and seals it again under the first key.
func (k *Keyring) Reseal(purpose, v string) (string, error) {
	plain, err := k.Open(purpose, v)
	if err != nil {
		return "", err
	}
	return k.Seal(purpose, plain)
}

func (k *Keyring) aead(id string) (cipher.AEAD, error) {
	key, ok := k.keys.DeriveFor(id, "secrets at rest")
	if !ok {
		return nil, fmt.Errorf("open secret: sealed under key %q, which INBOXDESK_SECRET_KEYS does not hold", id)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

package push

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"inboxdesk/ticket"
)

// GenerateVAPIDKeys makes a fresh VAPID key pair: a P-256 key, the public
// half uncompressed (65 bytes), the private half its 32-byte scalar, both
// unpadded base64url — the form browsers and webpush-go take.
func GenerateVAPIDKeys() (ticket.VAPIDKeyPair, error) {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return ticket.VAPIDKeyPair{}, fmt.Errorf("generate vapid keys: %w", err)
	}
	return ticket.VAPIDKeyPair{
		Public:  base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes()),
		Private: base64.RawURLEncoding.EncodeToString(k.Bytes()),
	}, nil
}

// CheckKeys reports whether k is a P-256 key pair whose halves belong together.
func CheckKeys(k ticket.VAPIDKeyPair) error {
	priv, err := decodeKey(k.Private)
	if err != nil {
		return fmt.Errorf("vapid private key: %w", err)
	}
	key, err := ecdh.P256().NewPrivateKey(priv)
	if err != nil {
		return fmt.Errorf("vapid private key: %w", err)
	}
	pub, err := decodeKey(k.Public)
	if err != nil {
		return fmt.Errorf("vapid public key: %w", err)
	}
	if !bytes.Equal(pub, key.PublicKey().Bytes()) {
		return errors.New("vapid public key does not belong to the private key")
	}
	return nil
}

func decodeKey(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(strings.TrimSpace(s), "="))
}

// KeyStore keeps a generated key pair; *storage.Store is one.
type KeyStore interface {
	VAPIDKeys(ctx context.Context, generate func() (ticket.VAPIDKeyPair, error)) (ticket.VAPIDKeyPair, error)
}

// LoadKeys returns the configured key pair when either half is set (both
// must be, and match), else the pair kept in the database, generated there
// on first start.
func LoadKeys(ctx context.Context, configured ticket.VAPIDKeyPair, store KeyStore) (ticket.VAPIDKeyPair, error) {
	if configured.Public != "" || configured.Private != "" {
		if err := CheckKeys(configured); err != nil {
			return ticket.VAPIDKeyPair{}, fmt.Errorf("push: %w", err)
		}
		return configured, nil
	}
	k, err := store.VAPIDKeys(ctx, GenerateVAPIDKeys)
	if err != nil {
		return k, fmt.Errorf("push: %w", err)
	}
	if err := CheckKeys(k); err != nil {
		return ticket.VAPIDKeyPair{}, fmt.Errorf("push: stored %w", err)
	}
	return k, nil
}

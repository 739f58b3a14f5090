package link

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Purposes a token can be signed for. A token signed for one purpose is
// refused by VerifyFor for another.
const (
	PurposeTicket = "ticket" // open one ticket's page (the link in an alert)
	PurposeLogin  = "login"  // sign in to "My tickets"
	PurposeInvite = "invite" // set an invited agent's password; Ticket holds the invitation's id
)

// Errors returned by Verify and VerifyFor; test with errors.Is.
var (
	ErrMalformed    = errors.New("link: malformed token")
	ErrUnknownKey   = errors.New("link: token signed with an unknown key")
	ErrBadSignature = errors.New("link: bad token signature")
	ErrExpired      = errors.New("link: token expired")
	ErrWrongPurpose = errors.New("link: token is for another purpose")
	ErrWrongTicket  = errors.New("link: token is for another ticket")
)

const (
	tokenVersion = 1
	macLen       = sha256.Size
	maxTokenLen  = 2048
	macContext   = "inboxdesk link v1"
	sealContext  = "inboxdesk link v2"
	// sealedSep follows the key id of a sealed token; legacySep that of a
	// v1 token (claims in clear, HMAC-signed). Neither occurs in a key id.
	sealedSep = '~'
	legacySep = '.'
)

var b64 = base64.RawURLEncoding.Strict()

// Claims is what a token binds: a ticket (its public number), the address
// the link was sent to (lower case), what the link may be used for and when
// it stops working (whole seconds).
type Claims struct {
	Ticket  int64
	Email   string
	Purpose string
	Expires time.Time
}

// SameAddress reports whether email is the address the claims are bound to,
// ignoring case.
func (c Claims) SameAddress(email string) bool {
	return strings.EqualFold(c.Email, strings.TrimSpace(email))
}

// Sign returns a URL-safe token for c, sealed with the first key. The email
// is stored in lower case and the expiry in whole seconds. The token reads
// "kid~sealed", where sealed is unpadded base64url of a random nonce and the
// claims encrypted and authenticated with AES-256-GCM (the key id is bound
// as associated data): decoding it reveals nothing about the claims.
func (kr *Keyring) Sign(c Claims) string {
	k := kr.signer()
	nonce := make([]byte, k.aead.NonceSize())
	// crypto/rand.Read never returns an error.
	_, _ = rand.Read(nonce)
	sealed := k.aead.Seal(nonce, nonce, encodeClaims(c), sealAAD(k.id))
	return k.id + string(sealedSep) + b64.EncodeToString(sealed)
}

// Verify checks the token's seal (or, for a token of the earlier format,
// its signature) and expiry at now and returns its claims. The errors are
// ErrMalformed, ErrUnknownKey, ErrBadSignature and ErrExpired.
func (kr *Keyring) Verify(token string, now time.Time) (Claims, error) {
	c, err := kr.signed(token)
	if err != nil {
		return Claims{}, err
	}
	if !now.Before(c.Expires) {
		return Claims{}, ErrExpired
	}
	return c, nil
}

// VerifyExpired checks only that the token is ours, for this ticket and
// purpose, and returns its claims however long ago it expired. It is for
// offering an expired link's owner a fresh link, sent to the bound address:
// never let it open anything.
func (kr *Keyring) VerifyExpired(token string, ticket int64, purpose string) (Claims, error) {
	c, err := kr.signed(token)
	if err != nil {
		return Claims{}, err
	}
	if err := c.check(ticket, purpose); err != nil {
		return Claims{}, err
	}
	return c, nil
}

func (c Claims) check(ticket int64, purpose string) error {
	if c.Purpose != purpose {
		return ErrWrongPurpose
	}
	if c.Ticket != ticket {
		return ErrWrongTicket
	}
	return nil
}

// signed checks the token's form and seal (or an earlier token's
// signature) and returns its claims, whatever their expiry.
func (kr *Keyring) signed(token string) (Claims, error) {
	i := strings.IndexAny(token, string(sealedSep)+string(legacySep))
	if i < 0 || len(token) > maxTokenLen || !validKID(token[:i]) {
		return Claims{}, ErrMalformed
	}
	raw, err := b64.DecodeString(token[i+1:])
	if err != nil {
		return Claims{}, ErrMalformed
	}
	k, ok := kr.lookup(token[:i])
	if !ok {
		return Claims{}, ErrUnknownKey
	}
	var payload []byte
	if token[i] == sealedSep {
		payload, err = open(k, raw)
	} else {
		payload, err = checkLegacy(k, raw)
	}
	if err != nil {
		return Claims{}, err
	}
	return decodeClaims(payload)
}

// open decrypts a sealed token's nonce and ciphertext.
func open(k key, raw []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(raw) <= n+k.aead.Overhead() {
		return nil, ErrMalformed
	}
	payload, err := k.aead.Open(nil, raw[:n], raw[n:], sealAAD(k.id))
	if err != nil {
		return nil, ErrBadSignature
	}
	return payload, nil
}

// checkLegacy verifies a v1 token (claims in clear, then their HMAC), as
// signed before tokens were sealed; such links keep working until they
// expire.
func checkLegacy(k key, raw []byte) ([]byte, error) {
	if len(raw) <= macLen {
		return nil, ErrMalformed
	}
	payload, sum := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	if !hmac.Equal(sum, mac(k, payload)) {
		return nil, ErrBadSignature
	}
	return payload, nil
}

func sealAAD(kid string) []byte { return []byte(sealContext + "\x00" + kid) }

// VerifyFor is Verify, and then checks that the token was signed for this
// ticket and purpose (ErrWrongTicket, ErrWrongPurpose).
func (kr *Keyring) VerifyFor(token string, now time.Time, ticket int64, purpose string) (Claims, error) {
	c, err := kr.Verify(token, now)
	if err != nil {
		return Claims{}, err
	}
	if err := c.check(ticket, purpose); err != nil {
		return Claims{}, err
	}
	return c, nil
}

// URL returns the link to ticket number with its token: base + "/t/NUMBER?k=TOKEN".
func URL(base BaseURL, number int64, token string) string {
	return base.Join("/t/" + strconv.FormatInt(number, 10) + "?" + url.Values{"k": {token}}.Encode())
}

func mac(k key, payload []byte) []byte {
	h := hmac.New(sha256.New, k.secret)
	h.Write([]byte(macContext))
	h.Write([]byte{0})
	h.Write([]byte(k.id))
	h.Write([]byte{0})
	h.Write(payload)
	return h.Sum(nil)
}

// encodeClaims writes: version, varint ticket, varint expiry (Unix seconds),
// uvarint purpose length, purpose, email (the rest).
func encodeClaims(c Claims) []byte {
	email := strings.ToLower(c.Email)
	b := make([]byte, 0, 1+3*binary.MaxVarintLen64+len(c.Purpose)+len(email))
	b = append(b, tokenVersion)
	b = binary.AppendVarint(b, c.Ticket)
	b = binary.AppendVarint(b, c.Expires.Unix())
	b = binary.AppendUvarint(b, uint64(len(c.Purpose)))
	b = append(b, c.Purpose...)
	return append(b, email...)
}

func decodeClaims(b []byte) (Claims, error) {
	if len(b) == 0 || b[0] != tokenVersion {
		return Claims{}, fmt.Errorf("%w: unknown version", ErrMalformed)
	}
	b = b[1:]
	ticket, n := binary.Varint(b)
	if n <= 0 {
		return Claims{}, ErrMalformed
	}
	b = b[n:]
	exp, n := binary.Varint(b)
	if n <= 0 {
		return Claims{}, ErrMalformed
	}
	b = b[n:]
	plen, n := binary.Uvarint(b)
	if n <= 0 || plen > uint64(len(b)-n) {
		return Claims{}, ErrMalformed
	}
	b = b[n:]
	return Claims{
		Ticket:  ticket,
		Purpose: string(b[:plen]),
		Email:   string(b[plen:]),
		Expires: time.Unix(exp, 0).UTC(),
	}, nil
}

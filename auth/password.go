package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password rules: a length range, counted in characters.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// argon2id parameters (RFC 9106, section 4, second recommended option:
// 64 MiB, 3 passes, 4 lanes). They are written into each hash, so raising
// them later keeps old hashes verifiable.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 4
	argonKeyLen  = 32
	argonSaltLen = 16
)

var errBadHash = errors.New("auth: unreadable password hash")

// HashPassword returns password's argon2id hash in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
func HashPassword(password string) (string, error) {
	if n := utf8.RuneCountInString(password); n < MinPasswordLen || n > MaxPasswordLen {
		return "", ErrWeakPassword
	}
	salt := make([]byte, argonSaltLen)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime,
		argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash (from HashPassword).
// An empty or unreadable hash matches nothing.
func CheckPassword(hash, password string) bool {
	p, err := parseHash(hash)
	if err != nil || len(password) > 4*MaxPasswordLen {
		return false
	}
	key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1
}

type argonHash struct {
	time, memory uint32
	threads      uint8
	salt, key    []byte
}

func parseHash(hash string) (argonHash, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return argonHash{}, errBadHash
	}
	var p argonHash
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return argonHash{}, errBadHash
	}
	if p.time == 0 || p.threads == 0 || p.memory < 8*uint32(p.threads) || p.memory > 1<<22 {
		return argonHash{}, errBadHash
	}
	var err1, err2 error
	p.salt, err1 = base64.RawStdEncoding.DecodeString(parts[4])
	p.key, err2 = base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(p.salt) < 8 || len(p.key) < 16 {
		return argonHash{}, errBadHash
	}
	return p, nil
}

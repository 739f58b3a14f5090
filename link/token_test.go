package link

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func testKey(id string, fill byte) string {
	return id + ":" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat(string(fill), MinKeyLen)))
}

func mustKeys(t testing.TB, s string) *Keyring {
	t.Helper()
	kr, err := ParseKeys(s)
	if err != nil {
		t.Fatalf("ParseKeys: %v", err)
	}
	return kr
}

func testClaims() Claims {
	return Claims{Ticket: 12345, Email: "Alice@Example.COM", Purpose: PurposeTicket, Expires: testNow.Add(72 * time.Hour)}
}

func TestRoundTrip(t *testing.T) {
	kr := mustKeys(t, testKey("k1", 'a'))
	token := kr.Sign(testClaims())
	if strings.ContainsAny(token, "+/=?&#% ") {
		t.Fatalf("token %q is not URL-safe", token)
	}
	got, err := kr.VerifyFor(token, testNow, 12345, PurposeTicket)
	if err != nil {
		t.Fatalf("VerifyFor: %v", err)
	}
	want := Claims{Ticket: 12345, Email: "alice@example.com", Purpose: PurposeTicket, Expires: testNow.Add(72 * time.Hour)}
	if got != want {
		t.Fatalf("claims = %+v, want %+v", got, want)
	}
	if !got.SameAddress("ALICE@example.com ") || got.SameAddress("bob@example.com") {
		t.Fatal("SameAddress does not compare addresses case-insensitively")
	}
}

func TestRejected(t *testing.T) {
	kr := mustKeys(t, testKey("k1", 'a'))
	other := mustKeys(t, testKey("k1", 'b'))
	good := kr.Sign(testClaims())
	tests := []struct {
		name    string
		token   string
		now     time.Time
		ticket  int64
		purpose string
		want    error
	}{
		{"expired", good, testNow.Add(72 * time.Hour), 12345, PurposeTicket, ErrExpired},
		{"wrong purpose", good, testNow, 12345, PurposeLogin, ErrWrongPurpose},
		{"other ticket", good, testNow, 12346, PurposeTicket, ErrWrongTicket},
		{"same kid, other secret", other.Sign(testClaims()), testNow, 12345, PurposeTicket, ErrBadSignature},
		{"unknown kid", mustKeys(t, testKey("k9", 'a')).Sign(testClaims()), testNow, 12345, PurposeTicket, ErrUnknownKey},
		{"empty", "", testNow, 12345, PurposeTicket, ErrMalformed},
		{"no separator", "k1", testNow, 12345, PurposeTicket, ErrMalformed},
		{"sealed part under the legacy separator", strings.Replace(good, "~", ".", 1), testNow, 12345, PurposeTicket, ErrBadSignature},
		{"padding", good + "=", testNow, 12345, PurposeTicket, ErrMalformed},
		{"truncated", truncate(t, good, 6), testNow, 12345, PurposeTicket, ErrBadSignature},
		{"too short", "k1~AAAA", testNow, 12345, PurposeTicket, ErrMalformed},
		{"too short, legacy", "k1.AAAA", testNow, 12345, PurposeTicket, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := kr.VerifyFor(tt.token, tt.now, tt.ticket, tt.purpose)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// swapPayload puts the claims of token b under the signature of token a.
func swapPayload(t *testing.T, a, b string) string {
	t.Helper()
	ra, _ := b64.DecodeString(a[strings.IndexByte(a, '.')+1:])
	rb, _ := b64.DecodeString(b[strings.IndexByte(b, '.')+1:])
	forged := append(rb[:len(rb)-macLen:len(rb)-macLen], ra[len(ra)-macLen:]...)
	return "k1." + b64.EncodeToString(forged)
}

// truncate drops n bytes from the end of the token's signed part.
func truncate(t *testing.T, token string, n int) string {
	t.Helper()
	i := strings.IndexAny(token, ".~") + 1
	raw, err := b64.DecodeString(token[i:])
	if err != nil {
		t.Fatal(err)
	}
	return token[:i] + b64.EncodeToString(raw[:len(raw)-n])
}

// A sealed token, decoded, shows neither the address nor the purpose, and
// two tokens for the same claims differ.
func TestTokenRevealsNothing(t *testing.T) {
	kr := mustKeys(t, testKey("k1", 'a'))
	c := testClaims()
	a, b := kr.Sign(c), kr.Sign(c)
	if a == b {
		t.Fatal("two tokens for the same claims are equal")
	}
	for _, tok := range []string{a, b} {
		kid, body, ok := strings.Cut(tok, "~")
		if !ok || kid != "k1" {
			t.Fatalf("token %q: want k1~sealed", tok)
		}
		raw, err := b64.DecodeString(body)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"alice", "example", PurposeTicket} {
			if strings.Contains(strings.ToLower(string(raw)), secret) || strings.Contains(strings.ToLower(tok), secret) {
				t.Errorf("token %q reveals %q", tok, secret)
			}
		}
	}
}

// Links signed before tokens were sealed (claims in clear, HMAC) open until
// they expire, and are still refused when altered.
func TestLegacyTokensStayValidUntilExpiry(t *testing.T) {
	kr := mustKeys(t, testKey("k1", 'a'))
	const (
		ticketToken = "k1.AfLAAYD7wJoNBnRpY2tldGFsaWNlQGV4YW1wbGUuY29tmBN4Qw3K0ZpQean9Bd2u6_KUaUhcXwxrPghZrn3Uh3Y"
		loginToken  = "k1.AQCA-8CaDQVsb2dpbmFsaWNlQGV4YW1wbGUuY29t3ilkPAt_nujY_ViufELrR3_7tn3mF0-mWmC8EtrpphE"
	)
	got, err := kr.VerifyFor(ticketToken, testNow, 12345, PurposeTicket)
	want := Claims{Ticket: 12345, Email: "alice@example.com", Purpose: PurposeTicket, Expires: testNow.Add(72 * time.Hour)}
	if err != nil || got != want {
		t.Fatalf("legacy ticket token: %+v, %v; want %+v", got, err, want)
	}
	if c, err := kr.Verify(loginToken, testNow); err != nil || c.Purpose != PurposeLogin || c.Email != "alice@example.com" {
		t.Fatalf("legacy login token: %+v, %v", c, err)
	}
	if _, err := kr.Verify(ticketToken, testNow.Add(72*time.Hour)); !errors.Is(err, ErrExpired) {
		t.Fatalf("legacy token at its expiry: err = %v, want ErrExpired", err)
	}
	if _, err := kr.Verify(swapPayload(t, ticketToken, loginToken), testNow); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("legacy token with other claims: err = %v, want ErrBadSignature", err)
	}
	if _, err := mustKeys(t, testKey("k1", 'b')).Verify(ticketToken, testNow); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("legacy token, other secret: err = %v, want ErrBadSignature", err)
	}
}

func TestEveryFlippedCharacterIsRejected(t *testing.T) {
	kr := mustKeys(t, testKey("k1", 'a'))
	good := kr.Sign(testClaims())
	for i := range len(good) {
		for _, c := range []byte{'A', 'b', '0', '-', '_', '.'} {
			if good[i] == c {
				continue
			}
			bad := good[:i] + string(c) + good[i+1:]
			if _, err := kr.Verify(bad, testNow); err == nil {
				t.Fatalf("token with byte %d set to %q verified", i, c)
			}
		}
	}
}

func TestRotation(t *testing.T) {
	old := mustKeys(t, testKey("old", 'a'))
	token := old.Sign(testClaims())

	rotated := mustKeys(t, testKey("new", 'b')+","+testKey("old", 'a'))
	if _, err := rotated.Verify(token, testNow); err != nil {
		t.Fatalf("old key, still configured: %v", err)
	}
	if kid, _, _ := strings.Cut(rotated.Sign(testClaims()), "~"); kid != "new" {
		t.Fatalf("signed with %q, want the first key", kid)
	}
	removed := mustKeys(t, testKey("new", 'b'))
	if _, err := removed.Verify(token, testNow); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("old key removed: err = %v, want ErrUnknownKey", err)
	}
}

func TestParseKeys(t *testing.T) {
	short := base64.StdEncoding.EncodeToString(make([]byte, 16))
	tests := []struct {
		in      string
		wantErr string // "" for success
	}{
		{testKey("k1", 'a'), ""},
		{" " + testKey("k1", 'a') + " , " + testKey("k2", 'b'), ""},
		{"k1:" + base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("x", 40))), ""},
		{"", "none given"},
		{"k1" + base64.StdEncoding.EncodeToString(make([]byte, 32)), "no colon"},
		{"K1:" + short, "key id \"K1\""},
		{"a-b:" + short, "key id \"a-b\""},
		{strings.Repeat("k", 17) + ":" + short, "key id"},
		{"k1:" + short, "16 bytes, want at least 32"},
		{"k1:not base64!", "not base64"},
		{testKey("k1", 'a') + "," + testKey("k1", 'b'), "entry 2: key id \"k1\" is used twice"},
		{testKey("k1", 'a') + ",", "entry 2"},
	}
	for _, tt := range tests {
		_, err := ParseKeys(tt.in)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseKeys(%q): %v", tt.in, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseKeys(%q) = %v, want error containing %q", tt.in, err, tt.wantErr)
		}
		if err != nil && strings.Contains(tt.in, "YWFh") && strings.Contains(err.Error(), "YWFh") {
			t.Errorf("error %q prints the key", err)
		}
	}
}

func TestGenerateKey(t *testing.T) {
	line := GenerateKey()
	kr, err := ParseKeys(line)
	if err != nil {
		t.Fatalf("ParseKeys(GenerateKey()): %v", err)
	}
	if line == GenerateKey() {
		t.Fatal("GenerateKey returned the same key twice")
	}
	if _, err := kr.Verify(kr.Sign(testClaims()), testNow); err != nil {
		t.Fatal(err)
	}
}

func TestURL(t *testing.T) {
	tests := []struct{ base, want string }{
		{"https://help.example.com", "https://help.example.com/t/12345?k=k1.AbC-_"},
		{"https://example.com/support/", "https://example.com/support/t/12345?k=k1.AbC-_"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/t/12345?k=k1.AbC-_"},
	}
	for _, tt := range tests {
		base, err := ParseBaseURL(tt.base)
		if err != nil {
			t.Fatal(err)
		}
		if got := URL(base, 12345, "k1.AbC-_"); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.base, got, tt.want)
		}
	}
}

func FuzzVerify(f *testing.F) {
	kr := mustKeys(f, testKey("k1", 'a'))
	f.Add(kr.Sign(testClaims()))
	f.Add("k1.AfLAAYD7wJoNBnRpY2tldGFsaWNlQGV4YW1wbGUuY29tmBN4Qw3K0ZpQean9Bd2u6_KUaUhcXwxrPghZrn3Uh3Y")
	f.Add("k1.")
	f.Add("k1~AQ")
	f.Add("")
	k, _ := kr.lookup("k1")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := kr.Verify(token, testNow)
		if err != nil {
			return
		}
		i := strings.IndexAny(token, ".~")
		raw, _ := b64.DecodeString(token[i+1:])
		payload, _ := checkLegacy(k, raw)
		if token[i] == sealedSep {
			payload, _ = open(k, raw)
		}
		if string(payload) != string(encodeClaims(c)) {
			t.Fatalf("token %q verified but its claims are not what Sign encodes", token)
		}
	})
}

func FuzzParseKeys(f *testing.F) {
	f.Add(testKey("k1", 'a'))
	f.Add(testKey("k1", 'a') + "," + testKey("k2", 'b'))
	f.Add("k1:")
	f.Add(",:,")
	f.Fuzz(func(t *testing.T, s string) {
		kr, err := ParseKeys(s)
		if err != nil {
			return
		}
		if _, err := kr.Verify(kr.Sign(testClaims()), testNow); err != nil {
			t.Fatalf("keys %q parse but do not verify their own token: %v", s, err)
		}
	})
}

// An expired link still tells whose it was, for a fresh link to that
// address; a forged, foreign or other ticket's token does not.
func TestVerifyExpired(t *testing.T) {
	kr := mustKeys(t, testKey("k1", 'a'))
	c := testClaims()
	c.Expires = testNow.Add(-30 * 24 * time.Hour)
	token := kr.Sign(c)
	if _, err := kr.VerifyFor(token, testNow, 12345, PurposeTicket); !errors.Is(err, ErrExpired) {
		t.Fatalf("VerifyFor of an expired token: %v", err)
	}
	got, err := kr.VerifyExpired(token, 12345, PurposeTicket)
	if err != nil || got.Email != "alice@example.com" || got.Ticket != 12345 {
		t.Fatalf("VerifyExpired = %+v, %v", got, err)
	}
	other := mustKeys(t, testKey("k1", 'b'))
	for name, err := range map[string]error{
		"other key":    func() error { _, err := other.VerifyExpired(token, 12345, PurposeTicket); return err }(),
		"other ticket": func() error { _, err := kr.VerifyExpired(token, 12346, PurposeTicket); return err }(),
		"other use":    func() error { _, err := kr.VerifyExpired(token, 12345, PurposeLogin); return err }(),
		"tampered":     func() error { _, err := kr.VerifyExpired(token[:len(token)-2]+"AA", 12345, PurposeTicket); return err }(),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

package link

import (
	"bytes"
	"testing"
)

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	firstDigits := map[byte]int{}
	for range 2000 {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != CodeDigits || bytes.IndexFunc([]byte(c), func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			t.Fatalf("code %q is not %d digits", c, CodeDigits)
		}
		seen[c] = true
		firstDigits[c[0]]++
	}
	if len(seen) < 1900 {
		t.Fatalf("only %d distinct codes in 2000", len(seen))
	}
	if len(firstDigits) != 10 {
		t.Fatalf("leading digits seen: %v, want all ten (zero-padded codes)", firstDigits)
	}
}

func TestHashCode(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	stored := HashCode(key, "Alice@Example.com", "012345")
	tests := []struct {
		name       string
		key        []byte
		email      string
		code       string
		wantsEqual bool
	}{
		{"same", key, "alice@example.com", "012345", true},
		{"spaces and case", key, " ALICE@example.com ", " 012345\n", true},
		{"other code", key, "alice@example.com", "012346", false},
		{"other address", key, "bob@example.com", "012345", false},
		{"other key", []byte("another key, another key, another"), "alice@example.com", "012345", false},
	}
	for _, tt := range tests {
		if got := CodeEqual(stored, HashCode(tt.key, tt.email, tt.code)); got != tt.wantsEqual {
			t.Errorf("%s: CodeEqual = %v, want %v", tt.name, got, tt.wantsEqual)
		}
	}
	if CodeEqual(nil, nil) {
		t.Error("CodeEqual(nil, nil) = true; an empty stored hash must never match")
	}
}

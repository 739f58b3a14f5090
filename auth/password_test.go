package auth

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Fatalf("hash %q is not an argon2id PHC string", h)
	}
	if strings.Contains(h, "correct horse") {
		t.Fatal("hash contains the password")
	}
	if !CheckPassword(h, "correct horse battery") {
		t.Fatal("right password refused")
	}
	for _, wrong := range []string{"", "correct horse batter", "Correct horse battery", "correct horse battery "} {
		if CheckPassword(h, wrong) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	if h2, _ := HashPassword("correct horse battery"); h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "x", "$argon2id$v=19$m=1,t=1,p=1$$", strings.Replace(h, "argon2id", "argon2i", 1),
		strings.Replace(h, "m=65536", "m=999999999", 1)} {
		if CheckPassword(bad, "correct horse battery") {
			t.Errorf("hash %q matched", bad)
		}
	}
}

func TestPasswordLength(t *testing.T) {
	for _, pw := range []string{"", "short", "ninechars", strings.Repeat("x", MaxPasswordLen+1)} {
		if _, err := HashPassword(pw); err != ErrWeakPassword {
			t.Errorf("HashPassword(%d chars) = %v, want ErrWeakPassword", len(pw), err)
		}
	}
	if _, err := HashPassword("ñandú ñandú"); err != nil {
		t.Errorf("11 characters (more bytes): %v", err)
	}
}

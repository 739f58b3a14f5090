package secrets_test

import (
	"errors"
	"strings"
	"testing"

	"inboxdesk/link"
	"inboxdesk/secrets"
)

func keys(t *testing.T, s string) *secrets.Keyring {
	t.Helper()
	k, err := secrets.ParseKeys(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpenRotate(t *testing.T) {
	oldKey, newKey := link.GenerateKey(), link.GenerateKey()
	old := keys(t, oldKey)
	sealed, err := old.Seal("mailbox url", "imaps://u:Secret99@h/INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if !secrets.IsSealed(sealed) || strings.Contains(sealed, "Secret99") {
		t.Fatalf("sealed value %q", sealed)
	}
	if got, err := old.Open("mailbox url", sealed); err != nil || got != "imaps://u:Secret99@h/INBOX" {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := old.Open("refresh token", sealed); err == nil {
		t.Fatal("a value sealed for one purpose opened as another")
	}
	rotated := keys(t, newKey+","+oldKey)
	if rotated.Current(sealed) || !old.Current(sealed) {
		t.Fatal("Current does not follow the first key")
	}
	resealed, err := rotated.Reseal("mailbox url", sealed)
	if err != nil || !rotated.Current(resealed) {
		t.Fatalf("reseal: %q %v", resealed, err)
	}
	if _, err := old.Open("mailbox url", resealed); err == nil {
		t.Fatal("the old key alone opened a value sealed under the new one")
	}
	if got, err := keys(t, newKey).Open("mailbox url", resealed); err != nil || got != "imaps://u:Secret99@h/INBOX" {
		t.Fatalf("open after rotation: %q %v", got, err)
	}
	var none *secrets.Keyring
	if _, err := none.Open("mailbox url", sealed); !errors.Is(err, secrets.ErrNoKey) {
		t.Fatalf("open without keys: %v", err)
	}
	if got, _ := none.Open("mailbox url", "clear"); got != "clear" {
		t.Fatal("a clear value did not open as itself")
	}
	damaged := sealed[:len(sealed)-2] + "AA"
	if _, err := old.Open("mailbox url", damaged); err == nil || strings.Contains(err.Error(), "Secret99") {
		t.Fatalf("damaged value: %v", err)
	}
}

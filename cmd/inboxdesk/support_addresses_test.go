package main

import (
	"io"
	"slices"
	"strings"
	"testing"
)

// The From address and the listed support addresses are the desk's own
// (never a ticket's participants); a listed word that is no address is a
// clear error naming the setting.
func TestSupportAddressesSetting(t *testing.T) {
	base := []string{"--database-url", "postgres://x", "--link-keys", "k1:" + strings.Repeat("A", 44),
		"--smtp-url", "smtp://127.0.0.1:1", "--from", "Support <no-reply@example.com>"}
	cfg, err := parseConfig(newFlags("serve", io.Discard), append(base,
		"--support-addresses", "support@example.com, Help <help@example.com>"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"no-reply@example.com", "support@example.com", "help@example.com"}; !slices.Equal(cfg.OwnAddresses, want) {
		t.Fatalf("own addresses = %v, want %v", cfg.OwnAddresses, want)
	}
	_, err = parseConfig(newFlags("serve", io.Discard), append(base, "--support-addresses", "support"))
	if err == nil || !strings.Contains(err.Error(), "INBOXDESK_SUPPORT_ADDRESSES") {
		t.Fatalf("a bad address: %v", err)
	}
}

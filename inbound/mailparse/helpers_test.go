package mailparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"inboxdesk/ticket"
)

// fixture parses testdata/name and fails the test if that is refused.
func fixture(t testing.TB, name string) *ticket.Inbound {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	in, err := Parse(raw, DefaultLimits())
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return in
}

// rawMail joins lines with CRLF, as they travel.
func rawMail(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// mustParse parses raw with the default limits and fails the test on error.
func mustParse(t testing.TB, raw []byte) *ticket.Inbound {
	t.Helper()
	in, err := Parse(raw, DefaultLimits())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return in
}

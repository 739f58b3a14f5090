package push_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPushNeedsNoSMTP: the push channel shares the sender's contract
// (package delivery), not outbound's SMTP code or its mail libraries.
func TestPushNeedsNoSMTP(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "inboxdesk/push").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "inboxdesk/outbound" || strings.Contains(dep, "go-mail") || strings.Contains(dep, "go-smtp") {
			t.Errorf("push depends on %s", dep)
		}
	}
}

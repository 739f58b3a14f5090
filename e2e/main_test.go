package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// binary is the inboxdesk binary TestMain built for this run.
var binary string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "inboxdesk-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// INBOXDESK_E2E_BINARY tests a binary built elsewhere (a release build) as it is.
	binary = os.Getenv("INBOXDESK_E2E_BINARY")
	if binary == "" {
		binary = filepath.Join(dir, "inboxdesk")
		if err := build(binary); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
	}
	defer stopBrowser()
	return m.Run()
}

// build compiles ./cmd/inboxdesk into path, as `make build` does.
func build(path string) error {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("build inboxdesk: no go tool in PATH: %w", err)
	}
	cmd := exec.Command(goTool, "build", "-o", path, "./cmd/inboxdesk")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build inboxdesk: %w\n%s", err, out)
	}
	return nil
}

package auth_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"inboxdesk/auth"
)

// TestSendLimitHoldsUnderConcurrency: many requests for a code to one
// address from one client at the same moment (several replicas, a script)
// get no more codes than the limit allows: the sends are counted under the
// address's and the client's locks.
func TestSendLimitHoldsUnderConcurrency(t *testing.T) {
	f := newFixture(t, nil)
	const tries = 12
	var wg sync.WaitGroup
	errs := make(chan error, tries)
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.store.CreateCode(f.ctx, auth.CodeRequest{Email: "ana@example.org", IP: "10.0.0.1",
				Browser: fmt.Sprintf("browser-%d", i), Purpose: "login"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	sent := 0
	for err := range errs {
		switch {
		case err == nil:
			sent++
		case !errors.Is(err, auth.ErrTooManySends):
			t.Fatal(err)
		}
	}
	if want := auth.DefaultConfig().SendsPerAddress; sent != want {
		t.Fatalf("%d codes sent for %d requests at once, want the limit, %d", sent, tries, want)
	}
}

// TestTwoAdminsDemotingEachOtherKeepOne: two admins demoting each other at
// the same moment leave the team one admin, round after round.
func TestTwoAdminsDemotingEachOtherKeepOne(t *testing.T) {
	f := newFixture(t, nil)
	admins := []string{"lead@support.example", "amy@support.example"}
	for _, email := range admins {
		if _, err := f.store.CreateAgentAs(f.ctx, auth.AgentRoleAdmin, email, "Admin", ""); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 20 {
		demoted := demoteAtOnce(t, f, admins)
		if len(demoted) != 1 {
			t.Fatalf("round %d: %d of 2 admins demoted at once, want 1", round, len(demoted))
		}
		if err := f.store.SetAgentRole(f.ctx, demoted[0], auth.AgentRoleAdmin); err != nil {
			t.Fatal(err)
		}
	}
}

// demoteAtOnce demotes every admin of emails at the same moment and
// returns those demoted.
func demoteAtOnce(t *testing.T, f *fixture, emails []string) []string {
	var wg sync.WaitGroup
	errs := make([]error, len(emails))
	for i, email := range emails {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.store.SetAgentRole(f.ctx, email, auth.AgentRoleAgent)
		}()
	}
	wg.Wait()
	var demoted []string
	for i, err := range errs {
		switch {
		case err == nil:
			demoted = append(demoted, emails[i])
		case !errors.Is(err, auth.ErrLastAdmin):
			t.Fatal(err)
		}
	}
	return demoted
}

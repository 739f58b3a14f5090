package auth_test

import (
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"

	"inboxdesk/auth"
)

func TestCodeIsSixDigitsAndWorksOnce(t *testing.T) {
	f := newFixture(t, nil)
	code := f.code(t, "Ana@Example.org", "10.0.0.1")
	if !regexp.MustCompile(`^\d{6}$`).MatchString(code) {
		t.Fatalf("code %q is not six digits", code)
	}
	g, err := f.check("ana@example.org ", code)
	if err != nil || g.Email != "ana@example.org" || g.Purpose != "login" {
		t.Fatalf("CheckCode = %+v, %v", g, err)
	}
	if _, err := f.check("ana@example.org", code); !errors.Is(err, auth.ErrNoCode) {
		t.Fatalf("second use: %v, want ErrNoCode", err)
	}
}

func TestCodeStoredHashed(t *testing.T) {
	f := newFixture(t, nil)
	code := f.code(t, "ana@example.org", "10.0.0.1")
	var n int
	err := f.tickets.Pool().QueryRow(f.ctx, `SELECT count(*) FROM verification_codes
		WHERE position(convert_to($1, 'UTF8') in code_hash) > 0 OR encode(code_hash, 'escape') LIKE '%' || $1 || '%'`,
		code).Scan(&n)
	if err != nil || n != 0 {
		t.Fatalf("the code is readable in the table (%d rows, %v)", n, err)
	}
}

func TestSixthTryRefusedEvenWithRightCode(t *testing.T) {
	f := newFixture(t, nil)
	code := f.code(t, "ana@example.org", "10.0.0.1")
	for i := 1; i <= 5; i++ {
		_, err := f.check("ana@example.org", other(code))
		var wrong *auth.WrongCodeError
		switch {
		case i < 5 && (!errors.As(err, &wrong) || wrong.Left != 5-i):
			t.Fatalf("wrong try %d: %v, want WrongCodeError{Left: %d}", i, err, 5-i)
		case i == 5 && !errors.Is(err, auth.ErrCodeUsedUp):
			t.Fatalf("fifth wrong try: %v, want ErrCodeUsedUp", err)
		}
	}
	if _, err := f.check("ana@example.org", code); !errors.Is(err, auth.ErrCodeUsedUp) {
		t.Fatalf("sixth try with the right code: %v, want ErrCodeUsedUp", err)
	}
}

func TestExpiredCode(t *testing.T) {
	f := newFixture(t, nil)
	code := f.code(t, "ana@example.org", "10.0.0.1")
	f.clock.Add(10*time.Minute + time.Second)
	if _, err := f.check("ana@example.org", code); !errors.Is(err, auth.ErrCodeExpired) {
		t.Fatalf("after 10 minutes: %v, want ErrCodeExpired", err)
	}
}

func TestNewCodeReplacesOld(t *testing.T) {
	f := newFixture(t, nil)
	first := f.code(t, "ana@example.org", "10.0.0.1")
	_, _ = f.check("ana@example.org", other(first)) // a wrong try on the old code
	second := f.code(t, "ana@example.org", "10.0.0.1")
	if first != second {
		if _, err := f.check("ana@example.org", first); !errors.Is(err, auth.ErrCodeWrong) {
			t.Fatalf("old code after a new one: %v, want ErrCodeWrong", err)
		}
	}
	if _, err := f.check("ana@example.org", second); err != nil {
		t.Fatalf("new code: %v", err)
	}
}

func TestCodeIsBoundToItsAddress(t *testing.T) {
	f := newFixture(t, nil)
	code := f.code(t, "ana@example.org", "10.0.0.1")
	if _, err := f.check("bob@example.org", code); !errors.Is(err, auth.ErrNoCode) {
		t.Fatalf("ana's code for bob: %v, want ErrNoCode", err)
	}
}

func TestSendLimitPerAddressAndClient(t *testing.T) {
	f := newFixture(t, nil)
	for range 3 {
		f.code(t, "ana@example.org", "10.0.0.1")
	}
	_, err := f.store.CreateCode(f.ctx, auth.CodeRequest{Email: "ANA@example.org", IP: "10.0.0.1", Browser: "b1"})
	if !errors.Is(err, auth.ErrTooManySends) {
		t.Fatalf("fourth send to one address from one client in ten minutes: %v, want ErrTooManySends", err)
	}
	f.code(t, "bob@example.org", "10.0.0.1") // another address is not limited
	f.code(t, "ana@example.org", "10.0.0.2") // nor another client
	f.clock.Add(10*time.Minute + time.Second)
	f.code(t, "ana@example.org", "10.0.0.1")
}

func TestSendLimitPerAddressAllClients(t *testing.T) {
	f := newFixture(t, nil)
	for i := range 10 {
		f.code(t, "ana@example.org", fmt.Sprintf("10.0.1.%d", i))
	}
	_, err := f.store.CreateCode(f.ctx, auth.CodeRequest{Email: "ana@example.org", IP: "10.0.2.1", Browser: "b1"})
	if !errors.Is(err, auth.ErrTooManySends) {
		t.Fatalf("eleventh send to one address in an hour: %v, want ErrTooManySends", err)
	}
	f.clock.Add(time.Hour + time.Second)
	f.code(t, "ana@example.org", "10.0.2.1")
}

func TestSendLimitPerIP(t *testing.T) {
	f := newFixture(t, func(c *auth.Config) { c.SendsPerIP = 4 })
	for i := range 4 {
		f.code(t, string(rune('a'+i))+"@example.org", "192.0.2.7")
	}
	_, err := f.store.CreateCode(f.ctx, auth.CodeRequest{Email: "z@example.org", IP: "192.0.2.7", Browser: "b1"})
	if !errors.Is(err, auth.ErrTooManySends) {
		t.Fatalf("fifth send from one client: %v, want ErrTooManySends", err)
	}
	f.code(t, "z@example.org", "192.0.2.8")
	f.clock.Add(time.Hour + time.Second)
	f.code(t, "y@example.org", "192.0.2.7")
}

func TestCodeNeedsKey(t *testing.T) {
	f := newFixture(t, func(c *auth.Config) { c.CodeKey = nil })
	_, err := f.store.CreateCode(f.ctx, auth.CodeRequest{Email: "ana@example.org", IP: "10.0.0.1", Browser: "b1"})
	if !errors.Is(err, auth.ErrNoCodeKey) {
		t.Fatalf("CreateCode without a key: %v", err)
	}
}

func TestSweep(t *testing.T) {
	f := newFixture(t, nil)
	f.code(t, "ana@example.org", "10.0.0.1")
	f.clock.Add(2 * time.Hour)
	n, err := f.store.Sweep(f.ctx)
	if err != nil || n != 2 { // the expired code and its send record
		t.Fatalf("Sweep = %d, %v; want 2", n, err)
	}
}

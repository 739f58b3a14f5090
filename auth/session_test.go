package auth_test

import (
	"errors"
	"testing"
	"time"

	"inboxdesk/auth"
)

func TestSessionLifecycle(t *testing.T) {
	f := newFixture(t, nil)
	c, err := f.tickets.EnsureCustomer(f.ctx, "ana@example.org", "es")
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.store.CreateSession(f.ctx, auth.RoleCustomer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.ID) < 43 || len(s.CSRF) < 43 || s.ID == s.CSRF {
		t.Fatalf("session id/csrf too short or equal: %d, %d", len(s.ID), len(s.CSRF))
	}
	got, err := f.store.SessionByID(f.ctx, s.ID)
	if err != nil || got.CustomerID != c.ID || got.Email != "ana@example.org" || got.Role != auth.RoleCustomer ||
		got.Language != "es" || got.CSRF != s.CSRF || got.ID != "" {
		t.Fatalf("SessionByID = %+v, %v", got, err)
	}
	var stored int
	if err := f.tickets.Pool().QueryRow(f.ctx, `SELECT count(*) FROM sessions WHERE id_hash = convert_to($1, 'UTF8')`,
		s.ID).Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("session id stored in clear (%d, %v)", stored, err)
	}
	if err := f.store.DeleteSession(f.ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SessionByID(f.ctx, s.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("after sign-out: %v", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t, nil)
	c, _ := f.tickets.EnsureCustomer(f.ctx, "ana@example.org", "")
	idle, _ := f.store.CreateSession(f.ctx, auth.RoleCustomer, c.ID)
	busy, _ := f.store.CreateSession(f.ctx, auth.RoleCustomer, c.ID)
	for range 20 { // 20 × 11 h: busy is used within every idle window
		f.clock.Add(11 * time.Hour)
		_, err := f.store.SessionByID(f.ctx, busy.ID)
		alive := f.clock.Now().Sub(busy.CreatedAt) < 7*24*time.Hour
		if alive != (err == nil) {
			t.Fatalf("after %v: busy session err = %v, want alive %v", f.clock.Now().Sub(busy.CreatedAt), err, alive)
		}
	}
	if _, err := f.store.SessionByID(f.ctx, idle.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("idle session still alive: %v", err)
	}
	if _, err := f.store.SessionByID(f.ctx, "nonsense"); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
}

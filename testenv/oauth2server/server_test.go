package oauth2server_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"inboxdesk/testenv/oauth2server"
)

func config(s *oauth2server.Server) *oauth2.Config {
	return &oauth2.Config{ClientID: s.ClientID(), Endpoint: oauth2.Endpoint{DeviceAuthURL: s.DeviceURL(),
		TokenURL: s.TokenURL(), AuthStyle: oauth2.AuthStyleInParams}}
}

// deviceToken runs the device flow, approving the printed user code.
func deviceToken(t *testing.T, s *oauth2server.Server) *oauth2.Token {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg := config(s)
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Approve(da.UserCode) {
		t.Fatalf("user code %q unknown to the server", da.UserCode)
	}
	tok, err := cfg.DeviceAccessToken(ctx, da)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestDeviceFlowRefreshRotationRevoke(t *testing.T) {
	s := oauth2server.New(t, oauth2server.Options{Rotate: true, AccessTTL: time.Second})
	tok := deviceToken(t, s)
	if !s.Active(s.Username(), tok.AccessToken) || s.Active("someone@else", tok.AccessToken) {
		t.Fatal("a fresh access token is not active for its user only")
	}
	time.Sleep(1100 * time.Millisecond)
	if s.Active(s.Username(), tok.AccessToken) {
		t.Fatal("an access token outlived its lifetime")
	}
	ctx := context.Background()
	next, err := config(s).TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatal(err)
	}
	if next.RefreshToken == tok.RefreshToken || !s.Active(s.Username(), next.AccessToken) {
		t.Fatal("refresh did not rotate the refresh token or give a live access token")
	}
	_, err = config(s).TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("reusing a rotated refresh token: %v, want invalid_grant", err)
	}
	s.RevokeAll()
	if _, err := config(s).TokenSource(ctx, &oauth2.Token{RefreshToken: next.RefreshToken}).Token(); !errors.As(err, &re) ||
		re.ErrorCode != "invalid_grant" {
		t.Fatalf("refresh after revoke: %v, want invalid_grant", err)
	}
	if s.Active(s.Username(), next.AccessToken) {
		t.Fatal("an access token survived the revoke")
	}
}

package oauth

import (
	"context"
	"fmt"
	"io"

	"golang.org/x/oauth2"
)

// Authorize runs the device authorization grant (RFC 8628) for g: it asks
// the provider for a user code, prints where to enter it, and waits for
// consent. On success g holds the new refresh and access tokens (not yet
// saved).
func (s *Store) Authorize(ctx context.Context, g *Grant, out io.Writer) error {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.opts.HTTP)
	cfg := g.config()
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		return fmt.Errorf("device authorization at %s: %s", g.DeviceURL, reason(err))
	}
	where := da.VerificationURI
	if da.VerificationURIComplete != "" {
		where = da.VerificationURIComplete
	}
	fmt.Fprintf(out, "To connect %s, open %s and enter the code %s\n", g.Name, where, da.UserCode)
	fmt.Fprintf(out, "Sign in there as the mailbox's account and consent; waiting until %s...\n",
		da.Expiry.Format("15:04:05"))
	t, err := cfg.DeviceAccessToken(ctx, da)
	if err != nil {
		return fmt.Errorf("waiting for consent: %s", reason(err))
	}
	if t.RefreshToken == "" {
		return fmt.Errorf("the provider gave no refresh token (ask for offline access: Microsoft needs the offline_access scope)")
	}
	g.RefreshToken, g.AccessToken = t.RefreshToken, t.AccessToken
	g.UseUntil = useUntil(s.opts.Now(), t.Expiry)
	return nil
}

package oauth

import (
	"context"
	"fmt"
	"io"

	"golang.org/x/oauth2"
)

// Authorize asks the provider for g's consent and waits for it: with the
// browser flow when g has an AuthURL (see browserFlow; redirectPort is its
// loopback port, 0 for any), else with the device authorization grant (RFC
// 8628), which prints a code to enter at the provider's address. On success
// g holds the new refresh and access tokens (not yet saved).
func (s *Store) Authorize(ctx context.Context, g *Grant, out io.Writer, redirectPort int) error {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.opts.HTTP)
	var t *oauth2.Token
	var err error
	if g.AuthURL != "" {
		t, err = browserFlow(ctx, g, out, redirectPort)
	} else {
		t, err = deviceFlow(ctx, g, out)
	}
	if err != nil {
		return err
	}
	if t.RefreshToken == "" {
		return fmt.Errorf("the provider gave no refresh token (ask for offline access: Microsoft needs the offline_access scope)")
	}
	g.RefreshToken, g.AccessToken = t.RefreshToken, t.AccessToken
	g.UseUntil = useUntil(s.opts.Now(), t.Expiry)
	return nil
}

func deviceFlow(ctx context.Context, g *Grant, out io.Writer) (*oauth2.Token, error) {
	cfg := g.config()
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		return nil, fmt.Errorf("device authorization at %s: %s", g.DeviceURL, reason(err))
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
		return nil, fmt.Errorf("waiting for consent: %s", reason(err))
	}
	return t, nil
}

package outbound

import (
	"context"
	"errors"
	"fmt"
)

// TokenSource gives the access tokens of OAuth2 grants (oauth.Store).
type TokenSource interface {
	AccessToken(ctx context.Context, grant string) (string, error)
}

// signInToken puts a live access token of the URL's grant (?oauth=NAME) in
// place of the password before a new connection signs in with XOAUTH2.
// Tokens are fetched per connection: a session kept open outlives its token
// harmlessly, as servers check it at AUTH only.
func (t *Transport) signInToken(ctx context.Context) error {
	if t.grant == "" {
		return nil
	}
	if t.tokens == nil {
		return errors.New("smtp: the URL signs in with OAuth2 but no grant store is configured")
	}
	tok, err := t.tokens.AccessToken(ctx, t.grant)
	if err != nil {
		return fmt.Errorf("smtp sign-in: %w", err)
	}
	t.client.SetPassword(tok)
	return nil
}

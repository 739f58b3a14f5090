package inbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// TokenSource gives the access tokens of OAuth2 grants (oauth.Store).
type TokenSource interface {
	// AccessToken returns a live access token of the named grant.
	AccessToken(ctx context.Context, grant string) (string, error)
	// Expire tells the source that the server refused token, so the next
	// AccessToken refreshes instead of handing it out again.
	Expire(ctx context.Context, grant, token string) error
}

// ErrNoTokenSource means a mailbox URL names an OAuth2 grant but the
// poller was given no TokenSource.
var ErrNoTokenSource = errors.New("mailbox signs in with OAuth2 but no grant store is configured")

// signIn logs in with the URL's password, or with an access token of its
// grant over SASL (OAUTHBEARER where offered, else XOAUTH2). A token the
// server refuses is expired at the source and one fresh token is tried.
func signIn(ctx context.Context, c *imapclient.Client, t Target) error {
	if t.OAuth == "" {
		return c.Login(t.User, t.Password).Wait()
	}
	if t.Tokens == nil {
		return ErrNoTokenSource
	}
	tok, err := t.Tokens.AccessToken(ctx, t.OAuth)
	if err != nil {
		return err
	}
	err = c.Authenticate(bearerClient(c, t, tok))
	var imapErr *imap.Error
	if err == nil || !errors.As(err, &imapErr) || imapErr.Type != imap.StatusResponseTypeNo {
		return err
	}
	return retryFresh(ctx, c, t, tok, err)
}

// retryFresh is the second try after the server refused tok (revoked
// early, or the clocks disagree on its expiry).
func retryFresh(ctx context.Context, c *imapclient.Client, t Target, tok string, first error) error {
	if err := t.Tokens.Expire(ctx, t.OAuth, tok); err != nil {
		return errors.Join(first, err)
	}
	tok, err := t.Tokens.AccessToken(ctx, t.OAuth)
	if err != nil {
		return fmt.Errorf("%w (after the server refused the access token: %v)", err, first)
	}
	return c.Authenticate(bearerClient(c, t, tok))
}

func bearerClient(c *imapclient.Client, t Target, tok string) sasl.Client {
	if c.Caps().Has("AUTH=OAUTHBEARER") {
		host, portStr, _ := net.SplitHostPort(t.Addr)
		port, _ := strconv.Atoi(portStr)
		return oauthBearer{sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: t.User, Token: tok,
			Host: host, Port: port})}
	}
	return xoauth2{user: t.User, token: tok}
}

// oauthBearer answers a failure challenge with the dummy response RFC 7628
// 3.2.3 asks for, so the server ends the exchange with its NO (go-sasl's
// client gives up without answering, leaving the command open).
type oauthBearer struct{ sasl.Client }

func (oauthBearer) Next([]byte) ([]byte, error) { return []byte{0x01}, nil }

// xoauth2 is Google's and Microsoft's SASL XOAUTH2: one initial response;
// on failure the server sends a JSON challenge answered with an empty line.
type xoauth2 struct{ user, token string }

func (x xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

func (xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }

// Package oauth keeps the OAuth2 grants mailboxes and the SMTP sender sign
// in with: named connections made once with the device authorization grant
// (RFC 8628), whose refresh token is stored (sealed) and whose access token
// is refreshed before it expires. Refreshing takes the grant's row lock
// (Keeper.Locked), and a rotated refresh token is saved in the transaction
// that records the refresh, so replicas sharing the database never lose
// it. A grant the provider refuses (invalid_grant: consent revoked,
// password changed, token expired) is marked broken and not tried again
// until it is renewed. The rows themselves are kept by the store package.
package oauth

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// Providers inboxdesk knows the endpoints of; "custom" takes them as flags.
const (
	Microsoft = "microsoft"
	Google    = "google"
	Custom    = "custom"
)

// DefaultScopes asks once for both IMAP and SMTP.
func DefaultScopes(provider string) []string {
	switch provider {
	case Microsoft:
		return []string{"https://outlook.office.com/IMAP.AccessAsUser.All",
			"https://outlook.office.com/SMTP.Send", "offline_access"}
	case Google:
		return []string{"https://mail.google.com/"}
	}
	return nil
}

// SetEndpoints fills in g's endpoints from its provider. Microsoft's depend
// on the tenant ("" means "organizations": any work or school account) and
// use the device flow. Google's device flow does not grant the mail scope,
// so Google uses the browser flow (authorization code, PKCE, a loopback
// redirect). Custom takes g's TokenURL and DeviceURL or AuthURL as given.
func SetEndpoints(g *Grant) error {
	switch g.Provider {
	case Microsoft:
		tenant := g.Tenant
		if tenant == "" {
			tenant = "organizations"
		}
		base := "https://login.microsoftonline.com/" + url.PathEscape(tenant) + "/oauth2/v2.0/"
		g.DeviceURL, g.AuthURL, g.TokenURL = base+"devicecode", "", base+"token"
		return nil
	case Google:
		g.DeviceURL, g.AuthURL = "", "https://accounts.google.com/o/oauth2/v2/auth"
		g.TokenURL = "https://oauth2.googleapis.com/token"
		return nil
	case Custom:
		if g.DeviceURL == "" && g.AuthURL == "" {
			return errors.New("provider custom needs --device-url (device flow) or --auth-url (browser flow)")
		}
		for _, u := range []struct{ flag, v string }{{"--device-url", g.DeviceURL}, {"--auth-url", g.AuthURL},
			{"--token-url", g.TokenURL}} {
			if p, err := url.Parse(u.v); (u.v != "" || u.flag == "--token-url") &&
				(err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "") {
				return fmt.Errorf("provider custom needs %s as an http(s) URL", u.flag)
			}
		}
		return nil
	}
	return fmt.Errorf("provider %q: want microsoft, google or custom", g.Provider)
}

// config is the x/oauth2 client configuration of g.
func (g *Grant) config() *oauth2.Config {
	return &oauth2.Config{ClientID: g.ClientID, ClientSecret: g.ClientSecret, Scopes: g.Scopes,
		Endpoint: oauth2.Endpoint{DeviceAuthURL: g.DeviceURL, AuthURL: g.AuthURL, TokenURL: g.TokenURL,
			AuthStyle: oauth2.AuthStyleInParams}}
}

// refused reports whether err is the provider refusing the grant for good
// (RFC 6749 5.2 invalid_grant), as opposed to an outage worth retrying.
func refused(err error) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == "invalid_grant"
}

// reason is a short, secret-free description of a failed token request.
func reason(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		s := re.ErrorCode
		if s == "" && re.Response != nil {
			s = re.Response.Status
		}
		if d := strings.TrimSpace(re.ErrorDescription); d != "" {
			s += ": " + firstLine(d)
		}
		return s
	}
	return firstLine(err.Error())
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

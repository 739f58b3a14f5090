package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"inboxdesk/push"
	"inboxdesk/storage"
	"inboxdesk/ticket"
)

// Register adds a webhook for url and events with a fresh secret, which it
// returns (shown once to whoever registers it). Unless allowPrivate, the URL
// must be https on a public host name (the push endpoints' rule).
func Register(ctx context.Context, store *storage.Store, rawURL string, events []string, allowPrivate bool) (int64, string, error) {
	if err := checkURL(rawURL, allowPrivate); err != nil {
		return 0, "", err
	}
	secret := NewSecret()
	id, err := store.AddWebhook(ctx, ticket.Webhook{URL: rawURL, Events: events, Secret: secret})
	return id, secret, err
}

// URLError is Register's answer for a URL webhooks may not call.
type URLError struct{ Err error }

func (e *URLError) Error() string { return e.Err.Error() }
func (e *URLError) Unwrap() error { return e.Err }

func checkURL(raw string, allowPrivate bool) error {
	if !allowPrivate {
		if err := push.CheckPublicURL(raw); err != nil {
			return &URLError{fmt.Errorf("webhook URL: %w (private and local targets need the allow-private setting)", err)}
		}
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return &URLError{errors.New("webhook URL must be an http or https URL")}
	}
	return nil
}

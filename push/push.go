// Package push delivers alerts by browser push (Web Push: RFC 8030 for the
// protocol, RFC 8291 for the payload's encryption, RFC 8292 for VAPID). It is
// the delivery.Deliverer for the alert channel "push": a notify-only payload
// (ticket number, reason, a signed link — never message content) goes to
// every device the customer subscribed.
//
// VAPID keys come from configuration (INBOXDESK_VAPID_PUBLIC_KEY and
// INBOXDESK_VAPID_PRIVATE_KEY, made by GenerateVAPIDKeys); without them
// LoadKeys generates a pair on first start and keeps it in the database,
// where every replica finds the same one.
package push

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"inboxdesk/lang"
	"inboxdesk/link"
	"inboxdesk/ticket"
)

// Defaults for zero Config fields.
const (
	DefaultTTL     = 24 * time.Hour   // a push a device does not fetch within a day is dropped
	DefaultUrgency = "normal"         // RFC 8030 §5.3
	DefaultTimeout = 30 * time.Second // per request to a push service
	// DefaultLinkTTL matches the email alert's link.
	DefaultLinkTTL = 14 * 24 * time.Hour
)

// Config is the push channel's configuration, checked once by NewDeliverer.
type Config struct {
	// Keys is the VAPID key pair (see LoadKeys).
	Keys ticket.VAPIDKeyPair
	// Subject is the contact the push services may reach us at, as RFC 8292
	// wants it: "mailto:ops@example.com" or an https URL.
	Subject string
	// LinkKeys signs the link in the payload, as in the email alert.
	LinkKeys *link.Keyring
	// BaseURL is the public base of the web view the link points into.
	BaseURL link.BaseURL
	// DefaultLanguage is used for an alert without one; "" means "en".
	DefaultLanguage string
	TTL             time.Duration // how long the push service keeps an undelivered push; zero means DefaultTTL
	Urgency         string        // "very-low", "low", "normal" or "high"; "" means DefaultUrgency
	LinkTTL         time.Duration // how long the link works; zero means DefaultLinkTTL
	// HTTPClient sends to the push services; nil means one with DefaultTimeout
	// that connects to public addresses only.
	HTTPClient *http.Client
	Now        func() time.Time // nil means time.Now
}

// Store is what the deliverer needs of the subscriptions; *storage.Store is one.
type Store interface {
	PushSubscriptionsByEmail(ctx context.Context, email string) ([]ticket.PushSubscription, error)
	PushSubscriptionsByAgent(ctx context.Context, agentID int64) ([]ticket.PushSubscription, error)
	DeletePushEndpoint(ctx context.Context, endpoint string) error
	MarkPushDelivered(ctx context.Context, id, alertID int64) error
}

// Deliverer sends push alerts; it is safe for concurrent use.
type Deliverer struct {
	cfg   Config
	store Store
	cat   *lang.Catalog // the notification texts
	log   *slog.Logger
}

// NewDeliverer checks cfg and fills its defaults. A nil logger discards logs.
func NewDeliverer(cfg Config, store Store, logger *slog.Logger) (*Deliverer, error) {
	if err := fillConfig(&cfg); err != nil {
		return nil, fmt.Errorf("push: %w", err)
	}
	if store == nil {
		return nil, errors.New("push: no subscription store")
	}
	cat, err := lang.Messages()
	if err != nil {
		return nil, fmt.Errorf("push: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Deliverer{cfg: cfg, store: store, cat: cat, log: logger}, nil
}

// SubscriptionStore is the store Open needs: subscriptions and the stored
// key pair; *storage.Store is one.
type SubscriptionStore interface {
	Store
	KeyStore
}

// Open loads the VAPID key pair (cfg.Keys when either half is set, else
// the pair kept in the database, generated on first start) and returns the
// deliverer. A nil logger discards logs.
func Open(ctx context.Context, cfg Config, store SubscriptionStore, logger *slog.Logger) (*Deliverer, error) {
	keys, err := LoadKeys(ctx, cfg.Keys, store)
	if err != nil {
		return nil, err
	}
	cfg.Keys = keys
	return NewDeliverer(cfg, store, logger)
}

// CheckSubject reports whether s is a contact RFC 8292 allows: a mailto:
// or https: URL.
func CheckSubject(s string) error {
	if !strings.HasPrefix(s, "mailto:") && !strings.HasPrefix(s, "https://") {
		return errors.New("must start with mailto: or https://")
	}
	return nil
}

func fillConfig(c *Config) error {
	if err := CheckKeys(c.Keys); err != nil {
		return err
	}
	if err := CheckSubject(c.Subject); err != nil {
		return fmt.Errorf("VAPID subject: %w", err)
	}
	if c.LinkKeys == nil || c.BaseURL.IsZero() {
		return errors.New("link keys and a base URL are required")
	}
	if c.Urgency == "" {
		c.Urgency = DefaultUrgency
	}
	if !validUrgency(c.Urgency) {
		return fmt.Errorf("unknown urgency %q", c.Urgency)
	}
	c.TTL = orDefault(c.TTL, DefaultTTL)
	c.LinkTTL = orDefault(c.LinkTTL, DefaultLinkTTL)
	if c.DefaultLanguage == "" {
		c.DefaultLanguage = "en"
	}
	if c.HTTPClient == nil {
		c.HTTPClient = publicOnlyClient(DefaultTimeout)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

func validUrgency(u string) bool {
	switch u {
	case "very-low", "low", "normal", "high":
		return true
	}
	return false
}

func orDefault(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

// PublicKey returns the VAPID public key the browser's
// PushManager.subscribe needs as applicationServerKey (base64url).
func (d *Deliverer) PublicKey() string { return d.cfg.Keys.Public }

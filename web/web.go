// Package web serves inboxdesk's pages: the customer view reached from an
// alert's magic link or by signing in with an emailed code (My tickets, a
// ticket's conversation, replies with attachments), and the shared
// machinery the agent view builds on — database-backed sessions with a role,
// CSRF protection, security headers, embedded templates in every language of
// the catalog (lang.Messages), sanitised email HTML and attachment download.
// Mail it asks for (a code, an invitation) is composed and sent by outbound.
//
// It talks to the database only through the ticket and auth stores.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"inboxdesk/auth"
	"inboxdesk/brand"
	"inboxdesk/link"
	"inboxdesk/storage"
)

// DefaultUploadTypes are the file types customers may attach when
// Config.UploadTypes is empty: common images, PDF and plain text. A file's
// type is sniffed from its bytes (http.DetectContentType), never taken from
// its name or the browser.
var DefaultUploadTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}

// Defaults for zero Config fields.
const (
	DefaultMaxUploadBytes = 10 << 20 // per file
	DefaultMaxUploadFiles = 10       // per message
	DefaultCodePageTTL    = 30 * time.Minute
	// DefaultMaxConcurrentUploads is how many forms with files are read at once.
	DefaultMaxConcurrentUploads = 8
)

// Config is the web view's configuration, parsed and checked once by the caller.
type Config struct {
	// BaseURL is the public address of the web view (scheme, host and an
	// optional path prefix). Links and redirects are built from it, never
	// from a request's Host header.
	BaseURL link.BaseURL
	// Keys verifies magic-link tokens and signs the short-lived token that
	// carries an address from the sign-in form to the code page.
	Keys *link.Keyring
	// UploadTypes lists the media types a customer may attach (sniffed);
	// empty means DefaultUploadTypes.
	UploadTypes []string
	// MaxUploadBytes is the largest file accepted; zero means DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// MaxUploadFiles is how many files one message may carry; zero means DefaultMaxUploadFiles.
	MaxUploadFiles int
	// MaxConcurrentUploads is how many forms with files the server reads at
	// once (each streams its files to temporary storage); more get 503. Zero
	// means DefaultMaxConcurrentUploads.
	MaxConcurrentUploads int
	// DefaultLanguage is used when neither a cookie, the customer's known
	// language nor Accept-Language picks one; "" means "en".
	DefaultLanguage string
	// SecureCookies marks cookies Secure; they are also Secure whenever
	// BaseURL is https.
	SecureCookies bool
	// ClientIPHeader names a header set by a trusted reverse proxy that
	// carries the client's address (e.g. "X-Forwarded-For": the last entry,
	// the one the proxy appended, is used). "" uses the connection's address.
	ClientIPHeader string
	// TrustedAuthservID names the mail server whose Authentication-Results
	// judge a held mail's sender again when an agent retries it
	// (mailparse.SenderAuthFailure); "" checks nothing.
	TrustedAuthservID string
	// CodePageTTL is how long the page that takes a sign-in code stays
	// valid after /login; zero means DefaultCodePageTTL.
	CodePageTTL time.Duration
	// Location is the time zone dates are shown in; nil means UTC.
	Location *time.Location
	// PushPublicKey is the VAPID public key (base64url, push.Deliverer's
	// PublicKey) browsers subscribe with; "" turns browser push alerts off
	// (no control on the pages, no subscribe endpoint).
	PushPublicKey string
	// WebhookAllowPrivate lets admins register webhooks that call private,
	// loopback and plain-http addresses (webhook.Register).
	WebhookAllowPrivate bool
	// Brand is the company's name, logo and colour in the page header, and
	// its help centre in the navigation; the zero Brand shows the product name.
	Brand brand.Brand
}

// CodeMailer sends a one-time code to an address. The message should carry
// the code on a line of its own and nothing that opens anything by itself.
type CodeMailer interface {
	SendCode(ctx context.Context, to, code, lang string) error
}

// InviteMailer sends an agent's invitation: the link that, with a code
// sent to the same address, lets them set their password.
type InviteMailer interface {
	SendInvite(ctx context.Context, to, name, link, lang string) error
}

// Deps are the services the web view uses.
type Deps struct {
	Tickets *storage.Store
	Auth    *auth.Store
	Codes   CodeMailer
	// Invites sends agents' invitations; nil means Codes when it is an
	// InviteMailer (outbound.CodeMail is), else the team page cannot invite.
	Invites InviteMailer
	// Live feeds the agent pages' live updates (see Live); nil turns them
	// off (the pages still show the same on reload).
	Live   *Live
	Logger *slog.Logger     // nil discards logs
	Now    func() time.Time // nil means time.Now
}

// Server holds the web view's state; its methods are the handlers.
type Server struct {
	cfg      Config
	deps     Deps
	log      *slog.Logger
	basePath string // BaseURL's path without the trailing slash ("" at the root)
	views    *views
	secure   bool
	// fragments keeps rendered conversations (see conversation).
	fragments *fragmentCache
	// searchCounts keeps recent searches' tab counts (see searchCountsFresh).
	searchCounts *searchCounts
	// uploads holds a token for each form with files being read.
	uploads  chan struct{}
	brandCSS string // the brand's colours (brandCSSShow)
	// brandCSSURL is brandCSS's address, with its version.
	brandCSSURL string
	csp         string // Content-Security-Policy of every page (contentPolicy)
}

// New checks cfg, parses the embedded templates (failing if a view or a
// translation is missing) and returns the web view's handler.
func New(cfg Config, deps Deps) (http.Handler, error) {
	s, err := newServer(cfg, deps)
	if err != nil {
		return nil, err
	}
	return s.handler(), nil
}

func newServer(cfg Config, deps Deps) (*Server, error) {
	if err := fillConfig(&cfg); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if deps.Tickets == nil || deps.Auth == nil || deps.Codes == nil {
		return nil, errors.New("web: Deps needs Tickets, Auth and Codes")
	}
	if deps.Invites == nil {
		deps.Invites, _ = deps.Codes.(InviteMailer)
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	s := &Server{cfg: cfg, deps: deps, log: deps.Logger,
		basePath: cfg.BaseURL.Path(),
		secure:   cfg.SecureCookies || cfg.BaseURL.Secure(), fragments: newFragmentCache(defaultFragmentBytes),
		searchCounts: newSearchCounts(deps.Now),
		uploads:      make(chan struct{}, cfg.MaxConcurrentUploads)}
	v, err := parseViews(s.funcs())
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if !v.hasLanguage(cfg.DefaultLanguage) {
		return nil, fmt.Errorf("web: no translation for default language %q", cfg.DefaultLanguage)
	}
	s.views = v
	s.brandCSS = brandCSS(cfg.Brand.ColorOrDefault(), cfg.Brand.OnColor())
	s.brandCSSURL = s.path("/brand.css?v=" + cssVersion(s.brandCSS))
	s.csp = contentPolicy(cfg.Brand.LogoURL)
	return s, nil
}

func fillConfig(c *Config) error {
	if c.BaseURL.IsZero() {
		return errors.New("no BaseURL")
	}
	if c.Keys == nil {
		return errors.New("no link keys")
	}
	if len(c.UploadTypes) == 0 {
		c.UploadTypes = DefaultUploadTypes
	}
	if c.MaxUploadBytes <= 0 {
		c.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if c.MaxUploadFiles <= 0 {
		c.MaxUploadFiles = DefaultMaxUploadFiles
	}
	if c.MaxConcurrentUploads <= 0 {
		c.MaxConcurrentUploads = DefaultMaxConcurrentUploads
	}
	if c.CodePageTTL <= 0 {
		c.CodePageTTL = DefaultCodePageTTL
	}
	if c.DefaultLanguage == "" {
		c.DefaultLanguage = "en"
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	return nil
}

func (s *Server) now() time.Time { return s.deps.Now() }

// path returns an absolute path under the base URL's prefix.
func (s *Server) path(p string) string { return s.basePath + p }

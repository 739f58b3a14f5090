// Package outbound tells customers that their ticket changed: it composes
// notify-only alert emails carrying a signed magic link, sends them over
// SMTP and retries or fails them visibly (DESIGN.md, promises 4, 5 and 7).
package outbound

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"inboxdesk/brand"
	"inboxdesk/delivery"
	"inboxdesk/lang"
	"inboxdesk/link"
	"inboxdesk/ticket"
)

// DefaultLinkTTL is how long an alert's link works when ComposeConfig.LinkTTL is zero.
const DefaultLinkTTL = 14 * 24 * time.Hour

// ComposeConfig is what composing an alert needs besides the job.
type ComposeConfig struct {
	From            ticket.Address // the no-reply sender, also the SMTP envelope sender
	Keys            *link.Keyring  // signs the links
	BaseURL         link.BaseURL   // public base of the web view, e.g. https://help.example.com
	LinkTTL         time.Duration  // how long a link works; zero means DefaultLinkTTL
	DefaultLanguage string         // used when the job has none or one without templates; "" means "en"
	Domain          string         // value of the loop header; "" means the domain of From
	Brand           brand.Brand    // name, logo, colour, help centre and footer; no name means From's name
	Now             func() time.Time
}

// Composer renders alerts for one configuration. It is safe for concurrent use.
type Composer struct {
	cfg         ComposeConfig
	templates   *alertTemplates
	settingsURL string
}

// settingsPath is the customer's page section where they choose how and in
// which language alerts reach them.
const settingsPath = "/my#alerts"

// NewComposer checks c, fills its defaults and parses the embedded templates.
func NewComposer(c ComposeConfig) (*Composer, error) {
	if err := fillComposeConfig(&c); err != nil {
		return nil, fmt.Errorf("outbound: %w", err)
	}
	set, err := parseTemplates()
	if err != nil {
		return nil, fmt.Errorf("outbound: %w", err)
	}
	return &Composer{cfg: c, templates: set, settingsURL: c.BaseURL.Join(settingsPath)}, nil
}

func fillComposeConfig(c *ComposeConfig) error {
	if err := checkAddress(c.From.Email); err != nil {
		return fmt.Errorf("from address: %w", err)
	}
	if c.Keys == nil {
		return errors.New("no link keys")
	}
	if c.BaseURL.IsZero() {
		return errors.New("no base URL")
	}
	if c.LinkTTL < 0 {
		return errors.New("negative link lifetime")
	}
	if c.LinkTTL == 0 {
		c.LinkTTL = DefaultLinkTTL
	}
	switch n := lang.Normalize(c.DefaultLanguage); {
	case c.DefaultLanguage == "":
		c.DefaultLanguage = "en"
	case n == "":
		return fmt.Errorf("no templates for default language %q (have %s)", c.DefaultLanguage, strings.Join(lang.Supported, ", "))
	default:
		c.DefaultLanguage = n
	}
	if c.Brand.Name == "" {
		c.Brand.Name = cleanName(c.From.Name)
	}
	if c.Brand.Name == "" {
		c.Brand.Name = c.From.Email[strings.LastIndexByte(c.From.Email, '@')+1:]
	}
	if c.Domain == "" {
		c.Domain = c.From.Email[strings.LastIndexByte(c.From.Email, '@')+1:]
	}
	if strings.ContainsAny(c.Domain, " \t\r\n") {
		return fmt.Errorf("domain %q contains white space", c.Domain)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// From is the configured sender address.
func (c *Composer) From() ticket.Address { return c.cfg.From }

// Compose is NewComposer(c) and then Composer.Compose(job); a long-running
// sender builds one Composer instead.
func Compose(job ticket.AlertJob, c ComposeConfig) ([]byte, error) {
	comp, err := NewComposer(c)
	if err != nil {
		return nil, err
	}
	return comp.Compose(job)
}

// Compose renders job as a complete RFC 5322 message: multipart/alternative
// with a text and an HTML part, in the job's language (else the default),
// with a link signed for the job's ticket and recipient. A job that can
// never be sent (bad address or Message-ID, unknown reason) gives an error
// for which delivery.IsPermanent is true.
func (c *Composer) Compose(job ticket.AlertJob) ([]byte, error) {
	if job.AgentID != 0 {
		return c.composeNotice(job)
	}
	if err := checkJob(job); err != nil {
		return nil, delivery.Permanent(fmt.Errorf("compose alert %d: %w", job.ID, err))
	}
	lang := c.language(job.Language)
	now := c.cfg.Now()
	token := c.cfg.Keys.Sign(link.Claims{
		Ticket:  job.TicketNumber,
		Email:   job.Recipient.Email,
		Purpose: link.PurposeTicket,
		Expires: now.Add(c.cfg.LinkTTL),
	})
	view := c.templates.view(lang, alertFacts{Number: job.TicketNumber, Reason: job.Reason}, c.cfg.Brand)
	view.Subject = oneLine(job.Subject)
	view.MailSubject = mailSubject(view.Heading, job.TicketNumber, view.Subject)
	view.URL = link.URL(c.cfg.BaseURL, job.TicketNumber, token)
	view.SettingsURL = c.settingsURL
	r, err := c.templates.render("alert", view)
	if err != nil {
		return nil, fmt.Errorf("compose alert %d: %w", job.ID, err)
	}
	raw, err := c.message(job, lang, r, now)
	if err != nil {
		return nil, fmt.Errorf("compose alert %d: %w", job.ID, err)
	}
	return raw, nil
}

func checkJob(job ticket.AlertJob) error {
	if !slices.Contains(reasons, job.Reason) {
		return fmt.Errorf("unknown reason %q", job.Reason)
	}
	if err := checkAddress(job.Recipient.Email); err != nil {
		return fmt.Errorf("recipient: %w", err)
	}
	if err := checkMessageID(job.MessageID); err != nil {
		return fmt.Errorf("Message-ID: %w", err)
	}
	return nil
}

// language picks the catalog's language for l ("es-MX" uses "es"), else
// the default.
func (c *Composer) language(l string) string {
	if n := lang.Normalize(l); n != "" {
		return n
	}
	return c.cfg.DefaultLanguage
}
